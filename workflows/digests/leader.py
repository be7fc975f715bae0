"""The leader's weekly digest: for each school they lead, the week's visits and the cycle's coverage, the
pace towards 500 classroom visits, evidence and conversations, calibration, the school's data picture by
grade, subject and framework area with its trend, a data review when one is due, and their roadmap levels.

Individual data (teachers' names) only for the schools the leader leads (`workflows.privacy`). Every figure
is counted in SQL with GROUP BY; Python only folds the grouped rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from workflows import privacy
from workflows.digests.feedback import FeedbackCounts, form_feedback_counts
from workflows.digests.leader_calendar import YEAR_GOAL, SchoolYear, school_year
from workflows.digests.leader_picture import DataPicture, data_picture
from workflows.digests.leader_sql import epoch_seconds, local_seconds_of_day, time_seconds
from workflows.digests.reviews import PastReview, ReviewDue, previous_review, review_due
from workflows.privacy import Viewer
from workflows.roadmap.levels import leader_placements
from workflows.roadmap.rules import Placement
from workflows.roster.models import BellPeriod, CalendarDay, Person, School
from workflows.rotation.calendars import RotationCalendars
from workflows.rotation.coverage import Coverage, coverage
from workflows.rotation.inputs import school_zone
from workflows.rotation.leaders import led_schools
from workflows.walkthroughs.calibration import CalibrationReport, find_pairs, report_for_pairs
from workflows.walkthroughs.models import Conversation, ConversationRole, Walkthrough

LESSON_PARTS = ("beginning", "middle", "end")
NO_BELL = "outside the bell schedule"
WITHIN_HOUR = 3600


@dataclass(frozen=True)
class Pace:
    visits: int  # this school year, by this leader at this school
    expected: float
    school_day: int

    @property
    def ahead(self) -> int:
        return round(self.visits - self.expected)


@dataclass(frozen=True)
class SchoolDigest:
    school_id: int
    school_name: str
    coverage: Coverage | None
    week_visits: int
    by_period: tuple[tuple[str, int], ...]
    by_lesson_part: tuple[tuple[str, int], ...]
    periods_per_teacher: tuple[tuple[int, int], ...]  # (distinct periods, teachers) this cycle
    one_period: tuple[str, ...]  # teachers seen this cycle in one period only
    pace: Pace
    shared: int
    shared_within_hour: int
    conversations: tuple[tuple[ConversationRole, int], ...]
    calibration: CalibrationReport
    picture: DataPicture
    review: ReviewDue | None
    previous_review: PastReview | None
    form_feedback: FeedbackCounts  # what the school's teams said about the form this week, counted


@dataclass(frozen=True)
class LeaderDigest:
    leader_id: int
    leader_name: str
    slack_user_id: str | None
    workspace: str
    week_start: date
    week_end: date
    schools: tuple[SchoolDigest, ...]
    roadmap: tuple[Placement, ...]


def week_end(week_start: date) -> date:
    return week_start + timedelta(days=6)


def leader_digest(
    session: Session,
    *,
    viewer: Viewer,
    leader_id: int,
    week_start: date,
    school_id: int | None = None,
    calendars: RotationCalendars | None = None,
) -> LeaderDigest | None:
    """The digest of `leader_id`'s week, for `viewer` (the leader themselves); None when not theirs to see."""
    if not privacy.can_see_leader_digest(viewer, leader_id=leader_id):
        return None
    leader = session.get(Person, leader_id)
    schools = [s for s in led_schools(session, leader_id) if school_id is None or s.id == school_id]
    allowed = privacy.digest_school_ids(viewer, [s.id or 0 for s in schools])
    schools = [s for s in schools if s.id in allowed]
    if leader is None or not schools:
        return None
    end = week_end(week_start)
    return LeaderDigest(
        leader_id, leader.name, leader.slack_user_id, schools[0].workspace, week_start, end,
        tuple(_school(session, school, leader_id, week_start, end, calendars) for school in schools),
        leader_placements(session, leader_id=leader_id, until=end, calendars=calendars),
    )  # fmt: skip


