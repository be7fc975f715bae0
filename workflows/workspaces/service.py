"""Workspaces: recording an install and an uninstall, and naming the workspace a Slack request comes from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import Session, select

from workflows.deliveries.service import stop_workspace
from workflows.refusals import Refusal
from workflows.workspaces.models import DEFAULT_WORKSPACE, Workspace

__all__ = [
    "DEFAULT_WORKSPACE",
    "Installed",
    "choose_workspace",
    "record_install",
    "record_uninstall",
    "removed",
    "take_turn",
    "workspace_key",
]

# The first key of PostgreSQL advisory locks taken here (the second is the workspace key's hash).
_TURN_LOCKS = 7_000_001


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


def removed(session: Session, *, key: str, reason: str, now: datetime) -> int:
    """Rounds was removed from a workspace (or lost its bot token there): remember when and why, and fail
    its unsent messages with that reason. Its roster, walkthroughs and the rest stay until an admin removes
    them. Returns how many messages were stopped."""
    record_uninstall(session, key=key, reason=reason, now=now)
    return stop_workspace(session, workspace=key, reason=reason)


def find(session: Session, *, key: str) -> Workspace | None:
    return session.get(Workspace, key)


def installed(session: Session) -> list[Workspace]:
    """Workspaces Rounds is installed in now, by key."""
    query = select(Workspace).where(Workspace.uninstalled_at.is_(None)).order_by(Workspace.id)  # type: ignore[union-attr]
    return list(session.exec(query))


def take_turn(session: Session, *, key: str) -> None:
    """Hold the workspace until this transaction ends: processes refreshing its token go one at a time.

    PostgreSQL: a transaction-scoped advisory lock on the key (there may be no row to lock yet). SQLite
    has no row locks; a write, even one that changes nothing, takes the database's write lock, which
    serialises writers across processes (others wait, up to the busy timeout).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_TURN_LOCKS, func.hashtext(key))))
        return
    no_change = update(Workspace).where(Workspace.id == key).values(id=Workspace.id)  # type: ignore[arg-type]
    session.execute(no_change.execution_options(synchronize_session=False))
