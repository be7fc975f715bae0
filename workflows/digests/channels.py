"""Team channels that refused their digest (archived, private without Rounds, Rounds not a member).

Slack's refusal is final for that digest (the outbox does not retry it); the school's leaders are told.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from workflows.deliveries.models import Delivery, DeliveryStatus
from workflows.roster.models import Team
from workflows.roster.service import school_leaders

__all__ = ["CHANNEL_ERRORS", "ChannelProblem", "channel_problems", "school_leaders"]

CHANNEL_ERRORS = frozenset({"not_in_channel", "is_archived", "channel_not_found"})


@dataclass(frozen=True)
class ChannelProblem:
    team_id: int
    team_name: str
    school_id: int
    workspace: str
    channel: str
    reason: str


def channel_problems(session: Session, *, school_ids: list[int] | None = None) -> list[ChannelProblem]:
    """Teams whose latest refused digest was refused for its channel (one per team and channel)."""
    failed = session.exec(
        select(Delivery.key, Delivery.last_error, Delivery.args)
        .where(
            col(Delivery.key).startswith("digest:team:"),
            Delivery.status == DeliveryStatus.FAILED.value,
            col(Delivery.last_error).in_(sorted(CHANNEL_ERRORS)),
            Delivery.method == "chat.postMessage",
        )
        .order_by(col(Delivery.id))
    ).all()
    by_team: dict[int, tuple[str, str]] = {}
    for key, error, args in failed:
        team_part = key.split(":")[2]
        if team_part.isdigit():
            by_team[int(team_part)] = (str((args or {}).get("channel")), str(error))
    if not by_team:
        return []
    teams = session.exec(select(Team).where(col(Team.id).in_(sorted(by_team)))).all()
    return [
        ChannelProblem(t.id or 0, t.name, t.school_id, t.workspace, *by_team[t.id or 0])
        for t in teams
        if (school_ids is None or t.school_id in school_ids) and t.slack_channel == by_team[t.id or 0][0]
    ]

