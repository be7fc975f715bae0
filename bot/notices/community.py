"""Community notices: the post in the channel (once, then updated in place), the coaches told where the
community is, the admin told when Rounds can't post there, the two-day nudge and the weekly roundup.

Keys: a post is `community:post:<post>`; its updates `community:post:<post>:answered` and
`community:post:<post>:thanks:<count>`. A coach told of the channel: `community:welcome:<district>:<channel>:<coach>`.
An admin told Rounds can't post: `community:cannot-post:<district>:<channel>:<admin>`; the coach whose post
didn't go: `community:not-posted:<post>`. A nudge: `community:nudge:<post>:<coach>`. The roundup:
`community:roundup:<district>:<week>`. Every delivery carries the community's workspace; keys never hold text.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.blocks import community as blocks
from bot.blocks import community_roundup as roundup_blocks
from workflows.community.channels import Community, Member
from workflows.community.posts import PostView
from workflows.community.roundup import Roundup
from workflows.deliveries.models import Delivery
from workflows.deliveries.service import enqueue, get

POST_PREFIX = "community:post:"


def post_key(post_id: int) -> str:
    return f"{POST_PREFIX}{post_id}"


def _post(session: Session, *, workspace: str, key: str, channel: str, message: dict) -> bool:
    if get(session, key=key) is not None:
        return False
    enqueue(session, workspace=workspace, key=key, method="chat.postMessage", args={"channel": channel, **message})
    return True


def posted(session: Session, post: PostView) -> bool:
    """The post in the community channel, once whatever retries and clicks."""
    if not post.posted or not post.channel_id:
        return False
    return _post(session, workspace=post.workspace, key=post_key(post.id), channel=post.channel_id,
                 message=blocks.post_message(post))  # fmt: skip


def changed(session: Session, post: PostView, *, change: str) -> None:
    """The post updated in place (answered, a new thanks count), once per change."""
    of = post_key(post.id)
    if get(session, key=of) is None:
        return
    enqueue(session, workspace=post.workspace, key=f"{of}:{change}", method="chat.update",
            args=blocks.post_message(post), update_of=of)  # fmt: skip


def post_at(session: Session, *, workspace: str, channel: str, ts: str) -> int | None:
    """Which community post a Slack message is (by where the worker recorded it was sent), if any."""
    keys = session.exec(
        select(Delivery.key).where(
            Delivery.workspace == workspace, Delivery.slack_channel == channel, Delivery.slack_ts == ts,
            col(Delivery.key).startswith(POST_PREFIX), Delivery.method == "chat.postMessage",
        )
    ).all()  # fmt: skip
    for key in keys:
        rest = key.removeprefix(POST_PREFIX)
        if rest.isdigit():
            return int(rest)
    return None


def where_posted(session: Session, post_id: int) -> tuple[str, str] | None:
    """The channel and ts of a post Slack took, for a permalink."""
    row = get(session, key=post_key(post_id))
    if row is None or not row.slack_channel or not row.slack_ts:
        return None
    return row.slack_channel, row.slack_ts


def welcome(session: Session, community: Community, coaches: list[Member]) -> int:
    """Each coach of the district is told once where the community is (per channel)."""
    queued = 0
    for coach in coaches:
        key = f"community:welcome:{community.district_id}:{community.channel_id}:{coach.person_id}"
        queued += _post(session, workspace=community.workspace, key=key, channel=coach.slack_user_id,
                        message=blocks.welcome_message(community))  # fmt: skip
    return queued


def cannot_post(session: Session, community: Community, problem: str, admins: list[Member]) -> int:
    queued = 0
    for admin in admins:
        key = f"community:cannot-post:{community.district_id}:{community.channel_id}:{admin.person_id}"
        queued += _post(session, workspace=community.workspace, key=key, channel=admin.slack_user_id,
                        message=blocks.cannot_post_message(community, problem))  # fmt: skip
    return queued


def not_posted(session: Session, post: PostView, community: Community) -> bool:
    if not post.author_slack_id:
        return False
    return _post(session, workspace=post.workspace, key=f"community:not-posted:{post.id}", channel=post.author_slack_id,
                 message=blocks.not_posted_message(post, community))  # fmt: skip


def nudge(session: Session, post: PostView, coach: Member, permalink: str | None) -> bool:
    return _post(session, workspace=post.workspace, key=f"community:nudge:{post.id}:{coach.person_id}",
                 channel=coach.slack_user_id, message=blocks.nudge_message(post, permalink))  # fmt: skip


def roundup_key(roundup: Roundup) -> str:
    return f"community:roundup:{roundup.district_id}:{roundup.week_of.isoformat()}"


def roundup(session: Session, roundup: Roundup, community: Community, permalinks: dict[int, str]) -> bool:
    """The week's roundup in the community channel, once."""
    return _post(session, workspace=community.workspace, key=roundup_key(roundup), channel=community.channel_id,
                 message=roundup_blocks.roundup_message(roundup, permalinks))  # fmt: skip


def sent_before(session: Session, key: str) -> bool:
    return get(session, key=key) is not None
