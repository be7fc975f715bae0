"""`/rounds pd-needs` and `rounds pd-needs`: the needs tags by framework area, with teachers, entries, the
four-month trend and the walkthrough picture for the same area, withheld where too few teachers are behind."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot import ids
from bot.cli import cli
from bot.demo.coaching_scene import find, starting
from tests.coaching.support import log_coaching, open_log
from tests.walkthroughs.support import log_visit, message_text

NAMES = ("Ben", "Bea", "Joana", "Dan", "Lindqvist", "Sousa", "Cleo", "Sentence stems")


@pytest.fixture
def tagged(app, slack, worker) -> None:
    """Academic discussion noted for three teachers; checks for understanding for one; five walkthroughs."""
    for teacher in ("ben", "bea", "joana"):
        log_coaching(app.driver, slack, worker, text=teacher, needs=["Academic discussion"])
    log_coaching(app.driver, slack, worker, coach="UCOACH2", text="dan", needs=["Checks for understanding"])
    for teacher in ("ben", "bea", "joana", "ben", "bea"):
        log_visit(app.driver, slack, worker, text=teacher, ratings={"Students explain the": "Proficient"})


def _answer(app, user: str) -> str:
    reply = app.driver.command(user, ids.ROUNDS_COMMAND, "pd-needs").json()
    return message_text(reply) if reply.get("blocks") else reply["text"]


def test_pd_needs_shows_each_area_beside_the_walkthrough_picture(app, tagged):
    text = _answer(app, "ULEAD")

    assert "Professional-learning needs: Maple Elementary" in text
    assert "*Academic discussion* — 3 entries, 3 teachers" in text
    assert "last four months: Dec —, Jan —, Feb —, Mar 3" in text
    assert "walkthroughs (15 ratings): Not observed 67% · Proficient 33%" in text
    assert "*Checks for understanding* — not enough data yet" in text
    assert "*Curriculum used as designed* — not enough data yet" in text
    assert "walkthroughs: not enough data yet" in text  # no walkthrough rated curriculum yet
    for word in NAMES:
        assert word not in text, word
    assert "Professional-learning needs: Maple Elementary" in _answer(app, "UCOACH")


def test_pd_needs_is_for_leaders_and_coaches_of_the_school_only(app, tagged):
    assert _answer(app, "UBEN").startswith("`/rounds pd-needs` is for school leaders and coaches")
    oak = _answer(app, "UOTTO")
    assert "Oak Middle" in oak and "Maple" not in oak and "3 entries" not in oak


def test_with_too_few_teachers_every_figure_is_withheld(app, slack, worker):
    log_coaching(app.driver, slack, worker, needs=["Academic discussion"])
    log_visit(app.driver, slack, worker, text="ben", ratings={"Students explain the": "Proficient"})

    text = _answer(app, "ULEAD")

    assert "*Academic discussion* — not enough data yet" in text
    assert "Mar —" in text and "walkthroughs (" not in text


def test_the_cli_prints_the_same_picture_and_refuses_bad_arguments(app, tagged, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("LOG_LEVEL", "WARNING")
    runner = CliRunner()

    result = runner.invoke(cli, ["pd-needs", "--school", "s-maple", "--since", "2026-03-01"], env={"COLUMNS": "200"})

    assert result.exit_code == 0, result.output
    assert "Maple Elementary — professional-learning needs since 2026-03-01" in result.output
    assert "Academic discussion: 3 entries, 3 teachers" in result.output
    assert "Checks for understanding: not enough data yet" in result.output
    assert "walkthroughs (15 ratings): Not observed 67% · Proficient 33%" in result.output
    assert "Oak Middle" not in result.output
    for word in NAMES:
        assert word not in result.output, word
    bad_day = runner.invoke(cli, ["pd-needs", "--since", "last spring"])
    assert bad_day.exit_code == 2 and "not a date like" in bad_day.output
    unknown = runner.invoke(cli, ["pd-needs", "--school", "Nowhere High"])
    assert unknown.exit_code == 2 and "unknown school 'Nowhere High'" in unknown.output


def test_coaching_settings_are_shown_changed_and_checked(app, slack, database_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", database_url)
    runner = CliRunner()

    shown = runner.invoke(cli, ["coaching-settings", "--school", "Maple Elementary"])
    assert shown.exit_code == 0, shown.output
    assert "phases: identify (every 7 days), learn (every 7 days), improve (every 14 days)" in shown.output
    assert "weekly reflection: Friday 14:30" in shown.output

    changed = runner.invoke(cli, [
        "coaching-settings", "--school", "s-maple", "--phases", "notice,try,refine,share", "--cadence", "5,5,10,14",
        "--needs-tags", "Family engagement, Co-teaching models", "--reflection-day", "thu", "--reflection-time", "15:00",
    ])  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert "notice (every 5 days)" in changed.output and "share (every 14 days)" in changed.output
    assert "own needs tags: Family engagement, Co-teaching models" in changed.output
    assert "weekly reflection: Thursday 15:00" in changed.output

    mismatched = runner.invoke(cli, ["coaching-settings", "--school", "s-maple", "--cadence", "7,7"])
    assert mismatched.exit_code == 2 and "give one cadence per phase: 4 phases, 2 cadences" in mismatched.output
    assert runner.invoke(cli, ["coaching-settings", "--school", "s-maple", "--reflection-day", "someday"]).exit_code == 2
    log = open_log(app.driver, slack, "UCOACH", "ben")  # the log speaks the school's own words now
    assert "first phase, notice" in starting(log, ids.COACHING_CYCLE_BLOCK)["hint"]["text"]
    needs = [o["text"]["text"] for o in find(log, ids.COACHING_NEEDS_BLOCK)["element"]["options"]]
    assert needs[-2:] == ["Family engagement", "Co-teaching models"]
