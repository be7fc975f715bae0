"""A leader changing their own day: Skip (with a reason) and Swap (the next teacher who fits).

Only the leader whose visit it is may change it, only while it is still planned and not logged, and only
until its day is over. Each change counts one revision of the leader's day, so the DM is updated once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from functools import cache

from sqlalchemy import bindparam, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from workflows.roster.models import Person
from workflows.rotation import planner
from workflows.rotation.days import LeaderDay, VisitView, leader_day, stored_day, view_of
from workflows.rotation.inputs import history, load_inputs, local_today, school, school_zone
from workflows.rotation.leaders import NOT_ON_YOUR_PLAN, RotationError
from workflows.rotation.models import SKIP_REASON_MAX, PlannedVisit, RotationLeaderDay, VisitStatus
from workflows.rotation.plans import visit_row
from workflows.walkthroughs.models import Walkthrough

_ACTIVE = (VisitStatus.PLANNED.value, VisitStatus.DONE.value)
DAY_OVER = "That day is over: its visits can no longer be changed."


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
    _move(session, visit, to=VisitStatus.SKIPPED, now=now, skip_reason=reason)
    return _day(session, visit)


def swap_visit(session: Session, *, key: str, leader_id: int, now: datetime) -> SwapResult:
    """Replace a planned visit with the next teacher who fits, around every visit kept that day.

    On the day itself the new visit starts no earlier than now. With nobody else to fit, the visit is
    dropped and the day says so (`replaced` False); `restore_visit` undoes that.
    """
    visit = _changeable(session, key=key, leader_id=leader_id, now=now)
    found = school(session, visit.school_id)
    stored = stored_day(session, visit.school_id, visit.day)
    leader_row = _leader_row(session, visit)
    # The move holds the leader's day: a second Swap waits here, then plans around this one's replacement.
    _move(session, visit, to=VisitStatus.SWAPPED, now=now)
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
    session.flush()
    return SwapResult(_day(session, visit), replaced=bool(new))


def restore_visit(session: Session, *, key: str, leader_id: int, now: datetime) -> LeaderDay:
    """Undo a Swap that found nobody to fit: the visit is back on the leader's list, as planned.

    Refused once the day is over, when the visit is not a swapped one, when another of the leader's visits
    now fills its time, or when the leader's list is full again (a Swap that did find someone).
    """
    visit = planned_visit(session, key=key, leader_id=leader_id)
    _not_over(session, visit, now)
    if visit.status != VisitStatus.SWAPPED:
        raise RotationError(_already(session, visit))
    _move(session, visit, frm=VisitStatus.SWAPPED, to=VisitStatus.PLANNED, now=now)
    kept = session.exec(
        select(PlannedVisit).where(
            PlannedVisit.leader_id == leader_id,
            PlannedVisit.school_id == visit.school_id,
            PlannedVisit.day == visit.day,
            col(PlannedVisit.status).in_(_ACTIVE),
            PlannedVisit.id != visit.id,
        )
    ).all()
    clash = next((v for v in kept if v.start < visit.end and v.end > visit.start), None)
    if clash is not None:  # raising rolls the move back
        raise RotationError(
            f"That visit can't come back: your visit to {_name(session, clash.teacher_id)} now fills its time."
        )
    if len(kept) >= school(session, visit.school_id).visits_per_day:
        raise RotationError("That visit can't come back: your list for the day is full again.")
    return _day(session, visit)


def _changeable(session: Session, *, key: str, leader_id: int, now: datetime) -> PlannedVisit:
    """A visit the leader may still skip or swap: their own, still planned, not logged, its day not over."""
    visit = planned_visit(session, key=key, leader_id=leader_id)
    if view_of(session, visit).status != VisitStatus.PLANNED:
        raise RotationError(_already(session, visit))
    _not_over(session, visit, now)
    return visit


def _not_over(session: Session, visit: PlannedVisit, now: datetime) -> None:
    if visit.day < local_today(school(session, visit.school_id), now):
        raise RotationError(DAY_OVER)


def _move(
    session: Session,
    visit: PlannedVisit,
    *,
    to: VisitStatus,
    now: datetime,
    frm: VisitStatus = VisitStatus.PLANNED,
    **values: object,
) -> None:
    """Change a visit's state once: a conditional update from `frm`, then one more revision of the day.

    Of two requests changing the same visit at once (a double tap, a Slack retry, Skip and Swap, a
    walkthrough logging it), exactly one moves it; the other is refused with what happened meanwhile. The
    visit row is updated before the leader's day, always in that order, so two changes never deadlock.
    """
    moved = session.execute(
        update(PlannedVisit)
        .where(col(PlannedVisit.id) == visit.id, col(PlannedVisit.status) == frm.value)
        .values(status=to.value, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        session.expire_all()
        raise RotationError(_already(session, visit))
    session.execute(
        update(RotationLeaderDay)
        .where(col(RotationLeaderDay.id) == _leader_row(session, visit).id)
        .values(revision=RotationLeaderDay.revision + 1)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    session.expire_all()


def _already(session: Session, visit: PlannedVisit) -> str:
    """What became of a visit the person wanted to change, as they should hear it."""
    fresh = session.exec(select(PlannedVisit).where(PlannedVisit.id == visit.id)).one()
    status = view_of(session, fresh).status
    if status == VisitStatus.SWAPPED:
        return "Already swapped a moment ago: your list shows the change."
    if status == VisitStatus.SKIPPED:
        return f"Already skipped: {_name(session, fresh.teacher_id)} goes back to the top of your queue."
    if status == VisitStatus.DONE:
        return "Already logged: that visit is done."
    if status == VisitStatus.PLANNED:
        return "Already back on your list."
    return DAY_OVER


def _name(session: Session, person_id: int) -> str:
    person = session.get(Person, person_id)
    return person.name if person is not None else "the teacher"


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


def _day(session: Session, visit: PlannedVisit) -> LeaderDay:
    """The leader's day after a change, as the DM and the Home show it."""
    day = leader_day(session, school_id=visit.school_id, leader_id=visit.leader_id, day=visit.day)
    assert day is not None
    return day


