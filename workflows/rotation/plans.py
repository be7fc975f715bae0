"""Planning a school's day once and storing it.

Planning a day is idempotent: the first plan of a school's day is stored (`rotation_day` is unique on
school and day) and every later call returns it, so the morning DM, `/rounds today` and `rounds plan`
agree. Two processes planning at once: the loser of the insert reads the winner's plan.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from workflows.db import insert_once
from workflows.rotation import planner
from workflows.rotation.away import leader_away
from workflows.rotation.calendars import CalendarUnavailable, RotationCalendars, busy_on_day, calendar_checked
from workflows.rotation.days import SchoolPlan, school_plan, stored_day, visit_key
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
from workflows.rotation.models import PlannedVisit, RotationDay, RotationLeaderDay, VisitStatus
from workflows.walkthroughs.models import Walkthrough


def plan_school_day(
    session: Session, *, school_id: int, day: date, calendars: RotationCalendars, now: datetime
) -> SchoolPlan:
    """The school's plan for `day`: the stored one, or a new one made now and stored (see module doc)."""
    found = school(session, school_id)
    stored = stored_day(session, school_id, day)
    if stored is not None:
        return school_plan(session, found, stored, created=False)
    inputs = load_inputs(session, found)
    # Calendars are read (HTTP) before anything is written, so no write lock is held while waiting on them.
    cal = calendar_around(session, school=found, day=day, calendars=calendars)
    busy = busy_by_leader(calendars, inputs, day)
    settle(session, school_id=school_id, today=min(day, local_today(found, now)), now=now)
    cycle = cycle_of(session, school=found, day=day, cal=cal)
    day_type = cal.day_type(day)
    away = leader_away(session, leader_ids=[p.id or 0 for p in inputs.leaders], day=day)
    leaders = [
        planner.Leader(
            str(p.id),
            p.name,
            caseload=inputs.caseload(p.id or 0),
            busy=busy_on_day(busy[p.id or 0], day, school_zone(found)),
            calendar_checked=calendar_checked(busy[p.id or 0]),
        )
        for p in inputs.leaders
    ]
    planned = [leader for leader in leaders if int(leader.leader_id) not in away]
    plan = planner.plan_day(
        settings=inputs.settings,
        day=planner.SchoolDay(day, day_type, cycle),
        bell_schedules=inputs.bells,
        sections=inputs.sections,
        leaders=planned,
        history=history(session, school_id=school_id, before=day),
    )
    notes = list(plan.notes)
    if day in cal.no_walkthroughs:
        why = cal.no_walkthroughs[day]
        notes = [f"No walkthroughs at {found.name} on {day:%a %b} {day.day}" + (f" ({why})." if why else ".")]
    if cal.days_off_problem:
        notes.append(f"The school's calendar of days off could not be checked ({cal.days_off_problem}).")
    claimed = insert_once(
        session, RotationDay, unique=["school_id", "day"], school_id=school_id, day=day, day_type=day_type,
        school_day=plan.school_day, cycle_days=[d.isoformat() for d in cycle], notes=notes, planned_at=now,
    )  # fmt: skip
    row = stored_day(session, school_id, day)
    assert row is not None
    if not claimed:  # another process stored this day first
        return school_plan(session, found, row, created=False)
    for leader in leaders:
        if int(leader.leader_id) in away:
            session.add(_away_row(row.id or 0, int(leader.leader_id), away[int(leader.leader_id)]))
            continue
        leader_plan = plan.for_leader(leader.leader_id)
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
            session.add(visit_row(school_id, day, visit, now))
    session.flush()
    return school_plan(session, found, row, created=True)


def _away_row(rotation_day_id: int, leader_id: int, note: str | None) -> RotationLeaderDay:
    """An away leader's part of the day: no visits, and a note that says why."""
    why = f" ({note})" if note else ""
    return RotationLeaderDay(
        rotation_day_id=rotation_day_id,
        leader_id=leader_id,
        notes=[f"You marked this day as away{why}: no visits planned for you."],
    )


def visit_row(school_id: int, day: date, visit: planner.PlannedVisit, now: datetime) -> PlannedVisit:
    """A planner's visit as the row it is stored in, still planned."""
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


def settle(session: Session, *, school_id: int, today: date, now: datetime) -> None:
    """Planned visits a walkthrough logged become done; those of past days never logged become missed.

    Run before planning, so the history the planner reads counts missed visits as lapses.
    """
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
