"""The planner's inputs, read from the database and the calendars: a school's days, bells, sections,
leaders, caseloads and history.

- School days are Monday–Friday minus `none` days in the roster's school calendar and the school's
  iCalendar days off, from the school's first day (`firstDay` in schools.csv) when it set one. Cycles are
  runs of `cycle_length` of them counted from that first day, or else from the school's first plan this
  school year (see `cycle_of`): a school that starts using Rounds in November starts a whole cycle then.
  The morning DM, `/rounds coverage` and `rounds plan --explain` all take their cycle from here.
- History is what the leaders did: walkthroughs they logged (done), and planned visits they skipped or
  missed. Skipped and missed teachers return to the top of the queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from workflows.roster.models import (
    BellPeriod,
    CalendarDay,
    Caseload,
    ClassTeacher,
    Person,
    School,
    SchoolClass,
    StaffRole,
)
from workflows.roster.snapshot import Role
from workflows.rotation import planner
from workflows.rotation.away import school_days_off
from workflows.rotation.calendars import BusyByLeader, CalendarUnavailable, LeaderContact, RotationCalendars
from workflows.rotation.leaders import RotationError
from workflows.rotation.models import PlannedVisit, RotationDay, VisitStatus
from workflows.walkthroughs.models import Walkthrough
from workflows.workspaces.models import Workspace

SCHOOL_YEAR_START = (7, 1)  # a school year runs from July 1 (history and first days are counted in it)
LOOKAHEAD = timedelta(days=60)  # enough calendar after a day to finish its cycle


# ── schools ──────────────────────────────────────────────────────────────────────────────────────────


def school(session: Session, school_id: int) -> School:
    found = session.get(School, school_id)
    if found is None:
        raise RotationError(f"no school with id {school_id}")
    return found


def schools(session: Session) -> list[School]:
    """The schools Rounds serves now: those of a workspace it was removed from wait, with their data,
    until it is installed again or an admin removes them."""
    gone = select(Workspace.id).where(col(Workspace.uninstalled_at).is_not(None))
    query = select(School).where(col(School.workspace).not_in(gone)).order_by(col(School.id))
    return list(session.exec(query).all())


def school_by_ref(session: Session, ref: str) -> School | None:
    """A school by id, sourcedId or (case-insensitive) name, for the CLI."""
    if ref.isdigit():
        found = session.get(School, int(ref))
        if found is not None:
            return found
    by_id = session.exec(select(School).where(School.sourced_id == ref)).first()
    if by_id is not None:
        return by_id
    return session.exec(select(School).where(func.lower(School.name) == ref.lower())).first()


def school_zone(school: School) -> ZoneInfo:
    return ZoneInfo(school.timezone)


def local_today(school: School, now: datetime) -> date:
    """The school's own date at `now`: a school's day starts at its midnight, not the server's."""
    return now.astimezone(school_zone(school)).date()


def settings_of(school: School) -> planner.RotationSettings:
    return planner.RotationSettings(
        visits_per_day=school.visits_per_day,
        cycle_length=school.cycle_length,
        visit_minutes=school.visit_minutes,
        paired_share=school.paired_share,
    )


# ── school days ──────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class SchoolCalendar:
    """A school's day types over a range: weekdays are `regular` unless the calendar says otherwise."""

    start: date
    end: date
    dated: dict[date, str]
    days_off: frozenset[date]
    days_off_problem: str | None
    first_day: date | None = None  # the school's first day this school year, when it set one
    # days the school's admins marked as without walkthroughs (a testing week), with their notes
    no_walkthroughs: dict[date, str | None] = field(default_factory=dict)

    def day_type(self, day: date) -> str:
        if day in self.days_off or day in self.no_walkthroughs or self._before_first_day(day):
            return "none"
        return self.dated.get(day, "regular" if day.weekday() < 5 else "none")

    def _before_first_day(self, day: date) -> bool:
        first = self.first_day
        return first is not None and day < first and school_year_start(day) == school_year_start(first)

    def school_days(self) -> list[date]:
        days, day = [], self.start
        while day <= self.end:
            if self.day_type(day) != "none":
                days.append(day)
            day += timedelta(days=1)
        return days


