"""Each leader's roadmap levels, from their records at the schools they lead, and the district's view: how
many of its leaders stand at each level of each stage, small cells withheld.

The figures of `RoadmapRecord` are counted in SQL (GROUP BY day, teacher or area); the rules that read
them are in `workflows.roadmap.rules`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from workflows import privacy
from workflows.digests.leader_calendar import SchoolYear, school_year
from workflows.digests.leader_picture import data_picture
from workflows.digests.leader_sql import days_between, epoch_seconds
from workflows.digests.reviews import last_review, review_due
from workflows.frameworks.models import LookFor
from workflows.roadmap.rubric import Stage
from workflows.roadmap.rules import (
    AREAS_PER_TEACHER,
    RATED_VISITS_PER_TEACHER,
    WINDOW_SCHOOL_DAYS,
    Placement,
    RoadmapRecord,
    place,
)
from workflows.roster.models import Person, StaffRole
from workflows.roster.snapshot import Role
from workflows.rotation.calendars import RotationCalendars
from workflows.rotation.inputs import load_inputs
from workflows.rotation.leaders import led_schools
from workflows.walkthroughs.models import Conversation, Walkthrough, WalkthroughRating

SOON_DAYS = 2  # "on the spot or soon after my visit"
WITHIN_HOUR = 3600


def leader_placements(
    session: Session, *, leader_id: int, until: date, calendars: RotationCalendars | None = None
) -> tuple[Placement, ...]:
    record = roadmap_record(session, leader_id=leader_id, until=until, calendars=calendars)
    return place(record) if record is not None else ()


def roadmap_record(
    session: Session, *, leader_id: int, until: date, calendars: RotationCalendars | None = None
) -> RoadmapRecord | None:
    """The leader's figures up to `until`, over the schools they lead (None when they lead none)."""
    schools = led_schools(session, leader_id)
    if not schools:
        return None
    years = {s.id or 0: school_year(session, school=s, until=until, calendars=calendars) for s in schools}
    days = sorted({d for y in years.values() for d in y.school_days})
    window = days[-WINDOW_SCHOOL_DAYS:]
    cycle_length = max(s.cycle_length for s in schools)
    cycle = days[-cycle_length:]
    school_ids = sorted(years)
    caseload = {
        (school.id or 0, int(t))
        for school in schools
        for t in load_inputs(session, school).caseload(leader_id)
    }
    mine = [col(Walkthrough.school_id).in_(school_ids), Walkthrough.observer_id == leader_id]
    first = window[0] if window else until
    in_window = [*mine, Walkthrough.visit_date >= first, Walkthrough.visit_date <= until]

    per_day = session.exec(
        select(Walkthrough.visit_date, func.count()).where(*in_window).group_by(col(Walkthrough.visit_date))
    ).all()
    visits = sum(int(n) for _, n in per_day)
    per_day_needed = max(s.visits_per_day for s in schools)
    days_with_three = sum(1 for d, n in per_day if int(n) >= per_day_needed and d in set(window))

    seen_cycle = set(
        session.exec(
            select(Walkthrough.school_id, Walkthrough.teacher_id)
            .where(
                *mine,
                Walkthrough.visit_date >= (cycle[0] if cycle else until),
                Walkthrough.visit_date <= until,
            )
            .group_by(col(Walkthrough.school_id), col(Walkthrough.teacher_id))
        ).all()
    )
    per_teacher = session.exec(
        select(Walkthrough.teacher_id, func.count(), func.count(func.distinct(Walkthrough.period)))
        .where(*in_window)
        .group_by(col(Walkthrough.teacher_id))
    ).all()
    twice = [(t, p) for t, n, p in per_teacher if int(n) >= 2]

    rated = (
        select(WalkthroughRating.walkthrough_id)
        .where(col(WalkthroughRating.observed).is_(True))
        .group_by(col(WalkthroughRating.walkthrough_id))
        .subquery()
    )
    is_rated = col(rated.c.walkthrough_id).is_not(None)
    soon = (col(Conversation.id).is_not(None)) & (
        days_between(session, Walkthrough.visit_date, Conversation.held_on) <= SOON_DAYS
    )
    within = epoch_seconds(session, Walkthrough.shared_at) - epoch_seconds(session, Walkthrough.visited_at)
    shared, in_hour, talked, rated_n, framework_talks = session.exec(
        select(
            func.count(col(Walkthrough.shared_at)),
            func.sum(case((within <= WITHIN_HOUR, 1), else_=0)),
            func.sum(case((soon, 1), else_=0)),
            func.sum(case((is_rated, 1), else_=0)),
            func.sum(case((soon & is_rated, 1), else_=0)),
        )
        .select_from(Walkthrough)
        .outerjoin(Conversation, col(Conversation.walkthrough_id) == Walkthrough.id)
        .outerjoin(rated, rated.c.walkthrough_id == Walkthrough.id)
        .where(*in_window)
    ).one()
    roles = session.exec(
        select(Conversation.role)
        .join(Walkthrough, col(Walkthrough.id) == Conversation.walkthrough_id)
        .where(*in_window)
        .group_by(col(Conversation.role))
    ).all()
    talked_with = set(
        session.exec(
            select(Walkthrough.school_id, Walkthrough.teacher_id)
            .join(Conversation, col(Conversation.walkthrough_id) == Walkthrough.id)
            .join(rated, rated.c.walkthrough_id == Walkthrough.id)
            .where(*in_window)
            .group_by(col(Walkthrough.school_id), col(Walkthrough.teacher_id))
        ).all()
    )

    year_first = min(y.first_day for y in years.values())
    year_visits = session.exec(
        select(func.count()).where(
            *mine, Walkthrough.visit_date >= year_first, Walkthrough.visit_date <= until
        )
    ).one()
    per_teacher_year = session.exec(
        select(
            Walkthrough.school_id,
            Walkthrough.teacher_id,
            func.count(func.distinct(Walkthrough.id)),
            func.count(func.distinct(LookFor.area_id)),
        )
        .join(WalkthroughRating, col(WalkthroughRating.walkthrough_id) == Walkthrough.id)
        .join(LookFor, col(LookFor.id) == WalkthroughRating.look_for_id)
        .where(
            *mine,
            col(WalkthroughRating.observed).is_(True),
            Walkthrough.visit_date >= year_first,
            Walkthrough.visit_date <= until,
        )
        .group_by(col(Walkthrough.school_id), col(Walkthrough.teacher_id))
    ).all()
    three_rated = {(s, t) for s, t, n, _a in per_teacher_year if int(n) >= RATED_VISITS_PER_TEACHER}
    three_areas = {
        (s, t)
        for s, t, n, a in per_teacher_year
        if int(n) >= RATED_VISITS_PER_TEACHER and int(a) >= AREAS_PER_TEACHER
    }
    improved = tuple(
        dict.fromkeys(
            name
            for s in school_ids
            for name in data_picture(session, school_id=s, until=until, observer_id=leader_id).rising
        )
    )
    reviewed = all(_review_current(session, s, years[s]) for s in school_ids)
    return RoadmapRecord(
        school_days=len(window), visits=visits, days_with_three=days_with_three, caseload=len(caseload),
        seen_this_cycle=len(caseload & seen_cycle), cycle_length=cycle_length,
        teachers_seen_twice=len(twice), teachers_in_two_periods=sum(1 for _, p in twice if int(p) >= 2),
        shared=int(shared or 0), shared_within_hour=int(in_hour or 0), conversations=int(talked or 0),
        roles_used=frozenset(str(r) for r in roles), rated=int(rated_n or 0),
        framework_conversations=int(framework_talks or 0),
        teachers_with_framework_conversation=len(caseload & talked_with), year_visits=int(year_visits),
        pace_expected=max(_expected(y) for y in years.values()), improved_areas=improved,
        teachers_three_rated=len(caseload & three_rated), teachers_three_areas=len(caseload & three_areas),
        review_current=reviewed,
    )  # fmt: skip


