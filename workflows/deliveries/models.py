"""The ``delivery`` table: one row per message Rounds means to send, keyed so it is sent once."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from workflows.workspaces.models import DEFAULT_WORKSPACE, KEY_LENGTH


class DeliveryStatus(StrEnum):
    """pending → sending (claimed by a worker, under a lease) → sent | failed."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Delivery(SQLModel, table=True):
    """A Slack Web API call Rounds owes someone. ``args`` hold the message; ``last_error`` only a code."""

    __table_args__ = (
        Index("ix_delivery_status_not_before", "status", "not_before"),
        Index("ix_delivery_workspace_status", "workspace", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = Field(
        default=DEFAULT_WORKSPACE, max_length=KEY_LENGTH, description="the Slack workspace it is sent in"
    )
    key: str = Field(
        max_length=255, unique=True, description="idempotency key, e.g. reminder:<leader>:<date>"
    )
    method: str = Field(max_length=64, description="Slack Web API method, e.g. chat.postMessage")
    args: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=DeliveryStatus.PENDING, max_length=16)
    attempts: int = Field(default=0, description="calls made to Slack for this row (a call may be lost)")
    not_before: datetime | None = Field(default=None, description="not sent before; None: at once")
    claimed_by: str | None = Field(default=None, max_length=128)
    lease_until: datetime | None = Field(default=None, description="a claim older than this is retaken")
    first_tried_at: datetime | None = Field(default=None, description="first claim; give-up counts from it")
    last_error: str | None = Field(default=None, max_length=64, description="a short code, never text")
    slack_channel: str | None = Field(default=None, max_length=32)
    slack_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime
    sent_at: datetime | None = None
    update_of: str | None = Field(default=None, max_length=255, description="key of the delivery to update")
