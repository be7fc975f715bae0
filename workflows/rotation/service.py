"""The rotation on real data: load a school's inputs, plan a day once, store it, and change it by Skip/Swap.

- Planning a day is idempotent: the first plan of a school's day is stored (`rotation_day` is unique on
  school and day) and every later call returns it, so the morning DM, `/rounds today` and `rounds plan`
  agree. Two processes planning at once: the loser of the insert reads the winner's plan.
- Cycles are runs of `cycle_length` school days counted from July 1 (the school year's start), over a
  Monday–Friday week minus `none` days in the school calendar and the school's iCalendar days off.
- History is what the leaders did: walkthroughs they logged (done), and planned visits they skipped or
  missed (a planned visit of a past day with no walkthrough). Skipped and missed teachers return to the top.
- Calendars come through `RotationCalendars`, handed in by `bot/`; the domain never knows which kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from workflows.roster.models import (
    BellPeriod,
    CalendarDay,
    ClassTeacher,
    Person,
    School,
    SchoolClass,
    StaffRole,
)
from workflows.roster.snapshot import Role
from workflows.rotation import planner
from workflows.rotation.calendars import (
    BusyInterval,
    CalendarUnavailable,
    busy_on_day,
    calendar_checked,
)
from workflows.rotation.models import (
    SKIP_REASON_MAX,
    JobRun,
    PlannedVisit,
    RotationDay,
    RotationLeaderDay,
    VisitStatus,
)
from workflows.rotation.quality import PlanQuality, assess, simulate_cycle
from workflows.walkthroughs.models import Walkthrough

SCHOOL_YEAR_START = (7, 1)  # cycles count from July 1
_LOOKAHEAD = timedelta(days=60)  # enough calendar after a day to finish its cycle
_ACTIVE = (VisitStatus.PLANNED.value, VisitStatus.DONE.value)


# ── what the domain needs from outside ───────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class LeaderContact:
    """What a calendar adapter needs to find a leader's busy time."""

    person_id: int
    email: str | None
    calendar_url: str | None


BusyByLeader = dict[int, list[BusyInterval] | CalendarUnavailable]


class RotationCalendars(Protocol):
    """Leaders' busy time and schools' days off, however they are configured (bot/ chooses)."""

    def busy(
        self, *, leaders: Sequence[LeaderContact], start: datetime, end: datetime, tz: tzinfo
    ) -> BusyByLeader: ...

    def days_off(
        self, *, url: str | None, start: date, end: date, tz: tzinfo
    ) -> set[date] | CalendarUnavailable: ...


class NoCalendars:
    """Nothing configured: everyone is free and only the roster's school calendar counts."""

    def busy(
        self, *, leaders: Sequence[LeaderContact], start: datetime, end: datetime, tz: tzinfo
    ) -> BusyByLeader:
        return {leader.person_id: CalendarUnavailable("no calendar configured", False) for leader in leaders}

    def days_off(
        self, *, url: str | None, start: date, end: date, tz: tzinfo
    ) -> set[date] | CalendarUnavailable:
        return CalendarUnavailable("no calendar configured", False)


class RotationError(ValueError):
    """A request the rotation cannot honour; the message is fit to show the person who asked."""


# ── what the service returns ─────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class VisitView:
    key: str
    teacher_id: int
    teacher_name: str
    teacher_slack_id: str | None
    class_id: int | None
    class_title: str
    room: str | None
    period: str
    start: time
    end: time
    reason: str
    paired_with_name: str | None
    status: VisitStatus
    skip_reason: str | None


@dataclass(frozen=True)
class LeaderDay:
    """One leader's day at one school, as the morning DM, `/rounds today` and the App Home show it."""

    school_id: int
    school_name: str
    timezone: str
    day: date
    school_day: bool
    leader_id: int
    leader_name: str
    leader_slack_id: str | None
    visits: tuple[VisitView, ...]
    notes: tuple[str, ...]
    calendar_checked: bool
    calendar_problem: str | None
    seen_this_cycle: int
    caseload: int
    cycle_day: int | None
    cycle_length: int
    visits_per_day: int
    revision: int

    @property
    def current(self) -> tuple[VisitView, ...]:
        """The visits still on the day's list (a swapped visit was replaced and is not shown)."""
        return tuple(v for v in self.visits if v.status != VisitStatus.SWAPPED)

    @property
    def reminder_key(self) -> str:
        return reminder_key(self.leader_id, self.day, self.school_id)


