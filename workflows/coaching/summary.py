"""The weekly coaching summary for a school's leaders: the principal and the coach as partners.

Counts only: entries by kind, minutes, active cycles by phase, action steps done and the professional-
learning needs tags. Never a teacher's name, never a word of a note, and every figure backed by fewer
than 3 teachers withheld, with as many others as it takes so no withheld figure can be worked out from
the totals shown (`workflows.privacy.withheld_figures`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from workflows import privacy
from workflows.coaching.models import (
    KIND_NAMES,
    ActionStep,
    CoachingCycle,
    CoachingEntry,
    CoachingKind,
    CycleStatus,
    NeedsTag,
)
from workflows.coaching.reflections import week_of
from workflows.roster.models import Person, School, StaffRole
from workflows.roster.service import school_leaders
from workflows.roster.snapshot import Role
from workflows.rotation.inputs import school_zone


@dataclass(frozen=True)
class Figure:
    """One figure as shown: `value` None means withheld ("not enough data yet")."""

    label: str
    value: int | None
    teachers: int | None = None  # how many teachers it covers, where that is shown too


@dataclass(frozen=True)
class CoachingSummary:
    school_id: int
    school_name: str
    workspace: str
    week_of: date
    entries: Figure
    by_kind: tuple[Figure, ...]
    minutes: Figure
    active_cycles: Figure
    by_phase: tuple[Figure, ...]
    steps_done: Figure
    needs: tuple[Figure, ...]

    @property
    def anything(self) -> bool:
        return bool(self.by_kind or self.by_phase or self.needs or self.steps_done.value)


def _breakdown(
    cells: dict[Hashable, set[int]], counts: dict[Hashable, int], labels: dict, *, total_shown: bool
) -> tuple[Figure, ...]:
    hidden = privacy.withheld_figures(cells, total_shown=total_shown)
    return tuple(Figure(labels[key], None if key in hidden else counts[key]) for key in cells)


def _single(label: str, value: int, teachers: Iterable[int]) -> Figure:
    return Figure(label, value if privacy.coaching_figure_shown(len(set(teachers))) else None)


def weekly_summary(session: Session, *, school_id: int, day: date) -> CoachingSummary:
    """The school's coaching in the week of `day` (Monday to Sunday, school-local), thresholded."""
    school = session.get(School, school_id)
    assert school is not None
    monday = week_of(day)
    sunday = monday + timedelta(days=6)
    entries = session.exec(
        select(CoachingEntry.id, CoachingEntry.teacher_id, CoachingEntry.kind, CoachingEntry.minutes).where(
            CoachingEntry.school_id == school_id,
            col(CoachingEntry.held_on) >= monday,
            col(CoachingEntry.held_on) <= sunday,
        )
    ).all()
    teachers = {t for _, t, _, _ in entries}
    kinds: dict[Hashable, set[int]] = defaultdict(set)
    kind_counts: dict[Hashable, int] = defaultdict(int)
    for _, teacher, kind, _ in entries:
        kinds[CoachingKind(kind)].add(teacher)
        kind_counts[CoachingKind(kind)] += 1
    ordered_kinds = {k: kinds[k] for k in CoachingKind if k in kinds}
    entries_figure = _single("Coaching entries", len(entries), teachers)

    cycles = session.exec(
        select(CoachingCycle).where(
            CoachingCycle.school_id == school_id, CoachingCycle.status == CycleStatus.ACTIVE.value
        )
    ).all()
    phases: dict[Hashable, set[int]] = defaultdict(set)
    phase_counts: dict[Hashable, int] = defaultdict(int)
    for cycle in cycles:
        phases[cycle.phase].add(cycle.teacher_id)
        phase_counts[cycle.phase] += 1
    cycles_figure = _single("Active cycles", len(cycles), {c.teacher_id for c in cycles})

    zone = school_zone(school)
    start = datetime.combine(monday, time(0), tzinfo=zone)
    done = session.exec(
        select(CoachingEntry.teacher_id)
        .join(ActionStep, col(ActionStep.entry_id) == CoachingEntry.id)
        .where(
            CoachingEntry.school_id == school_id,
            col(ActionStep.done_at) >= start,
            col(ActionStep.done_at) < start + timedelta(days=7),
        )
    ).all()

    needs: dict[Hashable, set[int]] = defaultdict(set)
    need_counts: dict[Hashable, int] = defaultdict(int)
    need_labels: dict[Hashable, str] = {}
    by_entry = {entry_id: teacher for entry_id, teacher, _, _ in entries}
    if by_entry:
        for entry_id, tag, label in session.exec(
            select(NeedsTag.entry_id, NeedsTag.tag, NeedsTag.label).where(
                col(NeedsTag.entry_id).in_(sorted(by_entry))
            )
        ).all():
            needs[tag].add(by_entry[entry_id])
            need_counts[tag] += 1
            need_labels[tag] = label
    need_order = sorted(needs, key=lambda t: (-need_counts[t], need_labels[t]))
    hidden_needs = privacy.withheld_figures({t: needs[t] for t in need_order}, total_shown=False)
    return CoachingSummary(
        school_id=school_id,
        school_name=school.name,
        workspace=school.workspace,
        week_of=monday,
        entries=entries_figure,
        by_kind=_breakdown(
            ordered_kinds, kind_counts, KIND_NAMES, total_shown=entries_figure.value is not None
        ),
        minutes=_single("Minutes of coaching", sum(m for *_, m in entries), teachers),
        active_cycles=cycles_figure,
        by_phase=_breakdown(
            dict(phases),
            phase_counts,
            {p: str(p) for p in phases},
            total_shown=cycles_figure.value is not None,
        ),
        steps_done=_single("Action steps done", len(done), done),
        needs=tuple(
            Figure(need_labels[t], None, None)
            if t in hidden_needs
            else Figure(need_labels[t], need_counts[t], len(needs[t]))
            for t in need_order
        ),
    )


def summary_recipients(session: Session, *, school_id: int) -> list[Person]:
    """The school's leaders (active, on Slack), when the school has coaches at all."""
    has_coach = session.exec(
        select(StaffRole.id).where(StaffRole.school_id == school_id, StaffRole.role == Role.COACH.value)
    ).first()
    if has_coach is None:
        return []
    return school_leaders(session, school_id=school_id)
