"""Workspaces: recording an install and an uninstall, and naming the workspace a Slack request comes from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from workflows.refusals import Refusal
from workflows.workspaces.models import DEFAULT_WORKSPACE, Workspace

__all__ = [
    "DEFAULT_WORKSPACE",
    "Installed",
    "choose_workspace",
    "record_install",
    "record_uninstall",
    "workspace_key",
]


def workspace_key(*, team_id: str | None, enterprise_id: str | None, is_enterprise_install: bool) -> str:
    """The key rows carry: the organisation for an org-wide install, the team otherwise."""
    key = enterprise_id if is_enterprise_install else team_id
    if not key:
        raise ValueError("a workspace needs a team id (or an enterprise id for an org-wide install)")
    return key


@dataclass(frozen=True)
class Installed:
    workspace: Workspace
    first_time: bool


def record_install(
    session: Session,
    *,
    team_id: str | None,
    enterprise_id: str | None,
    is_enterprise_install: bool,
    name: str | None,
    installer_user_id: str | None,
    now: datetime,
) -> Installed:
    """Remember an install (or a reinstall after an uninstall); the tokens are the installation store's."""
    key = workspace_key(team_id=team_id, enterprise_id=enterprise_id, is_enterprise_install=is_enterprise_install)
    found = session.get(Workspace, key, with_for_update=True)
    first_time = found is None or found.uninstalled_at is not None
    workspace = found or Workspace(id=key, installed_at=now)
    workspace.team_id = None if is_enterprise_install else team_id
    workspace.enterprise_id = enterprise_id
    workspace.is_enterprise_install = is_enterprise_install
    workspace.name = name
    workspace.installer_user_id = installer_user_id
    if first_time:
        workspace.installed_at = now
    workspace.uninstalled_at = None
    workspace.uninstall_reason = None
    session.add(workspace)
    session.flush()
    return Installed(workspace=workspace, first_time=first_time)


def record_uninstall(session: Session, *, key: str, reason: str, now: datetime) -> Workspace | None:
    """Mark a workspace gone. Its data stays until an admin removes it; its pending messages stop."""
    workspace = session.get(Workspace, key, with_for_update=True)
    if workspace is None:
        return None
    if workspace.uninstalled_at is None:
        workspace.uninstalled_at = now
        workspace.uninstall_reason = reason[:64]
        session.add(workspace)
        session.flush()
    return workspace


def choose_workspace(session: Session, *, asked: str | None, multi_workspace: bool) -> str:
    """The workspace a roster import goes to: the one asked for, or the only one there is."""
    if not multi_workspace:
        if asked not in (None, DEFAULT_WORKSPACE):
            raise Refusal(
                "--workspace is for a Rounds installed in several workspaces over OAuth (SLACK_CLIENT_ID); "
                "with one SLACK_BOT_TOKEN the roster goes to that token's workspace: leave --workspace out"
            )
        return DEFAULT_WORKSPACE
    present = installed(session)
    names = ", ".join(f"{w.id} ({w.name or 'unnamed'})" for w in present) or "none yet (install from /slack/install)"
    if asked is None:
        if len(present) == 1:
            return present[0].id
        raise Refusal(f"say which workspace the district belongs to with --workspace; installed: {names}")
    if asked not in {w.id for w in present}:
        raise Refusal(f"Rounds is not installed in workspace {asked}; installed: {names}")
    return asked


def find(session: Session, *, key: str) -> Workspace | None:
    return session.get(Workspace, key)


def installed(session: Session) -> list[Workspace]:
    """Workspaces Rounds is installed in now, by key."""
    query = select(Workspace).where(Workspace.uninstalled_at.is_(None)).order_by(Workspace.id)  # type: ignore[union-attr]
    return list(session.exec(query))
