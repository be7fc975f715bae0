"""`rounds db upgrade`: the schema, made and upgraded by Alembic only."""

from __future__ import annotations

import typer

from bot.cli.common import load_settings, migrate_now, out

commands = typer.Typer()
db = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
commands.add_typer(db, name="db")


@db.command("upgrade")
def upgrade() -> None:
    """Create or upgrade the database schema to the latest version."""
    migrate_now(load_settings())
    out.print("Database schema is up to date.")
