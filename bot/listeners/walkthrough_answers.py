"""The buttons after a visit: the teacher's (thanks, reflect, let's talk) and the leader's (edit, record the
conversation).

Answers are written first and acknowledged after, so a click is recorded before Slack hears back; the
notices go through the outbox in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot import ids
from bot.blocks import walkthrough_modals as modals
from bot.blocks import walkthroughs as blocks
from bot.listeners.payloads import as_int, json_object
from bot.listeners.walkthrough_requests import (
    ModalMeta,
    ModalState,
    acting_viewer,
    clicked_id,
    known,
    new_key,
    read_clicked,
)
from bot.notices import walkthroughs as notices
from bot.runtime import Runtime
from workflows.db import in_transaction
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


def _refuse(respond: Respond, text: str) -> None:
    respond(response_type="ephemeral", replace_original=False, text=text)


# ── the teacher's buttons ────────────────────────────────────────────────────────────────────────────


def _register_teacher_buttons(app: App, runtime: Runtime) -> None:
    def answer(
        ack: Ack,
        body: dict,
        client: WebClient,
        respond: Respond,
        act: Callable[..., Answered],
        notice: Callable[[WalkthroughView], dict],
        suffix: str,
    ) -> None:
        walkthrough_id = clicked_id(body)

        def work(session: Session) -> None:
            viewer = acting_viewer(session, client, body["user"]["id"])
            answered = act(session, viewer=viewer, walkthrough_id=known(walkthrough_id), now=runtime.clock())
            if answered.first_time:
                notices.teacher_answered(
                    session, answered.walkthrough, suffix=suffix, notice=notice(answered.walkthrough)
                )

        # A quick write, then the acknowledgement: the click is recorded before Slack hears back.
        try:
            in_transaction(runtime.sessions, work)
        except NotAllowed:
            ack()
            _refuse(respond, blocks.ONLY_THE_TEACHER)
            return
        ack()
        runtime.wake_deliveries()

    @app.action(ids.WALKTHROUGH_THANKS)
    def thanks(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        answer(ack, body, client, respond, thank, blocks.thanks_notice, "thanks")

    @app.action(ids.WALKTHROUGH_TALK)
    def talk(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        answer(ack, body, client, respond, request_conversation, blocks.talk_request, "talk")

    @app.action(ids.WALKTHROUGH_REFLECT)
    def reflect(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        try:
            view = read_clicked(
                runtime, client, body,
                lambda session, viewer, walkthrough_id: reflection_context(
                    session, viewer=viewer, walkthrough_id=walkthrough_id
                ),
            )  # fmt: skip
        except NotAllowed:
            _refuse(respond, blocks.ONLY_THE_TEACHER)
            return
        meta = json.dumps({"walkthrough_id": view.id, "key": new_key("rf")})
        client.views_open(trigger_id=body["trigger_id"], view=modals.reflection_modal(view, metadata=meta))

    @app.view(ids.REFLECTION_MODAL)
    def reflection_submitted(ack: Ack, body: dict, client: WebClient) -> None:
        view = body["view"]
        meta = json_object(view.get("private_metadata"))
        walkthrough_id = as_int(meta.get("walkthrough_id"))
        key = str(meta.get("key") or f"view:{view['id']}")[:KEY_MAX]
        text = ModalState(view).text(ids.REFLECTION_BLOCK, ids.REFLECTION_INPUT)

        def work(session: Session) -> None:
            viewer = acting_viewer(session, client, body["user"]["id"])
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
            ack(response_action="errors", errors={ids.REFLECTION_BLOCK: next(iter(invalid.errors.values()))})
            return
        except NotAllowed:
            ack(response_action="errors", errors={ids.REFLECTION_BLOCK: blocks.ONLY_THE_TEACHER_REFLECTS})
            return
        ack()
        runtime.wake_deliveries()


# ── the leader's buttons: edit, record the conversation ──────────────────────────────────────────────


def _register_leader_buttons(app: App, runtime: Runtime) -> None:
    @app.action(ids.WALKTHROUGH_EDIT)
    def edit(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        try:
            context = read_clicked(
                runtime, client, body,
                lambda session, viewer, walkthrough_id: edit_context(
                    session, viewer=viewer, walkthrough_id=walkthrough_id, now=runtime.clock()
                ),
            )  # fmt: skip
        except TooLate:
            view = read_clicked(
                runtime, client, body,
                lambda session, viewer, walkthrough_id: walkthrough_for(
                    session, viewer=viewer, walkthrough_id=walkthrough_id
                ),
            )  # fmt: skip
            _refuse(respond, blocks.too_late(view))
            return
        except NotAllowed:
            _refuse(respond, blocks.ONLY_THE_OBSERVER_EDITS)
            return
        meta = ModalMeta(key=new_key(), editing_id=context.editing_id, revision=context.revision)
        client.views_open(
            trigger_id=body["trigger_id"], view=modals.walkthrough_modal(context, metadata=meta.dump())
        )

    @app.action(ids.WALKTHROUGH_RECORD_CONVERSATION)
    def record(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        try:
            context = read_clicked(
                runtime, client, body,
                lambda session, viewer, walkthrough_id: conversation_context(
                    session, viewer=viewer, walkthrough_id=walkthrough_id, now=runtime.clock()
                ),
            )  # fmt: skip
        except NotAllowed:
            _refuse(respond, blocks.ONLY_THE_OBSERVER_RECORDS)
            return
        view = context.walkthrough
        modal = modals.conversation_modal(
            view, today=context.today, metadata=json.dumps({"walkthrough_id": view.id})
        )
        client.views_open(trigger_id=body["trigger_id"], view=modal)

    @app.view(ids.CONVERSATION_MODAL)
    def conversation_submitted(ack: Ack, body: dict, client: WebClient) -> None:
        view = body["view"]
        walkthrough_id = as_int(json_object(view.get("private_metadata")).get("walkthrough_id"))
        state = ModalState(view)
        held_on = state.date(ids.CONVERSATION_DATE_BLOCK, ids.CONVERSATION_DATE_INPUT)
        role = state.selected(ids.CONVERSATION_ROLE_BLOCK, ids.CONVERSATION_ROLE_INPUT)

        def work(session: Session) -> None:
            viewer = acting_viewer(session, client, body["user"]["id"])
            recorded = record_conversation(
                session, viewer=viewer, walkthrough_id=known(walkthrough_id), held_on=held_on, role=role,
                now=runtime.clock(),
            )  # fmt: skip
            notices.conversation_recorded(session, recorded, change=view["id"])

        fields = {Field.HELD_ON: ids.CONVERSATION_DATE_BLOCK, Field.ROLE: ids.CONVERSATION_ROLE_BLOCK}
        try:
            in_transaction(runtime.sessions, work)
        except InvalidWalkthrough as invalid:
            ack(
                response_action="errors",
                errors={fields.get(k, ids.CONVERSATION_DATE_BLOCK): v for k, v in invalid.errors.items()},
            )
            return
        except NotAllowed:
            ack(
                response_action="errors",
                errors={ids.CONVERSATION_DATE_BLOCK: blocks.ONLY_THE_OBSERVER_RECORDS},
            )
            return
        ack()
        runtime.wake_deliveries()
