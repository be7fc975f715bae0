"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, the fake Slack, the running app.

Every test that asks for `sessions` runs twice, once per backend. PostgreSQL is not optional: when it
cannot be reached the tests fail (CI starts it), they are never skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text

import migrations
from bot.app import build_app
from bot.demo.fake_slack import FakeSlack
from bot.demo.serve import serve_in_thread
from bot.demo.slack_requests import SlackDriver, SlackRequestSigner
from bot.installation_tables import metadata  # Rounds' tables and slack_sdk's installation tables
from bot.runtime import Runtime
from bot.server import build_server
from bot.settings import Settings
from bot.slack_client import make_client
from workflows.db import Sessions, make_engine, make_sessions

POSTGRES_ADMIN_URL = os.environ.get(
    "ROUNDS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A freshly migrated database per backend, created and dropped by the suite itself."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite')}/rounds.sqlite3"
        migrations.upgrade(url)
        yield url
        return
    name = f"rounds_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        migrations.upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def _migrated_engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(_migrated_engine: Engine) -> Engine:
    """The session's database, emptied before each test (the schema stays)."""
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    with _migrated_engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))
    return _migrated_engine


@pytest.fixture
def sessions(engine: Engine) -> Sessions:
    return make_sessions(engine)


@pytest.fixture(scope="session")
def _fake_slack_server() -> Iterator[FakeSlack]:
    with FakeSlack(tokens=(BOT_TOKEN,)) as fake:
        yield fake


@pytest.fixture
def slack(_fake_slack_server: FakeSlack) -> FakeSlack:
    """The fake Slack Web API, with nothing recorded and no failures injected."""
    _fake_slack_server.reset()
    return _fake_slack_server


@pytest.fixture
def settings(database_url: str, slack: FakeSlack) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
    )


@dataclass
class RunningRounds:
    """The real app behind the real endpoint on loopback, and a driver that talks to it as Slack does."""

    url: str
    http: httpx.Client
    driver: SlackDriver
    runtime: Runtime


@pytest.fixture
def clock() -> Callable[[], datetime]:
    """The app's clock: real time here; feature tests override this fixture with one they move."""
    return lambda: datetime.now(UTC)


@pytest.fixture
def rounds(
    settings: Settings, sessions: Sessions, engine: Engine, slack: FakeSlack, clock: Callable[[], datetime]
) -> Iterator[RunningRounds]:
    runtime = Runtime(settings=settings, sessions=sessions, clock=clock)
    app = build_app(runtime, client=make_client(settings))
    with (
        serve_in_thread(build_server(app=app, engine=engine)) as url,
        httpx.Client(base_url=url, timeout=10) as http,
    ):
        driver = SlackDriver(signer=SlackRequestSigner(SIGNING_SECRET), fake=slack, http=http)
        yield RunningRounds(url=url, http=http, driver=driver, runtime=runtime)
