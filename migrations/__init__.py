"""Alembic migrations: the only way a Rounds schema is created or changed (`rounds db upgrade`).

Several Rounds processes may start at once on one database (`rounds serve` migrates at start). On
PostgreSQL `upgrade` holds an advisory lock while it migrates and looks again at what is pending once it
has the lock, so the first process migrates and the others find nothing left to do. SQLite needs no lock:
Alembic's transaction there already takes the file's write lock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from workflows.db import make_engine

HERE = Path(__file__).parent
# Any fixed number will do, as long as every Rounds process uses the same one. Below 2**32, so it shows in
# pg_locks as objid with classid 0.
MIGRATION_LOCK_KEY = 0x524F554E  # "ROUN"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> list[str]:
    """Bring the schema to `revision`, once even when several processes ask together.

    Returns the revisions this call applied, oldest first: empty when the schema was already there
    (perhaps because another process migrated it while this one waited for the lock).
    """
    engine = make_engine(url)
    try:
        with engine.connect() as connection, _migration_lock(connection):
            before = _pending(connection, url)
            if revision == "head" and not before:
                return []
            command.upgrade(alembic_config(url), revision)
            after = set(_pending(connection, url))
            return [r for r in before if r not in after]
    finally:
        engine.dispose()


@contextmanager
def _migration_lock(connection: Connection) -> Iterator[None]:
    """A PostgreSQL session-level advisory lock, held on this connection while the block runs."""
    if connection.dialect.name != "postgresql":
        yield
        return
    connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    connection.commit()  # the lock is the session's; don't sit idle in a transaction while migrating
    try:
        yield
    finally:
        connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
        connection.commit()


def pending_revisions(engine: Engine) -> list[str]:
    """Revisions not yet applied to this database, oldest first (empty when up to date)."""
    with engine.connect() as connection:
        return _pending(connection, engine.url.render_as_string(hide_password=False))


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database's schema stands against the migrations this code ships."""

    current: str | None  # None: never migrated
    head: str
    state: str  # "current" | "behind" (migrations to apply) | "unknown" (a revision this code lacks: newer)


def schema_status(connection: Connection) -> SchemaStatus:
    """The database's revision against this code's newest one (reads alembic_version, nothing else)."""
    applied = MigrationContext.configure(connection).get_current_heads()
    connection.rollback()
    script = _script()
    head = script.get_current_head() or ""
    current = applied[0] if applied else None
    if current == head:
        return SchemaStatus(current, head, "current")
    known = {revision.revision for revision in script.walk_revisions()}
    return SchemaStatus(current, head, "behind" if current is None or current in known else "unknown")


@cache
def _script() -> ScriptDirectory:
    """The migration scripts, read once per process: they do not change while it runs."""
    return ScriptDirectory(str(HERE))


def _pending(connection: Connection, url: str) -> list[str]:
    script = ScriptDirectory.from_config(alembic_config(url))
    applied = set(MigrationContext.configure(connection).get_current_heads())
    # Reading alembic_version began a transaction; end it so the next reader sees what others committed.
    connection.rollback()
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
