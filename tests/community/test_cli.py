"""`rounds community set CHANNEL` and `rounds community show`: the same channel rules as in Slack, with
clear messages and exit codes on bad input."""

from __future__ import annotations

from typer.testing import CliRunner

from bot.cli import cli
from tests.community.support import CLEO, text_of
from tests.conftest import BOT_TOKEN
from tests.walkthroughs.support import dm_messages


def _env(monkeypatch, database_url, slack) -> None:
    for name, value in {"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": slack.api_url,
                        "LOG_LEVEL": "WARNING"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)


def test_an_admin_sets_the_channel_from_the_command_line(app, slack, channel, database_url, monkeypatch):
    _env(monkeypatch, database_url, slack)
    runner = CliRunner()

    result = runner.invoke(cli, ["community", "set", "#ip-community"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "now #ip-community (a channel). Rounds joined it. 3 coaches told" in result.output
    assert "coach community is <#C0IPCOMM>" in text_of(dm_messages(slack, CLEO)[0])

    shown = runner.invoke(cli, ["community", "show"], env={"COLUMNS": "200"})
    assert shown.exit_code == 0 and "Test District: #ip-community C0IPCOMM; Rounds can post there" in shown.output
    missing = runner.invoke(cli, ["community", "set", "#nowhere"], env={"COLUMNS": "200"})
    assert missing.exit_code == 1 and "Rounds can't see #nowhere" in missing.output
    unknown = runner.invoke(cli, ["community", "set", "#ip-community", "--district", "Elsewhere"], env={"COLUMNS": "200"})
    assert unknown.exit_code == 2 and "unknown district 'Elsewhere'" in unknown.output
    assert "Traceback" not in missing.output + unknown.output


def test_a_slack_connect_channel_is_the_community_just_the_same(app, slack, database_url, monkeypatch):
    _env(monkeypatch, database_url, slack)
    slack.add_channel("C0SHAREDIP", "ip-statewide", ext_shared=True, bot_member=False)

    result = CliRunner().invoke(cli, ["community", "set", "C0SHAREDIP"], env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    assert "a shared (Slack Connect) channel" in result.output
    assert "shared with other districts (Slack Connect)" in text_of(dm_messages(slack, CLEO)[0])
