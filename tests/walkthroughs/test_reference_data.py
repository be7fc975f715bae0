"""Reference data held in memory is never out of date: a framework load or a roster import made by another
process (the CLI, another server) shows in the very next modal a leader opens."""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from pathlib import Path

from typer.testing import CliRunner

from bot import ids
from bot.cli import cli
from tests.frameworks.support import STARTER_TEXT, starter_changed
from tests.walkthroughs.support import block, open_modal, snapshot
from workflows.db import make_sessions, transaction
from workflows.reference.cache import reference_of
from workflows.roster.service import apply_roster
from workflows.roster.snapshot import BellPeriodRecord


def rounds(database_url: str, *args: str) -> None:
    result = CliRunner().invoke(cli, list(args), env={"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"})
    assert result.exit_code == 0, result.output


def form_names(view: dict) -> list[str]:
    return [o["text"]["text"] for o in block(view, ids.WALKTHROUGH_FORM_BLOCK)["element"]["options"]]


def class_chosen(view: dict) -> str | None:
    found = next(b for b in view["blocks"] if str(b.get("block_id", "")).startswith(ids.WALKTHROUGH_CLASS_BLOCK))
    option = found["element"].get("initial_option")
    return option["text"]["text"] if option else None


def test_a_framework_loaded_from_the_command_line_shows_in_the_next_modal(app, slack, database_url, tmp_path):
    first = tmp_path / "v1.yml"
    first.write_text(STARTER_TEXT, encoding="utf-8")
    rounds(database_url, "framework", "load", str(first))
    before = open_modal(app.driver, slack, "ULEAD", "ben")
    open_modal(app.driver, slack, "ULEAD", "ben")  # the app now holds version 1 in memory

    second: Path = tmp_path / "v2.yml"
    second.write_text(starter_changed(), encoding="utf-8")
    rounds(database_url, "framework", "load", str(second))  # another process: the app is not told
    after = open_modal(app.driver, slack, "ULEAD", "ben")

    assert "Writing block" not in form_names(before)
    assert "Writing block" in form_names(after)


def test_a_roster_import_elsewhere_changes_the_class_meeting_now(app, slack, engine):
    # 8:20 at Maple: period 1 (Grade 3 Math) is under way.
    assert class_chosen(open_modal(app.driver, slack, "ULEAD", "ben")) == "Grade 3 Math · period 1 · room 104"

    other_process = make_sessions(engine)  # its own cache, as a second server process would have
    moved = replace(
        snapshot(),
        bell_periods=(
            BellPeriodRecord("s-maple", "regular", "1", time(7, 0), time(7, 50)),
            BellPeriodRecord("s-maple", "regular", "2", time(8, 0), time(8, 50)),
            BellPeriodRecord("s-oak", "regular", "1", time(8, 0), time(8, 50)),
        ),
    )
    with transaction(other_process) as session:
        apply_roster(session, snapshot=moved)

    assert class_chosen(open_modal(app.driver, slack, "ULEAD", "ben")) == "Grade 3 Science · period 2 · room 104"


def test_two_processes_each_see_a_new_framework_version_at_once(engine, sessions, database_url, tmp_path):
    other_process = make_sessions(engine)
    path = tmp_path / "v1.yml"
    path.write_text(STARTER_TEXT, encoding="utf-8")
    rounds(database_url, "framework", "load", str(path))
    with transaction(sessions) as one, transaction(other_process) as two:
        held = (reference_of(one).current_framework(), reference_of(two).current_framework())
    assert [f.version for f in held if f is not None] == [1, 1]

    path.write_text(starter_changed(), encoding="utf-8")
    rounds(database_url, "framework", "load", str(path))
    with transaction(sessions) as one, transaction(other_process) as two:
        now = (reference_of(one).current_framework(), reference_of(two).current_framework())

    assert [f.version for f in now if f is not None] == [2, 2]
    assert "writing-block" in {form.key for form in now[0].active_forms}  # type: ignore[union-attr]


def test_a_snapshot_read_before_a_load_is_not_changed_by_it(engine, sessions, database_url, tmp_path):
    """Snapshots are immutable: a request that holds version 1 keeps reading version 1 whole."""
    path = tmp_path / "v1.yml"
    path.write_text(STARTER_TEXT, encoding="utf-8")
    rounds(database_url, "framework", "load", str(path))
    with transaction(sessions) as session:
        held = reference_of(session).current_framework()
    path.write_text(starter_changed(), encoding="utf-8")
    rounds(database_url, "framework", "load", str(path))
    with transaction(sessions) as session:
        reference_of(session).current_framework()

    assert held is not None and held.version == 1
    assert "writing-block" not in {form.key for form in held.forms}
