"""How well a leader's rotation covers their caseload: who they have not seen lately (`/rounds coverage`,
the App Home), and how good a whole cycle would be (`rounds plan --explain`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from workflows.roster.models import School
from workflows.rotation import planner
from workflows.rotation.calendars import NoCalendars, RotationCalendars, busy_on_day
from workflows.rotation.days import stored_day
from workflows.rotation.inputs import (
    busy_by_leader,
    calendar_around,
    cycle_of,
    history,
    load_inputs,
    local_today,
    school,
    school_zone,
)
from workflows.rotation.leaders import led_schools
from workflows.rotation.quality import PlanQuality, assess, simulate_cycle
from workflows.walkthroughs.models import Walkthrough


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
    since: date  # the first day of this cycle (as in the morning DM and `rounds plan --explain`)
    caseload: int
    not_seen: tuple[CoverageLine, ...]


def coverage(
    session: Session,
    *,
    school_id: int,
    leader_id: int,
    today: date,
    calendars: RotationCalendars | None = None,
) -> Coverage:
    """Teachers in the leader's caseload not seen by them this cycle, oldest first.

    The cycle is today's stored plan's, as the morning DM shows it; before today is planned, it is worked
    out the same way from the roster's calendar (`calendars` adds iCalendar days off when given).
    """
    found = school(session, school_id)
    inputs = load_inputs(session, found)
    stored = stored_day(session, school_id, today)
    if stored is not None and stored.cycle_days:
        cycle: tuple[date, ...] = tuple(date.fromisoformat(d) for d in stored.cycle_days)
    else:
        cal = calendar_around(session, school=found, day=today, calendars=calendars or NoCalendars())
        cycle = cycle_of(session, school=found, day=today, cal=cal)
    since = min(cycle[0], today) if cycle else today
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
    return Coverage(school_id, found.name, leader_id, since, len(caseload), tuple(lines))


def coverage_for_leader(
    session: Session, *, leader_id: int, now: datetime, schools: Sequence[School] | None = None
) -> list[Coverage]:
    """The leader's coverage at each school they lead, as of each school's own today (`schools`: those
    schools, when the caller has them already)."""
    return [
        coverage(session, school_id=s.id or 0, leader_id=leader_id, today=local_today(s, now))
        for s in (schools if schools is not None else led_schools(session, leader_id))
    ]


def explain_cycle(
    session: Session, *, school_id: int, day: date, calendars: RotationCalendars
) -> PlanQuality | None:
    """Simulate the whole cycle holding `day` from the history before it, and measure it; None off-cycle."""
    found = school(session, school_id)
    inputs = load_inputs(session, found)
    cal = calendar_around(session, school=found, day=day, calendars=calendars)
    cycle = cycle_of(session, school=found, day=day, cal=cal)
    if not cycle or day not in cycle:
        return None
    span = (cycle[-1] - cycle[0]).days + 1
    busy = busy_by_leader(calendars, inputs, cycle[0], days=span)
    tz = school_zone(found)
    leaders = [planner.Leader(str(p.id), p.name, caseload=inputs.caseload(p.id or 0)) for p in inputs.leaders]
    busy_by_day = {(str(pid), d): busy_on_day(known, d, tz) for pid, known in busy.items() for d in cycle}
    past = history(session, school_id=school_id, before=cycle[0])
    plans = simulate_cycle(
        settings=inputs.settings,
        cycle_days=cycle,
        bell_schedules=inputs.bells,
        sections=inputs.sections,
        leaders=leaders,
        history=past,
        day_types={d: cal.day_type(d) for d in cycle},
        busy_by_day=busy_by_day,
    )
    return assess(
        plans,
        sections=inputs.sections,
        leaders=leaders,
        history=past,
        busy_by_day=busy_by_day,
        bell_schedules=inputs.bells,
    )