def _school(
    session: Session,
    school: School,
    leader_id: int,
    start: date,
    end: date,
    calendars: RotationCalendars | None,
) -> SchoolDigest:
    school_id = school.id or 0
    year = school_year(session, school=school, until=end, calendars=calendars)
    last_day = year.school_days[-1] if year.school_days else None
    found = coverage(session, school_id=school_id, leader_id=leader_id, today=last_day, calendars=calendars) if (
        last_day and last_day >= start) else None  # fmt: skip
    mine = [Walkthrough.school_id == school_id, Walkthrough.observer_id == leader_id]
    week = [*mine, Walkthrough.visit_date >= start, Walkthrough.visit_date <= end]
    by_period = session.exec(
        select(Walkthrough.period, func.count()).where(*week).group_by(col(Walkthrough.period))
    ).all()
    since = found.since if found else start
    periods = session.exec(
        select(Walkthrough.teacher_id, func.count(func.distinct(Walkthrough.period)))
        .where(*mine, Walkthrough.visit_date >= since, Walkthrough.visit_date <= end)
        .group_by(col(Walkthrough.teacher_id))
    ).all()
    histogram: dict[int, int] = {}
    for _teacher, count in periods:
        histogram[int(count)] = histogram.get(int(count), 0) + 1
    single = sorted(t for t, count in periods if int(count) == 1)
    names = session.exec(select(Person).where(col(Person.id).in_(single))).all() if single else []
    shared, within = session.exec(
        select(
            func.count(col(Walkthrough.shared_at)),
            func.sum(
                case(
                    (
                        epoch_seconds(session, Walkthrough.shared_at)
                        - epoch_seconds(session, Walkthrough.visited_at)
                        <= WITHIN_HOUR,
                        1,
                    ),
                    else_=0,
                )
            ),
        ).where(*week)
    ).one()
    roles = session.exec(
        select(Conversation.role, func.count())
        .join(Walkthrough, col(Walkthrough.id) == Conversation.walkthrough_id)
        .where(*week)
        .group_by(col(Conversation.role))
    ).all()
    by_role = dict(roles)
    pairs = [
        p for p in find_pairs(session, school_ids=[school_id], since=year.first_day)
        if leader_id in (p.first_observer_id, p.second_observer_id)
    ]  # fmt: skip
    return SchoolDigest(
        school_id=school_id,
        school_name=school.name,
        coverage=found,
        week_visits=sum(int(n) for _, n in by_period),
        by_period=tuple(
            sorted(((p or "no period", int(n)) for p, n in by_period), key=lambda i: _period_order(i[0]))
        ),
        by_lesson_part=_lesson_parts(session, school, leader_id, start, end),
        periods_per_teacher=tuple(sorted(histogram.items())),
        one_period=tuple(sorted(p.name for p in names)),
        pace=_pace(session, school_id, leader_id, year),
        shared=int(shared or 0),
        shared_within_hour=int(within or 0),
        conversations=tuple(
            (role, int(by_role.get(role.value, by_role.get(role, 0)))) for role in ConversationRole
        ),
        calibration=report_for_pairs(session, pairs),
        picture=data_picture(session, school_id=school_id, until=end),
        review=review_due(session, school_id=school_id, today=last_day or end),
        previous_review=previous_review(session, school_id=school_id),
        form_feedback=form_feedback_counts(session, school_id=school_id, since=start),
    )


def _period_order(period: str) -> tuple[int, str]:
    return (int(period), period) if period.isdigit() else (999, period)


def _pace(session: Session, school_id: int, leader_id: int, year: SchoolYear) -> Pace:
    visits = session.exec(
        select(func.count()).where(
            Walkthrough.school_id == school_id,
            Walkthrough.observer_id == leader_id,
            Walkthrough.visit_date >= year.first_day,
            Walkthrough.visit_date <= (year.school_days[-1] if year.school_days else year.first_day),
        )
    ).one()
    return Pace(int(visits), year.pace_expected, year.day_number)


def _lesson_parts(
    session: Session, school: School, leader_id: int, start: date, end: date
) -> tuple[tuple[str, int], ...]:
    """The week's visits by the third of the bell period they fell in (school-local time against the bells of
    that day's type: `regular` unless the calendar says otherwise)."""
    local = local_seconds_of_day(
        session, moment=Walkthrough.visited_at, day=Walkthrough.visit_date, zone=school_zone(school), first=start,
        last=end,
    )  # fmt: skip
    begins, ends = time_seconds(session, BellPeriod.start), time_seconds(session, BellPeriod.end)
    third = (ends - begins) / 3
    part = case(
        (col(BellPeriod.id).is_(None), NO_BELL),
        (local < begins, NO_BELL),
        (local < begins + third, LESSON_PARTS[0]),
        (local < begins + 2 * third, LESSON_PARTS[1]),
        (local <= ends, LESSON_PARTS[2]),
        else_=NO_BELL,
    )
    day_type = func.coalesce(CalendarDay.day_type, "regular")
    rows = session.exec(
        select(part.label("part"), func.count())
        .select_from(Walkthrough)
        .outerjoin(
            CalendarDay,
            (col(CalendarDay.school_id) == Walkthrough.school_id)
            & (col(CalendarDay.day) == Walkthrough.visit_date),
        )
        .outerjoin(
            BellPeriod,
            (col(BellPeriod.school_id) == Walkthrough.school_id)
            & (col(BellPeriod.period) == Walkthrough.period)
            & (col(BellPeriod.day_type) == day_type),
        )
        .where(
            Walkthrough.school_id == school.id,
            Walkthrough.observer_id == leader_id,
            Walkthrough.visit_date >= start,
            Walkthrough.visit_date <= end,
        )
        .group_by(part)
    ).all()
    counts = dict(rows)
    return tuple((name, int(counts[name])) for name in (*LESSON_PARTS, NO_BELL) if counts.get(name))


__all__ = ["YEAR_GOAL", "LeaderDigest", "SchoolDigest", "leader_digest"]
