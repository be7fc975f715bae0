"""`rounds demo`: a synthetic district against an embedded fake Slack."""

from __future__ import annotations

import typer

from bot import logs
from bot.cli.common import out

commands = typer.Typer()


@commands.command("demo")
def demo() -> None:
    """Run a synthetic district against an embedded fake Slack and print what each person receives."""
    from bot.demo.run import run_demo

    logs.configure("WARNING")
    run_demo(out)
