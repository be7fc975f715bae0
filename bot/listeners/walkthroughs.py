"""Walkthroughs in Slack: `/walkthrough`, the "Log a walkthrough" shortcut, and the modal itself.

The buttons on the teacher's DM and the leader's receipt live in `walkthrough_answers`. Every message goes
into the outbox in the same transaction as the data it reports; the delivery worker sends it. Only answers
to a person's own click (modals, ephemeral replies) use the client directly.
"""

from __future__ import annotations

import re

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot import ids, logs
from bot.blocks import help as help_blocks
from bot.blocks import walkthrough_modals as modals
from bot.blocks import walkthroughs as blocks
from bot.listeners import walkthrough_answers
from bot.listeners.walkthrough_requests import (
    ModalMeta,
    ModalState,
    acting_viewer,
    new_key,
    read_clicked,
    viewer_for,
)
from bot.notices import rotation as rotation_notices
from bot.notices import walkthroughs as notices
from bot.runtime import Runtime
from bot.slack_directory import SlackUserDirectory
from workflows.db import in_transaction, transaction
from workflows.privacy import Viewer
from workflows.roster.service import identify
from workflows.rotation.changes import visit_logged
from workflows.walkthroughs.capture import Logged, edit_walkthrough, log_walkthrough
from workflows.walkthroughs.errors import Field, InvalidWalkthrough, NotAllowed, TooLate
from workflows.walkthroughs.modal import (
    find_teachers,
    rebuild_context,
    start_paired_walkthrough,
    start_walkthrough,
)

_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_log = logs.logger("walkthroughs")


def register(app: App, runtime: Runtime) -> None:
    _register_opening(app, runtime)
    _register_modal(app, runtime)
    walkthrough_answers.register(app, runtime)


# ── opening the modal (also the rotation's "Log visit" button) ───────────────────────────────────────


def open_walkthrough_modal(
    runtime: Runtime,
    client: WebClient,
    *,
    trigger_id: str,
    slack_user_id: str,
    teacher_id: int | None = None,
    school_id: int | None = None,
    class_id: int | None = None,
    period: str | None = None,
    planned_visit_key: str | None = None,
) -> bool:
    """Open the walkthrough modal for a leader, prefilled with whatever is known.

    The rotation's morning DM calls this with the planned teacher, class and period and its planned visit's
    key; the key is stored on the walkthrough (`Walkthrough.planned_visit_key`) for the rotation to match.
    Returns False (and opens a short explanation instead) when the person may not log walkthroughs.
    """
    try:
        with transaction(runtime.sessions) as session:
            viewer = acting_viewer(session, client, slack_user_id)
            context = start_walkthrough(
                session, viewer=viewer, now=runtime.clock(), teacher_id=teacher_id, school_id=school_id,
                class_id=class_id, period=period, planned_visit_key=planned_visit_key,
            )  # fmt: skip
    except NotAllowed:
        client.views_open(trigger_id=trigger_id, view=blocks.refusal_modal(blocks.NOT_A_LEADER))
        return False
    meta = ModalMeta(key=new_key(), planned_visit_key=planned_visit_key)
    client.views_open(trigger_id=trigger_id, view=modals.walkthrough_modal(context, metadata=meta.dump()))
    return True


