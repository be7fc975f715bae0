"""A stored day as people see it: the morning DM, `/rounds today` and the App Home all read it from here.

A planned visit reads as done as soon as a walkthrough logs it (by its key, or by the same leader and
teacher that day), before anything settles it in the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session, col, select

from workflows.roster.models import Person, School
from workflows.rotation.away import leader_away
from workflows.rotation.inputs import load_inputs, local_today, school, settings_of
from workflows.rotation.leaders import led_schools
from workflows.rotation.models import PlannedVisit, RotationDay, RotationLeaderDay, VisitStatus
from workflows.walkthroughs.models import Walkthrough

Logged = set[str | tuple[int, int]]


def reminder_key(leader_id: int, day: date, school_id: int) -> str:
    """The outbox key of a leader's morning DM for one school and day: one DM per school-day."""
    return f"reminder:{leader_id}:{day.isoformat()}:{school_id}"


def visit_key(school_id: int, day: date, leader_id: int, teacher_id: int) -> str:
    """A planned visit's stable key: what its buttons carry and what a walkthrough points back to."""
    return f"visit:{school_id}:{day.isoformat()}:{leader_id}:{teacher_id}"


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
    workspace: str
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
    away: bool = False  # the leader marked this day away, so nothing was planned (and no DM is sent)

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


# ── reading stored days ──────────────────────────────────────────────────────────────────────────────


def stored_day(session: Session, school_id: int, day: date) -> RotationDay | None:
    return session.exec(
        select(RotationDay).where(RotationDay.school_id == school_id, RotationDay.day == day)
    ).first()


def stored_plan(session: Session, *, school_id: int, day: date) -> SchoolPlan | None:
    row = stored_day(session, school_id, day)
    return school_plan(session, school(session, school_id), row, created=False) if row is not None else None


def leader_day(session: Session, *, school_id: int, leader_id: int, day: date) -> LeaderDay | None:
    """A leader's stored day at one school, or None when the day is not planned (or they are not on it)."""
    plan = stored_plan(session, school_id=school_id, day=day)
    if plan is None:
        return None
    return next((d for d in plan.leaders if d.leader_id == leader_id), None)


def leader_days_today(
    session: Session, *, leader_id: int, now: datetime, schools: Sequence[School] | None = None
) -> list[tuple[School, LeaderDay | None]]:
    """For each school the person leads, today's stored day there (school-local today), or None.

    `schools`: those schools, when the caller has them already (as `led_schools` reads them)."""
    return [
        (s, leader_day(session, school_id=s.id or 0, leader_id=leader_id, day=local_today(s, now)))
        for s in (schools if schools is not None else led_schools(session, leader_id))
    ]


def school_plan(session: Session, school: School, row: RotationDay, *, created: bool) -> SchoolPlan:
    """The stored plan as views, each leader's with their progress through the cycle."""
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
    done = logged(session, school.id or 0, row.day)
    people = _people(session, {v.teacher_id for v in visits} | {v.paired_with_id for v in visits})
    cycle = [date.fromisoformat(d) for d in row.cycle_days]
    settings = settings_of(school)
    inputs = load_inputs(session, school) if row.school_day else None
    seen = _seen_in(session, school.id or 0, cycle, row.day)
    away = leader_away(session, leader_ids=[p.id or 0 for _, p in leader_rows], day=row.day)
    days = []
    for leader_row, person in leader_rows:
        caseload = inputs.caseload(person.id or 0) if inputs else frozenset()
        days.append(
            LeaderDay(
                school_id=school.id or 0,
                school_name=school.name,
                workspace=school.workspace,
                timezone=school.timezone,
                day=row.day,
                school_day=row.school_day,
                leader_id=person.id or 0,
                leader_name=person.name,
                leader_slack_id=person.slack_user_id,
                visits=tuple(as_view(v, people, done) for v in visits if v.leader_id == person.id),
                notes=tuple(leader_row.notes) if row.school_day else tuple(row.notes),
                calendar_checked=leader_row.calendar_checked,
                calendar_problem=leader_row.calendar_problem,
                seen_this_cycle=len({t for t in seen.get(person.id or 0, set()) if str(t) in caseload}),
                caseload=len(caseload),
                cycle_day=cycle.index(row.day) + 1 if row.day in cycle else None,
                cycle_length=settings.cycle_length,
                visits_per_day=settings.visits_per_day,
                revision=leader_row.revision,
                away=person.id in away and not any(v.leader_id == person.id for v in visits),
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


def logged(session: Session, school_id: int, day: date) -> Logged:
    """What walkthroughs logged on `day`: planned-visit keys, and (observer, teacher) pairs."""
    rows = session.exec(
        select(Walkthrough.planned_visit_key, Walkthrough.observer_id, Walkthrough.teacher_id).where(
            Walkthrough.school_id == school_id, Walkthrough.visit_date == day
        )
    ).all()
    return {k for k, _, _ in rows if k} | {(o, t) for _, o, t in rows}


def as_view(v: PlannedVisit, people: dict[int | None, Person], done: Logged) -> VisitView:
    """A visit as shown: a planned one reads as done once a walkthrough logs it."""
    teacher = people.get(v.teacher_id)
    partner = people.get(v.paired_with_id) if v.paired_with_id else None
    status = VisitStatus(v.status)
    if status == VisitStatus.PLANNED and (v.key in done or (v.leader_id, v.teacher_id) in done):
        status = VisitStatus.DONE
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


def view_of(session: Session, visit: PlannedVisit) -> VisitView:
    """One stored visit as shown (the Skip modal's)."""
    return as_view(visit, _people(session, {visit.teacher_id}), logged(session, visit.school_id, visit.day))


def _people(session: Session, ids: set[int | None]) -> dict[int | None, Person]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(wanted))).all()}


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