def visit_logged(session: Session, *, walkthrough_id: int, now: datetime) -> LeaderDay | None:
    """A walkthrough was just logged: the planned visit it logs is done, and the leader's day, one revision
    on, shows it (so the morning DM can say so). None when it logged no planned visit.

    The visit is found from the walkthrough as stored (the leader who logged it, the teacher, the school
    and the school-local day), never from what the modal carried: a key in the modal's metadata can be
    forged, or stale after the teacher was changed. A visit already swapped or skipped stays so.
    """
    walkthrough = session.get(Walkthrough, walkthrough_id)
    if walkthrough is None:
        return None
    visit = visit_to_log(session, walkthrough)
    return log_planned_visit(session, visit=visit, walkthrough=walkthrough, now=now) if visit else None


def visit_to_log(session: Session, walkthrough: Walkthrough) -> PlannedVisit | None:
    """The planned visit a walkthrough logs, if it is still planned: read before the walkthrough is written
    (the walkthrough may not have an id yet)."""
    params = {
        "school_id": walkthrough.school_id,
        "day": walkthrough.visit_date,
        "leader_id": walkthrough.observer_id,
        "teacher_id": walkthrough.teacher_id,
    }
    visit = session.exec(_planned_statement(), params=params).first()
    return visit if visit is not None and visit.status == VisitStatus.PLANNED else None


@cache
def _planned_statement() -> SelectOfScalar[PlannedVisit]:
    """The leader's planned visit to a teacher on a day; built once (see `workflows.db`)."""
    return select(PlannedVisit).where(
        PlannedVisit.school_id == bindparam("school_id"),
        PlannedVisit.day == bindparam("day"),
        PlannedVisit.leader_id == bindparam("leader_id"),
        PlannedVisit.teacher_id == bindparam("teacher_id"),
    )


def log_planned_visit(
    session: Session, *, visit: PlannedVisit, walkthrough: Walkthrough, now: datetime
) -> LeaderDay | None:
    """Mark the visit (from `visit_to_log`) done by the walkthrough just written; None when it was swapped
    or skipped a moment ago (the walkthrough then stands on its own)."""
    walkthrough_id = walkthrough.id
    try:
        _move(session, visit, to=VisitStatus.DONE, now=now)
    except RotationError:
        return None
    stored = session.get(Walkthrough, walkthrough_id)
    assert stored is not None
    stored.planned_visit_key = visit.key
    session.add(stored)
    session.flush()
    return _day(session, visit)


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
