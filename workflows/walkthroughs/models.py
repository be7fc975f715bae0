"""Walkthrough tables. Staff only: there is no field anywhere here for a student.

A walkthrough points at the framework version and form it was rated on, so it keeps reading as it was
logged after the framework changes. Calibration pairs two observers' walkthroughs of the same teacher,
class and period on the same school day (`visit_date`, `class_id`, `period`), and compares their
per-look-for ratings (`walkthrough_rating`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

# Slack's limits for what a person types into the modal, enforced again on the server.
EVIDENCE_MAX = 3000
NOTE_MAX = 500
REFLECTION_MAX = 3000
# An idempotency key: one row per modal, however often Slack delivers its submission.
KEY_MAX = 128


class ConversationRole(StrEnum):
    """The stance a leader takes in the feedback conversation (the leadership roadmap's three roles)."""

    DIRECTIVE = "directive"  # the boss: names the next step
    REFLECTIVE = "reflective"  # the coach: asks, so the teacher finds the next step
    REFLEXIVE = "reflexive"  # the leader: thinks it through together, about impact on students


class Walkthrough(SQLModel, table=True):
    """One visit by one leader to one teacher's class, with the evidence written during it."""

    # Digests count a school's walkthroughs week by week (workflows/digests/figures.py).
    __table_args__ = (Index("ix_walkthrough_school_id_visit_date", "school_id", "visit_date"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(
        max_length=KEY_MAX, unique=True, description="one row per modal, retries or not"
    )
    school_id: int = Field(foreign_key="school.id", index=True)
    observer_id: int = Field(foreign_key="person.id", index=True, description="the leader who logged it")
    teacher_id: int = Field(foreign_key="person.id", index=True)
    class_id: int | None = Field(default=None, foreign_key="school_class.id", index=True)
    period: str | None = Field(default=None, max_length=64)
    visited_at: datetime
    visit_date: date = Field(index=True, description="the school-local day of the visit")
    framework_id: int = Field(foreign_key="framework.id", index=True)
    form_id: int = Field(foreign_key="form.id", index=True)
    evidence: str = Field(max_length=EVIDENCE_MAX)
    strength: str = Field(default="", max_length=NOTE_MAX)
    next_step: str = Field(default="", max_length=NOTE_MAX, description="a question or a next step")
    planned_role: ConversationRole = Field(sa_type=String(16))
    share_with_teacher: bool = True
    shared_at: datetime | None = None
    second_observer_id: int | None = Field(
        default=None, foreign_key="person.id", index=True, description="the other leader on a paired visit"
    )
    paired_with_id: int | None = Field(
        default=None,
        foreign_key="walkthrough.id",
        index=True,
        description="the walkthrough this one calibrates against (the second observer's own ratings)",
    )
    planned_visit_key: str | None = Field(
        default=None, max_length=255, index=True, description="the rotation's planned visit this logs"
    )
    revision: int = Field(default=1, description="bumped by each edit; edits are idempotent on it")
    edit_key: str | None = Field(
        default=None, max_length=KEY_MAX, description="the modal whose edit made this revision (its retries)"
    )
    thanked_at: datetime | None = None
    talk_requested_at: datetime | None = None
    created_at: datetime
    updated_at: datetime


class WalkthroughRating(SQLModel, table=True):
    """Where one look-for sat on the framework's continuum during the visit ("not observed" included)."""

    __tablename__ = "walkthrough_rating"

    walkthrough_id: int = Field(foreign_key="walkthrough.id", primary_key=True, ondelete="CASCADE")
    look_for_id: int = Field(foreign_key="look_for.id", primary_key=True, index=True)
    value: int = Field(description="the rating level's value; 0 with observed=False means not observed")
    observed: bool


class Reflection(SQLModel, table=True):
    """What a teacher wrote back about a walkthrough of their class."""

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=KEY_MAX, unique=True)
    walkthrough_id: int = Field(foreign_key="walkthrough.id", index=True, ondelete="CASCADE")
    teacher_id: int = Field(foreign_key="person.id", index=True)
    text: str = Field(max_length=REFLECTION_MAX)
    created_at: datetime


class Conversation(SQLModel, table=True):
    """The feedback conversation that followed a walkthrough: when, and in which role. One per walkthrough."""

    __table_args__ = (UniqueConstraint("walkthrough_id"),)

    id: int | None = Field(default=None, primary_key=True)
    walkthrough_id: int = Field(foreign_key="walkthrough.id", ondelete="CASCADE")
    leader_id: int = Field(foreign_key="person.id", index=True)
    teacher_id: int = Field(foreign_key="person.id", index=True)
    held_on: date
    role: ConversationRole = Field(sa_type=String(16))
    recorded_at: datetime