@dataclass(frozen=True)
class SchoolPlan:
    school_id: int
    school_name: str
    day: date
    day_type: str
    school_day: bool
    notes: tuple[str, ...]
    leaders: tuple[LeaderDay, ...]
    created: bool  # False when the stored plan was returned


@dataclass(frozen=True)
class CoverageLine:
    teacher_id: int
    teacher_name: str
    last_seen: date | None
    days_since: int | None  # calendar days


@dataclass(frozen=True)
class Coverage:
    school_id: int
    school_name: str
    leader_id: int
    since: date  # the first day of the window (the last `cycle_length` school days)
    caseload: int
    not_seen: tuple[CoverageLine, ...]


@dataclass(frozen=True)
class SwapResult:
    leader_day: LeaderDay
    replaced: bool


def reminder_key(leader_id: int, day: date, school_id: int) -> str:
    """The outbox key of a leader's morning DM for one school and day: one DM per school-day."""
    return f"reminder:{leader_id}:{day.isoformat()}:{school_id}"


def visit_key(school_id: int, day: date, leader_id: int, teacher_id: int) -> str:
    return f"visit:{school_id}:{day.isoformat()}:{leader_id}:{teacher_id}"


# ── calendars and school days ────────────────────────────────────────────────────────────────────────


def school_zone(school: School) -> ZoneInfo:
    return ZoneInfo(school.timezone)


def local_today(school: School, now: datetime) -> date:
    return now.astimezone(school_zone(school)).date()


def settings_of(school: School) -> planner.RotationSettings:
    return planner.RotationSettings(
        visits_per_day=school.visits_per_day,
        cycle_length=school.cycle_length,
        visit_minutes=school.visit_minutes,
        paired_share=school.paired_share,
    )


@dataclass(frozen=True)
class SchoolCalendar:
    """A school's day types over a range: weekdays are `regular` unless the calendar says otherwise."""

    start: date
    end: date
    dated: dict[date, str]
    days_off: frozenset[date]
    days_off_problem: str | None

    def day_type(self, day: date) -> str:
        if day in self.days_off:
            return "none"
        return self.dated.get(day, "regular" if day.weekday() < 5 else "none")

    def school_days(self) -> list[date]:
        days, day = [], self.start
        while day <= self.end:
            if self.day_type(day) != "none":
                days.append(day)
            day += timedelta(days=1)
        return days


def school_year_start(day: date) -> date:
    month, first = SCHOOL_YEAR_START
    year = day.year if (day.month, day.day) >= (month, first) else day.year - 1
    return date(year, month, first)


def school_calendar(
    session: Session, *, school: School, start: date, end: date, calendars: RotationCalendars
) -> SchoolCalendar:
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
    return SchoolCalendar(start, end, {r.day: r.day_type for r in rows}, frozenset(off), problem)


def is_school_day(session: Session, *, school: School, day: date, calendars: RotationCalendars) -> bool:
    cal = school_calendar(session, school=school, start=day, end=day, calendars=calendars)
    return cal.day_type(day) != "none"


# ── loading the planner's inputs ─────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _Inputs:
    school: School
    settings: planner.RotationSettings
    bells: dict[str, planner.BellSchedule]
    sections: tuple[planner.Section, ...]
    leaders: tuple[Person, ...]
    teachers: dict[int, Person]

    def caseload(self, leader_id: int) -> frozenset[str]:
        return frozenset(s.teacher_id for s in self.sections) - {str(leader_id)}


