"""The leader digest's table: each school's data reviews (seed 001, practice 5: review observation data
once a month or when 30 observations are in), with the decisions taken, shown again at the next review.

`sequence` numbers a school's reviews; (school, sequence) is unique, so when two leaders record the same
due review at once, one is saved and the other is told who recorded it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

DECISIONS_MAX = 3000
STRENGTHS_MAX = 1000
REVIEW_KEY_MAX = 128


class DataReview(SQLModel, table=True):
    """One data review of a school's walkthrough data, and what its leaders decided."""

    __tablename__ = "data_review"
    __table_args__ = (UniqueConstraint("school_id", "sequence"),)

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=REVIEW_KEY_MAX, unique=True, description="one row per modal")
    school_id: int = Field(foreign_key="school.id", index=True, ondelete="CASCADE")
    sequence: int = Field(description="1 for the school's first review, then 2, 3, …")
    leader_id: int = Field(foreign_key="person.id", index=True, description="who recorded it")
    reviewed_on: date = Field(description="the school-local day of the review")
    observations: int = Field(description="walkthroughs at the school logged by the time of the review")
    strengths: str = Field(default="", max_length=STRENGTHS_MAX)
    decisions: str = Field(max_length=DECISIONS_MAX)
    created_at: datetime
