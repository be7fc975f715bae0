"""`rounds deliveries`: what admins see of failures; bad arguments exit non-zero with a clear message."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import cli
from bot.demo.fake_slack import FakeSlack
from tests.deliveries.conftest import TEACHERS, WorkerFactory, dm, enqueue
from workflows.db import Sessions


@pytest.fixture
def runner(database_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    return CliRunner()


def test_admins_see_failed_deliveries_with_their_error_code_and_never_the_text(
    runner: CliRunner, sessions: Sessions, slack: FakeSlack, make_worker: WorkerFactory
) -> None:
    enqueue(sessions, "digest:team-9:2026-W48", args={"channel": "C0NOSUCH", "text": "Secret digest text"})
    enqueue(sessions, "reminder:ok", args={"channel": TEACHERS[0]} | dm("fine"))
    make_worker(slack).drain(timeout=10)

    result = runner.invoke(cli, ["deliveries", "--failed"], env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    assert "digest:team-9:2026-W48" in result.output and "channel_not_found" in result.output
    assert "reminder:ok" not in result.output
    assert "Secret digest text" not in result.output

    everything = runner.invoke(cli, ["deliveries"], env={"COLUMNS": "200"})
    assert everything.exit_code == 0 and "reminder:ok" in everything.output


def test_bad_arguments_exit_non_zero_with_a_clear_message(runner: CliRunner, sessions: Sessions) -> None:
    result = runner.invoke(cli, ["deliveries", "--since", "last tuesday"])
    assert result.exit_code != 0
    assert "not an ISO date" in result.output
    assert runner.invoke(cli, ["deliveries", "--limit", "0"]).exit_code != 0
