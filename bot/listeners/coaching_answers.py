"""The buttons on coaching messages: the teacher's (add a reflection, let's talk again), the coach's Edit,
and "Done" on an action step (either of the note's two readers).

Answers are written first and acknowledged after, so a click is recorded before Slack hears back; the
notices go through the outbox in the same transaction.
"""

from __future__ import annotations

import json
from datetime import date

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot import ids
from bot.blocks import coaching as blocks
from bot.blocks import coaching_modals as modals
from bot.callers import caller_of
from bot.coaching_requests import CoachingMeta, CoachingState, clicked_id, clicked_value, known
from bot.errors import FieldErrors
from bot.notices import coaching as notices
from bot.payloads import as_int, json_object
from bot.runtime import Runtime
from bot.walkthrough_requests import new_key
from workflows.coaching.answers import add_reflection, mark_step_done, reflection_context, request_talk
from workflows.coaching.errors import InvalidEntry, NotAllowed
from workflows.coaching.follow_ups import follow_up_for
from workflows.coaching.modal import edit_context
from workflows.coaching.models import KEY_MAX
from workflows.db import in_transaction, transaction
from workflows.refusals import Refusal


def register(app: App, runtime: Runtime) -> None:
    @app.action(ids.COACHING_REFLECT)
    def reflect(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        # Read (or refuse) first, then acknowledge: a refusal is then the acknowledgement itself.
        viewer = caller_of(context).acting()
        try:
            with transaction(runtime.sessions) as session:
                view = reflection_context(session, viewer=viewer, entry_id=known(clicked_id(body)))
        except NotAllowed:
            raise Refusal(blocks.ONLY_THE_TEACHER) from None
        meta = json.dumps({"entry_id": view.id, "key": new_key("cr")})
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=modals.reflection_modal(view, metadata=meta))

    @app.view(ids.COACHING_REFLECTION_MODAL)
    def reflection_submitted(ack: Ack, body: dict, context: BoltContext) -> None:
        view = body["view"]
        meta = json_object(view.get("private_metadata"))
        entry_id = as_int(meta.get("entry_id"))
        key = str(meta.get("key") or f"view:{view['id']}")[:KEY_MAX]
        text = CoachingState(view).text(ids.COACHING_REFLECTION_BLOCK, ids.COACHING_REFLECTION_INPUT)
        viewer = caller_of(context).acting()

        def work(session: Session) -> None:
            reflected = add_reflection(
                session, viewer=viewer, entry_id=known(entry_id), key=key, text=text, now=runtime.clock()
            )
            if reflected.created:
                notice = blocks.reflection_notice(reflected.entry, text.strip())
                notices.teacher_answered(
                    session, reflected.entry, suffix=f"reflection:{reflected.reflection_id}", notice=notice
                )

        try:
            in_transaction(runtime.sessions, work)
        except InvalidEntry as invalid:
            raise FieldErrors({ids.COACHING_REFLECTION_BLOCK: next(iter(invalid.errors.values()))}) from None
        except NotAllowed:
            raise FieldErrors({ids.COACHING_REFLECTION_BLOCK: blocks.ONLY_THE_TEACHER}) from None
        ack()
        runtime.wake_deliveries()

    @app.action(ids.COACHING_TALK)
    def talk(ack: Ack, body: dict, context: BoltContext) -> None:
        entry_id = clicked_id(body)
        viewer = caller_of(context).acting()

        def work(session: Session) -> None:
            answered = request_talk(session, viewer=viewer, entry_id=known(entry_id), now=runtime.clock())
            if answered.first_time:
                notices.teacher_answered(
                    session, answered.entry, suffix="talk", notice=blocks.talk_request(answered.entry)
                )

        try:
            in_transaction(runtime.sessions, work)
        except NotAllowed:
            raise Refusal(blocks.ONLY_THE_TEACHER) from None
        ack()
        runtime.wake_deliveries()

    @app.action(ids.COACHING_STEP_DONE)
    def step_done(ack: Ack, body: dict, context: BoltContext) -> None:
        step, _, day = clicked_value(body).partition(":")
        step_id, follow_up_day = as_int(step), _day(day)
        viewer = caller_of(context).acting()

        def work(session: Session) -> None:
            answered = mark_step_done(session, viewer=viewer, step_id=known(step_id), now=runtime.clock())
            if not answered.first_time:
                return
            change = f"step:{step_id}:done"
            notices.steps_changed(session, answered.entry, change=change)
            if follow_up_day is not None:  # the morning's follow-ups that list it show it done, in place
                entry = answered.entry
                for person, role in ((entry.coach_id, "coach"), (entry.teacher_id, "teacher")):
                    found = follow_up_for(
                        session, person_id=person, role=role, school_id=entry.school_id, day=follow_up_day
                    )
                    if found is not None:
                        notices.follow_up_changed(session, found, change=change)

        try:
            in_transaction(runtime.sessions, work)
        except NotAllowed:
            raise Refusal(blocks.NOT_YOURS) from None
        ack()
        runtime.wake_deliveries()

    @app.action(ids.COACHING_EDIT)
    def edit(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        viewer = caller_of(context).acting()
        try:
            with transaction(runtime.sessions) as session:
                modal = edit_context(session, viewer=viewer, entry_id=known(clicked_id(body)), now=runtime.clock())
        except NotAllowed:
            raise Refusal(blocks.ONLY_THE_AUTHOR_EDITS) from None
        meta = CoachingMeta(key=new_key("co"), editing_id=modal.editing_id, revision=modal.revision)
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=modals.coaching_modal(modal, metadata=meta.dump()))


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
