"""Coaching tables. Staff only, like everything in Rounds: no field here has a place for a student.

A coaching entry (a conversation, a classroom visit, modeling, …) belongs to one cycle and records the
phase the cycle was in. Its text is read by the coach who wrote it and the teacher it is about, no one
else (`workflows.privacy`); leaders see only counts and the professional-learning needs tags.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

# What a person may type, enforced again on the server (Slack's own limits are the modal's).
NOTE_MAX = 2000
STEP_MAX = 300
GOAL_MAX = 500
MEASURE_MAX = 300
BASELINE_MAX = 200
MEASURE_VALUE_MAX = 100
REFLECTION_MAX = 3000
REQUEST_MAX = 1000
TAG_MAX = 100
KEY_MAX = 128
PHASE_MAX = 64

DEFAULT_PHASES = ("identify", "learn", "improve")
DEFAULT_CADENCE_DAYS = (7, 7, 14)
DEFAULT_REFLECTION_WEEKDAY = 4  # Friday
DEFAULT_REFLECTION_TIME = time(14, 30)


class CoachingKind(StrEnum):
    """What kind of coaching the entry records."""

    CONVERSATION = "conversation"
    CLASSROOM_VISIT = "visit"
    MODELING = "modeling"
    CO_TEACHING = "co_teaching"
    CO_PLANNING = "co_planning"
    DEBRIEF = "debrief"
    OTHER = "other"


KIND_NAMES = {
    CoachingKind.CONVERSATION: "One-on-one conversation",
    CoachingKind.CLASSROOM_VISIT: "Classroom visit",
    CoachingKind.MODELING: "Modeling",
    CoachingKind.CO_TEACHING: "Co-teaching",
    CoachingKind.CO_PLANNING: "Co-planning",
    CoachingKind.DEBRIEF: "Debrief",
    CoachingKind.OTHER: "Other",
}


class CycleStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"


class CoachingSettings(SQLModel, table=True):
    """How a school runs coaching. A school without a row uses the defaults above."""

    __tablename__ = "coaching_settings"

    school_id: int = Field(foreign_key="school.id", primary_key=True, ondelete="CASCADE")
    phases: list[str] = Field(
        default_factory=lambda: list(DEFAULT_PHASES), sa_column=Column(JSON, nullable=False)
    )
    cadence_days: list[int] = Field(
        default_factory=lambda: list(DEFAULT_CADENCE_DAYS),
        sa_column=Column(JSON, nullable=False),
        description="days between contacts, per phase, before a teacher counts as overdue",
    )
    needs_tags: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False), description="the school's own tags"
    )
    reflection_weekday: int = Field(default=DEFAULT_REFLECTION_WEEKDAY, description="0 Monday … 6 Sunday")
    reflection_time: time = DEFAULT_REFLECTION_TIME
    updated_at: datetime


class CoachingCycle(SQLModel, table=True):
    """One coach's cycle with one teacher: a goal in student terms, its measure, phases as the school set."""

    __tablename__ = "coaching_cycle"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=KEY_MAX, unique=True, description="the modal that started it")
    school_id: int = Field(foreign_key="school.id", index=True)
    coach_id: int = Field(foreign_key="person.id", index=True)
    teacher_id: int = Field(foreign_key="person.id", index=True)
    goal: str = Field(max_length=GOAL_MAX, description="stated in student terms")
    measure: str = Field(max_length=MEASURE_MAX, description="how the goal will be measured")
    baseline: str = Field(default="", max_length=BASELINE_MAX)
    started_on: date
    expected_weeks: int
    status: CycleStatus = Field(default=CycleStatus.ACTIVE, sa_type=String(16))
    phases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    phase_index: int = 0
    phase_started_on: date
    created_at: datetime
    updated_at: datetime

    @property
    def phase(self) -> str:
        return self.phases[min(self.phase_index, len(self.phases) - 1)] if self.phases else ""


