"""The `rounds` command line. Every command has --help and exits non-zero with a clear message on bad input."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from bot import logs
from bot.settings import MissingSetting, Settings

if TYPE_CHECKING:
    from slack_bolt import App
    from sqlalchemy import Engine

cli = typer.Typer(
    name="rounds",
    help="Rounds: instructional-leadership routines in Slack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_cli = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
cli.add_typer(db_cli, name="db")

out = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def load_settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        fail(f"bad configuration: {problems}", 2)
    logs.configure(settings.log_level)
    return settings


@contextmanager
def required_settings() -> Iterator[None]:
    """Turns a missing setting into a usage error that names the variable to set."""
    try:
        yield
    except MissingSetting as error:
        fail(str(error), 2)


def open_database(settings: Settings, *, migrate: bool) -> Engine:
    """The engine, with the schema brought up to date (migrate) or checked (refuse when behind)."""
    import migrations
    from workflows.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        pending = migrations.pending_revisions(engine)
    except Exception as error:
        fail(f"cannot reach the database ({type(error).__name__}): check DATABASE_URL")
    if pending and migrate:
        migrations.upgrade(settings.database_url)
    elif pending:
        fail(str(migrations.SchemaOutOfDate(pending)))
    return engine


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the database schema to the latest version."""
    import migrations

    settings = load_settings()

    try:
        migrations.upgrade(settings.database_url)
    except Exception as error:
        fail(f"migration failed: {error}")
    out.print("Database schema is up to date.")


@contextmanager
def slack_app(settings: Settings, engine: Engine, *, deliver: bool) -> Iterator[App]:
    """The Bolt app of a serving process, with (by default) a delivery worker in the same process, so the
    messages a listener queues go out at once. Workers claim rows, so `rounds worker` may run beside it."""
    from bot.app import build_app
    from bot.deliveries import DeliveryWorker, running
    from bot.runtime import Runtime
    from bot.slack_client import make_client
    from workflows.db import make_sessions

    sessions = make_sessions(engine)
    if not deliver:
        yield build_app(Runtime(settings=settings, sessions=sessions), client=make_client(settings))
        return
    worker = DeliveryWorker.from_settings(sessions, settings)
    with running(worker):
        runtime = Runtime(settings=settings, sessions=sessions, wake_deliveries=worker.wake)
        yield build_app(runtime, client=make_client(settings))


DELIVER_HELP = "send queued messages from this process too (off: leave it to `rounds worker`)"


@cli.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "0.0.0.0",
    port: Annotated[int, typer.Option(min=1, max=65535, envvar="PORT", help="TCP port")] = 3000,
    migrate: Annotated[bool, typer.Option(help="apply pending migrations at start")] = True,
    deliver: Annotated[bool, typer.Option(help=DELIVER_HELP)] = True,
) -> None:
    """Serve POST /slack/events and GET /healthz over HTTP (Slack's Events API and interactivity)."""
    import uvicorn

    from bot.server import build_server

    settings = load_settings()
    with required_settings():
        for name in ("slack_bot_token", "slack_signing_secret"):
            settings.secret(name)
    engine = open_database(settings, migrate=migrate)
    with slack_app(settings, engine, deliver=deliver) as app:
        out.print(f"Rounds is listening on http://{host}:{port}/slack/events")
        uvicorn.run(build_server(app=app, engine=engine), host=host, port=port, log_level="warning")


@cli.command("socket")
def socket(
    migrate: Annotated[bool, typer.Option(help="apply pending migrations at start")] = True,
    deliver: Annotated[bool, typer.Option(help=DELIVER_HELP)] = True,
) -> None:
    """Connect over Socket Mode (no public URL needed; uses SLACK_APP_TOKEN)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    settings = load_settings()
    with required_settings():
        for name in ("slack_bot_token", "slack_signing_secret", "slack_app_token"):
            settings.secret(name)
    engine = open_database(settings, migrate=migrate)
    with slack_app(settings, engine, deliver=deliver) as app:
        SocketModeHandler(app, settings.secret("slack_app_token")).start()


@cli.command("import-roster")
def import_roster(
    path: Annotated[
        Path,
        typer.Argument(
            exists=True, readable=True, help="a OneRoster 1.1/1.2 CSV folder or .zip, with Rounds' files"
        ),
    ],
    match_slack: Annotated[bool, typer.Option(help="match staff to Slack users by email")] = True,
) -> None:
    """Import schools, staff, classes, teams, bell schedules and calendars. All or nothing; safe to repeat."""
    from bot.slack_client import make_client
    from bot.slack_directory import SlackUserDirectory
    from integrations.oneroster import read_bundle
    from workflows.db import make_sessions, transaction
    from workflows.roster.service import apply_roster, link_slack_users
    from workflows.roster.snapshot import RosterError

    settings = load_settings()
    sessions = make_sessions(open_database(settings, migrate=False))
    try:
        with _progress() as progress:
            tasks: dict[str, int] = {}

            def advance(file: str, done: int, total: int) -> None:
                if file not in tasks:
                    tasks[file] = progress.add_task(file, total=total)
                progress.update(tasks[file], completed=done, total=total)

            snapshot = read_bundle(path, progress=advance)
    except RosterError as error:
        err.print(
            f"[bold red]The roster was not imported[/] ({len(error.problems)} problem(s); nothing was written):"
        )
        for problem in error.problems:
            err.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1) from None

    with transaction(sessions) as session:
        summary = apply_roster(session, snapshot=snapshot)
    table = Table("records", "created", "updated", "unchanged", "deactivated", title="Roster imported")
    for kind, counts in summary.counts.items():
        table.add_row(kind, *(str(counts[k]) for k in ("created", "updated", "unchanged", "deactivated")))
    out.print(table)
    out.print(f"Student rows read past (never stored): {summary.skipped_students}")

    if not match_slack:
        return
    if settings.slack_bot_token is None:
        out.print("SLACK_BOT_TOKEN is not set: staff were not matched to Slack users.")
        return
    with transaction(sessions) as session:
        linked = link_slack_users(session, directory=SlackUserDirectory(make_client(settings)))
        out.print(
            f"Matched to Slack by email: {len(linked.matched)}; not found in Slack: {len(linked.unmatched)}"
        )
        for person in linked.unmatched:
            out.print(f"  not in Slack: {person.name} <{person.email}>", highlight=False, markup=False, soft_wrap=True)


@cli.command("demo")
def demo() -> None:
    """Run a synthetic district against an embedded fake Slack and print what each person receives."""
    from bot.demo.run import run_demo

    logs.configure("WARNING")
    run_demo(out)


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


from bot import cli_frameworks, cli_worker  # noqa: E402  (their commands use the helpers above)

cli_frameworks.register(cli)
cli_worker.register(cli)

from bot import cli_rotation  # noqa: E402

cli_rotation.register(cli)


def main() -> None:
    try:
        cli()
    except MissingSetting as error:
        err.print(f"[bold red]error:[/] {error}")
        sys.exit(2)


if __name__ == "__main__":
    main()
