"""A wrong or revoked bot token: every command that talks to Slack says so in one line and exits non-zero."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from tests.conftest import SIGNING_SECRET
from tests.rotation.support import MONDAY, load_demo
from workflows.db import transaction
from workflows.deliveries.service import pending_count, recent

REFUSED = (
    "error: Slack rejected SLACK_BOT_TOKEN (invalid_auth): copy the Bot User OAuth Token (xoxb-…) from the "
    "app's settings again, or reinstall the app if it was uninstalled or its token revoked\n"
)


@pytest.mark.parametrize(
    "command", [["serve"], ["socket"], ["worker"], ["remind"], ["import-roster", "."]], ids=lambda c: c[0]
)
def test_a_wrong_token_is_one_line_a_non_zero_exit_and_nothing_written(command, tmp_path, slack):
    database = tmp_path / "rounds.sqlite3"
    env = {
        "DATABASE_URL": f"sqlite:///{database}",
        "SLACK_BOT_TOKEN": "xoxb-not-a-token-slack-knows",
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": "xapp-1-test",
        "SLACK_API_URL": slack.api_url,
        "LOG_LEVEL": "WARNING",
    }

    result = CliRunner().invoke(cli, command, env=env)

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception  # not a traceback
    assert result.output == REFUSED
    assert "xoxb-not-a-token" not in result.output
    assert not database.exists()  # refused before the database was even opened
    assert [c.method for c in slack.calls] == ["auth.test"]


def test_remind_exits_non_zero_when_nothing_could_be_sent(database_url, sessions, slack, monkeypatch):
    load_demo(sessions, slack)
    slack.reset()  # every leader's Slack account is gone: each DM fails with user_not_found
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", slack.api_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")

    result = CliRunner().invoke(cli, ["remind", "--date", MONDAY.isoformat()], env={"COLUMNS": "200"})

    assert result.exit_code == 1, result.output
    with transaction(sessions) as session:
        failed = [row for row in recent(session, limit=100) if row.status == "failed"]
        assert failed and pending_count(session) == 0
    assert f"0 sent, 0 already sent, {len(failed)} failed, 0 still waiting" in result.output
    last = result.output.splitlines()[-1]
    assert last.startswith(f"error: nothing could be sent: {len(failed)} user_not_found")
