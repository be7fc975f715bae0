"""`rounds import-roster --workspace`: each district goes to the Slack workspace it belongs to."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import select
from typer.testing import CliRunner

from bot.cli import cli
from workflows.db import transaction
from workflows.roster.models import District, Person, School
from workflows.workspaces.models import DEFAULT_WORKSPACE
from workflows.workspaces.service import record_install, record_uninstall

BUNDLE = Path(__file__).parent.parent / "data" / "oneroster" / "v1_2"
MULTI = {"SLACK_CLIENT_ID": "123.456", "SLACK_CLIENT_SECRET": "shh", "SLACK_BOT_TOKEN": ""}


def _run(args: list[str], **env: str):
    return CliRunner().invoke(cli, args, env={"SLACK_BOT_TOKEN": "", **env}, catch_exceptions=False)


def _install(sessions, team_id: str, name: str) -> None:
    with transaction(sessions) as session:
        record_install(
            session, team_id=team_id, enterprise_id=None, is_enterprise_install=False, name=name,
            installer_user_id="UADMIN", now=datetime(2026, 11, 30, tzinfo=UTC),
        )  # fmt: skip


def _workspaces_of(sessions, model) -> set[str]:
    with sessions() as session:
        return set(session.exec(select(model.workspace)).all())


def test_one_workspace_needs_no_option_and_the_district_lands_in_the_default(database_url, sessions):
    result = _run(["import-roster", str(BUNDLE), "--no-match-slack"], DATABASE_URL=database_url)

    assert result.exit_code == 0, result.output
    assert _workspaces_of(sessions, Person) == {DEFAULT_WORKSPACE}


def test_one_workspace_refuses_a_workspace_option_it_cannot_honour(database_url, sessions):
    result = _run(["import-roster", str(BUNDLE), "--workspace", "T0BOGUS"], DATABASE_URL=database_url)

    assert result.exit_code == 2
    assert "leave --workspace out" in result.output
    assert _workspaces_of(sessions, Person) == set()


def test_two_districts_reusing_the_same_sourced_ids_import_side_by_side(database_url, sessions):
    _install(sessions, "T0NORTH", "North District")
    _install(sessions, "T0SOUTH", "South District")

    for team in ("T0NORTH", "T0SOUTH"):
        result = _run(
            ["import-roster", str(BUNDLE), "--workspace", team, "--no-match-slack"],
            DATABASE_URL=database_url, **MULTI,
        )  # fmt: skip
        assert result.exit_code == 0, result.output

    assert _workspaces_of(sessions, District) == {"T0NORTH", "T0SOUTH"}
    with sessions() as session:
        north = session.exec(select(Person.sourced_id).where(Person.workspace == "T0NORTH")).all()
        south = session.exec(select(Person.sourced_id).where(Person.workspace == "T0SOUTH")).all()
        schools = session.exec(select(School.workspace, School.sourced_id)).all()
    assert sorted(north) == sorted(south) and north, "the same export, once per workspace"
    assert len(schools) == 2 * len({sourced for _, sourced in schools})

    again = _run(
        ["import-roster", str(BUNDLE), "--workspace", "T0NORTH", "--no-match-slack"],
        DATABASE_URL=database_url, **MULTI,
    )  # fmt: skip
    assert again.exit_code == 0 and "created" in again.output
    with sessions() as session:
        assert len(session.exec(select(Person).where(Person.workspace == "T0NORTH")).all()) == len(north)


def test_several_workspaces_make_the_option_required_and_name_the_choices(database_url, sessions):
    _install(sessions, "T0NORTH", "North District")
    _install(sessions, "T0SOUTH", "South District")

    result = _run(["import-roster", str(BUNDLE), "--no-match-slack"], DATABASE_URL=database_url, **MULTI)

    assert result.exit_code == 2
    assert "--workspace" in result.output and "T0NORTH (North District)" in result.output
    assert _workspaces_of(sessions, Person) == set()


def test_a_workspace_rounds_was_removed_from_is_refused(database_url, sessions):
    _install(sessions, "T0NORTH", "North District")
    _install(sessions, "T0SOUTH", "South District")
    with transaction(sessions) as session:
        record_uninstall(session, key="T0SOUTH", reason="app_uninstalled", now=datetime(2026, 12, 1, tzinfo=UTC))

    refused = _run(
        ["import-roster", str(BUNDLE), "--workspace", "T0SOUTH", "--no-match-slack"],
        DATABASE_URL=database_url, **MULTI,
    )  # fmt: skip
    only_one = _run(["import-roster", str(BUNDLE), "--no-match-slack"], DATABASE_URL=database_url, **MULTI)

    assert refused.exit_code == 2 and "not installed in workspace T0SOUTH" in refused.output
    assert only_one.exit_code == 0, only_one.output
    assert _workspaces_of(sessions, Person) == {"T0NORTH"}
