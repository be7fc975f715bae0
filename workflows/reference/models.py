"""The reference generation: one row, bumped by every framework load and roster import."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

ROW_ID = 1


class ReferenceGeneration(SQLModel, table=True):
    """A counter every process compares with the reference data it holds: when it moved on, a framework
    version or a roster import landed since, and the process reads its reference data again."""

    __tablename__ = "reference_generation"

    id: int = Field(default=ROW_ID, primary_key=True)
    generation: int = 0
