"""A coach's weekly reflection shared with the coach community (opt-in, by its author only) for the week's
roundup; when it names a teacher, the author sees where and shares it anyway or not at all."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext, Respond
from sqlmodel import Session

from bot import ids, logs
from bot.blocks import community as blocks
from bot.callers import caller_of
from bot.coaching_requests import clicked_id, known
from bot.runtime import Runtime
from workflows.community.roundup import CommunityShare, share_reflection_with_community
from workflows.db import in_transaction

SHARED = "🗒 Shared with the coach community: it goes in this week's roundup, under your name."
ALREADY = "Already shared with the coach community."
_log = logs.logger("community")


def register(app: App, runtime: Runtime) -> None:
    def share(body: dict, context: BoltContext, *, anyway: bool) -> CommunityShare:
        viewer = caller_of(context).acting()
        reflection_id = known(clicked_id(body))

        def work(session: Session) -> CommunityShare:
            return share_reflection_with_community(session, viewer=viewer, reflection_id=reflection_id, anyway=anyway,
                                                   now=runtime.clock())  # fmt: skip

        return in_transaction(runtime.sessions, work)

    @app.action(ids.COMMUNITY_SHARE_REFLECTION)
    def shared(ack: Ack, body: dict, respond: Respond, context: BoltContext) -> None:
        done = share(body, context, anyway=False)
        ack()
        if done.names and not done.first_time:
            respond(**blocks.reflection_guard(done.reflection.id, done.names), response_type="ephemeral",
                    replace_original=False)  # fmt: skip
            return
        respond(text=SHARED if done.first_time else ALREADY, response_type="ephemeral", replace_original=False)
        _log.info("reflection=%s shared with the community first=%s", done.reflection.id, done.first_time)

    @app.action(ids.COMMUNITY_SHARE_REFLECTION_ANYWAY)
    def shared_anyway(ack: Ack, body: dict, respond: Respond, context: BoltContext) -> None:
        done = share(body, context, anyway=True)
        ack()
        respond(text=SHARED if done.first_time else ALREADY, response_type="ephemeral", replace_original=True)
