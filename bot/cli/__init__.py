"""The `rounds` command line. Every command has --help and exits non-zero with a clear message on bad input.

One module per group of commands; each holds a `commands` Typer whose commands are merged in here. Heavy
imports (Slack, FastAPI, the domain) stay inside the commands, so `rounds --help` starts at once.
"""

from __future__ import annotations

import sys

import typer

from bot.cli import (
    coaching,
    community,
    database,
    demo,
    digests,
    frameworks,
    health,
    roster,
    rotation,
    serve,
    worker,
)
from bot.cli.common import err

cli = typer.Typer(
    name="rounds",
    help="Rounds: instructional-leadership routines in Slack.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
for group in (serve, worker, health, roster, rotation, frameworks, coaching, community, digests, database, demo):
    cli.add_typer(group.commands)


def main() -> None:
    try:
        cli()
    except Exception as error:
        from bot.settings import MissingSetting  # not at the top: `rounds --help` needs no pydantic

        if not isinstance(error, MissingSetting):
            raise
        err.print(f"[bold red]error:[/] {error}")
        sys.exit(2)


__all__ = ["cli", "main"]