def _load(session: Session, school: School) -> _Inputs:
    bells: dict[str, list[planner.BellPeriod]] = {}
    for p in session.exec(select(BellPeriod).where(BellPeriod.school_id == school.id)).all():
        bells.setdefault(p.day_type, []).append(planner.BellPeriod(p.period, p.start, p.end))
    schedules = {t: planner.BellSchedule(t, tuple(ps)) for t, ps in bells.items()}
    teachers = {
        p.id or 0: p
        for p in session.exec(
            select(Person)
            .join(StaffRole, col(StaffRole.person_id) == Person.id)
            .where(StaffRole.school_id == school.id, StaffRole.role == Role.TEACHER.value, col(Person.active))
        ).all()
    }
    sections = []
    rows = session.exec(
        select(SchoolClass, ClassTeacher.person_id)
        .join(ClassTeacher, col(ClassTeacher.class_id) == SchoolClass.id)
        .where(SchoolClass.school_id == school.id, col(SchoolClass.active))
        .order_by(col(SchoolClass.id), col(ClassTeacher.person_id))
    ).all()
    for cls, teacher_id in rows:
        if teacher_id in teachers and cls.periods:
            sections.append(
                planner.Section(str(teacher_id), str(cls.id), cls.title, cls.room, tuple(cls.periods))
            )
    leaders = session.exec(
        select(Person)
        .join(StaffRole, col(StaffRole.person_id) == Person.id)
        .where(StaffRole.school_id == school.id, StaffRole.role == Role.LEADER.value, col(Person.active))
        .order_by(col(Person.id))
    ).all()
    return _Inputs(school, settings_of(school), schedules, tuple(sections), tuple(leaders), teachers)


def _history(session: Session, *, school_id: int, before: date, since: date) -> list[planner.PastVisit]:
    """Done visits (walkthroughs) and lapses (skipped, missed planned visits) at a school in [since, before]."""
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


def settle(session: Session, *, school_id: int, today: date, now: datetime) -> None:
    """Planned visits a walkthrough logged become done; those of past days never logged become missed."""
    open_visits = session.exec(
        select(PlannedVisit).where(
            PlannedVisit.school_id == school_id,
            PlannedVisit.day <= today,
            PlannedVisit.status == VisitStatus.PLANNED.value,
        )
    ).all()
    if not open_visits:
        return
    first = min(v.day for v in open_visits)
    logged = session.exec(
        select(
            Walkthrough.planned_visit_key,
            Walkthrough.observer_id,
            Walkthrough.teacher_id,
            Walkthrough.visit_date,
        ).where(Walkthrough.school_id == school_id, Walkthrough.visit_date >= first)
    ).all()
    keys = {k for k, *_ in logged if k}
    visits = {(o, t, d) for _, o, t, d in logged}
    for v in open_visits:
        if v.key in keys or (v.leader_id, v.teacher_id, v.day) in visits:
            v.status = VisitStatus.DONE
        elif v.day < today:
            v.status = VisitStatus.MISSED
        else:
            continue
        v.updated_at = now
        session.add(v)
    session.flush()


# ── planning ─────────────────────────────────────────────────────────────────────────────────────────


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


def schools(session: Session) -> list[School]:
    return list(session.exec(select(School).order_by(col(School.id))).all())


def plan_school_day(
    session: Session, *, school_id: int, day: date, calendars: RotationCalendars, now: datetime
) -> SchoolPlan:
    """The school's plan for `day`: the stored one, or a new one made now and stored (see module doc)."""
    school = _school(session, school_id)
    stored = _stored_day(session, school_id, day)
    if stored is not None:
        return _school_plan(session, school, stored, created=False)
    inputs = _load(session, school)
    # Calendars are read (HTTP) before anything is written, so no write lock is held while waiting on them.
    cal = _calendar_around(session, school, day, calendars)
    busy = _busy(calendars, inputs, day)
    settle(session, school_id=school_id, today=min(day, local_today(school, now)), now=now)
    cycle = planner.cycle_for(day, cal.school_days(), inputs.settings.cycle_length)
    day_type = cal.day_type(day)
    leaders = [
        planner.Leader(
            str(p.id),
            p.name,
            caseload=inputs.caseload(p.id or 0),
            busy=busy_on_day(busy[p.id or 0], day, school_zone(school)),
            calendar_checked=calendar_checked(busy[p.id or 0]),
        )
        for p in inputs.leaders
    ]
    plan = planner.plan_day(
        settings=inputs.settings,
        day=planner.SchoolDay(day, day_type, cycle),
        bell_schedules=inputs.bells,
        sections=inputs.sections,
        leaders=leaders,
        history=_history(session, school_id=school_id, before=day, since=school_year_start(day)),
    )
    notes = list(plan.notes)
    if cal.days_off_problem:
        notes.append(f"The school's calendar of days off could not be checked ({cal.days_off_problem}).")
    row = _claim_day(session, school_id, day, day_type, plan.school_day, cycle, notes, now)
    if row is None:  # another process stored this day first
        stored = _stored_day(session, school_id, day)
        assert stored is not None
        return _school_plan(session, school, stored, created=False)
    for leader, leader_plan in zip(
        leaders, (plan.for_leader(leader.leader_id) for leader in leaders), strict=True
    ):
        problem = busy[int(leader.leader_id)]
        session.add(
            RotationLeaderDay(
                rotation_day_id=row.id or 0,
                leader_id=int(leader.leader_id),
                unfitted=leader_plan.unfitted,
                notes=list(leader_plan.notes) if plan.school_day else [],
                calendar_checked=leader_plan.calendar_checked,
                calendar_problem=problem.reason
                if isinstance(problem, CalendarUnavailable) and problem.configured
                else None,
                busy=[[s.strftime("%H:%M:%S"), e.strftime("%H:%M:%S")] for s, e in leader.busy],
            )
        )
        for visit in leader_plan.visits:
            session.add(_visit_row(school_id, day, visit, now))
    session.flush()
    return _school_plan(session, school, row, created=True)


