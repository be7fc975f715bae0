"""Coaching cycles: moving one through its phases, pausing and completing it, and the summaries both of its
readers see (entries by kind, minutes per phase, action steps done and open, the goal's measure over time),
with "due soon" / "overdue" by the cadence the school sets for each phase.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlmodel import Session, col, select

from workflows import privacy
from workflows.coaching import access
from workflows.coaching.errors import NotAllowed
from workflows.coaching.models import ActionStep, CoachingCycle, CoachingEntry, CoachingKind, CycleStatus
from workflows.coaching.settings import SchoolCoaching, coaching_settings_of
from workflows.privacy import Viewer
from workflows.roster.models import Person, School
from workflows.walkthroughs.views import local_time

DUE_SOON = timedelta(days=2)


class Due(StrEnum):
    OVERDUE = "overdue"
    SOON = "due soon"
    LATER = "later"


@dataclass(frozen=True)
class OpenStep:
    id: int
    text: str
    check_back_on: date


@dataclass(frozen=True)
class CycleSummary:
    """One cycle as its coach and its teacher see it on their Home tabs."""

    id: int
    workspace: str
    school_name: str
    coach_name: str
    coach_slack_id: str | None
    teacher_id: int
    teacher_name: str
    teacher_slack_id: str | None
    school_id: int
    goal: str
    measure: str
    baseline: str
    status: CycleStatus
    phases: tuple[str, ...]
    phase_index: int
    started_on: date
    expected_weeks: int
    entries_by_kind: tuple[tuple[CoachingKind, int], ...]
    minutes_by_phase: tuple[tuple[str, int], ...]
    steps_done: int
    open_steps: tuple[OpenStep, ...]
    measures: tuple[tuple[date, str], ...]
    last_contact: date | None
    contact_due_on: date | None
    due: Due | None
    today: date

    @property
    def phase(self) -> str:
        return self.phases[min(self.phase_index, len(self.phases) - 1)]

    @property
    def next_phase(self) -> str | None:
        return self.phases[self.phase_index + 1] if self.phase_index + 1 < len(self.phases) else None

    @property
    def entries(self) -> int:
        return sum(n for _, n in self.entries_by_kind)

    @property
    def minutes(self) -> int:
        return sum(n for _, n in self.minutes_by_phase)

    @property
    def next_check_back(self) -> date | None:
        return min((s.check_back_on for s in self.open_steps), default=None)

    @property
    def week(self) -> int:
        return (self.today - self.started_on).days // 7 + 1


@dataclass(frozen=True)
class CycleMoved:
    cycle: CycleSummary
    changed: bool


def coach_cycles(session: Session, *, viewer: Viewer, now: datetime) -> list[CycleSummary]:
    """The viewer's cycles as a coach that are not completed: overdue first, then due soon, then by name."""
    cycles = session.exec(
        select(CoachingCycle).where(
            CoachingCycle.coach_id == viewer.person_id,
            col(CoachingCycle.status) != CycleStatus.COMPLETED.value,
        )
    ).all()
    order = {Due.OVERDUE: 0, Due.SOON: 1, Due.LATER: 2, None: 3}
    found = summaries(session, viewer=viewer, cycles=list(cycles), now=now)
    return sorted(found, key=lambda c: (order[c.due], c.teacher_name, c.id))


def teacher_cycles(
    session: Session, *, viewer: Viewer, now: datetime, completed: int = 2
) -> list[CycleSummary]:
    """The viewer's own cycles as a teacher: open ones first, then the last `completed` completed ones."""
    cycles = session.exec(
        select(CoachingCycle)
        .where(CoachingCycle.teacher_id == viewer.person_id)
        .order_by(col(CoachingCycle.started_on).desc(), col(CoachingCycle.id).desc())
    ).all()
    open_ = [c for c in cycles if c.status != CycleStatus.COMPLETED]
    done = [c for c in cycles if c.status == CycleStatus.COMPLETED][:completed]
    return summaries(session, viewer=viewer, cycles=open_ + done, now=now)


def summaries(
    session: Session, *, viewer: Viewer, cycles: list[CoachingCycle], now: datetime
) -> list[CycleSummary]:
    """Summaries of cycles the viewer may read, in a handful of queries however many cycles there are."""
    readable = [
        c
        for c in cycles
        if privacy.can_read_coaching_note(viewer, coach_id=c.coach_id, teacher_id=c.teacher_id)
    ]
    if not readable:
        return []
    cycle_ids = [c.id or 0 for c in readable]
    entries = session.exec(
        select(CoachingEntry.cycle_id, CoachingEntry.kind, CoachingEntry.phase, CoachingEntry.minutes,
               CoachingEntry.held_on, CoachingEntry.measure_value)
        .where(col(CoachingEntry.cycle_id).in_(cycle_ids))
        .order_by(col(CoachingEntry.held_on), col(CoachingEntry.id))
    ).all()  # fmt: skip
    steps = session.exec(select(ActionStep).where(col(ActionStep.cycle_id).in_(cycle_ids))).all()
    people = {
        p.id: p
        for p in session.exec(
            select(Person).where(
                col(Person.id).in_({c.coach_id for c in readable} | {c.teacher_id for c in readable})
            )
        ).all()
    }
    schools = {
        s.id: s
        for s in session.exec(select(School).where(col(School.id).in_({c.school_id for c in readable})))
    }
    settings = coaching_settings_of(session, school_ids=[c.school_id for c in readable])
    return [
        _summary(
            c,
            [e for e in entries if e[0] == c.id],
            [s for s in steps if s.cycle_id == c.id],
            people,
            schools[c.school_id],
            settings[c.school_id],
            now,
        )
        for c in readable
    ]


