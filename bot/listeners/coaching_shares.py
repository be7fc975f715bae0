"""What a teacher opens to coaches: "Share with my coach" on a walkthrough's DM (a small modal to choose
the coach), and "Ask for coaching" on their Home tab (the school's coaches are told)."""

from __future__ import annotations

import json

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot import ids
from bot.blocks import coaching_modals as modals
from bot.callers import caller_of
from bot.coaching_requests import CoachingState, clicked_id, known
from bot.errors import FieldErrors
from bot.home import publish_home
from bot.notices import coaching as notices
from bot.payloads import as_int, json_object
from bot.runtime import Runtime
from bot.walkthrough_requests import new_key
from workflows.coaching.errors import InvalidEntry, NotAllowed
from workflows.coaching.models import KEY_MAX
from workflows.coaching.shares import request_coaching, share_context, share_walkthrough, teacher_schools
from workflows.db import in_transaction, transaction
from workflows.refusals import Refusal

ONLY_THE_TEACHER = "Only the teacher visited can share this walkthrough."
TEACHERS_ONLY = "Asking for coaching is for teachers: coaches and leaders hear of requests from them."


def register(app: App, runtime: Runtime) -> None:
    _register_sharing(app, runtime)
    _register_requests(app, runtime)


def _register_sharing(app: App, runtime: Runtime) -> None:
    @app.action(ids.WALKTHROUGH_SHARE_WITH_COACH)
    def share(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        viewer = caller_of(context).acting()
        try:
            with transaction(runtime.sessions) as session:
                found = share_context(session, viewer=viewer, walkthrough_id=known(clicked_id(body)))
        except NotAllowed:
            raise Refusal(ONLY_THE_TEACHER) from None
        except InvalidEntry as invalid:
            raise Refusal(next(iter(invalid.errors.values()))) from None
        ack()
        meta = json.dumps({"walkthrough_id": found.walkthrough.id})
        client.views_open(trigger_id=body["trigger_id"], view=modals.share_modal(found, metadata=meta))

    @app.view(ids.WALKTHROUGH_SHARE_MODAL)
    def shared(ack: Ack, body: dict, context: BoltContext) -> None:
        view = body["view"]
        walkthrough_id = as_int(json_object(view.get("private_metadata")).get("walkthrough_id"))
        coach_id = as_int(
            CoachingState(view).selected(ids.WALKTHROUGH_SHARE_COACH_BLOCK, ids.WALKTHROUGH_SHARE_COACH_INPUT)
        )
        viewer = caller_of(context).acting()

        def work(session: Session) -> None:
            done = share_walkthrough(
                session,
                viewer=viewer,
                walkthrough_id=known(walkthrough_id),
                coach_id=coach_id,
                now=runtime.clock(),
            )
            if done.first_time:
                notices.walkthrough_shared(session, done)

        try:
            in_transaction(runtime.sessions, work)
        except InvalidEntry as invalid:
            raise FieldErrors(
                {ids.WALKTHROUGH_SHARE_COACH_BLOCK: next(iter(invalid.errors.values()))}
            ) from None
        except NotAllowed:
            raise FieldErrors({ids.WALKTHROUGH_SHARE_COACH_BLOCK: ONLY_THE_TEACHER}) from None
        ack()
        runtime.wake_deliveries()


def _register_requests(app: App, runtime: Runtime) -> None:
    @app.action(ids.COACHING_ASK)
    def ask(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        viewer = caller_of(context).acting()
        with transaction(runtime.sessions) as session:
            schools = [(s.id or 0, s.name) for s in teacher_schools(session, viewer=viewer)]
        if not schools:
            raise Refusal(TEACHERS_ONLY)
        meta = {"key": new_key("rq")}
        if len(schools) == 1:
            meta["school_id"] = str(schools[0][0])
        ack()
        client.views_open(
            trigger_id=body["trigger_id"], view=modals.request_modal(schools, metadata=json.dumps(meta))
        )

    @app.view(ids.COACHING_REQUEST_MODAL)
    def requested(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        view = body["view"]
        meta = json_object(view.get("private_metadata"))
        key = str(meta.get("key") or f"view:{view['id']}")[:KEY_MAX]
        state = CoachingState(view)
        school_id = as_int(
            state.selected(ids.COACHING_REQUEST_SCHOOL_BLOCK, ids.COACHING_REQUEST_SCHOOL_INPUT)
            or meta.get("school_id")
        )
        text = state.text(ids.COACHING_REQUEST_BLOCK, ids.COACHING_REQUEST_INPUT)
        caller = caller_of(context)
        viewer = caller.acting()

        def work(session: Session) -> None:
            done = request_coaching(
                session, viewer=viewer, key=key, school_id=school_id, text=text, now=runtime.clock()
            )
            if done.created:
                notices.coaching_requested(session, done)

        blocks = [
            b.get("block_id")
            for b in view.get("blocks") or []
            if isinstance(b, dict) and b.get("type") == "input"
        ]
        where = (
            ids.COACHING_REQUEST_SCHOOL_BLOCK
            if ids.COACHING_REQUEST_SCHOOL_BLOCK in blocks
            else ids.COACHING_REQUEST_BLOCK
        )
        try:
            in_transaction(runtime.sessions, work)
        except InvalidEntry as invalid:
            raise FieldErrors({where: next(iter(invalid.errors.values()))}) from None
        except NotAllowed:
            raise FieldErrors({where: TEACHERS_ONLY}) from None
        ack()
        runtime.wake_deliveries()
        publish_home(runtime, client, caller)
