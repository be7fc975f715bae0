"""What happens to a post in the community channel: its asker marks it answered (the button, or a ✅
reaction; other people's reactions do nothing), replies in its thread are counted, a success is thanked."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from sqlmodel import Session

from bot import ids, logs
from bot.callers import caller_of
from bot.coaching_requests import clicked_id, known
from bot.notices import community as notices
from bot.runtime import Runtime
from workflows.community import channels
from workflows.community.posts import Changed, mark_answered, record_reply, thank
from workflows.db import in_transaction, transaction
from workflows.refusals import Refusal

ALREADY_THANKED = "You thanked this success already: one thanks each."
_log = logs.logger("community")


def in_a_channel(event: dict) -> bool:
    return event.get("channel_type") in ("channel", "group")


def thread_reply(event: dict) -> bool:
    """A person's new reply in a thread of a channel (not the parent, not an edit, not a bot)."""
    return (
        in_a_channel(event) and "subtype" not in event and not event.get("bot_id")
        and isinstance(event.get("user"), str) and bool(event.get("thread_ts"))
        and event.get("thread_ts") != event.get("ts")
    )  # fmt: skip


def register(app: App, runtime: Runtime) -> None:
    @app.action(ids.COMMUNITY_MARK_ANSWERED)
    def answered(ack: Ack, body: dict, context: BoltContext) -> None:
        viewer = caller_of(context).acting()

        def work(session: Session) -> Changed:
            done = mark_answered(session, viewer=viewer, post_id=known(clicked_id(body)), how="button", now=runtime.clock())
            if done.first_time:
                notices.changed(session, done.post, change="answered")
            return done

        done = in_transaction(runtime.sessions, work)
        ack()
        _log.info("community post=%s answered by button first=%s", done.post.id, done.first_time)
        runtime.wake_deliveries()

    @app.action(ids.COMMUNITY_THANK)
    def thanked(ack: Ack, body: dict, context: BoltContext) -> None:
        viewer = caller_of(context).acting()

        def work(session: Session) -> Changed:
            done = thank(session, viewer=viewer, post_id=known(clicked_id(body)), now=runtime.clock())
            if done.first_time:
                notices.changed(session, done.post, change=f"thanks:{done.post.thanks}")
            return done

        done = in_transaction(runtime.sessions, work)
        if not done.first_time:
            raise Refusal(ALREADY_THANKED)
        ack()
        runtime.wake_deliveries()

    @app.event(ids.REACTION_ADDED_EVENT)
    def reacted(event: dict, context: BoltContext) -> None:
        item = event.get("item") or {}
        if event.get("reaction") != ids.ANSWERED_REACTION or item.get("type") != "message":
            return
        caller = caller_of(context)
        viewer = caller.viewer
        with transaction(runtime.sessions) as session:
            post_id = notices.post_at(session, workspace=caller.workspace, channel=str(item.get("channel")),
                                      ts=str(item.get("ts")))  # fmt: skip
        if post_id is None or viewer is None:
            return

        def work(session: Session) -> Changed | None:
            try:
                done = mark_answered(session, viewer=viewer, post_id=post_id, how="reaction", now=runtime.clock())
            except Refusal:
                return None  # someone else's ✅, or not a question: nothing changes
            if done.first_time:
                notices.changed(session, done.post, change="answered")
            return done

        done = in_transaction(runtime.sessions, work)
        _log.info("community post=%s reaction answered=%s", post_id, bool(done and done.first_time))
        runtime.wake_deliveries()

    @app.event(ids.MESSAGE_EVENT_TYPE, matchers=[thread_reply])
    def replied(event: dict, context: BoltContext) -> None:
        caller = caller_of(context)
        with transaction(runtime.sessions) as session:
            community = channels.community_by_channel(session, workspace=caller.workspace, channel_id=event["channel"])
            post_id = notices.post_at(session, workspace=caller.workspace, channel=event["channel"],
                                      ts=event["thread_ts"]) if community else None  # fmt: skip
            if post_id is not None:
                record_reply(session, post_id=post_id, ts=event["ts"], slack_user_id=event["user"],
                             workspace=caller.workspace, now=runtime.clock())  # fmt: skip
        _log.info("community reply post=%s", post_id)