def _calendar_around(
    session: Session, school: School, day: date, calendars: RotationCalendars
) -> SchoolCalendar:
    return school_calendar(
        session,
        school=school,
        start=min(school_year_start(day), day),
        end=day + _LOOKAHEAD,
        calendars=calendars,
    )


def _busy(calendars: RotationCalendars, inputs: _Inputs, day: date, days: int = 1) -> BusyByLeader:
    tz = school_zone(inputs.school)
    start = datetime.combine(day, time(), tzinfo=tz)
    contacts = [LeaderContact(p.id or 0, p.email, p.calendar_url) for p in inputs.leaders]
    if not contacts:
        return {}
    found = calendars.busy(leaders=contacts, start=start, end=start + timedelta(days=days), tz=tz)
    missing = CalendarUnavailable("no answer for this leader")
    return {c.person_id: found.get(c.person_id, missing) for c in contacts}


def _claim_day(
    session: Session,
    school_id: int,
    day: date,
    day_type: str,
    school_day: bool,
    cycle: Sequence[date],
    notes: list[str],
    now: datetime,
) -> RotationDay | None:
    """Insert the day's row unless another process did; None when it did (race-safe on both backends)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = RotationDay.__table__  # type: ignore[attr-defined]
    result = session.execute(
        insert(table)
        .values(
            school_id=school_id,
            day=day,
            day_type=day_type,
            school_day=school_day,
            cycle_days=[d.isoformat() for d in cycle],
            notes=notes,
            planned_at=now,
        )
        .on_conflict_do_nothing(index_elements=["school_id", "day"])
        .returning(table.c.id)
    )
    if result.first() is None:
        return None
    return _stored_day(session, school_id, day)


def _visit_row(school_id: int, day: date, visit: planner.PlannedVisit, now: datetime) -> PlannedVisit:
    return PlannedVisit(
        key=visit_key(school_id, day, int(visit.leader_id), int(visit.teacher_id)),
        school_id=school_id,
        day=day,
        leader_id=int(visit.leader_id),
        teacher_id=int(visit.teacher_id),
        class_id=int(visit.class_id),
        class_title=visit.class_title,
        room=visit.room,
        period=visit.period,
        start=visit.start,
        end=visit.end,
        reason=visit.reason[:1000],
        paired_with_id=int(visit.paired_with) if visit.paired_with else None,
        status=VisitStatus.PLANNED,
        created_at=now,
        updated_at=now,
    )


def _school(session: Session, school_id: int) -> School:
    school = session.get(School, school_id)
    if school is None:
        raise RotationError(f"no school with id {school_id}")
    return school


def _stored_day(session: Session, school_id: int, day: date) -> RotationDay | None:
    return session.exec(
        select(RotationDay).where(RotationDay.school_id == school_id, RotationDay.day == day)
    ).first()


# ── reading stored plans ─────────────────────────────────────────────────────────────────────────────


def stored_plan(session: Session, *, school_id: int, day: date) -> SchoolPlan | None:
    school = _school(session, school_id)
    row = _stored_day(session, school_id, day)
    return _school_plan(session, school, row, created=False) if row is not None else None


def leader_day(session: Session, *, school_id: int, leader_id: int, day: date) -> LeaderDay | None:
    """A leader's stored day at one school, or None when the day is not planned (or they are not on it)."""
    plan = stored_plan(session, school_id=school_id, day=day)
    if plan is None:
        return None
    return next((d for d in plan.leaders if d.leader_id == leader_id), None)


