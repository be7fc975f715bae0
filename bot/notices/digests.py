"""Team-digest notices: the digest in the team's channel with its chart in the thread, once a week; the
school's leaders told once when a team's channel cannot take it.

Keys: `digest:team:<team>:<monday>` is the digest, `…:chart` its chart (files.upload_v2 in the digest's
thread, sent after it and only if it was). `digest:channel:<team>:<channel>:<leader>` tells one leader
that the team's channel refused the digest. Every delivery carries the workspace of the team's school.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from sqlmodel import Session

from bot.blocks import digests as blocks
from workflows.deliveries.service import UPLOAD, enqueue, get
from workflows.digests.team import TeamDigest
from workflows.roster.models import Person


@dataclass(frozen=True)
class Queued:
    """What one digest came to: the keys of its message and chart, and whether they are new."""

    key: str
    chart_key: str
    fresh: bool


def already(session: Session, key: str) -> bool:
    return get(session, key=key) is not None


def digest_key(team_id: int, monday: object) -> str:
    return f"digest:team:{team_id}:{monday}"


def chart_filename(digest: TeamDigest) -> str:
    return f"digest-team-{digest.team_id}-{digest.week_of.isoformat()}.png"


def team_digest(session: Session, digest: TeamDigest, *, chart: bytes) -> Queued:
    """Queue the digest and its chart once; a rerun (or a second scheduler) queues nothing new."""
    assert digest.channel, "a team without a channel gets no digest"
    key = digest_key(digest.team_id, digest.week_of)
    chart_key = f"{key}:chart"
    if get(session, key=key) is not None:
        return Queued(key, chart_key, fresh=False)
    enqueue(session, workspace=digest.workspace, key=key, method="chat.postMessage",
            args={"channel": digest.channel, **blocks.digest_message(digest)})  # fmt: skip
    enqueue(
        session, workspace=digest.workspace, key=chart_key, method=UPLOAD,
        args={
            "channel": digest.channel, "thread_of": key, "filename": chart_filename(digest),
            "title": blocks.chart_title(digest),
            "alt_txt": "Levels of each look-for over six weeks, and each area's trend by week",
            "content_b64": base64.b64encode(chart).decode("ascii"),
        },
    )  # fmt: skip
    return Queued(key, chart_key, fresh=True)


def channel_problem(
    session: Session, *, workspace: str, team_id: int, team_name: str, channel: str, reason: str, leaders: list[Person]
) -> int:
    """Each of the school's leaders is told once per team and channel; the number newly told."""
    told = 0
    for leader in leaders:
        key = f"digest:channel:{team_id}:{channel}:{leader.id}"
        if leader.slack_user_id is None or get(session, key=key) is not None:
            continue
        enqueue(session, workspace=workspace, key=key, method="chat.postMessage",
                args={"channel": leader.slack_user_id,
                      **blocks.channel_problem(team_name=team_name, channel=channel, reason=reason)})  # fmt: skip
        told += 1
    return told