def _expected(year: SchoolYear) -> float:
    return year.pace_expected


def _review_current(session: Session, school_id: int, year: SchoolYear) -> bool:
    today = year.school_days[-1] if year.school_days else year.first_day
    return (
        last_review(session, school_id=school_id) is not None
        and review_due(session, school_id=school_id, today=today) is None
    )


@dataclass(frozen=True)
class StageDistribution:
    stage: Stage
    leaders: int
    at_level: tuple[int | None, int | None, int | None, int | None]  # None: withheld
    most: int | None = None  # the level holding (almost) every leader, shown as "most" rather than a count


@dataclass(frozen=True)
class RoadmapDistribution:
    school_count: int
    leaders: int
    stages: tuple[StageDistribution, ...]


def district_distribution(
    session: Session, *, school_ids: Collection[int], until: date, calendars: RotationCalendars | None = None
) -> RoadmapDistribution:
    """How many of the leaders of these schools stand at each level of each stage; never who. A level held
    by fewer than 3 leaders is withheld, with what would give it away (`privacy.withheld_levels`)."""
    leaders = sorted(
        set(
            session.exec(
                select(StaffRole.person_id)
                .join(Person, col(Person.id) == StaffRole.person_id)
                .where(
                    col(StaffRole.school_id).in_(sorted(school_ids)),
                    StaffRole.role == Role.LEADER.value,
                    col(Person.active).is_(True),
                )
            ).all()
        )
    )
    cells: dict[Stage, dict[int, set[int]]] = defaultdict(lambda: {level: set() for level in (1, 2, 3, 4)})
    for leader_id in leaders:
        for placement in leader_placements(session, leader_id=leader_id, until=until, calendars=calendars):
            cells[placement.stage][placement.level].add(leader_id)
    stages = []
    for stage in Stage:
        by_level = cells[stage]
        hidden, most = privacy.withheld_levels(by_level)
        counts = tuple(None if lvl in hidden or lvl == most else len(by_level[lvl]) for lvl in (1, 2, 3, 4))
        stages.append(StageDistribution(stage, len(leaders), counts, most))  # type: ignore[arg-type]
    return RoadmapDistribution(len(set(school_ids)), len(leaders), tuple(stages))
