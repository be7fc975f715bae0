"""What the coaching log shows: a fresh entry, the same modal rebuilt after a choice, or an edit.

Every context is already filtered by what the coach may see (`workflows.privacy`); the Slack side only
renders it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, select

from workflows import privacy
from workflows.coaching import access
from workflows.coaching.choices import (
    NEW_CYCLE,
    CycleChoice,
    LookForOption,
    NeedOption,
    coaching_framework,
    cycle_choice,
    look_for_options,
    need_options,
    open_cycles,
)
from workflows.coaching.models import ActionStep, CoachingCycle, CoachingKind, EntryLookFor, NeedsTag
from workflows.coaching.settings import coaching_settings
from workflows.privacy import TeacherAtSchool, Viewer
from workflows.roster.models import School
from workflows.walkthroughs.views import local_time

STEP_SLOTS = 3


@dataclass(frozen=True)
class StepDraft:
    text: str
    check_back_on: date | None


@dataclass(frozen=True)
class EntryDraft:
    """Values already filled in (an edit)."""

    kind: CoachingKind | None = None
    minutes: int | None = None
    held_on: date | None = None
    look_for_ids: frozenset[int] = frozenset()
    working: str = ""
    challenges: str = ""
    measure_value: str = ""
    steps: tuple[StepDraft, ...] = ()
    needs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CoachingModalContext:
    """Everything the coaching log shows, already filtered by what the coach may see."""

    teacher: TeacherAtSchool | None
    teacher_note: str | None
    today: date
    cycles: tuple[CycleChoice, ...]
    selected_cycle_id: int | None  # None: start a new cycle
    first_phase: str
    look_fors: tuple[LookForOption, ...]
    needs: tuple[NeedOption, ...]
    draft: EntryDraft = field(default_factory=EntryDraft)
    editing_id: int | None = None
    revision: int | None = None

    @property
    def new_cycle(self) -> bool:
        return self.selected_cycle_id is None

    @property
    def selected_cycle(self) -> CycleChoice | None:
        return next((c for c in self.cycles if c.cycle_id == self.selected_cycle_id), None)


def start_coaching(
    session: Session,
    *,
    viewer: Viewer,
    now: datetime,
    query: str = "",
    slack_user_id: str | None = None,
    teacher_id: int | None = None,
    school_id: int | None = None,
    cycle: str | None = None,
) -> CoachingModalContext:
    """A fresh log: the teacher named (if exactly one matches) and their active cycle with this coach."""
    access.require_coach(viewer)
    teacher, note = _pick_teacher(
        session,
        viewer=viewer,
        query=query,
        slack_user_id=slack_user_id,
        teacher_id=teacher_id,
        school_id=school_id,
    )
    school_of_log = teacher.school_id if teacher else min(viewer.coached_school_ids)
    school = session.get(School, school_of_log)
    assert school is not None
    settings = coaching_settings(session, school_id=school_of_log)
    framework = coaching_framework(session, school_id=school_of_log, now=now)
    cycles = (
        tuple(cycle_choice(c) for c in open_cycles(
            session, coach_id=viewer.person_id, teacher_id=teacher.teacher_id, school_id=teacher.school_id
        ))
        if teacher
        else ()
    )  # fmt: skip
    return CoachingModalContext(
        teacher=teacher,
        teacher_note=note,
        today=local_time(now, school).date(),
        cycles=cycles,
        selected_cycle_id=_selected(cycles, cycle),
        first_phase=settings.phases[0],
        look_fors=look_for_options(session, framework),
        needs=need_options(session, framework, settings),
    )


def edit_context(session: Session, *, viewer: Viewer, entry_id: int, now: datetime) -> CoachingModalContext:
    """The log as it stands, for its author: the teacher and the cycle stay what they were."""
    entry = access.own(session, viewer, entry_id)
    cycle = session.get(CoachingCycle, entry.cycle_id)
    school = session.get(School, entry.school_id)
    assert cycle is not None and school is not None
    found = privacy.teachers_coached_by(
        session, viewer=viewer, teacher_id=entry.teacher_id, school_id=entry.school_id
    )
    if not found:
        raise access.NotAllowed("the coach no longer coaches at this teacher's school")
    settings = coaching_settings(session, school_id=entry.school_id)
    framework = coaching_framework(session, school_id=entry.school_id, now=now)
    steps = session.exec(
        select(ActionStep).where(ActionStep.entry_id == entry_id).order_by(col(ActionStep.position))
    ).all()
    return CoachingModalContext(
        teacher=found[0],
        teacher_note=None,
        today=local_time(now, school).date(),
        cycles=(cycle_choice(cycle),),
        selected_cycle_id=cycle.id,
        first_phase=settings.phases[0],
        look_fors=look_for_options(session, framework),
        needs=need_options(session, framework, settings),
        draft=EntryDraft(
            kind=CoachingKind(entry.kind),
            minutes=entry.minutes,
            held_on=entry.held_on,
            look_for_ids=frozenset(
                session.exec(select(EntryLookFor.look_for_id).where(EntryLookFor.entry_id == entry_id)).all()
            ),
            working=entry.working,
            challenges=entry.challenges,
            measure_value=entry.measure_value,
            steps=tuple(StepDraft(s.text, s.check_back_on) for s in steps),
            needs=frozenset(session.exec(select(NeedsTag.tag).where(NeedsTag.entry_id == entry_id)).all()),
        ),
        editing_id=entry.id,
        revision=entry.revision,
    )


def find_teachers(session: Session, *, viewer: Viewer, query: str, limit: int = 100) -> list[TeacherAtSchool]:
    """The type-ahead: teachers at the schools the viewer coaches whose names match what was typed."""
    if not privacy.can_log_coaching(viewer):
        return []
    return privacy.teachers_coached_by(session, viewer=viewer, query=query, limit=limit)


def _selected(cycles: tuple[CycleChoice, ...], wanted: str | None) -> int | None:
    """The cycle asked for; by default the teacher's active (else paused) cycle; else a new one."""
    if wanted == NEW_CYCLE:
        return None
    chosen = next((c for c in cycles if str(c.cycle_id) == wanted), None)
    if chosen is None and cycles:
        chosen = cycles[0]
    return chosen.cycle_id if chosen else None


def _pick_teacher(
    session: Session,
    *,
    viewer: Viewer,
    query: str,
    slack_user_id: str | None,
    teacher_id: int | None,
    school_id: int | None,
) -> tuple[TeacherAtSchool | None, str | None]:
    """The teacher asked for, if exactly one matches, else a note that says why the field is empty."""
    if teacher_id is not None:
        found = privacy.teachers_coached_by(
            session, viewer=viewer, teacher_id=teacher_id, school_id=school_id
        )
        return (found[0], None) if found else (None, None)
    if not query and slack_user_id is None:
        return None, None
    found = privacy.teachers_coached_by(
        session,
        viewer=viewer,
        query=query if slack_user_id is None else "",
        slack_user_id=slack_user_id,
        limit=2,
    )
    if len(found) == 1:
        return found[0], None
    what = "that person" if slack_user_id else f"“{query}”"
    if not found:
        return None, f"No teacher at the schools where you coach matches {what}; search for them below."
    return None, f"More than one teacher matches {what}; choose below."
