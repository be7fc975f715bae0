"""The rotation in Slack: the morning DM's buttons (Log visit, Skip, Swap, and Undo after a Swap that
found nobody to fit).

Skip, Swap and Undo change the stored day (`workflows.rotation.changes`), then the DM is updated in place
through the outbox (`bot/notices/rotation.py`); a click on the Home tab republishes the Home instead.
Refusals ("That visit isn't on your plan") are raised and told by the error handler (`bot/errors.py`).
"""

from __future__ import annotations

import json

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks import rotation as blocks
from bot.callers import Caller, caller_of
from bot.errors import answer_in_place, tell
from bot.home import publish_home
from bot.notices import rotation as notices
from bot.openers import open_walkthrough_modal
from bot.payloads import json_object
from bot.runtime import Runtime
from workflows.db import transaction
from workflows.rotation.changes import planned_visit, restore_visit, skip_visit, swap_visit, visit_view
from workflows.rotation.leaders import acting_leader


def register(app: App, runtime: Runtime) -> None:
    @app.action(ids.ROTATION_LOG_VISIT)
    def log_visit(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        caller = caller_of(context)
        with transaction(runtime.sessions) as session:
            visit = planned_visit(session, key=_value(body), leader_id=acting_leader(caller.profile))
        open_walkthrough_modal(
            runtime, client, trigger_id=body["trigger_id"], viewer=caller.acting(), teacher_id=visit.teacher_id,
            school_id=visit.school_id, class_id=visit.class_id, period=visit.period, planned_visit_key=visit.key,
        )  # fmt: skip

    @app.action(ids.ROTATION_SKIP)
    def skip(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        key = _value(body)
        with transaction(runtime.sessions) as session:
            visit = visit_view(session, key=key, leader_id=acting_leader(caller_of(context).profile))
        metadata = json.dumps({"key": key, "home": _from_home(body)}, separators=(",", ":"))
        client.views_open(trigger_id=body["trigger_id"], view=blocks.skip_modal(visit, metadata=metadata))

    @app.view(ids.ROTATION_SKIP_MODAL)
    def skip_submitted(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        meta = json_object(body["view"].get("private_metadata"))
        values = body["view"].get("state", {}).get("values", {})
        reason = (
            values.get(ids.ROTATION_SKIP_REASON_BLOCK, {})
            .get(ids.ROTATION_SKIP_REASON_INPUT, {})
            .get("value")
        ) or ""
        caller = caller_of(context)
        with transaction(runtime.sessions) as session:
            day = skip_visit(
                session, key=str(meta.get("key", "")), leader_id=acting_leader(caller.profile), reason=reason,
                now=runtime.clock(),
            )  # fmt: skip
            notices.day_changed(session, day)
        ack()
        _after_change(runtime, client, caller, home=bool(meta.get("home")))

    @app.action(ids.ROTATION_SWAP)
    def swap(ack: Ack, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
        ack()
        caller = caller_of(context)
        key = _value(body)
        with transaction(runtime.sessions) as session:
            result = swap_visit(
                session, key=key, leader_id=acting_leader(caller.profile), now=runtime.clock()
            )
            notices.day_changed(session, result.leader_day)
        dropped = next((v for v in result.leader_day.visits if v.key == key), None)
        if not result.replaced and dropped is not None:  # nobody else fits: say so, with a way back
            text = blocks.swap_dropped_text(dropped)
            tell(body, text, respond=respond, client=client, blocks=blocks.swap_dropped(dropped))
        _after_change(runtime, client, caller, home=_from_home(body))

    @app.action(ids.ROTATION_UNDO_SWAP)
    def undo_swap(ack: Ack, body: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
        ack()
        caller = caller_of(context)
        key = _value(body)
        with transaction(runtime.sessions) as session:
            day = restore_visit(
                session, key=key, leader_id=acting_leader(caller.profile), now=runtime.clock()
            )
            notices.day_changed(session, day)
        restored = next(v for v in day.visits if v.key == key)
        answer_in_place(body, blocks.visit_restored(restored), respond=respond, client=client)
        # Undo is offered in a modal when the Swap came from the Home tab: the Home shows the visit again.
        _after_change(runtime, client, caller, home=_from_home(body))


def _after_change(runtime: Runtime, client: WebClient, caller: Caller, *, home: bool) -> None:
    runtime.wake_deliveries()
    if home:
        publish_home(runtime, client, caller)


def _value(body: dict) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")[:255]


def _from_home(body: dict) -> bool:
    return (body.get("container") or {}).get("type") == "view"
