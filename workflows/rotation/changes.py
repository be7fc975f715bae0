"""A leader changing their own day: Skip (with a reason) and Swap (the next teacher who fits).

Only the leader whose visit it is may change it, only while it is still planned and not logged, and only
until its day is over. Each change counts one revision of the leader's day, so the DM is updated once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time

from sqlalchemy import update
from sqlmodel import Session, col, select

from workflows.roster.models import Person
from workflows.rotation import planner
from workflows.rotation.days import LeaderDay, VisitView, leader_day, logged, stored_day, view_of
from workflows.rotation.inputs import history, load_inputs, local_today, school, school_zone
from workflows.rotation.leaders import NOT_ON_YOUR_PLAN, RotationError
from workflows.rotation.models import SKIP_REASON_MAX, PlannedVisit, RotationLeaderDay, VisitStatus
from workflows.rotation.plans import visit_row

_ACTIVE = (VisitStatus.PLANNED.value, VisitStatus.DONE.value)


@dataclass(frozen=True)
class SwapResult:
    leader_day: LeaderDay
    replaced: bool  # False when nobody else fitted and the visit was dropped


def planned_visit(session: Session, *, key: str, leader_id: int) -> PlannedVisit:
    """The leader's own planned visit by key; anything else (a forged key, someone else's) is refused."""
    visit = session.exec(select(PlannedVisit).where(PlannedVisit.key == key)).first()
    if visit is None or visit.leader_id != leader_id:
        raise RotationError(NOT_ON_YOUR_PLAN)
    return visit


def visit_view(session: Session, *, key: str, leader_id: int) -> VisitView:
    """The leader's own visit as shown (for the Skip modal); RotationError for anyone else's."""
    return view_of(session, planned_visit(session, key=key, leader_id=leader_id))


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
    found = school(session, visit.school_id)
    stored = stored_day(session, visit.school_id, visit.day)
    leader_row = _leader_row(session, visit)
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
    if visit.day == local_today(found, now):
        local = now.astimezone(school_zone(found))
        busy.append((time(0), local.time().replace(second=0, microsecond=0)))
    inputs = load_inputs(session, found)
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
        history=history(session, school_id=visit.school_id, before=visit.day),
        already_planned=kept,
    )
    kept_keys = {(v.leader_id, v.teacher_id) for v in kept}
    new = [v for v in plan.for_leader(str(leader_id)).visits if (v.leader_id, v.teacher_id) not in kept_keys]
    for v in new:
        session.add(visit_row(visit.school_id, visit.day, v, now))
    return SwapResult(_bump(session, visit), replaced=bool(new))


def _changeable(session: Session, *, key: str, leader_id: int, now: datetime) -> PlannedVisit:
    """A visit the leader may still skip or swap: their own, still planned, not logged, its day not over."""
    visit = planned_visit(session, key=key, leader_id=leader_id)
    status = VisitStatus(visit.status)
    if status == VisitStatus.PLANNED and visit.key in logged(session, visit.school_id, visit.day):
        status = VisitStatus.DONE
    if status != VisitStatus.PLANNED:
        raise RotationError(f"That visit is already {status}.")
    if visit.day < local_today(school(session, visit.school_id), now):
        raise RotationError("That day is over: its visits can no longer be changed.")
    return visit


def _leader_row(session: Session, visit: PlannedVisit) -> RotationLeaderDay:
    """The leader's part of the stored day the visit belongs to."""
    stored = stored_day(session, visit.school_id, visit.day)
    row = None
    if stored is not None:
        row = session.exec(
            select(RotationLeaderDay).where(
                RotationLeaderDay.rotation_day_id == stored.id, RotationLeaderDay.leader_id == visit.leader_id
            )
        ).first()
    if row is None:
        raise RotationError(NOT_ON_YOUR_PLAN)
    return row


def _bump(session: Session, visit: PlannedVisit) -> LeaderDay:
    """Count one more change to the leader's day (the DM is updated once per change) and return the day."""
    row = _leader_row(session, visit)
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


def visit_logged(session: Session, *, key: str | None) -> LeaderDay | None:
    """A walkthrough just logged this planned visit: one more revision of the leader's day, now showing the
    visit done, so the morning DM can say so. None when the walkthrough was not a planned visit."""
    visit = session.exec(select(PlannedVisit).where(PlannedVisit.key == key)).first() if key else None
    return _bump(session, visit) if visit is not None else None


def _as_planned(v: PlannedVisit) -> planner.PlannedVisit:
    """A stored visit as the planner's, so a Swap plans around the visits kept."""
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
