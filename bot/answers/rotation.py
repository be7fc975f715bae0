"""The rotation's answers: `/rounds today`, `/rounds coverage`, and the leader's "Today" on the App Home."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.blocks import rotation as blocks
from bot.callers import Caller
from bot.runtime import Runtime
from workflows.roster.models import School
from workflows.roster.service import StaffProfile
from workflows.roster.snapshot import Role
from workflows.rotation.coverage import coverage_for_leader
from workflows.rotation.days import leader_days_today
from workflows.rotation.leaders import is_leader


def today(runtime: Runtime, caller: Caller, rest: str) -> dict:
    """`/rounds today`: the leader's visits today at each school they lead (as planned and stored)."""
    profile = caller.known()
    if not is_leader(profile):
        return blocks.refusal(blocks.LEADERS_ONLY)
    with caller.transaction() as session:
        days = leader_days_today(
            session, leader_id=profile.person.id or 0, now=runtime.clock(), schools=led(profile)
        )
    return blocks.today_reply(days)


def coverage(runtime: Runtime, caller: Caller, rest: str) -> dict:
    """`/rounds coverage`: the teachers the leader has not seen in the last cycle, longest first."""
    profile = caller.known()
    if not is_leader(profile):
        return blocks.refusal(blocks.LEADERS_ONLY)
    with caller.transaction() as session:
        found = coverage_for_leader(
            session, leader_id=profile.person.id or 0, now=runtime.clock(), schools=led(profile)
        )
    return blocks.coverage_reply(found)


def home_today(session: Session, profile: StaffProfile, now: datetime) -> list[dict]:
    """The App Home's "Today" and "Coverage" for a leader (a `HomeSection` builder)."""
    leader_id, schools = profile.person.id or 0, led(profile)
    days = leader_days_today(session, leader_id=leader_id, now=now, schools=schools)
    return blocks.home_section(
        days, coverage_for_leader(session, leader_id=leader_id, now=now, schools=schools)
    )


def led(profile: StaffProfile) -> list[School]:
    """The schools where the person has a plan and a coverage (the `leader` role), by name: as
    `workflows.rotation.leaders.led_schools` reads them, from the profile the request already has."""
    return sorted(profile.schools_where(Role.LEADER), key=lambda s: s.name)
