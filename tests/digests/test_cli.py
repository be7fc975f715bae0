"""`rounds digest`: --dry-run prints and sends nothing; a real run sends each digest (teams', leaders') once; bad arguments
get one clear line and exit 2."""

from __future__ import annotations

from typer.testing import CliRunner

from bot.cli import cli
from tests.conftest import BOT_TOKEN
from tests.digests.support import G3, GRADE3, add_walkthroughs, teacher_names, term_weeks
from workflows.db import transaction


def _env(monkeypatch, database_url, slack) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", slack.api_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")


def test_dry_run_prints_the_digests_and_sends_nothing(school, sessions, slack, database_url, monkeypatch, tmp_path):
    _env(monkeypatch, database_url, slack)
    with transaction(sessions) as session:
        add_walkthroughs(session, weeks=term_weeks(), teachers=[s for s, *_ in GRADE3], per_teacher=3)
    calls = len(slack.calls)
    result = CliRunner().invoke(
        cli, ["digest", "--week", "2026-03-04", "--dry-run", "--charts", str(tmp_path)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "Grade 3 team: the week of Mon 2 Mar" in result.output and "(not sent)" in result.output
    assert "six weeks:" in result.output and "not enough data yet" in result.output
    assert not any(name in result.output for name in teacher_names())
    assert len(list(tmp_path.glob("*.png"))) == 3 and "chart: " in result.output
    assert len(slack.calls) == calls
    # the leader's digest names teachers: a dry run says whose it is and prints none of it
    assert "Lena Okafor's weekly digest — week of 2026-03-02 (not sent)" in result.output
    assert "for the leader's eyes only: not printed" in result.output


def test_a_run_sends_once_and_a_rerun_sends_nothing(school, sessions, slack, database_url, monkeypatch):
    _env(monkeypatch, database_url, slack)
    with transaction(sessions) as session:
        add_walkthroughs(session, weeks=term_weeks(count=2), teachers=[s for s, *_ in GRADE3])
    first = CliRunner().invoke(cli, ["digest", "--week", "2026-03-02", "--school", "s-maple"], env={"COLUMNS": "200"})
    assert "Grade 3 team — week of 2026-03-02: sent" in first.output
    assert "Grade 5 team — week of 2026-03-02: not sent (is_archived)" in first.output
    assert "Lena Okafor's weekly digest — week of 2026-03-02: sent" in first.output  # the leader's, by DM
    assert first.exit_code == 1  # the archived channel's digest could not go
    posts = len(slack.messages(G3))
    again = CliRunner().invoke(cli, ["digest", "--week", "2026-03-06", "--school", "s-maple"], env={"COLUMNS": "200"})
    assert "Grade 3 team — week of 2026-03-02: already sent" in again.output
    assert len(slack.messages(G3)) == posts == 2  # the digest and its chart
    assert "Lena Okafor's weekly digest — week of 2026-03-02: already sent" in again.output


def test_bad_arguments_are_refused_with_a_clear_line(school, database_url, slack, monkeypatch):
    _env(monkeypatch, database_url, slack)
    runner = CliRunner()
    cases = [
        (["digest", "--week", "last monday", "--dry-run"], "is not a date like"),
        (["digest", "--school", "Nowhere High", "--dry-run"], "unknown school 'Nowhere High'"),
        (["digest", "--week", "2099-01-05", "--dry-run"], "has not started yet"),
        (["digest", "--charts", "/tmp", "--week", "2026-03-02"], "--charts is for --dry-run"),
        (["digest-settings", "--school", "s-maple", "--day", "saturday"], "not a school day"),
        (["digest-settings", "--school", "s-maple", "--at", "7.30"], "give a time like 07:30"),
    ]
    for args, message in cases:
        result = runner.invoke(cli, args, env={"COLUMNS": "200"})
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output, (args, result.output)
    changed = runner.invoke(cli, ["digest-settings", "--school", "s-maple", "--day", "tue", "--at", "08:15"])
    assert changed.exit_code == 0 and "team digests on Tuesday at 08:15" in changed.output
