"""Coaches' weekly reflections: the modal (from the prompt, the Home tab or `/coach reflect`), its
submission, and "Share with my principal" on its receipt. Log lines carry ids, never the reflection."""

from __future__ import annotations

from datetime import date

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot import ids, logs
from bot.callers import caller_of
from bot.coaching_requests import CoachingState, clicked_id, clicked_value, known
from bot.errors import FieldErrors
from bot.notices import coaching as notices
from bot.openers import open_weekly_reflection
from bot.payloads import json_object
from bot.runtime import Runtime
from workflows.coaching.errors import Field, InvalidEntry, NotAllowed
from workflows.coaching.models import KEY_MAX
from workflows.coaching.reflections import Saved, save_reflection, share_with_principal
from workflows.db import in_transaction
from workflows.refusals import Refusal

ONLY_THE_AUTHOR = "Only the coach who wrote this reflection can share it."
_log = logs.logger("coaching")


def _day(text: object) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) and text else None
    except ValueError:
        return None


def register(app: App, runtime: Runtime) -> None:
    @app.action(ids.WEEKLY_REFLECTION_OPEN)
    def open_reflection(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        open_weekly_reflection(
            runtime, client, ack=ack, trigger_id=body["trigger_id"], viewer=caller_of(context).acting(),
            week=_day(clicked_value(body)),
        )  # fmt: skip

    @app.view(ids.WEEKLY_REFLECTION_MODAL)
    def submitted(ack: Ack, body: dict, context: BoltContext) -> None:
        view = body["view"]
        meta = json_object(view.get("private_metadata"))
        key = str(meta.get("key") or f"view:{view['id']}")[:KEY_MAX]
        state = CoachingState(view)
        viewer = caller_of(context).acting()

        def work(session: Session) -> Saved:
            saved = save_reflection(
                session, viewer=viewer, key=key, week=_day(meta.get("week")),
                went_well=state.text(ids.WEEKLY_WENT_WELL_BLOCK, ids.WEEKLY_WENT_WELL_INPUT),
                learned=state.text(ids.WEEKLY_LEARNED_BLOCK, ids.WEEKLY_LEARNED_INPUT),
                try_next=state.text(ids.WEEKLY_TRY_NEXT_BLOCK, ids.WEEKLY_TRY_NEXT_INPUT),
                support=state.text(ids.WEEKLY_SUPPORT_BLOCK, ids.WEEKLY_SUPPORT_INPUT), now=runtime.clock(),
            )  # fmt: skip
            if saved.changed:
                notices.reflection_saved(session, saved.reflection, change=key)
            return saved

        blocks = {
            Field.WENT_WELL: ids.WEEKLY_WENT_WELL_BLOCK,
            Field.LEARNED: ids.WEEKLY_LEARNED_BLOCK,
            Field.TRY_NEXT: ids.WEEKLY_TRY_NEXT_BLOCK,
            Field.SUPPORT: ids.WEEKLY_SUPPORT_BLOCK,
        }
        try:
            saved = in_transaction(runtime.sessions, work)
        except InvalidEntry as invalid:
            raise FieldErrors({blocks.get(k, ids.WEEKLY_WENT_WELL_BLOCK): v for k, v in invalid.errors.items()}) from None
        except NotAllowed:
            raise FieldErrors({ids.WEEKLY_WENT_WELL_BLOCK: "Weekly reflections are for coaches."}) from None
        ack()
        _log.info("weekly reflection=%s week=%s changed=%s", saved.reflection.id, saved.reflection.week_of, saved.changed)
        runtime.wake_deliveries()

    @app.action(ids.WEEKLY_SHARE_WITH_PRINCIPAL)
    def share(ack: Ack, body: dict, context: BoltContext) -> None:
        reflection_id = clicked_id(body)
        viewer = caller_of(context).acting()

        def work(session: Session) -> None:
            shared = share_with_principal(session, viewer=viewer, reflection_id=known(reflection_id), now=runtime.clock())
            if shared.first_time:
                notices.reflection_shared(session, shared)

        try:
            in_transaction(runtime.sessions, work)
        except NotAllowed:
            raise Refusal(ONLY_THE_AUTHOR) from None
        ack()
        runtime.wake_deliveries()
