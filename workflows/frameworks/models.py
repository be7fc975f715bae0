"""Framework tables. Every load makes a new version; walkthroughs keep pointing at the version they were
rated on, so a look-for retired today still reads correctly in last year's history."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel


class Framework(SQLModel, table=True):
    """One version of a district's framework. Exactly one version per key is current."""

    __table_args__ = (UniqueConstraint("key", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    key: str = Field(max_length=64)
    name: str = Field(max_length=255)
    version: int
    current: bool = True
    # Ordered levels of the continuum, e.g. [{"value": 0, "label": "Not observed"}, ...].
    rating_scale: list[dict] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    source_digest: str = Field(
        max_length=64, description="sha256 of the loaded file; same file, no new version"
    )
    loaded_at: datetime


class FrameworkArea(SQLModel, table=True):
    __tablename__ = "framework_area"
    __table_args__ = (UniqueConstraint("framework_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    framework_id: int = Field(foreign_key="framework.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=64)
    name: str = Field(max_length=255)
    position: int


class LookFor(SQLModel, table=True):
    """An observable practice, in the framework's own words. `key` is stable across versions."""

    __tablename__ = "look_for"
    __table_args__ = (UniqueConstraint("framework_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    framework_id: int = Field(foreign_key="framework.id", index=True, ondelete="CASCADE")
    area_id: int = Field(foreign_key="framework_area.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=64)
    text: str = Field(max_length=500)
    position: int
    retired: bool = Field(
        default=False, description="implemented with fidelity; off new forms, kept in history"
    )


class Form(SQLModel, table=True):
    """A walkthrough form for one instructional focus (e.g. discussion, learning centers)."""

    __table_args__ = (UniqueConstraint("framework_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    framework_id: int = Field(foreign_key="framework.id", index=True, ondelete="CASCADE")
    key: str = Field(max_length=64)
    name: str = Field(max_length=150)
    focus: str = Field(max_length=500)
    position: int
    retired: bool = False


class FormLookFor(SQLModel, table=True):
    __tablename__ = "form_look_for"

    form_id: int = Field(foreign_key="form.id", primary_key=True, ondelete="CASCADE")
    look_for_id: int = Field(foreign_key="look_for.id", primary_key=True, ondelete="CASCADE")
    position: int
