"""Walkthroughs in Slack: `/walkthrough`, the "Log a walkthrough" shortcut, and the modal itself.

The buttons on the teacher's DM and the leader's receipt live in `walkthrough_answers`. Every message goes
into the outbox in the same transaction as the data it reports (`bot/notices/walkthroughs.py`); the
delivery worker sends it. Only answers to a person's own click (modals) use the client directly.
"""

from __future__ import annotations

import re
from dataclasses import replace

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot import ids, logs
from bot.blocks import walkthrough_modals as modals
from bot.blocks import walkthroughs as blocks
from bot.callers import caller_of
from bot.errors import FieldErrors
from bot.notices import rotation as rotation_notices
from bot.notices import walkthroughs as notices
from bot.openers import open_walkthrough_modal
from bot.runtime import Runtime
from bot.walkthrough_requests import ModalMeta, ModalState, clicked_id, known, new_key
from workflows.db import in_transaction, transaction
from workflows.refusals import Refusal
from workflows.rotation.changes import log_planned_visit, visit_to_log
from workflows.walkthroughs.capture import Logged, edit_walkthrough, prepare_walkthrough, write_walkthrough
from workflows.walkthroughs.errors import EditedMeanwhile, Field, InvalidWalkthrough, NotAllowed, TooLate
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


def _register_opening(app: App, runtime: Runtime) -> None:
    @app.command(ids.WALKTHROUGH_COMMAND)
    def walkthrough_command(ack: Ack, command: dict, client: WebClient, context: BoltContext) -> None:
        text = (command.get("text") or "").strip()
        mention = _MENTION.match(text)
        caller = caller_of(context)
        viewer = caller.acting()
        try:
            with caller.transaction() as session:
                modal = start_walkthrough(
                    session, viewer=viewer, now=runtime.clock(), query="" if mention else text,
                    slack_user_id=mention.group(1) if mention else None,
                )  # fmt: skip
        except NotAllowed:
            raise Refusal(blocks.NOT_A_LEADER) from None
        ack()
        view = modals.walkthrough_modal(modal, metadata=ModalMeta(key=new_key()).dump())
        client.views_open(trigger_id=command["trigger_id"], view=view)

    @app.shortcut(ids.WALKTHROUGH_SHORTCUT)
    @app.action(ids.HOME_OPEN_WALKTHROUGH)
    def walkthrough_shortcut(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        open_walkthrough_modal(
            runtime, client, trigger_id=body["trigger_id"], viewer=caller_of(context).acting()
        )

    @app.action(ids.WALKTHROUGH_LOG_PAIRED)
    def log_paired(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        viewer = caller_of(context).acting()
        try:
            with transaction(runtime.sessions) as session:
                modal = start_paired_walkthrough(
                    session, viewer=viewer, walkthrough_id=known(clicked_id(body)), now=runtime.clock()
                )
        except NotAllowed:
            raise Refusal(blocks.NOT_YOUR_PAIRED_VISIT) from None
        # One paired log per invitation and person, however often the button is clicked.
        partner_id = modal.paired_with_id
        meta = ModalMeta(key=f"pair-{partner_id}-{body['user']['id']}", paired_with_id=partner_id)
        client.views_open(
            trigger_id=body["trigger_id"], view=modals.walkthrough_modal(modal, metadata=meta.dump())
        )


# ── the modal: type-ahead, rebuilds, submission ──────────────────────────────────────────────────────


def _register_modal(app: App, runtime: Runtime) -> None:
    @app.options(ids.WALKTHROUGH_TEACHER_SELECT)
    def teacher_options(ack: Ack, body: dict, context: BoltContext) -> None:
        caller = caller_of(context)
        viewer = caller.acting()
        with caller.transaction() as session:
            teachers = find_teachers(session, viewer=viewer, query=str(body.get("value") or "")[:100])
        ack(options=modals.teacher_options(teachers))

    @app.action(ids.WALKTHROUGH_TEACHER_SELECT)
    @app.action(ids.WALKTHROUGH_FORM_SELECT)
    @app.action(ids.WALKTHROUGH_MORE)
    def rebuild(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        """The modal again, in place: for another teacher or form, or with its optional parts shown. What
        the leader typed stays (Slack keeps input blocks whose ids are unchanged)."""
        ack()
        viewer = caller_of(context).viewer
        if viewer is None:
            return
        view = body["view"]
        meta = ModalMeta.load(view.get("private_metadata", ""), view_id=view["id"])
        if any(
            a.get("action_id") == ids.WALKTHROUGH_MORE
            for a in body.get("actions") or []
            if isinstance(a, dict)
        ):
            meta = replace(meta, more=True)
        state = ModalState(view, changed=body.get("actions") or [])
        teacher = state.teacher()
        class_id, period = state.class_choice()
        with transaction(runtime.sessions) as session:
            try:
                modal = rebuild_context(
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
                view=modals.walkthrough_modal(modal, metadata=meta.dump(), more=meta.more),
            )
        except SlackApiError as error:
            if error.response.get("error") != "hash_conflict":
                raise
            _log.info("walkthrough modal changed meanwhile; rebuild skipped view=%s", view["id"])

    @app.view(ids.WALKTHROUGH_MODAL)
    def submit(ack: Ack, body: dict, context: BoltContext) -> None:
        view = body["view"]
        meta = ModalMeta.load(view.get("private_metadata", ""), view_id=view["id"])
        state = ModalState(view)
        entry = state.entry(meta)
        caller = caller_of(context)
        viewer = caller.acting()

        def work(session: Session) -> Logged:
            now = runtime.clock()
            if meta.editing_id is not None:
                logged = edit_walkthrough(
                    session, viewer=viewer, walkthrough_id=meta.editing_id, base_revision=meta.revision or 0,
                    key=meta.key, entry=entry, now=now,
                )  # fmt: skip
                if logged.changed:
                    notices.walkthrough_logged(session, logged.walkthrough, revision=logged.revision, edited=True)
                return logged
            prepared = prepare_walkthrough(session, viewer=viewer, key=meta.key, entry=entry, now=now)
            if isinstance(prepared, Logged):  # a retry: stored already
                return prepared
            # Everything is read and rendered before the first write: the write lock is held only briefly.
            visit = visit_to_log(session, prepared.row)
            messages = notices.prepare_logged(prepared.preview)
            logged = write_walkthrough(session, prepared)
            notices.enqueue_logged(session, messages, walkthrough_id=logged.walkthrough.id)
            if visit is not None:
                planned_day = log_planned_visit(session, visit=visit, walkthrough=prepared.row, now=now)
                if planned_day is not None:
                    rotation_notices.day_changed(session, planned_day)
            return logged

        try:
            in_transaction(runtime.sessions, work, opening=caller.transaction)
        except InvalidWalkthrough as invalid:
            raise FieldErrors(state.errors(invalid.errors)) from None
        except NotAllowed:
            raise FieldErrors(state.errors({Field.TEACHER: blocks.NOT_A_LEADER})) from None
        except TooLate:
            raise FieldErrors(state.errors({Field.EVIDENCE: blocks.EDIT_WINDOW_OVER})) from None
        except EditedMeanwhile:  # the modal stays open with what the leader typed
            raise FieldErrors(state.errors({Field.EVIDENCE: blocks.EDITED_MEANWHILE})) from None
        ack()
        runtime.wake_deliveries()
