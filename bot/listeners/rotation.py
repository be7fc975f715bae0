"""The rotation in Slack: the morning DM's buttons (Log visit, Skip, Swap), `/rounds today|coverage`, and
the leader's "Today" section of the App Home.

Skip and Swap change the stored day (`workflows.rotation.changes`), then the DM is updated in place
through the outbox (`chat.update` with `update_of` the DM's key, one update per change); a click on the
Home tab republishes the Home instead.
"""

from __future__ import annotations

import json
from datetime import datetime

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot import ids, logs
from bot.blocks import rotation as blocks
from bot.blocks.walkthroughs import refusal_modal
from bot.listeners.payloads import json_object
from bot.notices import rotation as notices
from bot.runtime import Runtime
from bot.slack_directory import SlackUserDirectory
from workflows.db import transaction
from workflows.roster.service import StaffProfile, identify
from workflows.rotation.changes import planned_visit, skip_visit, swap_visit, visit_view
from workflows.rotation.coverage import coverage_for_leader
from workflows.rotation.days import leader_days_today
from workflows.rotation.leaders import RotationError, acting_leader, is_leader

_log = logs.logger("rotation")


# ── /rounds today, /rounds coverage, and the Home section ────────────────────────────────────────────


def today_answer(runtime: Runtime, profile: StaffProfile, rest: str) -> dict:
    """`/rounds today`: the leader's visits today at each school they lead (as planned and stored)."""
    if not is_leader(profile):
        return blocks.refusal(blocks.LEADERS_ONLY)
    with transaction(runtime.sessions) as session:
        days = leader_days_today(session, leader_id=profile.person.id or 0, now=runtime.clock())
    return blocks.today_reply(days)


def coverage_answer(runtime: Runtime, profile: StaffProfile, rest: str) -> dict:
    """`/rounds coverage`: the teachers the leader has not seen this cycle, longest first."""
    if not is_leader(profile):
        return blocks.refusal(blocks.LEADERS_ONLY)
    with transaction(runtime.sessions) as session:
        found = coverage_for_leader(session, leader_id=profile.person.id or 0, now=runtime.clock())
    return blocks.coverage_reply(found)


def leader_today(session: Session, profile: StaffProfile, now: datetime) -> list[dict]:
    """The App Home's "Today" and "Coverage" for a leader (a `HomeSection` builder)."""
    leader_id = profile.person.id or 0
    days = leader_days_today(session, leader_id=leader_id, now=now)
    return blocks.home_section(days, coverage_for_leader(session, leader_id=leader_id, now=now))


# ── the DM's buttons ─────────────────────────────────────────────────────────────────────────────────


def register(app: App, runtime: Runtime) -> None:
    @app.action(ids.ROTATION_LOG_VISIT)
    def log_visit(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        from bot.listeners.walkthroughs import open_walkthrough_modal

        user_id, key = body["user"]["id"], _value(body)
        with transaction(runtime.sessions) as session:
            try:
                visit = planned_visit(session, key=key, leader_id=_leader_id(session, client, user_id))
            except RotationError as refused:
                problem, visit = str(refused), None
            else:
                problem = None
        if visit is None:
            client.views_open(trigger_id=body["trigger_id"], view=refusal_modal(problem or ""))
            return
        open_walkthrough_modal(
            runtime, client, trigger_id=body["trigger_id"], slack_user_id=user_id, teacher_id=visit.teacher_id,
            school_id=visit.school_id, class_id=visit.class_id, period=visit.period, planned_visit_key=visit.key,
        )  # fmt: skip

    @app.action(ids.ROTATION_SKIP)
    def skip(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        user_id, key = body["user"]["id"], _value(body)
        with transaction(runtime.sessions) as session:
            try:
                visit = visit_view(session, key=key, leader_id=_leader_id(session, client, user_id))
            except RotationError as refused:
                _tell(body, respond, str(refused))
                return
        metadata = json.dumps({"key": key, "home": _from_home(body)}, separators=(",", ":"))
        client.views_open(trigger_id=body["trigger_id"], view=blocks.skip_modal(visit, metadata=metadata))

    @app.view(ids.ROTATION_SKIP_MODAL)
    def skip_submitted(ack: Ack, body: dict, client: WebClient) -> None:
        meta = json_object(body["view"].get("private_metadata"))
        values = body["view"].get("state", {}).get("values", {})
        reason = (
            values.get(ids.ROTATION_SKIP_REASON_BLOCK, {})
            .get(ids.ROTATION_SKIP_REASON_INPUT, {})
            .get("value")
        ) or ""
        user_id = body["user"]["id"]
        try:
            with transaction(runtime.sessions) as session:
                day = skip_visit(
                    session, key=str(meta.get("key", "")), leader_id=_leader_id(session, client, user_id),
                    reason=reason, now=runtime.clock(),
                )  # fmt: skip
                notices.day_changed(session, day)
        except RotationError as refused:
            ack(response_action="errors", errors={ids.ROTATION_SKIP_REASON_BLOCK: str(refused)})
            return
        ack()
        _after_change(runtime, client, user_id, home=bool(meta.get("home")))

    @app.action(ids.ROTATION_SWAP)
    def swap(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        user_id, key = body["user"]["id"], _value(body)
        try:
            with transaction(runtime.sessions) as session:
                result = swap_visit(
                    session, key=key, leader_id=_leader_id(session, client, user_id), now=runtime.clock()
                )
                notices.day_changed(session, result.leader_day)
        except RotationError as refused:
            _tell(body, respond, str(refused))
            return
        if not result.replaced:
            _tell(body, respond, blocks.SWAP_DROPPED)
        _after_change(runtime, client, user_id, home=_from_home(body))


def _after_change(runtime: Runtime, client: WebClient, user_id: str, *, home: bool) -> None:
    runtime.wake_deliveries()
    if home:
        from bot.listeners.home import publish_home

        publish_home(runtime, client, slack_user_id=user_id)


def _leader_id(session: Session, client: WebClient, slack_user_id: str) -> int:
    """The clicking leader's person id; RotationError for anyone who is not a leader."""
    return acting_leader(identify(session, slack_user_id=slack_user_id, emails=SlackUserDirectory(client)))


def _value(body: dict) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("value") or "")[:255]


def _from_home(body: dict) -> bool:
    return (body.get("container") or {}).get("type") == "view"


def _tell(body: dict, respond: Respond, text: str) -> None:
    """A short ephemeral answer to a click in a message; clicks on the Home tab have nowhere to put it."""
    if body.get("response_url"):
        respond(text=text, response_type="ephemeral", replace_original=False)
    else:
        _log.info("rotation action refused without a reply channel: %s", text)