def leader_days_today(
    session: Session, *, leader_id: int, now: datetime
) -> list[tuple[School, LeaderDay | None]]:
    """For each school the person leads, today's stored day there (school-local today), or None."""
    found = []
    for school in _led_schools(session, leader_id):
        today = local_today(school, now)
        found.append((school, leader_day(session, school_id=school.id or 0, leader_id=leader_id, day=today)))
    return found


def _led_schools(session: Session, leader_id: int) -> list[School]:
    return list(
        session.exec(
            select(School)
            .join(StaffRole, col(StaffRole.school_id) == School.id)
            .where(StaffRole.person_id == leader_id, StaffRole.role == Role.LEADER.value)
            .order_by(col(School.name))
        ).all()
    )


def _school_plan(
    session: Session, school: School, row: RotationDay, *, created: bool, today: date | None = None
) -> SchoolPlan:
    """The stored plan as views. With `today`, a planned visit of an earlier day reads as missed (no write)."""
    leader_rows = session.exec(
        select(RotationLeaderDay, Person)
        .join(Person, col(Person.id) == RotationLeaderDay.leader_id)
        .where(RotationLeaderDay.rotation_day_id == row.id)
        .order_by(col(Person.family_name), col(Person.given_name), col(Person.id))
    ).all()
    visits = session.exec(
        select(PlannedVisit)
        .where(PlannedVisit.school_id == school.id, PlannedVisit.day == row.day)
        .order_by(col(PlannedVisit.start), col(PlannedVisit.id))
    ).all()
    logged = _logged(session, school.id or 0, row.day)
    people_ids = {v.teacher_id for v in visits} | {v.paired_with_id for v in visits if v.paired_with_id}
    people = (
        {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(people_ids))).all()}
        if people_ids
        else {}
    )
    cycle = [date.fromisoformat(d) for d in row.cycle_days]
    settings = settings_of(school)
    inputs = _load(session, school) if row.school_day else None
    seen = _seen_in(session, school.id or 0, cycle, row.day)
    days = []
    for leader_row, person in leader_rows:
        caseload = inputs.caseload(person.id or 0) if inputs else frozenset()
        mine = tuple(_visit_view(v, people, logged, today) for v in visits if v.leader_id == person.id)
        days.append(
            LeaderDay(
                school_id=school.id or 0,
                school_name=school.name,
                timezone=school.timezone,
                day=row.day,
                school_day=row.school_day,
                leader_id=person.id or 0,
                leader_name=person.name,
                leader_slack_id=person.slack_user_id,
                visits=mine,
                notes=tuple(leader_row.notes) if row.school_day else tuple(row.notes),
                calendar_checked=leader_row.calendar_checked,
                calendar_problem=leader_row.calendar_problem,
                seen_this_cycle=len({t for t in seen.get(person.id or 0, set()) if str(t) in caseload}),
                caseload=len(caseload),
                cycle_day=cycle.index(row.day) + 1 if row.day in cycle else None,
                cycle_length=settings.cycle_length,
                visits_per_day=settings.visits_per_day,
                revision=leader_row.revision,
            )
        )
    return SchoolPlan(
        school_id=school.id or 0,
        school_name=school.name,
        day=row.day,
        day_type=row.day_type,
        school_day=row.school_day,
        notes=tuple(row.notes),
        leaders=tuple(days),
        created=created,
    )


def _seen_in(session: Session, school_id: int, cycle: Sequence[date], day: date) -> dict[int, set[int]]:
    """Per leader, the teachers they logged a walkthrough of in the cycle, up to and including `day`."""
    if not cycle:
        return {}
    rows = session.exec(
        select(Walkthrough.observer_id, Walkthrough.teacher_id).where(
            Walkthrough.school_id == school_id,
            Walkthrough.visit_date >= cycle[0],
            Walkthrough.visit_date <= day,
        )
    ).all()
    seen: dict[int, set[int]] = {}
    for observer, teacher in rows:
        seen.setdefault(observer, set()).add(teacher)
    return seen