def _summary(
    cycle: CoachingCycle,
    entries: list[tuple],
    steps: list[ActionStep],
    people: dict,
    school: School,
    settings: SchoolCoaching,
    now: datetime,
) -> CycleSummary:
    today = local_time(now, school).date()
    kinds = Counter(CoachingKind(kind) for _, kind, _, _, _, _ in entries)
    minutes: Counter[str] = Counter()
    for _, _, phase, spent, _, _ in entries:
        minutes[phase] += spent
    phases = tuple(cycle.phases)
    last = max((held_on for *_, held_on, _ in entries), default=None)
    due_on: date | None = None
    due: Due | None = None
    if cycle.status == CycleStatus.ACTIVE:
        due_on = (last or cycle.started_on) + timedelta(days=settings.cadence_for(cycle.phase))
        due = Due.OVERDUE if today > due_on else Due.SOON if due_on - today <= DUE_SOON else Due.LATER
    coach, teacher = people[cycle.coach_id], people[cycle.teacher_id]
    return CycleSummary(
        id=cycle.id or 0, workspace=school.workspace, school_name=school.name, coach_name=coach.name,
        coach_slack_id=coach.slack_user_id if coach.active else None, teacher_id=teacher.id or 0,
        teacher_name=teacher.name, teacher_slack_id=teacher.slack_user_id if teacher.active else None,
        school_id=school.id or 0, goal=cycle.goal, measure=cycle.measure,
        baseline=cycle.baseline, status=CycleStatus(cycle.status), phases=phases, phase_index=cycle.phase_index,
        started_on=cycle.started_on, expected_weeks=cycle.expected_weeks,
        entries_by_kind=tuple((k, kinds[k]) for k in CoachingKind if kinds[k]),
        minutes_by_phase=tuple(
            (p, minutes[p]) for p in (*phases, *sorted(set(minutes) - set(phases))) if minutes[p]
        ),
        steps_done=sum(1 for s in steps if s.done_at is not None),
        open_steps=tuple(
            OpenStep(s.id or 0, s.text, s.check_back_on)
            for s in sorted(steps, key=lambda s: (s.check_back_on, s.id or 0))
            if s.done_at is None
        ),
        measures=tuple((held_on, value) for *_, held_on, value in entries if value),
        last_contact=last, contact_due_on=due_on, due=due, today=today,
    )  # fmt: skip


def advance_phase(
    session: Session, *, viewer: Viewer, cycle_id: int, from_index: int, now: datetime
) -> CycleMoved:
    """Move the cycle on from the phase it was in when the button was drawn (`from_index`): a double click
    moves it once. From the last phase, it completes."""
    cycle = access.own_cycle(session, viewer, cycle_id)
    if cycle.status == CycleStatus.COMPLETED:
        raise NotAllowed("a completed cycle has no next phase")
    if cycle.phase_index != from_index:
        return CycleMoved(_one(session, viewer, cycle, now), changed=False)
    school = session.get(School, cycle.school_id)
    assert school is not None
    if cycle.phase_index + 1 >= len(cycle.phases):
        cycle.status = CycleStatus.COMPLETED
    else:
        cycle.phase_index += 1
        cycle.phase_started_on = local_time(now, school).date()
        cycle.status = CycleStatus.ACTIVE
    cycle.updated_at = now
    session.add(cycle)
    session.flush()
    return CycleMoved(_one(session, viewer, cycle, now), changed=True)


def set_status(
    session: Session, *, viewer: Viewer, cycle_id: int, status: CycleStatus, now: datetime
) -> CycleMoved:
    """Pause, resume or complete a cycle (its coach only); setting what it already is changes nothing."""
    cycle = access.own_cycle(session, viewer, cycle_id)
    if cycle.status == status:
        return CycleMoved(_one(session, viewer, cycle, now), changed=False)
    if cycle.status == CycleStatus.COMPLETED:
        raise NotAllowed("a completed cycle stays completed")
    cycle.status, cycle.updated_at = status, now
    session.add(cycle)
    session.flush()
    return CycleMoved(_one(session, viewer, cycle, now), changed=True)


def _one(session: Session, viewer: Viewer, cycle: CoachingCycle, now: datetime) -> CycleSummary:
    return summaries(session, viewer=viewer, cycles=[cycle], now=now)[0]
