"""`rounds import-roster PATH`: a OneRoster export and Rounds' own files, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import (
    check_slack_token,
    err,
    fail,
    load_settings,
    open_database,
    out,
    progress,
    refusal_of,
)

commands = typer.Typer()


@commands.command("import-roster")
def import_roster(
    path: Annotated[
        Path,
        typer.Argument(
            exists=True, readable=True, help="a OneRoster 1.1/1.2 CSV folder or .zip, with Rounds' files"
        ),
    ],
    match_slack: Annotated[bool, typer.Option(help="match staff to Slack users by email")] = True,
    workspace: Annotated[
        str | None,
        typer.Option(
            help="the Slack workspace (T…, or E… for an org-wide install) the district belongs to; "
            "needed only when Rounds is installed in more than one"
        ),
    ] = None,
) -> None:
    """Import schools, staff, classes, teams, bell schedules and calendars. All or nothing; safe to repeat."""
    from rich.table import Table
    from slack_sdk.errors import SlackApiError

    from bot.installations import bot_tokens
    from bot.slack_client import make_client
    from bot.slack_directory import SlackUserDirectory
    from integrations.oneroster import read_bundle
    from workflows.db import make_sessions, transaction
    from workflows.refusals import Refusal
    from workflows.roster.service import apply_roster, link_slack_users
    from workflows.roster.snapshot import RosterError
    from workflows.workspaces.service import choose_workspace

    settings = load_settings()
    if match_slack:
        check_slack_token(settings)  # before anything is written: fix the token, run again
    sessions = make_sessions(open_database(settings, migrate=False))
    try:
        with transaction(sessions) as session:
            chosen = choose_workspace(session, asked=workspace, multi_workspace=settings.multi_workspace)
    except Refusal as refused:
        fail(str(refused), 2)
    try:
        with progress() as bars:
            tasks: dict[str, int] = {}

            def advance(file: str, done: int, total: int) -> None:
                if file not in tasks:
                    tasks[file] = bars.add_task(file, total=total)
                bars.update(tasks[file], completed=done, total=total)

            snapshot = read_bundle(path, progress=advance)
    except RosterError as error:
        err.print(
            f"[bold red]The roster was not imported[/] ({len(error.problems)} problem(s); nothing was written):"
        )
        for problem in error.problems:
            err.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1) from None

    with transaction(sessions) as session:
        summary = apply_roster(session, snapshot=snapshot, workspace=chosen)
    table = Table("records", "created", "updated", "unchanged", "deactivated", title="Roster imported")
    for kind, counts in summary.counts.items():
        table.add_row(kind, *(str(counts[k]) for k in ("created", "updated", "unchanged", "deactivated")))
    out.print(table)
    out.print(f"Student rows read past (never stored): {summary.skipped_students}")

    if not match_slack:
        return
    if not settings.multi_workspace and settings.slack_bot_token is None:
        out.print("SLACK_BOT_TOKEN is not set: staff were not matched to Slack users.")
        return
    client = make_client(settings, token=bot_tokens(settings, sessions).bot_token(chosen))
    try:
        with transaction(sessions) as session:
            linked = link_slack_users(session, directory=SlackUserDirectory(client), workspace=chosen)
    except SlackApiError as error:  # nothing of the matching was written; the roster itself stays
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        why = refusal_of(error) or f"Slack answered {code or error.response.status_code}"
        fail(f"the roster was imported, but staff were not matched to Slack: {why}")
    else:
        out.print(
            f"Matched to Slack by email: {len(linked.matched)}; not found in Slack: {len(linked.unmatched)}"
        )
        for person in linked.unmatched:
            out.print(
                f"  not in Slack: {person.name} <{person.email}>",
                highlight=False,
                markup=False,
                soft_wrap=True,
            )
