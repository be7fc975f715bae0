"""Several servers starting together on an empty PostgreSQL database: the schema is migrated once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

import migrations
from tests.conftest import BOT_TOKEN, POSTGRES_ADMIN_URL, SIGNING_SECRET
from tests.processes import free_port, healthy, start_serve, stop, wait_until


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    name = f"rounds_lock_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _waiting_for_the_lock(connection) -> int:
    return connection.execute(
        text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
            "AND classid = 0 AND objid = :key AND database = (SELECT oid FROM pg_database "
            "WHERE datname = current_database())"
        ),
        {"key": migrations.MIGRATION_LOCK_KEY},
    ).scalar_one()


def test_two_servers_started_together_on_an_empty_database_migrate_it_once(empty_postgres, slack):
    env = {
        "DATABASE_URL": empty_postgres,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "LOG_LEVEL": "INFO",
    }
    engine = create_engine(empty_postgres, isolation_level="AUTOCOMMIT")
    ports = [free_port(), free_port()]
    servers = []
    try:
        with engine.connect() as gate:
            # Hold the migration lock ourselves, so both servers are surely waiting for it at the same time.
            gate.execute(text("SELECT pg_advisory_lock(:key)"), {"key": migrations.MIGRATION_LOCK_KEY})
            servers = [start_serve(port, env) for port in ports]
            wait_until(lambda: _waiting_for_the_lock(gate) == 2, "both servers wait to migrate", servers)
            gate.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": migrations.MIGRATION_LOCK_KEY})
        wait_until(lambda: all(healthy(port) for port in ports), "both servers answer /healthz", servers)
    finally:
        outputs = ["\n".join(stop(server)) for server in servers]
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()

    assert len(versions) == 1
    assert [o.count("Applied migration(s) 0001") for o in outputs].count(1) == 1, outputs
    for output in outputs:
        assert "Rounds is listening" in output, output
        # Alembic's own INFO narration ("Context impl …", "Running upgrade …") stays out of the way.
        assert "alembic" not in output and "Running upgrade" not in output, output
