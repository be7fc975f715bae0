"""`app_uninstalled` and `tokens_revoked`, signed as Slack sends them: that workspace's tokens go and its
pending messages stop with the reason; the other workspace, and every workspace's data, stay."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import cli
from bot.installation_tables import metadata
from bot.installations import InstalledTokens
from bot.slack_tokens import WorkspaceGone
from tests.conftest import RunningRounds
from tests.walkthroughs.support import wait_for
from workflows.db import Sessions, transaction
from workflows.deliveries import service
from workflows.deliveries.models import Delivery, DeliveryStatus
from workflows.roster.models import District
from workflows.workspaces.models import DEFAULT_WORKSPACE, Workspace

from .conftest import HILLSIDE, INSTALLERS, LINCOLN, MultiRounds

INSTALLATIONS = metadata.tables["slack_installations"]


def queue(sessions: Sessions, workspace: str, key: str) -> None:
    with transaction(sessions) as session:
        service.enqueue(session, workspace=workspace, key=key, method="chat.postMessage",
                        args={"channel": INSTALLERS.get(workspace, "U0SOMEONE"), "text": "Your classrooms today"})  # fmt: skip


def statuses(sessions: Sessions, workspace: str) -> dict[str, tuple[str, str | None]]:
    with sessions() as session:
        found = session.execute(select(Delivery).where(Delivery.workspace == workspace)).scalars()
        return {d.key: (d.status, d.last_error) for d in found}


def all_failed(sessions: Sessions, workspace: str, reason: str):
    def check():
        found = statuses(sessions, workspace)
        return found if found and all(s == (DeliveryStatus.FAILED, reason) for s in found.values()) else None

    return check


@pytest.fixture
def two_installed(multi_rounds: MultiRounds, sessions: Sessions) -> MultiRounds:
    """Rounds installed in both districts, each with a district and messages waiting to go out."""
    for team in (LINCOLN, HILLSIDE):
        assert multi_rounds.install(team).status_code == 200
        queue(sessions, team, f"reminder:{team}:leader:2026-12-07")
        with transaction(sessions) as session:
            session.add(District(workspace=team, sourced_id="district-1", name=f"District of {team}"))
    return multi_rounds


def uninstall_event(rounds: MultiRounds, team: str, event: dict):
    body, headers = rounds.driver.signer.event(event, team_id=team)
    return rounds.driver.http.post("/slack/events", content=body, headers=headers)


def test_an_uninstall_stops_that_workspaces_messages_and_removes_its_tokens(
    two_installed: MultiRounds, sessions: Sessions
) -> None:
    two_installed.fake.uninstall(LINCOLN)  # Slack has already revoked them when the event arrives

    answer = uninstall_event(
        two_installed, LINCOLN, {"type": "app_uninstalled", "event_ts": "1765000000.000100"}
    )

    assert answer.status_code == 200
    stopped = wait_for(all_failed(sessions, LINCOLN, "app_uninstalled"))
    assert len(stopped) == 2  # the welcome DM and the reminder
    assert {s for s, _ in statuses(sessions, HILLSIDE).values()} == {DeliveryStatus.PENDING}
    store = two_installed.store
    # Bolt's own listener runs after ours and deletes the bots, then the installations: wait for both.
    wait_for(
        lambda: store.find_bot(enterprise_id=None, team_id=LINCOLN) is None
        and store.find_installation(enterprise_id=None, team_id=LINCOLN) is None
    )
    assert store.find_bot(enterprise_id=None, team_id=HILLSIDE) is not None
    with sessions() as session:
        teams_left = {r.team_id for r in session.execute(select(INSTALLATIONS))}
        lincoln = session.get(Workspace, LINCOLN)
        districts = {d.workspace for d in session.execute(select(District)).scalars()}
    assert teams_left == {HILLSIDE}
    assert lincoln is not None and lincoln.uninstall_reason == "app_uninstalled" and lincoln.uninstalled_at
    assert districts == {LINCOLN, HILLSIDE}  # its data stays until an admin removes it


def test_uninstalled_workspaces_have_no_token_for_the_worker(two_installed: MultiRounds) -> None:
    uninstall_event(two_installed, LINCOLN, {"type": "app_uninstalled"})
    tokens = InstalledTokens(two_installed.store)

    wait_for(lambda: gone(tokens, LINCOLN))

    assert gone(tokens, LINCOLN).code == "workspace_uninstalled"
    assert tokens.bot_token(HILLSIDE) == two_installed.fake.tokens(HILLSIDE)[0].value
    assert gone(tokens, "T0NEVER").code == "workspace_not_installed"


def gone(tokens: InstalledTokens, workspace: str) -> WorkspaceGone | None:
    try:
        tokens.bot_token(workspace)
    except WorkspaceGone as error:
        return error
    return None


def test_a_revoked_bot_token_stops_the_workspace_too(two_installed: MultiRounds, sessions: Sessions) -> None:
    two_installed.fake.revoke_tokens(HILLSIDE)
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UT0HILLSIDEBOT"]}}

    assert uninstall_event(two_installed, HILLSIDE, event).status_code == 200

    wait_for(all_failed(sessions, HILLSIDE, "tokens_revoked"))
    wait_for(lambda: two_installed.store.find_bot(enterprise_id=None, team_id=HILLSIDE) is None)
    assert {s for s, _ in statuses(sessions, LINCOLN).values()} == {DeliveryStatus.PENDING}


def test_revoked_user_tokens_leave_the_workspace_installed(
    two_installed: MultiRounds, sessions: Sessions
) -> None:
    event = {"type": "tokens_revoked", "tokens": {"oauth": [INSTALLERS[LINCOLN]], "bot": []}}

    assert uninstall_event(two_installed, LINCOLN, event).status_code == 200

    wait_for(lambda: not _installation_of(sessions, LINCOLN))  # Bolt removed the installer's installation
    assert two_installed.store.find_bot(enterprise_id=None, team_id=LINCOLN) is not None
    with sessions() as session:
        assert session.get(Workspace, LINCOLN).uninstalled_at is None  # type: ignore[union-attr]
    assert {s for s, _ in statuses(sessions, LINCOLN).values()} == {DeliveryStatus.PENDING}


def _installation_of(sessions: Sessions, team: str) -> list:
    with sessions() as session:
        return list(session.execute(select(INSTALLATIONS).where(INSTALLATIONS.c.team_id == team)))


def test_admins_see_the_stopped_messages_and_why(
    two_installed: MultiRounds, sessions: Sessions, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    uninstall_event(two_installed, LINCOLN, {"type": "app_uninstalled"})
    wait_for(all_failed(sessions, LINCOLN, "app_uninstalled"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")

    shown = CliRunner().invoke(cli, ["deliveries", "--failed"], env={"COLUMNS": "200"})

    assert shown.exit_code == 0, shown.output
    assert f"reminder:{LINCOLN}:leader:2026-12-07" in shown.output
    assert "app_uninstalled" in shown.output
    assert HILLSIDE not in shown.output


def test_single_workspace_mode_stops_its_messages_on_uninstall(
    rounds: RunningRounds, sessions: Sessions
) -> None:
    queue(sessions, DEFAULT_WORKSPACE, "reminder:default:leader:2026-12-07")

    body, headers = rounds.driver.signer.event({"type": "app_uninstalled"})
    assert rounds.http.post("/slack/events", content=body, headers=headers).status_code == 200

    wait_for(all_failed(sessions, DEFAULT_WORKSPACE, "app_uninstalled"))
