"""The leader digest's answers: the leader's "Your week" on the App Home (the digest of the week just
ended: the DM as delivered, or computed until it is), `/rounds roadmap`, and the district admin's roadmap distribution."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.blocks import leader_digest as blocks
from bot.blocks import roadmap as roadmap_blocks
from bot.callers import Caller
from bot.notices.leader_digest import digest_key
from bot.runtime import Runtime
from workflows import privacy
from workflows.db import transaction
from workflows.deliveries.service import get
from workflows.digests.leader import leader_digest, week_end
from workflows.digests.reviews import previous_review, review_due
from workflows.privacy import Viewer
from workflows.roadmap.levels import district_distribution, leader_placements
from workflows.roster.service import StaffProfile
from workflows.roster.snapshot import Role
from workflows.rotation.inputs import local_today


def last_week_start(today: date) -> date:
    """The Monday of the week before `today`'s: the week a digest sent this week reports."""
    return today - timedelta(days=today.weekday() + 7)


def _today(profile: StaffProfile, now: datetime, role: Role = Role.LEADER) -> date:
    schools = profile.schools_where(role)
    return local_today(schools[0], now) if schools else now.date()


def _until(profile: StaffProfile, now: datetime, role: Role = Role.LEADER) -> date:
    """Roadmap levels stand as of yesterday, school-local: today's visits are still to come."""
    return _today(profile, now, role) - timedelta(days=1)


def home_digest(session: Session, profile: StaffProfile, now: datetime) -> list[dict]:
    """A leader's digest of last week on their Home (a `HomeSection` builder)."""
    if not profile.schools_where(Role.LEADER):
        return []
    viewer = Viewer.of(profile)
    week = last_week_start(_today(profile, now))
    sent = get(session, key=digest_key(viewer.person_id, week))
    if sent is not None and sent.args.get("blocks"):  # the DM as delivered, its data review as it is now
        return blocks.with_reviews_as_now(sent.args["blocks"], lambda school_id: _review_now(session, school_id, week))
    digest = leader_digest(session, viewer=viewer, leader_id=viewer.person_id, week_start=week)
    return blocks.digest_blocks(digest) if digest is not None else blocks.no_digest_yet()


def _review_now(session: Session, school_id: int, week: date) -> list[dict]:
    due = review_due(session, school_id=school_id, today=week_end(week))
    return blocks.review_blocks(school_id, due, previous_review(session, school_id=school_id))


def home_distribution(session: Session, profile: StaffProfile, now: datetime) -> list[dict]:
    """A district admin's roadmap distribution across the leaders of the schools they administer."""
    school_ids = privacy.roadmap_district_school_ids(profile)
    if not school_ids:
        return []
    found = district_distribution(session, school_ids=school_ids, until=_until(profile, now, Role.ADMIN))
    return roadmap_blocks.distribution_blocks(found)


def roadmap_answer(runtime: Runtime, caller: Caller, _rest: str) -> dict:
    """`/rounds roadmap`: a leader's own levels; a district admin's distribution; anyone else is told who it
    is for."""
    profile = caller.known()
    now = runtime.clock()
    with transaction(runtime.sessions) as session:
        if privacy.roadmap_district_school_ids(profile):
            return roadmap_blocks.distribution_reply(
                district_distribution(
                    session,
                    school_ids=privacy.roadmap_district_school_ids(profile),
                    until=_until(profile, now, Role.ADMIN),
                )
            )
        viewer = Viewer.of(profile)
        if not profile.schools_where(Role.LEADER) or not privacy.can_see_roadmap_levels(
            viewer, leader_id=viewer.person_id
        ):
            return roadmap_blocks.not_for_you()
        return roadmap_blocks.levels_reply(
            leader_placements(session, leader_id=viewer.person_id, until=_until(profile, now))
        )
