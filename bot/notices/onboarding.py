"""Onboarding notices: the welcome DM to the person who installed Rounds in a workspace.

Key: `welcome:<workspace>:<installed at>`: a reinstall after an uninstall welcomes again (it is a new
install), while a retried or repeated OAuth callback for the same install queues nothing new.
"""

from __future__ import annotations

from datetime import UTC

from sqlmodel import Session

from bot.blocks.onboarding import welcome_message
from workflows.deliveries.service import enqueue
from workflows.workspaces.models import Workspace


def welcome_key(workspace: Workspace) -> str:
    installed_at = workspace.installed_at.astimezone(UTC)
    return f"welcome:{workspace.id}:{installed_at.strftime('%Y%m%dT%H%M%S.%fZ')}"


def installed(session: Session, workspace: Workspace) -> bool:
    """Queue the installer's welcome DM; False when nobody can be told (no installer)."""
    if not workspace.installer_user_id:
        return False
    enqueue(session, workspace=workspace.id, key=welcome_key(workspace), method="chat.postMessage",
            args={"channel": workspace.installer_user_id,
                  **welcome_message(workspace=workspace.id, workspace_name=workspace.name)})  # fmt: skip
    return True
