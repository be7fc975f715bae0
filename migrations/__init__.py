"""Alembic migrations: the only way a Rounds schema is created or changed (`rounds db upgrade`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

HERE = Path(__file__).parent


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def pending_revisions(engine: Engine) -> list[str]:
    """Revisions not yet applied to this database, oldest first (empty when up to date)."""
    script = ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(hide_password=False)))
    with engine.connect() as connection:
        applied = set(MigrationContext.configure(connection).get_current_heads())
    if applied == set(script.get_heads()):
        return []
    pending = []
    for revision in script.walk_revisions():
        if revision.revision in applied:
            break
        pending.append(revision.revision)
    return list(reversed(pending))


class SchemaOutOfDate(RuntimeError):
    def __init__(self, pending: list[str]):
        super().__init__(
            f"the database schema is behind by {len(pending)} migration(s) ({', '.join(pending)}); "
            "run `rounds db upgrade` first"
        )
