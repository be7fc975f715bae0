"""The roster reader's memory is bounded whatever the file holds: a row over 1 MiB is refused as it is read.

The zips are generated streaming (a few hundred kilobytes on disk for 20 MB of text), and the peak is
the reader's own Python allocations measured by tracemalloc: a count, not a time.
"""

from __future__ import annotations

import tracemalloc
import zipfile
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import cli
from integrations.oneroster import read_bundle
from integrations.oneroster.source import MAX_ROW_CHARS
from workflows.roster.models import Person
from workflows.roster.snapshot import RosterError

FIXTURES = Path(__file__).parents[1] / "data" / "oneroster" / "v1_1"
HUGE = 20 * 1024 * 1024  # twenty times the limit: enough to show that the peak does not follow the input


def _zip_with(path: Path, name: str, start: bytes, filler: bytes, end: bytes = b"") -> Path:
    """The v1_1 fixture bundle as a zip whose `name` is `start`, HUGE bytes of `filler`, then `end`."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for fixture in sorted(FIXTURES.iterdir()):
            if fixture.name != name:
                bundle.write(fixture, fixture.name)
        with bundle.open(name, "w") as member:
            member.write(start)
            block = filler * (65536 // len(filler))
            for _ in range(HUGE // len(block)):
                member.write(block)
            member.write(end)
    return path


def _users_header() -> bytes:
    return (FIXTURES / "users.csv").read_bytes().splitlines(keepends=True)[0]


def _read_measuring_peak(path: Path) -> tuple[list[str], int]:
    tracemalloc.start()
    try:
        with pytest.raises(RosterError) as raised:
            read_bundle(path, progress=lambda *_: None)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return [str(p) for p in raised.value.problems], peak


def test_one_huge_line_without_a_newline_is_refused_with_bounded_memory(tmp_path: Path) -> None:
    """A zip holding a users.csv of one 20 MB line, no newline at all: refused at row 1."""
    bundle = _zip_with(tmp_path / "one-line.zip", "users.csv", b"sourcedId,", b"a")
    assert bundle.stat().st_size < 1_000_000

    problems, peak = _read_measuring_peak(bundle)

    assert f"users.csv, row 1: row longer than {MAX_ROW_CHARS:,} characters" in problems
    assert peak < 8 * MAX_ROW_CHARS, f"peak {peak:,} bytes for a {HUGE:,}-byte line"


def test_a_huge_value_in_a_row_names_its_file_row_and_column(tmp_path: Path) -> None:
    """A 20 MB given name on the second staff row: the problem names users.csv, row 3, givenName."""
    lines = (FIXTURES / "users.csv").read_bytes().splitlines(keepends=True)
    start = lines[0] + lines[1] + b"usr-huge,active,2025-08-01T12:00:00Z,true,sch-maple,teacher,huge,,"
    bundle = _zip_with(tmp_path / "huge-name.zip", "users.csv", start, b"Zed", b",Okafor\n")

    problems, peak = _read_measuring_peak(bundle)

    assert f"users.csv, row 3, column givenName: row longer than {MAX_ROW_CHARS:,} characters" in problems
    assert peak < 8 * MAX_ROW_CHARS, f"peak {peak:,} bytes"


def test_a_row_of_many_short_quoted_lines_is_bounded_too(tmp_path: Path) -> None:
    """Newlines inside quotes make one row of many short lines and short values; the row as a whole is
    held to the limit (CSV's own field limit does not see it: each value is three characters)."""
    start = _users_header() + b"usr-x,active,,true,sch-maple,teacher,x,,"
    bundle = _zip_with(tmp_path / "quoted.zip", "users.csv", start, b'"a\n",', b"Okafor\n")

    problems, peak = _read_measuring_peak(bundle)

    assert any(p.startswith("users.csv, row 2") and "row longer than" in p for p in problems), problems
    # Each tiny value is a Python string of its own, so this row costs more than its characters; the
    # bound holds all the same, whatever the file's size (unbounded, this row would hold millions of them).
    assert peak < 16 * MAX_ROW_CHARS, f"peak {peak:,} bytes"


def test_import_roster_refuses_the_huge_line_and_writes_nothing(
    database_url, sessions, tmp_path: Path
) -> None:
    bundle = _zip_with(tmp_path / "district.zip", "users.csv", b"sourcedId,", b"a")

    result = CliRunner().invoke(
        cli, ["import-roster", str(bundle)], env={"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": ""}
    )

    assert result.exit_code == 1, result.output
    assert "The roster was not imported" in result.output
    assert "users.csv, row 1: row longer than 1,048,576 characters" in result.output
    assert "Traceback" not in result.output
    with sessions() as session:
        assert session.exec(select(Person)).first() is None
