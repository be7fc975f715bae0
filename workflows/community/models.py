"""Community tables. A post holds only what its coach typed (and chose to post); never evidence or notes.

A district has at most one community channel. A post is `held` while its text names a teacher and the
coach has not yet chosen to post it anyway (or edited it), then `posted`: queued for the channel once.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from workflows.workspaces.models import workspace_field

TEXT_MAX = 3000
LINK_MAX = 2048
KEY_MAX = 128


class PostKind(StrEnum):
    QUESTION = "question"
    SUCCESS = "success"


class PostStatus(StrEnum):
    HELD = "held"  # names a teacher: waiting for the coach to edit it or post anyway
    POSTED = "posted"
    EDITED = "edited"  # replaced by an edited draft; never posted


class ChannelState(StrEnum):
    READY = "ready"
    CANNOT_POST = "cannot_post"


class CommunityChannel(SQLModel, table=True):
    """The district's community channel, as its admin set it, and whether Rounds can post there."""

    __tablename__ = "community_channel"

    district_id: int = Field(foreign_key="district.id", primary_key=True, ondelete="CASCADE")
    workspace: str = workspace_field()
    slack_channel_id: str = Field(max_length=32)
    name: str = Field(max_length=255)
    private: bool = False
    shared: bool = Field(default=False, description="a Slack Connect channel shared with other organisations")
    state: str = Field(default=ChannelState.READY.value, max_length=16)
    problem: str | None = Field(default=None, max_length=64, description="Slack's error code, when it cannot post")
    set_by_id: int | None = Field(default=None, foreign_key="person.id")
    set_at: datetime
    updated_at: datetime


class CommunityPost(SQLModel, table=True):
    """A coach's question or success for the community channel."""

    __tablename__ = "community_post"

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=KEY_MAX, unique=True, description="the command or modal it came from")
    workspace: str = workspace_field()
    district_id: int = Field(foreign_key="district.id", index=True)
    author_id: int = Field(foreign_key="person.id", index=True)
    school_id: int = Field(foreign_key="school.id", description="the author's school when they posted")
    kind: str = Field(sa_type=String(16))
    text: str = Field(max_length=TEXT_MAX)
    areas: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    link: str | None = Field(default=None, max_length=LINK_MAX)
    status: str = Field(default=PostStatus.HELD.value, max_length=16, index=True)
    slack_channel_id: str | None = Field(default=None, max_length=32, description="where it was posted")
    posted_at: datetime | None = None
    posted_on: date | None = Field(default=None, description="the author's school-local day it was posted")
    answered_at: datetime | None = None
    answered_how: str | None = Field(default=None, max_length=16, description="button | reaction")
    replies: int = 0
    nudged_at: datetime | None = None
    thanks: int = 0
    created_at: datetime


class CommunityReply(SQLModel, table=True):
    """A reply in a question's thread: counted, and remembered as who answered in which areas."""

    __tablename__ = "community_reply"
    __table_args__ = (UniqueConstraint("post_id", "ts"),)

    id: int | None = Field(default=None, primary_key=True)
    post_id: int = Field(foreign_key="community_post.id", index=True, ondelete="CASCADE")
    ts: str = Field(max_length=32)
    slack_user_id: str = Field(max_length=32)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    created_at: datetime


class CommunityThanks(SQLModel, table=True):
    """One person's thanks for a success: one each, counted, never ranked."""

    __tablename__ = "community_thanks"

    post_id: int = Field(foreign_key="community_post.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True)
    thanked_at: datetime


class CommunityReflectionShare(SQLModel, table=True):
    """A coach's choice to share one weekly reflection with the coach community (the weekly roundup)."""

    __tablename__ = "community_reflection_share"

    reflection_id: int = Field(foreign_key="coach_reflection.id", primary_key=True, ondelete="CASCADE")
    district_id: int = Field(foreign_key="district.id", index=True)
    shared_at: datetime