def _register_opening(app: App, runtime: Runtime) -> None:
    @app.command(ids.WALKTHROUGH_COMMAND)
    def walkthrough_command(ack: Ack, command: dict, client: WebClient) -> None:
        text = (command.get("text") or "").strip()
        mention = _MENTION.match(text)
        try:
            with transaction(runtime.sessions) as session:
                profile = identify(
                    session, slack_user_id=command["user_id"], emails=SlackUserDirectory(client)
                )
                if profile is None:
                    ack(**help_blocks.not_on_roster())
                    return
                context = start_walkthrough(
                    session, viewer=Viewer.of(profile), now=runtime.clock(), query="" if mention else text,
                    slack_user_id=mention.group(1) if mention else None,
                )  # fmt: skip
        except NotAllowed:
            ack(response_type="ephemeral", text=blocks.NOT_A_LEADER)
            return
        ack()
        view = modals.walkthrough_modal(context, metadata=ModalMeta(key=new_key()).dump())
        client.views_open(trigger_id=command["trigger_id"], view=view)

    @app.shortcut(ids.WALKTHROUGH_SHORTCUT)
    @app.action(ids.HOME_OPEN_WALKTHROUGH)
    def walkthrough_shortcut(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        open_walkthrough_modal(
            runtime, client, trigger_id=body["trigger_id"], slack_user_id=body["user"]["id"]
        )

    @app.action(ids.WALKTHROUGH_LOG_PAIRED)
    def log_paired(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        try:
            context = read_clicked(
                runtime, client, body,
                lambda session, viewer, walkthrough_id: start_paired_walkthrough(
                    session, viewer=viewer, walkthrough_id=walkthrough_id, now=runtime.clock()
                ),
            )  # fmt: skip
        except NotAllowed:
            respond(response_type="ephemeral", replace_original=False, text=blocks.NOT_YOUR_PAIRED_VISIT)
            return
        # One paired log per invitation and person, however often the button is clicked.
        partner_id = context.paired_with_id
        meta = ModalMeta(key=f"pair-{partner_id}-{body['user']['id']}", paired_with_id=partner_id)
        client.views_open(
            trigger_id=body["trigger_id"], view=modals.walkthrough_modal(context, metadata=meta.dump())
        )


# ── the modal: type-ahead, rebuilds, submission ──────────────────────────────────────────────────────


def _register_modal(app: App, runtime: Runtime) -> None:
    @app.options(ids.WALKTHROUGH_TEACHER_SELECT)
    def teacher_options(ack: Ack, body: dict, client: WebClient) -> None:
        with transaction(runtime.sessions) as session:
            viewer = viewer_for(session, client, body["user"]["id"])
            teachers = (
                find_teachers(session, viewer=viewer, query=str(body.get("value") or "")[:100])
                if viewer is not None
                else []
            )
        ack(options=modals.teacher_options(teachers))

    @app.action(ids.WALKTHROUGH_TEACHER_SELECT)
    @app.action(ids.WALKTHROUGH_FORM_SELECT)
    def rebuild(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        view = body["view"]
        meta = ModalMeta.load(view.get("private_metadata", ""), view_id=view["id"])
        state = ModalState(view, changed=body.get("actions") or [])
        teacher = state.teacher()
        class_id, period = state.class_choice()
        with transaction(runtime.sessions) as session:
            viewer = viewer_for(session, client, body["user"]["id"])
            if viewer is None:
                return
            try:
                context = rebuild_context(
                    session, viewer=viewer, now=runtime.clock(),
                    teacher_id=teacher[0] if teacher else None, school_id=teacher[1] if teacher else None,
                    class_id=class_id, period=period, form_id=state.form_id(), editing_id=meta.editing_id,
                    planned_visit_key=meta.planned_visit_key, paired_with_id=meta.paired_with_id,
                )  # fmt: skip
            except (NotAllowed, TooLate):
                return
        try:
            client.views_update(
                view_id=view["id"],
                hash=view.get("hash"),
                view=modals.walkthrough_modal(context, metadata=meta.dump()),
            )
        except SlackApiError as error:
            if error.response.get("error") != "hash_conflict":
                raise
            _log.info("walkthrough modal changed meanwhile; rebuild skipped view=%s", view["id"])

    @app.view(ids.WALKTHROUGH_MODAL)
    def submit(ack: Ack, body: dict, client: WebClient) -> None:
        view = body["view"]
        meta = ModalMeta.load(view.get("private_metadata", ""), view_id=view["id"])
        state = ModalState(view)
        entry = state.entry(meta)
        user_id = body["user"]["id"]

        def work(session: Session) -> Logged:
            viewer = acting_viewer(session, client, user_id)
            if meta.editing_id is not None:
                logged = edit_walkthrough(
                    session, viewer=viewer, walkthrough_id=meta.editing_id, base_revision=meta.revision or 0,
                    entry=entry, now=runtime.clock(),
                )  # fmt: skip
            else:
                logged = log_walkthrough(
                    session, viewer=viewer, key=meta.key, entry=entry, now=runtime.clock()
                )
            if logged.changed:
                notices.walkthrough_logged(
                    session, logged.walkthrough, revision=logged.revision, edited=meta.editing_id is not None
                )
            if logged.changed and meta.editing_id is None:
                planned_day = visit_logged(session, key=meta.planned_visit_key)
                if planned_day is not None:
                    rotation_notices.day_changed(session, planned_day)
            return logged

        try:
            in_transaction(runtime.sessions, work)
        except InvalidWalkthrough as invalid:
            ack(response_action="errors", errors=state.errors(invalid.errors))
            return
        except NotAllowed:
            ack(response_action="errors", errors=state.errors({Field.TEACHER: blocks.NOT_A_LEADER}))
            return
        except TooLate:
            ack(response_action="errors", errors=state.errors({Field.EVIDENCE: blocks.EDIT_WINDOW_OVER}))
            return
        ack()
        runtime.wake_deliveries()
