"""Who the rotation serves: the leaders of a school. Anyone else who clicks a visit is told it isn't theirs."""

from __future__ import annotations

from sqlmodel import Session, col, select

from workflows.privacy import led_school_ids
from workflows.refusals import Refusal
from workflows.roster.models import School
from workflows.roster.service import StaffProfile
from workflows.roster.snapshot import Role

NOT_ON_YOUR_PLAN = "That visit isn't on your plan."


class RotationError(Refusal, ValueError):
    """A request the rotation cannot honour; the message is fit to show the person who asked."""


def is_leader(profile: StaffProfile | None) -> bool:
    """Only leaders have a plan: `/rounds today`, coverage and the visit buttons are theirs alone."""
    return profile is not None and bool(profile.schools_where(Role.LEADER))


def acting_leader(profile: StaffProfile | None) -> int:
    """The person id of a leader acting on their plan; anyone else is refused as if the visit were not theirs."""
    if profile is None or not is_leader(profile):
        raise RotationError(NOT_ON_YOUR_PLAN)
    return profile.person.id or 0


def led_schools(session: Session, leader_id: int) -> list[School]:
    """The schools where the person has a plan and a coverage (the `leader` role only), by name."""
    school_ids = led_school_ids(session, person_id=leader_id, roles=frozenset({Role.LEADER}))
    return list(
        session.exec(select(School).where(col(School.id).in_(school_ids)).order_by(col(School.name))).all()
    )