def _logged(session: Session, school_id: int, day: date) -> set[str | tuple[int, int]]:
    """What walkthroughs logged on `day`: planned-visit keys, and (observer, teacher) pairs."""
    rows = session.exec(
        select(Walkthrough.planned_visit_key, Walkthrough.observer_id, Walkthrough.teacher_id).where(
            Walkthrough.school_id == school_id, Walkthrough.visit_date == day
        )
    ).all()
    return {k for k, _, _ in rows if k} | {(o, t) for _, o, t in rows}


def _visit_view(
    v: PlannedVisit, people: dict[int | None, Person], logged: set[str | tuple[int, int]], today: date | None
) -> VisitView:
    """A visit as shown: a planned one reads as done once a walkthrough logs it, missed once its day is past."""
    teacher = people.get(v.teacher_id)
    partner = people.get(v.paired_with_id) if v.paired_with_id else None
    status = VisitStatus(v.status)
    if status == VisitStatus.PLANNED and (v.key in logged or (v.leader_id, v.teacher_id) in logged):
        status = VisitStatus.DONE
    elif status == VisitStatus.PLANNED and today is not None and v.day < today:
        status = VisitStatus.MISSED
    return VisitView(
        key=v.key,
        teacher_id=v.teacher_id,
        teacher_name=teacher.name if teacher else "a former teacher",
        teacher_slack_id=teacher.slack_user_id if teacher else None,
        class_id=v.class_id,
        class_title=v.class_title,
        room=v.room,
        period=v.period,
        start=v.start,
        end=v.end,
        reason=v.reason,
        paired_with_name=partner.name if partner else None,
        status=status,
        skip_reason=v.skip_reason,
    )


# ── changing a day: done, skip, swap ─────────────────────────────────────────────────────────────────


def planned_visit(session: Session, *, key: str, leader_id: int) -> PlannedVisit:
    """The leader's own planned visit by key; anything else (a forged key, someone else's) is refused."""
    visit = session.exec(select(PlannedVisit).where(PlannedVisit.key == key)).first()
    if visit is None or visit.leader_id != leader_id:
        raise RotationError("That visit isn't on your plan.")
    return visit


def skip_visit(session: Session, *, key: str, leader_id: int, reason: str, now: datetime) -> LeaderDay:
    """Skip a planned visit: stored with its reason, so the teacher returns to the top of the queue."""
    reason = " ".join(reason.split())
    if not reason:
        raise RotationError("Say in a few words why you're skipping this visit.")
    if len(reason) > SKIP_REASON_MAX:
        raise RotationError(f"Keep the reason under {SKIP_REASON_MAX} characters.")
    visit = _changeable(session, key=key, leader_id=leader_id, now=now)
    visit.status, visit.skip_reason, visit.updated_at = VisitStatus.SKIPPED, reason, now
    session.add(visit)
    return _bump(session, visit)


def swap_visit(session: Session, *, key: str, leader_id: int, now: datetime) -> SwapResult:
    """Replace a planned visit with the next teacher who fits, around every visit kept that day.

    On the day itself the new visit starts no earlier than now. With nobody else to fit, the visit is
    dropped and the day says so (`replaced` False).
    """
    visit = _changeable(session, key=key, leader_id=leader_id, now=now)
    school = _school(session, visit.school_id)
    stored = _stored_day(session, visit.school_id, visit.day)
    leader_row = _leader_row(session, stored, leader_id)
    visit.status, visit.updated_at = VisitStatus.SWAPPED, now
    session.add(visit)
    session.flush()
    day_visits = session.exec(
        select(PlannedVisit).where(PlannedVisit.school_id == visit.school_id, PlannedVisit.day == visit.day)
    ).all()
    kept = [_as_planned(v) for v in day_visits if v.status in _ACTIVE]
    not_today = frozenset(
        str(v.teacher_id) for v in day_visits if v.leader_id == leader_id and v.status not in _ACTIVE
    )
    busy = [(time.fromisoformat(s), time.fromisoformat(e)) for s, e in leader_row.busy]
    if visit.day == local_today(school, now):
        local = now.astimezone(school_zone(school))
        busy.append((time(0), local.time().replace(second=0, microsecond=0)))
    inputs = _load(session, school)
    person = session.get(Person, leader_id)
    assert person is not None and stored is not None
    mine = sum(1 for v in kept if v.leader_id == str(leader_id))
    leader = planner.Leader(
        str(leader_id),
        person.name,
        caseload=inputs.caseload(leader_id),
        busy=tuple(busy),
        calendar_checked=leader_row.calendar_checked,
        not_today=not_today,
    )
    plan = planner.plan_day(
        settings=replace(inputs.settings, visits_per_day=mine + 1, paired_share=0.0),
        day=planner.SchoolDay(
            visit.day, stored.day_type, tuple(date.fromisoformat(d) for d in stored.cycle_days)
        ),
        bell_schedules=inputs.bells,
        sections=inputs.sections,
        leaders=[leader],
        history=_history(
            session, school_id=visit.school_id, before=visit.day, since=school_year_start(visit.day)
        ),
        already_planned=kept,
    )
    kept_keys = {(v.leader_id, v.teacher_id) for v in kept}
    new = [v for v in plan.for_leader(str(leader_id)).visits if (v.leader_id, v.teacher_id) not in kept_keys]
    for v in new:
        session.add(_visit_row(visit.school_id, visit.day, v, now))
    return SwapResult(_bump(session, visit), replaced=bool(new))


