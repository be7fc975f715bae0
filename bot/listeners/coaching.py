"""Coaching in Slack: `/coach [teacher]`, `/coach reflect`, the "Log coaching" shortcut, and the log itself.

The teacher's buttons and the coach's Edit live in `coaching_answers`. Every message goes into the outbox
in the same transaction as the data it reports (`bot/notices/coaching.py`); only answers to a person's own
click (modals) use the client directly. Log lines carry ids, never a note's text.
"""

from __future__ import annotations

import re

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot import ids, logs
from bot.blocks import coaching as blocks
from bot.blocks import coaching_modals as modals
from bot.callers import caller_of
from bot.coaching_requests import CoachingMeta, CoachingState, clicked_value, teacher_at
from bot.errors import FieldErrors
from bot.notices import coaching as notices
from bot.openers import open_coaching_modal, open_weekly_reflection
from bot.runtime import Runtime
from bot.walkthrough_requests import new_key
from workflows.coaching.capture import Logged, edit_entry, log_entry
from workflows.coaching.errors import Field, InvalidEntry, NotAllowed
from workflows.coaching.modal import find_teachers, start_coaching
from workflows.db import in_transaction, transaction
from workflows.refusals import Refusal

_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_log = logs.logger("coaching")
REFLECT_WORD = "reflect"


def register(app: App, runtime: Runtime) -> None:
    _register_opening(app, runtime)
    _register_modal(app, runtime)


def _register_opening(app: App, runtime: Runtime) -> None:
    @app.command(ids.COACH_COMMAND)
    def coach_command(ack: Ack, command: dict, client: WebClient, context: BoltContext) -> None:
        text = (command.get("text") or "").strip()
        mention = _MENTION.match(text)
        caller = caller_of(context)
        viewer = caller.acting()
        if text.lower() == REFLECT_WORD:
            open_weekly_reflection(runtime, client, ack=ack, trigger_id=command["trigger_id"], viewer=viewer)
            return
        try:
            with caller.transaction() as session:
                modal = start_coaching(
                    session, viewer=viewer, now=runtime.clock(), query="" if mention else text[:100],
                    slack_user_id=mention.group(1) if mention else None,
                )  # fmt: skip
        except NotAllowed:
            raise Refusal(blocks.NOT_A_COACH) from None
        ack()
        view = modals.coaching_modal(modal, metadata=CoachingMeta(key=new_key("co")).dump())
        client.views_open(trigger_id=command["trigger_id"], view=view)

    @app.shortcut(ids.COACH_SHORTCUT)
    @app.action(ids.HOME_OPEN_COACHING)
    @app.action(ids.COACHING_LOG_FOR)
    def open_log(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        teacher = teacher_at(clicked_value(body)) if body.get("actions") else None
        open_coaching_modal(
            runtime, client, ack=ack, trigger_id=body["trigger_id"], viewer=caller_of(context).acting(),
            teacher_id=teacher[0] if teacher else None, school_id=teacher[1] if teacher else None,
        )  # fmt: skip


def _register_modal(app: App, runtime: Runtime) -> None:
    @app.options(ids.COACHING_TEACHER_SELECT)
    def teacher_options(ack: Ack, body: dict, context: BoltContext) -> None:
        caller = caller_of(context)
        viewer = caller.acting()
        with caller.transaction() as session:
            teachers = find_teachers(session, viewer=viewer, query=str(body.get("value") or "")[:100])
        ack(options=modals.teacher_options(teachers))

    @app.action(ids.COACHING_TEACHER_SELECT)
    @app.action(ids.COACHING_CYCLE_SELECT)
    def rebuild(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        viewer = caller_of(context).viewer
        view = body.get("view") or {}
        if viewer is None or not view.get("id"):
            return
        meta = CoachingMeta.load(view.get("private_metadata", ""), view_id=view["id"])
        state = CoachingState(view, changed=body.get("actions") or [])
        teacher = state.coaching_teacher()
        changed_teacher = any(a.get("action_id") == ids.COACHING_TEACHER_SELECT for a in body.get("actions") or [])
        try:
            with transaction(runtime.sessions) as session:
                modal = start_coaching(
                    session, viewer=viewer, now=runtime.clock(), teacher_id=teacher[0] if teacher else None,
                    school_id=teacher[1] if teacher else None, cycle=None if changed_teacher else state.cycle(),
                )  # fmt: skip
        except NotAllowed:
            return
        try:
            client.views_update(
                view_id=view["id"], hash=view.get("hash"), view=modals.coaching_modal(modal, metadata=meta.dump())
            )
        except SlackApiError as error:
            if error.response.get("error") != "hash_conflict":
                raise
            _log.info("coaching modal changed meanwhile; rebuild skipped view=%s", view["id"])

    @app.view(ids.COACHING_MODAL)
    def submit(ack: Ack, body: dict, context: BoltContext) -> None:
        view = body["view"]
        meta = CoachingMeta.load(view.get("private_metadata", ""), view_id=view["id"])
        state = CoachingState(view)
        entry = state.submission()
        caller = caller_of(context)
        viewer = caller.acting()
        editing = meta.editing_id is not None

        def work(session: Session) -> Logged:
            if meta.editing_id is not None:
                logged = edit_entry(
                    session, viewer=viewer, entry_id=meta.editing_id, base_revision=meta.revision or 0,
                    entry=entry, now=runtime.clock(),
                )  # fmt: skip
            else:
                logged = log_entry(session, viewer=viewer, key=meta.key, entry=entry, now=runtime.clock())
            if logged.changed:
                notices.entry_logged(session, logged.entry, edited=editing)
            return logged

        try:
            logged = in_transaction(runtime.sessions, work, opening=caller.transaction)
        except InvalidEntry as invalid:
            raise FieldErrors(state.coaching_errors(invalid.errors)) from None
        except NotAllowed:
            refusal = blocks.ONLY_THE_AUTHOR_EDITS if editing else blocks.NOT_A_COACH
            raise FieldErrors(state.coaching_errors({Field.TEACHER: refusal})) from None
        ack()
        _log.info(
            "coaching entry=%s revision=%s changed=%s new_cycle=%s",
            logged.entry.id, logged.revision, logged.changed, logged.new_cycle,
        )  # fmt: skip
        runtime.wake_deliveries()
