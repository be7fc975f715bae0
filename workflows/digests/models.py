"""Digest tables: when each school's team digests go out, and what team members say about the form."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import String, UniqueConstraint
from sqlmodel import Field, SQLModel

DEFAULT_DIGEST_WEEKDAY = 0  # Monday
DEFAULT_DIGEST_TIME = time(7, 30)
FEEDBACK_NOTE_MAX = 500
KEY_MAX = 128


class FeedbackKind(StrEnum):
    """What a team member says about a look-for on the walkthrough form."""

    UNCLEAR = "unclear"
    MISSING = "missing"
    RETIRE = "retire"


FEEDBACK_NAMES = {
    FeedbackKind.UNCLEAR: "unclear",
    FeedbackKind.MISSING: "missing from the form",
    FeedbackKind.RETIRE: "ready to retire",
}


class DigestSettings(SQLModel, table=True):
    """When a school's team digests are posted. A school without a row: Monday 07:30, school-local."""

    __tablename__ = "digest_settings"

    school_id: int = Field(foreign_key="school.id", primary_key=True, ondelete="CASCADE")
    weekday: int = Field(default=DEFAULT_DIGEST_WEEKDAY, description="0 Monday … 4 Friday")
    at: time = DEFAULT_DIGEST_TIME
    updated_at: datetime


class FormFeedback(SQLModel, table=True):
    """One member's word on one look-for: saved per member, team and look-for; saying it again updates it."""

    __tablename__ = "form_feedback"
    __table_args__ = (UniqueConstraint("team_id", "person_id", "look_for_key", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True, ondelete="CASCADE")
    school_id: int = Field(foreign_key="school.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    look_for_key: str = Field(max_length=64, description="the look-for's stable key; '' for one that is missing")
    kind: FeedbackKind = Field(sa_type=String(16))
    note: str = Field(default="", max_length=FEEDBACK_NOTE_MAX)
    week_of: date
    created_at: datetime
    updated_at: datetime