def visit_view(session: Session, *, key: str, leader_id: int) -> VisitView:
    """The leader's own visit as shown (for the Skip modal); RotationError for anyone else's."""
    v = planned_visit(session, key=key, leader_id=leader_id)
    people = {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_([v.teacher_id]))).all()}
    return _visit_view(v, people, _logged(session, v.school_id, v.day), None)


def _changeable(session: Session, *, key: str, leader_id: int, now: datetime) -> PlannedVisit:
    """A visit the leader may still skip or swap: their own, still planned, not logged, its day not over."""
    visit = planned_visit(session, key=key, leader_id=leader_id)
    status = VisitStatus(visit.status)
    if status == VisitStatus.PLANNED and visit.key in _logged(session, visit.school_id, visit.day):
        status = VisitStatus.DONE
    if status != VisitStatus.PLANNED:
        raise RotationError(f"That visit is already {status}.")
    if visit.day < local_today(_school(session, visit.school_id), now):
        raise RotationError("That day is over: its visits can no longer be changed.")
    return visit


def _leader_row(session: Session, stored: RotationDay | None, leader_id: int) -> RotationLeaderDay:
    row = None
    if stored is not None:
        row = session.exec(
            select(RotationLeaderDay).where(
                RotationLeaderDay.rotation_day_id == stored.id, RotationLeaderDay.leader_id == leader_id
            )
        ).first()
    if row is None:
        raise RotationError("That visit isn't on your plan.")
    return row


