"""Rotation tables: each school day's stored plan, its planned visits and what became of them, and job runs.

A day is planned once per school (`rotation_day`, unique on school and day); planning it again returns the
stored plan. Each leader's part keeps what the morning DM needs besides the visits: notes, whether the
calendar was read, and the busy time it was planned around (so a Swap re-plans without reading it again).
Rows that must exist once (a day's plan, a job's run) are written with `insert_once`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

SKIP_REASON_MAX = 200
AWAY_NOTE_MAX = 150


class VisitStatus(StrEnum):
    """planned → done (a walkthrough logged it) | skipped (by the leader) | missed (never logged) | swapped."""

    PLANNED = "planned"
    DONE = "done"
    SKIPPED = "skipped"
    MISSED = "missed"
    SWAPPED = "swapped"


class RotationDay(SQLModel, table=True):
    """One school's plan for one day, made once; `school_day` False records a day without instruction."""

    __tablename__ = "rotation_day"
    __table_args__ = (UniqueConstraint("school_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", ondelete="CASCADE")
    day: date
    day_type: str = Field(max_length=64)
    school_day: bool
    cycle_days: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False), description="ISO dates of the cycle"
    )
    notes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    planned_at: datetime


class RotationLeaderDay(SQLModel, table=True):
    """A leader's part of a day's plan; `revision` counts Skips and Swaps (each updates the DM once)."""

    __tablename__ = "rotation_leader_day"
    __table_args__ = (UniqueConstraint("rotation_day_id", "leader_id"),)

    id: int | None = Field(default=None, primary_key=True)
    rotation_day_id: int = Field(foreign_key="rotation_day.id", ondelete="CASCADE")
    leader_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    unfitted: int = 0
    notes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    calendar_checked: bool = True
    calendar_problem: str | None = Field(default=None, max_length=255, description="short, never a URL")
    busy: list[list[str]] = Field(
        default_factory=list,
        sa_column=Column(JSON, nullable=False),
        description="[[HH:MM, HH:MM], ...] local",
    )
    revision: int = 0


class PlannedVisit(SQLModel, table=True):
    """One visit a leader is planned to make; `key` is stable and is what a walkthrough points back to."""

    __tablename__ = "planned_visit"
    __table_args__ = (
        Index("ix_planned_visit_school_day", "school_id", "day"),
        Index("ix_planned_visit_leader_day", "leader_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, unique=True, description="visit:<school>:<day>:<leader>:<teacher>")
    school_id: int = Field(foreign_key="school.id", ondelete="CASCADE")
    day: date
    leader_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    teacher_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    class_id: int | None = Field(default=None, foreign_key="school_class.id", ondelete="SET NULL")
    class_title: str = Field(max_length=255)
    room: str | None = Field(default=None, max_length=255)
    period: str = Field(max_length=64)
    start: time
    end: time
    reason: str = Field(max_length=1000)
    paired_with_id: int | None = Field(default=None, foreign_key="person.id", ondelete="SET NULL")
    status: str = Field(default=VisitStatus.PLANNED, max_length=16)
    skip_reason: str | None = Field(default=None, max_length=SKIP_REASON_MAX)
    created_at: datetime
    updated_at: datetime


class JobRun(SQLModel, table=True):
    """A scheduled job's run for one school and day: ran, or missed while the worker was down. Once each."""

    __tablename__ = "job_run"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=255, unique=True, description="<job>:<school>:<date>")
    job: str = Field(max_length=64)
    school_id: int = Field(foreign_key="school.id", index=True, ondelete="CASCADE")
    day: date
    status: str = Field(max_length=16, description="ran | missed | no_school")
    detail: str = Field(default="", max_length=255)
    recorded_at: datetime


class TimeAway(SQLModel, table=True):
    """Days without walkthroughs: a leader's days away (`person_id`), or a school's (`school_id`, a testing
    week, say). Exactly one of the two is set; the planner plans no visits on these days."""

    __tablename__ = "time_away"
    __table_args__ = (
        Index("ix_time_away_person_days", "person_id", "last_day"),
        Index("ix_time_away_school_days", "school_id", "last_day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", ondelete="CASCADE")
    school_id: int | None = Field(default=None, foreign_key="school.id", ondelete="CASCADE")
    first_day: date
    last_day: date
    note: str | None = Field(default=None, max_length=AWAY_NOTE_MAX)
    created_by_id: int = Field(foreign_key="person.id", ondelete="CASCADE")
    created_at: datetime