def school_year_start(day: date) -> date:
    """July 1 before `day`: the start of its school year (not of its cycles: see `cycle_of`)."""
    month, first = SCHOOL_YEAR_START
    year = day.year if (day.month, day.day) >= (month, first) else day.year - 1
    return date(year, month, first)


def school_calendar(
    session: Session, *, school: School, start: date, end: date, calendars: RotationCalendars
) -> SchoolCalendar:
    """The roster's dated exceptions plus the school's iCalendar days off; an unreadable feed is noted."""
    rows = session.exec(
        select(CalendarDay).where(
            CalendarDay.school_id == school.id, CalendarDay.day >= start, CalendarDay.day <= end
        )
    ).all()
    off: set[date] = set()
    problem = None
    if school.days_off_url:
        found = calendars.days_off(url=school.days_off_url, start=start, end=end, tz=school_zone(school))
        if isinstance(found, CalendarUnavailable):
            problem = found.reason if found.configured else None
        else:
            off = found
    return SchoolCalendar(
        start,
        end,
        {r.day: r.day_type for r in rows},
        frozenset(off),
        problem,
        first_day=school.first_day,
        no_walkthroughs=school_days_off(session, school_id=school.id or 0, start=start, end=end),
    )


def cycle_start(session: Session, *, school: School, day: date) -> date:
    """Where the cycles holding `day` start counting: the school's first day, if it set one for this
    school year; else the school's first planned school day this year; else `day` itself (the first plan).

    Not July 1: a school that starts using Rounds in November must not begin mid-cycle, told on its first
    morning that teachers "can't be fitted" in the days a July count leaves."""
    year = school_year_start(day)
    if school.first_day is not None and school_year_start(school.first_day) == year:
        return school.first_day
    first_plan = session.exec(
        select(func.min(RotationDay.day)).where(
            RotationDay.school_id == school.id, col(RotationDay.school_day), RotationDay.day >= year
        )
    ).one()
    return min(first_plan, day) if first_plan is not None else day


def cycle_of(session: Session, *, school: School, day: date, cal: SchoolCalendar) -> tuple[date, ...]:
    """The school days of the cycle holding `day` (one meaning of "cycle" for every surface)."""
    start = cycle_start(session, school=school, day=day)
    days = [d for d in cal.school_days() if d >= start]
    return planner.cycle_for(day, days, school.cycle_length)


def calendar_around(
    session: Session, *, school: School, day: date, calendars: RotationCalendars
) -> SchoolCalendar:
    """From the start of the school year to far enough after `day` to hold its whole cycle."""
    return school_calendar(
        session,
        school=school,
        start=min(school_year_start(day), day),
        end=day + LOOKAHEAD,
        calendars=calendars,
    )


def is_school_day(session: Session, *, school: School, day: date, calendars: RotationCalendars) -> bool:
    cal = school_calendar(session, school=school, start=day, end=day, calendars=calendars)
    return cal.day_type(day) != "none"


# ── bells, sections, leaders, history ────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class SchoolInputs:
    """What the planner needs from the roster for one school."""

    school: School
    settings: planner.RotationSettings
    bells: dict[str, planner.BellSchedule]
    sections: tuple[planner.Section, ...]
    leaders: tuple[Person, ...]
    teachers: dict[int, Person]
    # leader id → the teachers assigned to them, where the school splits its caseloads (caseloads.csv)
    caseloads: dict[int, frozenset[str]]

    def caseload(self, leader_id: int) -> frozenset[str]:
        """The leader's assigned teachers, or by default every teacher with a scheduled class; never the
        leader themself (a leader who also teaches)."""
        everyone = frozenset(s.teacher_id for s in self.sections)
        return (self.caseloads.get(leader_id, everyone) & everyone) - {str(leader_id)}


