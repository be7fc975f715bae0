"""A district with coaches, the real app with a clock the test sets, and a delivery worker to drain the outbox."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from bot.deliveries import DeliveryWorker
from bot.demo.fake_slack import FakeSlack
from bot.settings import Settings
from tests.coaching.support import load_coaching_district
from tests.conftest import RunningRounds
from tests.walkthroughs.support import Clock
from workflows.db import Sessions


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def district(sessions: Sessions, slack: FakeSlack) -> None:
    load_coaching_district(sessions, slack)


@pytest.fixture
def app(rounds: RunningRounds, district: None) -> RunningRounds:
    """The real app behind the real endpoint (`rounds`), on the test's clock, with the district loaded."""
    return rounds


@pytest.fixture
def worker(settings: Settings, sessions: Sessions, clock: Clock) -> DeliveryWorker:
    """A worker on the test's clock plus the real time since the test began: several messages to one DM
    in a row meet the fake Slack's per-channel limit, and waiting out its Retry-After takes real time."""
    started = time.monotonic()

    def now() -> datetime:
        return clock() + timedelta(seconds=time.monotonic() - started)

    return DeliveryWorker.from_settings(sessions, settings, clock=now, channel_interval=0, senders=2)
