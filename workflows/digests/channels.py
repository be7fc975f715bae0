"""Team channels that refused their digest (archived, private without Rounds, Rounds not a member).

Slack's refusal is final for that digest (the outbox does not retry it); the school's leaders are told.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from workflows.deliveries.service import refused_by_channel
from workflows.roster.models import Team
from workflows.roster.service import school_leaders

__all__ = ["ChannelProblem", "channel_problems", "school_leaders"]


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
    failed = [(row.key, row.last_error, row.args) for row in refused_by_channel(session, key_prefix="digest:team:")]
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