def load_inputs(session: Session, school: School) -> SchoolInputs:
    """Active teachers' active classes with periods, the bell schedules, and the school's active leaders."""
    bells: dict[str, list[planner.BellPeriod]] = {}
    for p in session.exec(select(BellPeriod).where(BellPeriod.school_id == school.id)).all():
        bells.setdefault(p.day_type, []).append(planner.BellPeriod(p.period, p.start, p.end))
    schedules = {t: planner.BellSchedule(t, tuple(ps)) for t, ps in bells.items()}
    teachers = {p.id or 0: p for p in _staff(session, school, Role.TEACHER)}
    rows = session.exec(
        select(SchoolClass, ClassTeacher.person_id)
        .join(ClassTeacher, col(ClassTeacher.class_id) == SchoolClass.id)
        .where(SchoolClass.school_id == school.id, col(SchoolClass.active))
        .order_by(col(SchoolClass.id), col(ClassTeacher.person_id))
    ).all()
    sections = tuple(
        planner.Section(str(teacher_id), str(cls.id), cls.title, cls.room, tuple(cls.periods))
        for cls, teacher_id in rows
        if teacher_id in teachers and cls.periods
    )
    leaders = tuple(_staff(session, school, Role.LEADER))
    caseloads: dict[int, set[str]] = {}
    for row in session.exec(select(Caseload).where(Caseload.school_id == school.id)).all():
        caseloads.setdefault(row.leader_id, set()).add(str(row.teacher_id))
    assigned = {leader: frozenset(ids) for leader, ids in caseloads.items()}
    return SchoolInputs(school, settings_of(school), schedules, sections, leaders, teachers, assigned)


def _staff(session: Session, school: School, role: Role) -> list[Person]:
    return list(
        session.exec(
            select(Person)
            .join(StaffRole, col(StaffRole.person_id) == Person.id)
            .where(StaffRole.school_id == school.id, StaffRole.role == role.value, col(Person.active))
            .order_by(col(Person.id))
        ).all()
    )


def history(session: Session, *, school_id: int, before: date) -> list[planner.PastVisit]:
    """This school year's done visits (walkthroughs) up to `before`, and its lapses (skipped, missed) before it."""
    since = school_year_start(before)
    past = [
        planner.PastVisit(str(w.teacher_id), str(w.observer_id), w.visit_date, w.period, planner.Outcome.DONE)
        for w in session.exec(
            select(Walkthrough).where(
                Walkthrough.school_id == school_id,
                Walkthrough.visit_date >= since,
                Walkthrough.visit_date <= before,
            )
        ).all()
    ]
    lapses = session.exec(
        select(PlannedVisit).where(
            PlannedVisit.school_id == school_id,
            PlannedVisit.day >= since,
            PlannedVisit.day < before,
            col(PlannedVisit.status).in_([VisitStatus.SKIPPED.value, VisitStatus.MISSED.value]),
        )
    ).all()
    past += [
        planner.PastVisit(str(v.teacher_id), str(v.leader_id), v.day, v.period, planner.Outcome(v.status))
        for v in lapses
    ]
    return past


def busy_by_leader(
    calendars: RotationCalendars, inputs: SchoolInputs, day: date, days: int = 1
) -> BusyByLeader:
    """Each leader's busy time over `days` days from `day`, or why it is unknown (never missing a leader)."""
    tz = school_zone(inputs.school)
    start = datetime.combine(day, time(), tzinfo=tz)
    contacts = [LeaderContact(p.id or 0, p.email, p.calendar_url) for p in inputs.leaders]
    if not contacts:
        return {}
    found = calendars.busy(leaders=contacts, start=start, end=start + timedelta(days=days), tz=tz)
    missing = CalendarUnavailable("no answer for this leader")
    return {c.person_id: found.get(c.person_id, missing) for c in contacts}
