"""A cycle's buttons on the coach's Home tab: "Move to <next phase>" (one click) and the menu to pause,
resume or complete it. The Home is published again after each change; the teacher hears when their cycle
moves to a new phase or completes."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot import ids
from bot.callers import caller_of
from bot.coaching_requests import clicked_value, known
from bot.home import publish_home
from bot.notices import coaching as notices
from bot.payloads import as_int
from bot.runtime import Runtime
from workflows.coaching.cycles import CycleMoved, advance_phase, set_status
from workflows.coaching.errors import NotAllowed
from workflows.coaching.models import CycleStatus
from workflows.db import in_transaction
from workflows.privacy import Viewer
from workflows.refusals import Refusal

ONLY_THE_COACH = "Only the coach of this cycle can move it on."
STATUSES = {"pause": CycleStatus.PAUSED, "resume": CycleStatus.ACTIVE, "complete": CycleStatus.COMPLETED}

Change = Callable[[Session, Viewer], CycleMoved]


def register(app: App, runtime: Runtime) -> None:
    def apply(ack: Ack, client: WebClient, context: BoltContext, act: Change, *, tell_teacher: bool) -> None:
        caller = caller_of(context)
        viewer = caller.acting()

        def work(session: Session) -> None:
            moved = act(session, viewer)
            if moved.changed and (tell_teacher or moved.cycle.status == CycleStatus.COMPLETED):
                notices.cycle_moved(session, moved.cycle)

        try:
            in_transaction(runtime.sessions, work)
        except NotAllowed:
            raise Refusal(ONLY_THE_COACH) from None
        ack()
        runtime.wake_deliveries()
        publish_home(runtime, client, caller)

    @app.action(ids.COACHING_NEXT_PHASE)
    def next_phase(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        cycle, _, phase = clicked_value(body).partition(":")
        apply(
            ack, client, context,
            lambda session, viewer: advance_phase(
                session, viewer=viewer, cycle_id=known(as_int(cycle)), from_index=as_int(phase) or 0,
                now=runtime.clock(),
            ),
            tell_teacher=True,
        )  # fmt: skip

    @app.action(ids.COACHING_CYCLE_MENU)
    def menu(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        word, _, cycle = clicked_value(body).partition(":")
        status = STATUSES.get(word)

        def act(session: Session, viewer: Viewer) -> CycleMoved:
            if status is None:
                raise NotAllowed("no such change")
            return set_status(session, viewer=viewer, cycle_id=known(as_int(cycle)), status=status, now=runtime.clock())

        apply(ack, client, context, act, tell_teacher=False)