class CoachingEntry(SQLModel, table=True):
    """One piece of coaching, logged once per modal however often Slack delivers it."""

    __tablename__ = "coaching_entry"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=KEY_MAX, unique=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    coach_id: int = Field(foreign_key="person.id", index=True)
    teacher_id: int = Field(foreign_key="person.id", index=True)
    cycle_id: int = Field(foreign_key="coaching_cycle.id", index=True)
    phase: str = Field(max_length=PHASE_MAX, description="the cycle's phase when it happened")
    held_on: date = Field(index=True)
    kind: CoachingKind = Field(sa_type=String(16))
    minutes: int
    working: str = Field(default="", max_length=NOTE_MAX, description="what is working")
    challenges: str = Field(default="", max_length=NOTE_MAX)
    measure_value: str = Field(default="", max_length=MEASURE_VALUE_MAX, description="the goal's measure now")
    revision: int = 1
    shared_at: datetime | None = Field(default=None, description="when the teacher's DM was queued")
    talk_requested_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class EntryLookFor(SQLModel, table=True):
    """A look-for of the school's framework the entry focused on."""

    __tablename__ = "coaching_entry_look_for"

    entry_id: int = Field(foreign_key="coaching_entry.id", primary_key=True, ondelete="CASCADE")
    look_for_id: int = Field(foreign_key="look_for.id", primary_key=True, index=True)


class ActionStep(SQLModel, table=True):
    """A next step agreed in an entry, with the day the coach checks back on it."""

    __tablename__ = "coaching_action_step"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="coaching_entry.id", index=True, ondelete="CASCADE")
    cycle_id: int = Field(foreign_key="coaching_cycle.id", index=True)
    position: int
    text: str = Field(max_length=STEP_MAX)
    check_back_on: date = Field(index=True)
    done_at: datetime | None = None


class NeedsTag(SQLModel, table=True):
    """A professional-learning need the entry shows: a framework area (`area:<key>`) or the school's own
    (`own:<label>`). Counted across teachers, never shown next to a name."""

    __tablename__ = "coaching_need"

    entry_id: int = Field(foreign_key="coaching_entry.id", primary_key=True, ondelete="CASCADE")
    tag: str = Field(primary_key=True, max_length=TAG_MAX + 8)
    label: str = Field(max_length=TAG_MAX)


class EntryReflection(SQLModel, table=True):
    """What a teacher wrote back about a coaching entry."""

    __tablename__ = "coaching_entry_reflection"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=KEY_MAX, unique=True)
    entry_id: int = Field(foreign_key="coaching_entry.id", index=True, ondelete="CASCADE")
    teacher_id: int = Field(foreign_key="person.id", index=True)
    text: str = Field(max_length=REFLECTION_MAX)
    created_at: datetime


class CoachingRequest(SQLModel, table=True):
    """A teacher asking for coaching; the school's coaches are told."""

    __tablename__ = "coaching_request"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=KEY_MAX, unique=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    teacher_id: int = Field(foreign_key="person.id", index=True)
    text: str = Field(default="", max_length=REQUEST_MAX)
    created_at: datetime


class CoachReflection(SQLModel, table=True):
    """A coach's weekly written reflection: private to its author unless they share it."""

    __tablename__ = "coach_reflection"
    __table_args__ = (UniqueConstraint("coach_id", "week_of"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=KEY_MAX, description="the last modal that wrote it")
    coach_id: int = Field(foreign_key="person.id", index=True)
    week_of: date = Field(description="the Monday of the week")
    went_well: str = Field(default="", max_length=NOTE_MAX)
    learned: str = Field(default="", max_length=NOTE_MAX)
    try_next: str = Field(default="", max_length=NOTE_MAX)
    support: str = Field(default="", max_length=NOTE_MAX)
    shared_with_principal_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class WalkthroughShare(SQLModel, table=True):
    """A teacher's choice to let a coach read one of their walkthroughs. Without it, a coach never does."""

    __tablename__ = "walkthrough_share"

    walkthrough_id: int = Field(foreign_key="walkthrough.id", primary_key=True, ondelete="CASCADE")
    coach_id: int = Field(foreign_key="person.id", primary_key=True, index=True)
    shared_at: datetime


class CoachingPreference(SQLModel, table=True):
    """A teacher's own choices about coaching messages."""

    __tablename__ = "coaching_preference"

    person_id: int = Field(foreign_key="person.id", primary_key=True, ondelete="CASCADE")
    remind_check_backs: bool = False
    updated_at: datetime
