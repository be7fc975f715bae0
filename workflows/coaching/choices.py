"""What the coaching log offers: the teacher's cycles with this coach, the framework's look-fors as the
focus, and the professional-learning needs tags (the framework's areas plus the school's own list)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import bindparam
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from workflows.coaching.models import CoachingCycle, CycleStatus
from workflows.coaching.settings import SchoolCoaching
from workflows.reference.cache import FrameworkVersion
from workflows.walkthroughs.choices import framework_for

NEW_CYCLE = "new"
AREA_TAG = "area:"
OWN_TAG = "own:"


@dataclass(frozen=True)
class CycleChoice:
    cycle_id: int
    goal: str
    phase: str
    status: CycleStatus
    started_on: date
    measure: str = ""


@dataclass(frozen=True)
class LookForOption:
    look_for_id: int
    text: str
    area: str


@dataclass(frozen=True)
class NeedOption:
    tag: str  # `area:<key>` or `own:<label>`
    label: str


def coaching_framework(session: Session, *, school_id: int | None, now: datetime) -> FrameworkVersion:
    """The framework the school uses now: coaching speaks the same language as walkthroughs."""
    return framework_for(session, school_id=school_id, now=now)


def look_for_options(session: Session, framework: FrameworkVersion) -> tuple[LookForOption, ...]:
    """Every look-for of the framework still in use, by area, in the framework's order."""
    return tuple(
        LookForOption(look_for_id=lf.id, text=lf.text, area=lf.area) for lf in framework.look_fors_in_use
    )


def need_options(
    session: Session, framework: FrameworkVersion, settings: SchoolCoaching
) -> tuple[NeedOption, ...]:
    return tuple(NeedOption(AREA_TAG + area.key, area.name) for area in framework.areas) + tuple(
        NeedOption(OWN_TAG + tag, tag) for tag in settings.needs_tags
    )


def open_cycles(session: Session, *, coach_id: int, teacher_id: int, school_id: int) -> list[CoachingCycle]:
    """The coach's cycles with the teacher that are not completed: the active one first."""
    params = {"coach_id": coach_id, "teacher_id": teacher_id, "school_id": school_id}
    rows = session.exec(_open_cycles_statement(), params=params).all()
    return sorted(
        rows, key=lambda c: (c.status != CycleStatus.ACTIVE, -c.started_on.toordinal(), -(c.id or 0))
    )


@cache
def _open_cycles_statement() -> SelectOfScalar[CoachingCycle]:
    """A coach's cycles with a teacher at a school, not completed; built once (see `workflows.db`)."""
    return select(CoachingCycle).where(
        CoachingCycle.coach_id == bindparam("coach_id"),
        CoachingCycle.teacher_id == bindparam("teacher_id"),
        CoachingCycle.school_id == bindparam("school_id"),
        col(CoachingCycle.status) != CycleStatus.COMPLETED.value,
    )


def cycle_choice(cycle: CoachingCycle) -> CycleChoice:
    return CycleChoice(
        cycle.id or 0, cycle.goal, cycle.phase, CycleStatus(cycle.status), cycle.started_on, cycle.measure
    )
