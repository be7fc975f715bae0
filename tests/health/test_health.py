"""`GET /healthz` and `rounds healthcheck`: what a platform and a container health check read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

import migrations
from bot.cli import cli
from bot.health import this_host
from tests.health.support import server_on, unreachable_url
from workflows.db import Sessions, make_engine, transaction
from workflows.deliveries.service import enqueue
from workflows.health.service import beat
from workflows.workspaces.models import DEFAULT_WORKSPACE

HEAD = ScriptDirectory(str(migrations.HERE)).get_current_head()


def _queue(sessions: Sessions, key: str, *, age: timedelta) -> None:
    with transaction(sessions) as session:
        enqueue(
            session,
            workspace=DEFAULT_WORKSPACE,
            key=key,
            method="chat.postMessage",
            args={"channel": "UTEACH", "text": "hello"},
            now=datetime.now(UTC) - age,
        )


def _beat(sessions: Sessions, *, age: timedelta, host: str | None = None) -> None:
    with transaction(sessions) as session:
        beat(session, worker=f"{host or this_host()}:4242:abcdef", now=datetime.now(UTC) - age)


def test_healthz_reports_the_database_schema_backlog_and_heartbeat(rounds, sessions):
    _queue(sessions, "test:health:old", age=timedelta(minutes=15))
    _queue(sessions, "test:health:new", age=timedelta(seconds=1))
    _beat(sessions, age=timedelta(seconds=20))

    answer = rounds.http.get("/healthz")

    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is True
    assert body["database"] == {"reachable": True}
    assert body["schema"] == {"current": HEAD, "head": HEAD, "state": "current"}
    assert body["outbox"]["pending"] == 2
    assert 900 <= body["outbox"]["oldest_pending_age_seconds"] < 900 + 60
    assert 20 <= body["worker"]["last_heartbeat_age_seconds"] < 20 + 60
    assert body["worker"]["name"] == f"{this_host()}:4242:abcdef"


def test_an_old_heartbeat_is_reported_but_does_not_fail_serve(rounds, sessions):
    answer = rounds.http.get("/healthz")
    assert answer.status_code == 200
    assert answer.json()["worker"] == {"last_heartbeat_age_seconds": None, "name": None}
    assert answer.json()["outbox"] == {"pending": 0, "oldest_pending_age_seconds": None}

    _beat(sessions, age=timedelta(hours=2))
    answer = rounds.http.get("/healthz")
    assert answer.status_code == 200
    assert answer.json()["worker"]["last_heartbeat_age_seconds"] >= 7200


@pytest.fixture
def behind_url(tmp_path) -> str:
    """A database whose schema stopped at 0005, as after deploying new code without migrating."""
    url = f"sqlite:///{tmp_path}/behind.sqlite3"
    migrations.upgrade(url, "0005")
    return url


def test_healthz_is_503_when_the_schema_is_behind(behind_url, settings):
    engine = make_engine(behind_url)
    with server_on(engine, settings) as url:
        answer = httpx.get(f"{url}/healthz")
    engine.dispose()
    assert answer.status_code == 503
    assert answer.json() == {
        "ok": False,
        "database": {"reachable": True},
        "schema": {"current": "0005", "head": HEAD, "state": "behind"},
    }


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path, settings):
    engine = make_engine(unreachable_url(tmp_path))
    with server_on(engine, settings) as url:
        answer = httpx.get(f"{url}/healthz")
    assert answer.status_code == 503
    assert answer.json() == {"ok": False, "database": {"reachable": False, "error": "OperationalError"}}


# --------------------------------------------------------------------------- rounds healthcheck


def _healthcheck(database_url: str, *args: str):
    return CliRunner().invoke(
        cli, ["healthcheck", *args], env={"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    )


def test_healthcheck_passes_on_a_current_schema_and_asks_for_a_heartbeat_only_when_told(
    database_url, sessions
):
    plain = _healthcheck(database_url)
    assert plain.exit_code == 0, plain.output
    assert plain.output.startswith(f"healthy: database reachable, schema {HEAD} (current)")
    assert len(plain.output.splitlines()) == 1

    worker = _healthcheck(database_url, "--max-heartbeat-age", "120")
    assert worker.exit_code == 1
    assert worker.output == "unhealthy: no worker heartbeat yet\n"

    _beat(sessions, age=timedelta(seconds=5))
    assert _healthcheck(database_url, "--max-heartbeat-age", "120").exit_code == 0


def test_healthcheck_fails_on_an_old_heartbeat_or_one_from_another_machine(database_url, sessions):
    _beat(sessions, age=timedelta(seconds=300))
    old = _healthcheck(database_url, "--max-heartbeat-age", "120")
    assert old.exit_code == 1
    assert old.output.startswith("unhealthy: worker heartbeat 300s old (more than 120s)")

    _beat(sessions, age=timedelta(seconds=5), host="another-container")
    assert _healthcheck(database_url, "--max-heartbeat-age", "120").exit_code == 1
    anywhere = _healthcheck(database_url, "--max-heartbeat-age", "120", "--any-host")
    assert anywhere.exit_code == 0, anywhere.output


def test_healthcheck_fails_on_a_schema_behind_or_an_unreachable_database(behind_url, tmp_path):
    behind = _healthcheck(behind_url)
    assert behind.exit_code == 1
    assert behind.output == f"unhealthy: schema behind (at 0005, head {HEAD})\n"

    gone = _healthcheck(unreachable_url(tmp_path))
    assert gone.exit_code == 1
    assert gone.output == "unhealthy: database unreachable (OperationalError)\n"


def test_healthcheck_can_ask_a_running_server(rounds, sessions, database_url):
    served = _healthcheck(database_url, "--url", f"{rounds.url}/healthz")
    assert served.exit_code == 0, served.output
    assert served.output.startswith(f"healthy: {rounds.url}/healthz: schema {HEAD} (current)")

    no_worker = _healthcheck(database_url, "--url", f"{rounds.url}/healthz", "--max-heartbeat-age", "60")
    assert no_worker.exit_code == 1 and "no worker heartbeat yet" in no_worker.output

    nothing = _healthcheck(database_url, "--url", "http://127.0.0.1:9/healthz")
    assert nothing.exit_code == 1
    assert nothing.output.startswith("unhealthy: http://127.0.0.1:9/healthz did not answer")
