"""Coaching as people read it: names, the school's own day, the framework's words.

Every reader comes through `workflows.privacy` first (`access`): a note is read by its coach and its
teacher only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from workflows import privacy
from workflows.coaching.models import (
    KIND_NAMES,
    ActionStep,
    CoachingCycle,
    CoachingEntry,
    CoachingKind,
    EntryLookFor,
    EntryReflection,
    NeedsTag,
)
from workflows.frameworks.models import FrameworkArea, LookFor
from workflows.privacy import Viewer
from workflows.reference.cache import reference_of
from workflows.roster.models import Person, School
from workflows.walkthroughs.views import local_time


@dataclass(frozen=True)
class FocusView:
    area: str
    text: str


@dataclass(frozen=True)
class StepView:
    id: int
    text: str
    check_back_on: date
    done: bool


@dataclass(frozen=True)
class NoteReflectionView:
    text: str
    written_at: datetime  # school-local


@dataclass(frozen=True)
class EntryView:
    """One coaching entry as its coach and its teacher read it."""

    id: int
    revision: int
    workspace: str
    school_id: int
    school_name: str
    coach_id: int
    coach_name: str
    coach_slack_id: str | None
    teacher_id: int
    teacher_name: str
    teacher_given_name: str
    teacher_slack_id: str | None
    held_on: date
    kind: CoachingKind
    minutes: int
    cycle_id: int
    cycle_goal: str
    phase: str
    focus: tuple[FocusView, ...]
    working: str
    challenges: str
    measure_value: str
    steps: tuple[StepView, ...]
    needs: tuple[str, ...]
    reflections: tuple[NoteReflectionView, ...]
    talk_requested: bool
    shared: bool

    @property
    def kind_name(self) -> str:
        return KIND_NAMES[self.kind]


@dataclass(frozen=True)
class WrittenParts:
    """The parts of an entry just written, as written: its view needs no query to read them back."""

    look_for_ids: tuple[int, ...]
    steps: tuple[ActionStep, ...]
    needs: tuple[str, ...]  # labels


def entry_view(session: Session, entry: CoachingEntry, *, written: WrittenParts | None = None) -> EntryView:
    """The entry as people read it (it is flushed: every part of it is in the database). `written`: the
    parts of a new entry, just written (it has no reflections yet)."""
    entry_id = entry.id or 0
    school = session.get(School, entry.school_id)
    coach = session.get(Person, entry.coach_id)
    teacher = session.get(Person, entry.teacher_id)
    cycle = session.get(CoachingCycle, entry.cycle_id)
    assert school is not None and coach is not None and teacher is not None and cycle is not None
    if written is not None:
        focus = _focus_in_memory(session, school, written.look_for_ids)
        steps: Sequence[ActionStep] = sorted(written.steps, key=lambda s: s.position)
        needs: Sequence[str] = sorted(written.needs)
        reflections: Sequence[EntryReflection] = ()
    if written is None or focus is None:
        focus = session.exec(
            select(LookFor.text, FrameworkArea.name)
            .join(EntryLookFor, col(EntryLookFor.look_for_id) == LookFor.id)
            .join(FrameworkArea, col(FrameworkArea.id) == LookFor.area_id)
            .where(EntryLookFor.entry_id == entry_id)
            .order_by(col(FrameworkArea.position), col(LookFor.position))
        ).all()
    if written is None:
        steps = session.exec(
            select(ActionStep).where(ActionStep.entry_id == entry_id).order_by(col(ActionStep.position))
        ).all()
        needs = session.exec(
            select(NeedsTag.label).where(NeedsTag.entry_id == entry_id).order_by(col(NeedsTag.label))
        ).all()
        reflections = session.exec(
            select(EntryReflection)
            .where(EntryReflection.entry_id == entry_id)
            .order_by(col(EntryReflection.created_at))
        ).all()
    return EntryView(
        id=entry_id,
        revision=entry.revision,
        workspace=school.workspace,
        school_id=school.id or 0,
        school_name=school.name,
        coach_id=coach.id or 0,
        coach_name=coach.name,
        coach_slack_id=coach.slack_user_id if coach.active else None,
        teacher_id=teacher.id or 0,
        teacher_name=teacher.name,
        teacher_given_name=teacher.given_name,
        teacher_slack_id=teacher.slack_user_id if teacher.active else None,
        held_on=entry.held_on,
        kind=CoachingKind(entry.kind),
        minutes=entry.minutes,
        cycle_id=cycle.id or 0,
        cycle_goal=cycle.goal,
        phase=entry.phase,
        focus=tuple(FocusView(area=area, text=text) for text, area in focus),
        working=entry.working,
        challenges=entry.challenges,
        measure_value=entry.measure_value,
        steps=tuple(StepView(s.id or 0, s.text, s.check_back_on, s.done_at is not None) for s in steps),
        needs=tuple(needs),
        reflections=tuple(NoteReflectionView(r.text, local_time(r.created_at, school)) for r in reflections),
        talk_requested=entry.talk_requested_at is not None,
        shared=entry.shared_at is not None,
    )


def _focus_in_memory(
    session: Session, school: School, look_for_ids: tuple[int, ...]
) -> list[tuple[str, str]] | None:
    """(text, area) of look-fors of the school's current framework, in its order; None when one is not."""
    framework = reference_of(session).current_framework(school.district_id)
    found = [framework.look_fors.get(i) for i in look_for_ids] if framework is not None else [None]
    if any(lf is None for lf in found):
        return None
    ordered = sorted((lf for lf in found if lf is not None), key=lambda lf: (lf.area_position, lf.position))
    return [(lf.text, lf.area) for lf in ordered]


def teacher_recent(session: Session, *, viewer: Viewer, limit: int = 3) -> list[EntryView]:
    """The viewer's own coaching notes as a teacher, newest first (only ever their own)."""
    rows = session.exec(
        select(CoachingEntry)
        .where(
            privacy.coaching_note_visibility(viewer, coach_id=CoachingEntry.coach_id, teacher_id=CoachingEntry.teacher_id),
            CoachingEntry.teacher_id == viewer.person_id,
        )
        .order_by(col(CoachingEntry.held_on).desc(), col(CoachingEntry.id).desc())
        .limit(limit)
    ).all()
    return [entry_view(session, row) for row in rows]
