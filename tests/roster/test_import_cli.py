"""`rounds import-roster` and `rounds db upgrade` as an admin runs them: exit codes, reports, Slack matching."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlmodel import col, select
from typer.testing import CliRunner

from bot.cli import cli
from tests.conftest import BOT_TOKEN
from workflows.roster.models import Person

BUNDLES = Path(__file__).parent.parent / "data" / "oneroster"


def _run(args: list[str], **env: str):
    return CliRunner().invoke(cli, args, env={"SLACK_BOT_TOKEN": "", **env}, catch_exceptions=False)


def test_import_prints_counts_and_matches_staff_to_slack_by_email(database_url, sessions, slack):
    slack.add_user("U_BROOKS", email="simone.brooks@riverbend.example.org", real_name="Simone Brooks")
    slack.add_user("U_OKAFOR", email="adaeze.okafor@riverbend.example.org", real_name="Adaeze Okafor")
    slack.fail("users.lookupByEmail", kind="429")  # Slack says "slow down" once; the import waits and goes on

    result = _run(
        ["import-roster", str(BUNDLES / "v1_2")],
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=slack.api_url,
    )

    assert result.exit_code == 0, result.output
    assert "Roster imported" in result.output
    assert "Student rows read past (never stored): 5" in result.output
    assert "Matched to Slack by email: 2; not found in Slack: 5" in result.output
    assert "not in Slack: Karim Haddad <karim.haddad@riverbend.example.org>" in result.output
    with sessions() as session:
        rows = session.exec(
            select(Person.sourced_id, Person.slack_user_id).where(col(Person.slack_user_id).is_not(None))
        ).all()
    linked = dict(rows)
    assert linked == {"usr-brooks": "U_BROOKS", "usr-okafor": "U_OKAFOR"}


def test_without_a_slack_token_the_import_still_works_and_says_so(database_url, sessions):
    result = _run(["import-roster", str(BUNDLES / "v1_1")], DATABASE_URL=database_url)

    assert result.exit_code == 0, result.output
    assert "SLACK_BOT_TOKEN is not set: staff were not matched to Slack users." in result.output


def _edit(bundle: Path, name: str, change) -> None:  # type: ignore[no-untyped-def]
    path = bundle / name
    path.write_bytes(change(path.read_bytes()))


MALFORMED = {
    "missing column": (
        lambda b: _edit(
            b, "classes.csv", lambda x: x.replace(b",periods\n", b"\n", 1).replace(b",1\n", b"\n", 1)
        ),
        "classes.csv, row 1, column periods: missing column",
    ),
    "unknown school": (
        lambda b: _edit(
            b, "classes.csv", lambda x: x.replace(b"Room 104,sch-maple", b"Room 104,sch-nowhere", 1)
        ),
        "classes.csv, row 2, column schoolSourcedId: unknown school 'sch-nowhere'",
    ),
    "duplicate sourcedId": (
        lambda b: _edit(b, "orgs.csv", lambda x: x + x.splitlines(keepends=True)[2]),
        "orgs.csv, row 5, column sourcedId: duplicate sourcedId 'sch-maple' (first on row 3)",
    ),
    "bad time": (
        lambda b: _edit(b, "bell_schedules.csv", lambda x: x.replace(b",08:00,", b",8:6x,", 1)),
        "bell_schedules.csv, row 2, column startTime: '8:6x' is not a time (HH:MM)",
    ),
    "bad encoding": (
        lambda b: _edit(b, "users.csv", lambda x: x.decode("utf-8").encode("latin-1")),
        "users.csv, row 5, column familyName: not UTF-8 (byte 0xfa at row 5)",
    ),
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_a_bad_file_is_reported_by_file_row_and_column_and_nothing_is_written(
    database_url, sessions, tmp_path, kind
):
    bundle = shutil.copytree(BUNDLES / "v1_2", tmp_path / "bundle")
    break_it, expected = MALFORMED[kind]
    break_it(bundle)

    result = _run(["import-roster", str(bundle)], DATABASE_URL=database_url)

    assert result.exit_code == 1, result.output
    assert "The roster was not imported" in result.output
    assert expected in result.output
    with sessions() as session:
        assert session.exec(select(Person)).first() is None


def test_a_missing_path_is_a_usage_error(database_url):
    result = _run(["import-roster", "/no/such/export.zip"], DATABASE_URL=database_url)
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_an_unmigrated_database_is_refused_until_db_upgrade(tmp_path):
    url = f"sqlite:///{tmp_path}/fresh.sqlite3"

    refused = _run(["import-roster", str(BUNDLES / "v1_1")], DATABASE_URL=url)
    assert refused.exit_code == 1
    assert "run `rounds db upgrade` first" in refused.output

    assert _run(["db", "upgrade"], DATABASE_URL=url).exit_code == 0
    assert _run(["import-roster", str(BUNDLES / "v1_1")], DATABASE_URL=url).exit_code == 0


def test_a_bad_database_url_is_a_configuration_error(tmp_path):
    result = _run(["db", "upgrade"], DATABASE_URL="mysql://nope")
    assert result.exit_code == 2
    assert "DATABASE_URL" in result.output
