"""The buttons after a visit: the teacher's (thanks, reflect, let's talk) and the leader's (edit, record the
conversation).

Answers are written first and acknowledged after, so a click is recorded before Slack hears back; the
notices go through the outbox in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot import ids
from bot.blocks import walkthrough_modals as modals
from bot.blocks import walkthroughs as blocks
from bot.callers import caller_of
from bot.errors import FieldErrors
from bot.notices import walkthroughs as notices
from bot.payloads import as_int, json_object
from bot.runtime import Runtime
from bot.walkthrough_requests import (
    ModalMeta,
    ModalState,
    clicked_id,
    known,
    new_key,
    read_clicked,
)
from workflows.db import in_transaction
from workflows.refusals import Refusal
from workflows.walkthroughs.answers import (
    Answered,
    add_reflection,
    conversation_context,
    record_conversation,
    reflection_context,
    request_conversation,
    thank,
)
from workflows.walkthroughs.errors import Field, InvalidWalkthrough, NotAllowed, TooLate
from workflows.walkthroughs.modal import edit_context
from workflows.walkthroughs.models import KEY_MAX
from workflows.walkthroughs.views import WalkthroughView, walkthrough_for


def register(app: App, runtime: Runtime) -> None:
    _register_teacher_buttons(app, runtime)
    _register_leader_buttons(app, runtime)


# ── the teacher's buttons ────────────────────────────────────────────────────────────────────────────


def _register_teacher_buttons(app: App, runtime: Runtime) -> None:
    def answer(
        ack: Ack,
        body: dict,
        context: BoltContext,
        act: Callable[..., Answered],
        notice: Callable[[WalkthroughView], dict],
        suffix: str,
    ) -> None:
        walkthrough_id = clicked_id(body)
        viewer = caller_of(context).acting()

        def work(session: Session) -> None:
            answered = act(session, viewer=viewer, walkthrough_id=known(walkthrough_id), now=runtime.clock())
            if answered.first_time:
                notices.teacher_answered(
                    session, answered.walkthrough, suffix=suffix, notice=notice(answered.walkthrough)
                )

        # A quick write, then the acknowledgement: the click is recorded before Slack hears back.
        try:
            in_transaction(runtime.sessions, work)
        except NotAllowed:
            raise Refusal(blocks.ONLY_THE_TEACHER) from None
        ack()
        runtime.wake_deliveries()

    @app.action(ids.WALKTHROUGH_THANKS)
    def thanks(ack: Ack, body: dict, context: BoltContext) -> None:
        answer(ack, body, context, thank, blocks.thanks_notice, "thanks")

    @app.action(ids.WALKTHROUGH_TALK)
    def talk(ack: Ack, body: dict, context: BoltContext) -> None:
        answer(ack, body, context, request_conversation, blocks.talk_request, "talk")

    @app.action(ids.WALKTHROUGH_REFLECT)
    def reflect(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        try:
            view = read_clicked(
                runtime, caller_of(context), body,
                lambda session, viewer, walkthrough_id: reflection_context(
                    session, viewer=viewer, walkthrough_id=walkthrough_id
                ),
            )  # fmt: skip
        except NotAllowed:
            raise Refusal(blocks.ONLY_THE_TEACHER) from None
        meta = json.dumps({"walkthrough_id": view.id, "key": new_key("rf")})
        client.views_open(trigger_id=body["trigger_id"], view=modals.reflection_modal(view, metadata=meta))

    @app.view(ids.REFLECTION_MODAL)
    def reflection_submitted(ack: Ack, body: dict, context: BoltContext) -> None:
        view = body["view"]
        meta = json_object(view.get("private_metadata"))
        walkthrough_id = as_int(meta.get("walkthrough_id"))
        key = str(meta.get("key") or f"view:{view['id']}")[:KEY_MAX]
        text = ModalState(view).text(ids.REFLECTION_BLOCK, ids.REFLECTION_INPUT)
        viewer = caller_of(context).acting()

        def work(session: Session) -> None:
            reflected = add_reflection(
                session,
                viewer=viewer,
                walkthrough_id=known(walkthrough_id),
                key=key,
                text=text,
                now=runtime.clock(),
            )
            if reflected.created:
                notice = blocks.reflection_notice(reflected.walkthrough, text.strip())
                suffix = f"reflection:{reflected.reflection_id}"
                notices.teacher_answered(session, reflected.walkthrough, suffix=suffix, notice=notice)

        try:
            in_transaction(runtime.sessions, work)
        except InvalidWalkthrough as invalid:
            raise FieldErrors({ids.REFLECTION_BLOCK: next(iter(invalid.errors.values()))}) from None
        except NotAllowed:
            raise FieldErrors({ids.REFLECTION_BLOCK: blocks.ONLY_THE_TEACHER_REFLECTS}) from None
        ack()
        runtime.wake_deliveries()


# ── the leader's buttons: edit, record the conversation ──────────────────────────────────────────────


def _register_leader_buttons(app: App, runtime: Runtime) -> None:
    @app.action(ids.WALKTHROUGH_EDIT)
    def edit(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        caller = caller_of(context)
        try:
            modal = read_clicked(
                runtime, caller, body,
                lambda session, viewer, walkthrough_id: edit_context(
                    session, viewer=viewer, walkthrough_id=walkthrough_id, now=runtime.clock()
                ),
            )  # fmt: skip
        except TooLate:
            view = read_clicked(
                runtime, caller, body,
                lambda session, viewer, walkthrough_id: walkthrough_for(
                    session, viewer=viewer, walkthrough_id=walkthrough_id
                ),
            )  # fmt: skip
            raise Refusal(blocks.too_late(view)) from None
        except NotAllowed:
            raise Refusal(blocks.ONLY_THE_OBSERVER_EDITS) from None
        meta = ModalMeta(key=new_key(), editing_id=modal.editing_id, revision=modal.revision)
        client.views_open(
            trigger_id=body["trigger_id"], view=modals.walkthrough_modal(modal, metadata=meta.dump())
        )

    @app.action(ids.WALKTHROUGH_RECORD_CONVERSATION)
    def record(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        try:
            conversation = read_clicked(
                runtime, caller_of(context), body,
                lambda session, viewer, walkthrough_id: conversation_context(
                    session, viewer=viewer, walkthrough_id=walkthrough_id, now=runtime.clock()
                ),
            )  # fmt: skip
        except NotAllowed:
            raise Refusal(blocks.ONLY_THE_OBSERVER_RECORDS) from None
        view = conversation.walkthrough
        modal = modals.conversation_modal(
            view, today=conversation.today, metadata=json.dumps({"walkthrough_id": view.id})
        )
        client.views_open(trigger_id=body["trigger_id"], view=modal)

    @app.view(ids.CONVERSATION_MODAL)
    def conversation_submitted(ack: Ack, body: dict, context: BoltContext) -> None:
        view = body["view"]
        walkthrough_id = as_int(json_object(view.get("private_metadata")).get("walkthrough_id"))
        state = ModalState(view)
        held_on = state.date(ids.CONVERSATION_DATE_BLOCK, ids.CONVERSATION_DATE_INPUT)
        role = state.selected(ids.CONVERSATION_ROLE_BLOCK, ids.CONVERSATION_ROLE_INPUT)
        viewer = caller_of(context).acting()

        def work(session: Session) -> None:
            recorded = record_conversation(
                session, viewer=viewer, walkthrough_id=known(walkthrough_id), held_on=held_on, role=role,
                now=runtime.clock(),
            )  # fmt: skip
            notices.conversation_recorded(session, recorded, change=view["id"])

        fields = {Field.HELD_ON: ids.CONVERSATION_DATE_BLOCK, Field.ROLE: ids.CONVERSATION_ROLE_BLOCK}
        try:
            in_transaction(runtime.sessions, work)
        except InvalidWalkthrough as invalid:
            errors = {fields.get(k, ids.CONVERSATION_DATE_BLOCK): v for k, v in invalid.errors.items()}
            raise FieldErrors(errors) from None
        except NotAllowed:
            raise FieldErrors({ids.CONVERSATION_DATE_BLOCK: blocks.ONLY_THE_OBSERVER_RECORDS}) from None
        ack()
        runtime.wake_deliveries()
