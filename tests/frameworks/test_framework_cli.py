"""`rounds framework load|show|template` as an admin runs them: exit codes, messages, what is written."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner, Result

from bot.cli import cli
from tests.frameworks.support import SMALL, STARTER_TEXT, edited, starter_changed
from workflows.db import Sessions, transaction
from workflows.frameworks.models import Framework
from workflows.frameworks.service import parse_framework
from workflows.roster.models import District


def rounds(database_url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"})


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_reload_and_a_new_version(database_url: str, sessions: Sessions, tmp_path: Path) -> None:
    starter = write(tmp_path, "ours.yml", STARTER_TEXT)

    first = rounds(database_url, "framework", "load", str(starter))
    again = rounds(database_url, "framework", "load", str(starter))
    changed = rounds(
        database_url, "framework", "load", str(write(tmp_path, "ours-2027.yml", starter_changed()))
    )

    assert first.exit_code == 0, first.output
    assert first.stdout.splitlines() == [
        "Loaded framework 'rounds-starter' (Rounds starter framework): version 1 is now current.",
        "  6 areas, 16 look-fors, 4 forms, 5-level rating scale",
    ]
    assert again.exit_code == 0
    assert again.stdout.strip() == (
        "Framework 'rounds-starter' (Rounds starter framework) is unchanged: version 1 stays current."
    )
    assert changed.exit_code == 0, changed.output
    assert changed.stdout.splitlines() == [
        "Loaded framework 'rounds-starter' (Rounds starter framework): version 2 is now current.",
        "  look-fors reworded: check-every-student",
        "  look-fors retired: smooth-routines",
        "  forms added: writing-block",
        "  forms changed: small-groups-centers",
    ]
    with sessions() as session:
        assert [f.version for f in session.exec(select(Framework).order_by(Framework.version)).all()] == [
            1,
            2,
        ]


def test_a_bad_file_is_reported_by_line_and_nothing_is_written(
    database_url: str, sessions: Sessions, tmp_path: Path
) -> None:
    text = edited(SMALL, "area: assessment", "area: assesment")
    text = edited(text, "look_fors: [discussion, checks]", "look_fors: [discussion, checks, x]")
    bad = write(tmp_path, "district.yml", text)

    result = rounds(database_url, "framework", "load", str(bad))

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "The framework was not loaded (2 problem(s); nothing was written):",
        "  district.yml, line 18: look-for 'checks' names unknown area 'assesment' (did you mean 'assessment'?)",
        "  district.yml, line 24: form 'talk' lists unknown look-for 'x'",
    ]
    with sessions() as session:
        assert session.exec(select(Framework)).all() == []


def test_check_validates_without_writing(database_url: str, sessions: Sessions, tmp_path: Path) -> None:
    result = rounds(database_url, "framework", "load", "--check", str(write(tmp_path, "district.yml", SMALL)))

    assert result.exit_code == 0
    assert result.stdout.strip() == (
        "district.yml is a valid framework: 2 areas, 2 look-fors, 1 form, 3-level rating scale."
    )
    with sessions() as session:
        assert session.exec(select(Framework)).all() == []


def test_a_district_framework_and_an_unknown_district(
    database_url: str, sessions: Sessions, tmp_path: Path
) -> None:
    with transaction(sessions) as session:
        session.add(District(sourced_id="district-1", name="Riverside"))
    small = write(tmp_path, "district.yml", SMALL)

    unknown = rounds(database_url, "framework", "load", str(small), "--district", "district-9")
    loaded = rounds(database_url, "framework", "load", str(small), "--district", "district-1")
    shared = rounds(database_url, "framework", "show")
    own = rounds(database_url, "framework", "show", "--district", "district-1")

    assert unknown.exit_code == 1
    assert "no district with sourcedId 'district-9'" in unknown.stderr
    assert loaded.exit_code == 0, loaded.output
    assert shared.exit_code == 1
    assert "no framework is loaded yet" in shared.stderr
    assert own.exit_code == 0
    assert own.stdout.splitlines()[0].startswith(
        "Test district framework ('test-district'), version 1, loaded "
    )


def test_show_marks_retired_look_fors_and_forms(database_url: str, tmp_path: Path) -> None:
    rounds(database_url, "framework", "load", str(write(tmp_path, "v1.yml", STARTER_TEXT)))
    rounds(database_url, "framework", "load", str(write(tmp_path, "v2.yml", starter_changed())))

    shown = rounds(database_url, "framework", "show")

    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("Rounds starter framework ('rounds-starter'), version 2, loaded ")
    assert "  -  Not observed  (not observed: not counted in averages)" in lines
    assert "  4  Exemplary" in lines
    assert (
        "  (retired) Routines and transitions run smoothly, and little learning time is lost. [smooth-routines]"
        in lines
    )
    assert "  Writing block [writing-block]: Students are drafting or revising their own writing." in lines


def test_template_prints_the_starter_framework(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["framework", "template"])

    assert result.exit_code == 0
    assert parse_framework(result.stdout, source="template") == parse_framework(
        STARTER_TEXT, source="default.yml"
    )


def test_from_a_fresh_database_to_a_loaded_framework(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/rounds.sqlite3"
    starter = write(tmp_path, "ours.yml", STARTER_TEXT)

    before = rounds(url, "framework", "load", str(starter))
    upgraded = rounds(url, "db", "upgrade")
    loaded = rounds(url, "framework", "load", str(starter))
    missing = rounds(url, "framework", "load", str(tmp_path / "nowhere.yml"))

    assert before.exit_code == 1
    assert "rounds db upgrade" in before.stderr
    assert upgraded.exit_code == 0, upgraded.output
    assert loaded.exit_code == 0, loaded.output
    assert "version 1 is now current" in loaded.stdout
    assert missing.exit_code == 2
    assert "does not exist" in missing.stderr
