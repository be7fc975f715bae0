"""The district's community channel: who may set it, setting it, who belongs, and when Rounds cannot post.

Finding the channel in Slack and joining it is the Slack surface's part (bot/community_channels.py); this
module records what it found. Coaches of every school of the district belong to the community.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select, update

from workflows.community.models import ChannelState, CommunityChannel
from workflows.refusals import Refusal
from workflows.roster.models import District, Person, School, StaffRole
from workflows.roster.service import StaffProfile
from workflows.roster.snapshot import Role

ADMINS_ONLY = "Only a district admin can set the community channel (an admin role on the roster)."
NO_CHANNEL = (
    "Your district has no community channel yet: ask your district admin to run "
    "`/rounds community set #channel`."
)


@dataclass(frozen=True)
class Member:
    person_id: int
    slack_user_id: str
    name: str


@dataclass(frozen=True)
class Community:
    district_id: int
    district_name: str
    workspace: str
    channel_id: str
    name: str
    private: bool
    shared: bool
    ready: bool
    problem: str | None


def admin_district(session: Session, *, profile: StaffProfile) -> int:
    """The district whose community channel this admin may set; one district only."""
    districts = {s.school.district_id for s in profile.schools if Role.ADMIN in s.roles}
    districts.discard(None)
    if len(districts) != 1:
        raise Refusal(ADMINS_ONLY if not districts else "You are an admin in several districts: use `rounds community set --district`.")
    return next(iter(districts))  # type: ignore[return-value]


def district_of(profile: StaffProfile) -> int | None:
    """The district of a person's schools (the first one, by school name)."""
    return next((s.school.district_id for s in profile.schools if s.school.district_id is not None), None)


def district_school_ids(session: Session, *, district_id: int) -> list[int]:
    return [i for i in session.exec(select(School.id).where(School.district_id == district_id)).all() if i is not None]


def set_channel(
    session: Session, *, district_id: int, workspace: str, channel_id: str, name: str, private: bool,
    shared: bool, set_by_id: int | None, now: datetime,
) -> tuple[Community, bool]:  # fmt: skip
    """Record the channel Rounds can post in; True when it is a different channel than before."""
    row = session.get(CommunityChannel, district_id)
    changed = row is None or row.slack_channel_id != channel_id
    row = row or CommunityChannel(district_id=district_id, workspace=workspace, slack_channel_id=channel_id,
                                  name=name, set_at=now, updated_at=now)  # fmt: skip
    row.workspace, row.slack_channel_id, row.name, row.private, row.shared = workspace, channel_id, name, private, shared
    row.state, row.problem, row.set_by_id, row.updated_at = ChannelState.READY.value, None, set_by_id, now
    if changed:
        row.set_at = now
    session.add(row)
    session.flush()
    return _community(session, row), changed


def community(session: Session, *, district_id: int | None) -> Community | None:
    row = session.get(CommunityChannel, district_id) if district_id is not None else None
    return _community(session, row) if row is not None else None


def community_by_channel(session: Session, *, workspace: str, channel_id: str) -> Community | None:
    row = session.exec(
        select(CommunityChannel).where(
            CommunityChannel.workspace == workspace, CommunityChannel.slack_channel_id == channel_id
        )
    ).first()
    return _community(session, row) if row is not None else None


def cannot_post(session: Session, *, district_id: int, channel_id: str, problem: str, now: datetime) -> bool:
    """Rounds found it cannot post there (removed, archived, …): once per channel; False when known."""
    result = session.execute(
        update(CommunityChannel)
        .where(
            col(CommunityChannel.district_id) == district_id,
            col(CommunityChannel.slack_channel_id) == channel_id,
            col(CommunityChannel.state) == ChannelState.READY.value,
        )
        .values(state=ChannelState.CANNOT_POST.value, problem=problem[:64], updated_at=now)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def members(session: Session, *, district_id: int) -> list[Member]:
    """The coaches of every school of the district (active, on Slack)."""
    return _staff(session, district_id=district_id, role=Role.COACH)


def admins(session: Session, *, district_id: int) -> list[Member]:
    """Who hears that Rounds cannot post in the channel: the district's admins (active, on Slack)."""
    return _staff(session, district_id=district_id, role=Role.ADMIN)


def _staff(session: Session, *, district_id: int, role: Role) -> list[Member]:
    rows = session.exec(
        select(Person)
        .join(StaffRole, col(StaffRole.person_id) == Person.id)
        .join(School, col(School.id) == StaffRole.school_id)
        .where(School.district_id == district_id, StaffRole.role == role.value, col(Person.active).is_(True),
               col(Person.slack_user_id).is_not(None))
        .distinct()
        .order_by(col(Person.id))
    ).all()  # fmt: skip
    return [Member(p.id or 0, p.slack_user_id or "", p.name) for p in rows]


def district_by_ref(session: Session, ref: str) -> District | None:
    """A district by id, OneRoster sourcedId or name."""
    for where in (District.sourced_id == ref, District.name == ref):
        found = session.exec(select(District).where(where)).first()
        if found is not None:
            return found
    return session.get(District, int(ref)) if ref.isdigit() else None


def _community(session: Session, row: CommunityChannel) -> Community:
    district = session.get(District, row.district_id)
    return Community(
        district_id=row.district_id, district_name=district.name if district else "", workspace=row.workspace,
        channel_id=row.slack_channel_id, name=row.name, private=row.private, shared=row.shared,
        ready=row.state == ChannelState.READY.value, problem=row.problem,
    )  # fmt: skip
