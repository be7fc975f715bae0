"""A two-school district, the real app with a clock the test sets, and a delivery worker to drain the outbox."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import Engine

from bot.app import build_app
from bot.delivery_worker import DeliveryWorker, make_worker_client
from bot.demo.fake_slack import FakeSlack
from bot.demo.serve import serve_in_thread
from bot.demo.slack_requests import SlackDriver, SlackRequestSigner
from bot.runtime import Runtime
from bot.server import build_server
from bot.settings import Settings
from bot.slack_client import make_client
from tests.conftest import SIGNING_SECRET, RunningRounds
from tests.walkthroughs.support import Clock, load_district
from workflows.db import Sessions


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def district(sessions: Sessions, slack: FakeSlack) -> None:
    load_district(sessions, slack)


@pytest.fixture
def app(
    settings: Settings, sessions: Sessions, engine: Engine, slack: FakeSlack, clock: Clock, district: None
) -> Iterator[RunningRounds]:
    """The real app behind the real endpoint, as in `rounds`, but on the test's clock."""
    runtime = Runtime(settings=settings, sessions=sessions, clock=clock)
    bolt = build_app(runtime, client=make_client(settings))
    with (
        serve_in_thread(build_server(app=bolt, engine=engine)) as url,
        httpx.Client(base_url=url, timeout=10) as http,
    ):
        driver = SlackDriver(signer=SlackRequestSigner(SIGNING_SECRET), fake=slack, http=http)
        yield RunningRounds(url=url, http=http, driver=driver, runtime=runtime)


@pytest.fixture
def worker(settings: Settings, sessions: Sessions, clock: Clock) -> DeliveryWorker:
    return DeliveryWorker(sessions, make_worker_client(settings), clock=clock, channel_interval=0, senders=2)
