"""The school days a leader digest and the roadmap count: the school year so far, from the school's first
day (or its first plan), by the school's own calendar; and the pace towards 500 classroom visits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from workflows.roster.models import School
from workflows.rotation.calendars import NoCalendars, RotationCalendars
from workflows.rotation.inputs import cycle_start, school_calendar, school_year_start
from workflows.walkthroughs.models import Walkthrough

YEAR_GOAL = 500  # classroom visits in a school year (the roadmap's "500 Classrooms")
YEAR_SCHOOL_DAYS = 180  # a school year's instructional days: the pace is 500/180 visits a school day


@dataclass(frozen=True)
class SchoolYear:
    first_day: date
    school_days: tuple[date, ...]  # from the first day to the day asked about, inclusive

    @property
    def day_number(self) -> int:
        return len(self.school_days)

    @property
    def pace_expected(self) -> float:
        """Where the pace towards 500 should be on this school day."""
        return YEAR_GOAL * min(self.day_number, YEAR_SCHOOL_DAYS) / YEAR_SCHOOL_DAYS

    def last(self, count: int) -> tuple[date, ...]:
        return self.school_days[-count:] if count else ()


def school_year(
    session: Session, *, school: School, until: date, calendars: RotationCalendars | None = None
) -> SchoolYear:
    """School days of the year holding `until`, up to it: from the school's first day, else from its first
    plan or first walkthrough this year, whichever came first."""
    first = cycle_start(session, school=school, day=until)
    if school.first_day is None or school_year_start(school.first_day) != school_year_start(until):
        logged = session.exec(
            select(func.min(Walkthrough.visit_date)).where(
                Walkthrough.school_id == school.id, Walkthrough.visit_date >= school_year_start(until)
            )
        ).one()
        first = min(first, logged) if logged is not None else first
    cal = school_calendar(
        session, school=school, start=min(first, school_year_start(until)), end=until,
        calendars=calendars or NoCalendars(),
    )  # fmt: skip
    return SchoolYear(first, tuple(d for d in cal.school_days() if first <= d <= until))
