"""A two-school district, the real app with a clock the test sets, and a delivery worker to drain the outbox."""

from __future__ import annotations

import pytest

from bot.deliveries import DeliveryWorker
from bot.demo.fake_slack import FakeSlack
from bot.settings import Settings
from tests.conftest import RunningRounds
from tests.walkthroughs.support import Clock, load_district
from workflows.db import Sessions


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def district(sessions: Sessions, slack: FakeSlack) -> None:
    load_district(sessions, slack)


@pytest.fixture
def app(rounds: RunningRounds, district: None) -> RunningRounds:
    """The real app behind the real endpoint (`rounds`), on the test's clock, with the district loaded."""
    return rounds


@pytest.fixture
def worker(settings: Settings, sessions: Sessions, clock: Clock) -> DeliveryWorker:
    return DeliveryWorker.from_settings(sessions, settings, clock=clock, channel_interval=0, senders=2)