def _bump(session: Session, visit: PlannedVisit) -> LeaderDay:
    """Count one more change to the leader's day (the DM is updated once per change) and return the day."""
    stored = _stored_day(session, visit.school_id, visit.day)
    row = _leader_row(session, stored, visit.leader_id)
    session.execute(
        update(RotationLeaderDay)
        .where(col(RotationLeaderDay.id) == row.id)
        .values(revision=RotationLeaderDay.revision + 1)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    session.expire_all()
    day = leader_day(session, school_id=visit.school_id, leader_id=visit.leader_id, day=visit.day)
    assert day is not None
    return day


def _as_planned(v: PlannedVisit) -> planner.PlannedVisit:
    return planner.PlannedVisit(
        leader_id=str(v.leader_id),
        teacher_id=str(v.teacher_id),
        class_id=str(v.class_id),
        class_title=v.class_title,
        room=v.room,
        period=v.period,
        start=v.start,
        end=v.end,
        reason=v.reason,
        paired_with=str(v.paired_with_id) if v.paired_with_id else None,
    )


# ── coverage ─────────────────────────────────────────────────────────────────────────────────────────


def coverage(
    session: Session,
    *,
    school_id: int,
    leader_id: int,
    today: date,
    calendars: RotationCalendars | None = None,
) -> Coverage:
    """Teachers in the leader's caseload not seen by them in the last `cycle_length` school days, oldest first.

    Only the roster's calendar is read here (`calendars` adds iCalendar days off when given).
    """
    school = _school(session, school_id)
    inputs = _load(session, school)
    cal = school_calendar(
        session,
        school=school,
        start=today - timedelta(days=7 * inputs.settings.cycle_length),
        end=today,
        calendars=calendars or NoCalendars(),
    )
    window = cal.school_days()[-inputs.settings.cycle_length :] or [today]
    since = window[0]
    caseload = sorted(int(t) for t in inputs.caseload(leader_id))
    last = dict(
        session.exec(
            select(Walkthrough.teacher_id, func.max(Walkthrough.visit_date))
            .where(
                Walkthrough.school_id == school_id,
                Walkthrough.observer_id == leader_id,
                Walkthrough.visit_date <= today,
            )
            .group_by(col(Walkthrough.teacher_id))
        ).all()
    )
    lines = []
    for teacher_id in caseload:
        seen = last.get(teacher_id)
        if seen is not None and seen >= since:
            continue
        person = inputs.teachers[teacher_id]
        lines.append(CoverageLine(teacher_id, person.name, seen, (today - seen).days if seen else None))
    lines.sort(key=lambda line: (line.last_seen or date.min, line.teacher_name))
    return Coverage(school_id, school.name, leader_id, since, len(caseload), tuple(lines))


def coverage_for_leader(session: Session, *, leader_id: int, now: datetime) -> list[Coverage]:
    return [
        coverage(session, school_id=s.id or 0, leader_id=leader_id, today=local_today(s, now))
        for s in _led_schools(session, leader_id)
    ]


# ── explaining a cycle (rounds plan --explain) ───────────────────────────────────────────────────────


def explain_cycle(
    session: Session, *, school_id: int, day: date, calendars: RotationCalendars
) -> PlanQuality | None:
    """Simulate the whole cycle holding `day` from the history before it, and measure it; None off-cycle."""
    school = _school(session, school_id)
    inputs = _load(session, school)
    cal = _calendar_around(session, school, day, calendars)
    cycle = planner.cycle_for(day, cal.school_days(), inputs.settings.cycle_length)
    if not cycle or day not in cycle:
        return None
    span = (cycle[-1] - cycle[0]).days + 1
    busy = _busy(calendars, inputs, cycle[0], days=span)
    tz = school_zone(school)
    leaders = [planner.Leader(str(p.id), p.name, caseload=inputs.caseload(p.id or 0)) for p in inputs.leaders]
    busy_by_day = {(str(pid), d): busy_on_day(found, d, tz) for pid, found in busy.items() for d in cycle}
    history = _history(session, school_id=school_id, before=cycle[0], since=school_year_start(cycle[0]))
    plans = simulate_cycle(
        settings=inputs.settings,
        cycle_days=cycle,
        bell_schedules=inputs.bells,
        sections=inputs.sections,
        leaders=leaders,
        history=history,
        day_types={d: cal.day_type(d) for d in cycle},
        busy_by_day=busy_by_day,
    )
    return assess(
        plans,
        sections=inputs.sections,
        leaders=leaders,
        history=history,
        busy_by_day=busy_by_day,
        bell_schedules=inputs.bells,
    )


# ── scheduled jobs: one run per job, school and day ──────────────────────────────────────────────────


def job_run(session: Session, *, job: str, school_id: int, day: date) -> JobRun | None:
    return session.exec(select(JobRun).where(JobRun.key == job_key(job, school_id, day))).first()


def job_key(job: str, school_id: int, day: date) -> str:
    return f"{job}:{school_id}:{day.isoformat()}"


def record_job_run(
    session: Session, *, job: str, school_id: int, day: date, status: str, now: datetime, detail: str = ""
) -> bool:
    """Record that a job ran (or was missed) for a school's day; False when it was already recorded."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = JobRun.__table__  # type: ignore[attr-defined]
    result = session.execute(
        insert(table)
        .values(
            key=job_key(job, school_id, day),
            job=job,
            school_id=school_id,
            day=day,
            status=status,
            detail=detail[:255],
            recorded_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(table.c.id)
    )
    return result.first() is not None


def job_runs(session: Session, *, job: str, day: date | None = None) -> list[JobRun]:
    query = select(JobRun).where(JobRun.job == job)
    if day is not None:
        query = query.where(JobRun.day == day)
    return list(session.exec(query.order_by(col(JobRun.id))).all())


def leaders_of(session: Session, *, school_id: int) -> Iterable[Person]:
    return _load(session, _school(session, school_id)).leaders
