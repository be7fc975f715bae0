"""The ``workspace`` table: one row per Slack workspace (or Enterprise Grid organisation) Rounds serves.

Every roster row and every delivery carries its workspace key: the team id (``T…``), or the enterprise id
(``E…``) for an org-wide install. Single-workspace mode (one ``SLACK_BOT_TOKEN``, no OAuth) uses the key
``DEFAULT_WORKSPACE`` throughout, so nothing about installation is needed there.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

DEFAULT_WORKSPACE = "default"
KEY_LENGTH = 32


def workspace_field() -> str:
    """The ``workspace`` column of every tenant-owned table (its unique keys lead with it)."""
    return Field(default=DEFAULT_WORKSPACE, max_length=KEY_LENGTH)  # type: ignore[no-any-return]


class Workspace(SQLModel, table=True):
    """An installation of Rounds as the domain sees it; tokens live in slack_sdk's installation store."""

    id: str = Field(primary_key=True, max_length=KEY_LENGTH, description="team id, or enterprise id")
    team_id: str | None = Field(default=None, max_length=KEY_LENGTH)
    enterprise_id: str | None = Field(default=None, max_length=KEY_LENGTH)
    is_enterprise_install: bool = False
    name: str | None = Field(default=None, max_length=255)
    installer_user_id: str | None = Field(default=None, max_length=KEY_LENGTH)
    installed_at: datetime
    uninstalled_at: datetime | None = Field(default=None, description="set by app_uninstalled / tokens_revoked")
    uninstall_reason: str | None = Field(default=None, max_length=64)
