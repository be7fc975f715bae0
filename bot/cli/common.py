"""What every `rounds` command shares: the consoles, clear failures, settings and the database.

Only light imports here: `rounds --help` and the quick commands must not load Slack, FastAPI, the domain or
even pydantic (tests/test_cli_imports.py holds it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

from bot import logs

if TYPE_CHECKING:
    from rich.progress import Progress
    from slack_sdk.errors import SlackApiError
    from sqlalchemy import Engine

    from bot.settings import Settings

# Slack's answers that mean "this token will not work": wrong, revoked, expired, or its user deactivated.
TOKEN_REFUSALS = frozenset(
    {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}
)

out = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """One red line on stderr and a non-zero exit: the way every command refuses."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def load_settings() -> Settings:
    """The settings from the environment (bad values are a usage error, exit 2), with logging configured."""
    from pydantic import ValidationError

    from bot.settings import Settings

    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        fail(f"bad configuration: {problems}", 2)
    logs.configure(settings.log_level, settings.log_format)
    return settings


@contextmanager
def required_settings() -> Iterator[None]:
    """Turns a missing setting into a usage error that names the variable to set."""
    from bot.settings import MissingSetting

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
    if pending and not migrate:
        fail(str(migrations.SchemaOutOfDate(pending)))
    if pending:
        migrate_now(settings)
    return engine


def migrate_now(settings: Settings) -> list[str]:
    """Apply what is pending (once, even with several processes starting together) and say what was done."""
    import migrations

    try:
        applied = migrations.upgrade(settings.database_url)
    except Exception as error:
        fail(f"migration failed ({type(error).__name__}): {error}")
    if applied:
        out.print(f"Applied migration(s) {', '.join(applied)}.", highlight=False)
    return applied


def progress() -> Progress:
    """A progress bar on stderr, shown only on a terminal and gone when done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def token_refused(code: str | None) -> str:
    """The one line an admin reads when Slack will not take the bot token."""
    return (
        f"Slack rejected SLACK_BOT_TOKEN ({code}): copy the Bot User OAuth Token (xoxb-…) from the app's "
        "settings again, or reinstall the app if it was uninstalled or its token revoked"
    )


def refusal_of(error: SlackApiError) -> str | None:
    """The token line for an auth error from Slack; None for any other error."""
    code = error.response.get("error") if isinstance(error.response.data, dict) else None
    return token_refused(code) if code in TOKEN_REFUSALS else None


def check_slack_token(settings: Settings) -> None:
    """Ask Slack (auth.test) whether SLACK_BOT_TOKEN works, before a command relies on it.

    Single-workspace mode only: without SLACK_BOT_TOKEN there is nothing to check here.
    """
    if settings.slack_bot_token is None:
        return
    from slack_sdk.errors import SlackApiError, SlackClientError

    from bot.slack_client import make_client

    try:
        make_client(settings).auth_test()
    except SlackApiError as error:
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        fail(refusal_of(error) or f"Slack's auth.test failed ({code or error.response.status_code})")
    except (OSError, SlackClientError) as error:
        fail(f"cannot reach Slack at {settings.slack_api_url} ({type(error).__name__}): check SLACK_API_URL")
