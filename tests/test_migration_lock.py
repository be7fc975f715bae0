"""Several servers starting together on an empty PostgreSQL database: the schema is migrated once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, text

import migrations
from tests.conftest import BOT_TOKEN, POSTGRES_ADMIN_URL, SIGNING_SECRET
from tests.test_cli import _free_port


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


def _until(condition, what: str, processes) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        for p in processes:
            assert p.poll() is None, f"a server exited early:\n{p.stdout.read().decode()}"
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def test_two_servers_started_together_on_an_empty_database_migrate_it_once(empty_postgres, slack):
    env = {
        **os.environ,
        "DATABASE_URL": empty_postgres,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
        "LOG_LEVEL": "INFO",
    }
    engine = create_engine(empty_postgres, isolation_level="AUTOCOMMIT")
    ports = [_free_port(), _free_port()]
    servers = []
    try:
        with engine.connect() as gate:
            # Hold the migration lock ourselves, so both servers are surely waiting for it at the same time.
            gate.execute(text("SELECT pg_advisory_lock(:key)"), {"key": migrations.MIGRATION_LOCK_KEY})
            servers = [
                subprocess.Popen(
                    [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
                for port in ports
            ]
            _until(lambda: _waiting_for_the_lock(gate) == 2, "both servers wait to migrate", servers)
            gate.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": migrations.MIGRATION_LOCK_KEY})
        _until(lambda: all(_healthy(port) for port in ports), "both servers answer /healthz", servers)
    finally:
        for server in servers:
            server.terminate()
        outputs = [server.communicate(timeout=15)[0].decode() for server in servers]
    with engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    engine.dispose()

    assert len(versions) == 1
    assert [o.count("Applied migration(s) 0001") for o in outputs].count(1) == 1, outputs
    for output in outputs:
        assert "Rounds is listening" in output, output
        # Alembic's own INFO narration ("Context impl …", "Running upgrade …") stays out of the way.
        assert "alembic" not in output and "Running upgrade" not in output, output
