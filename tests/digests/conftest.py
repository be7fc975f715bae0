"""The digest tests' school, the real app on a clock the test sets, and a worker to drain the outbox."""

from __future__ import annotations

import pytest

from bot.deliveries import DeliveryWorker
from bot.demo.fake_slack import FakeSlack
from bot.settings import Settings
from tests.conftest import RunningRounds
from tests.digests.support import DIGEST_MONDAY, load_digest_school
from tests.walkthroughs.support import Clock
from workflows.db import Sessions


@pytest.fixture
def clock() -> Clock:
    return Clock(DIGEST_MONDAY)


@pytest.fixture
def school(sessions: Sessions, slack: FakeSlack) -> None:
    load_digest_school(sessions, slack)


@pytest.fixture
def app(rounds: RunningRounds, school: None) -> RunningRounds:
    return rounds


@pytest.fixture
def worker(settings: Settings, sessions: Sessions, clock: Clock) -> DeliveryWorker:
    return DeliveryWorker.from_settings(sessions, settings, clock=clock, channel_interval=0, senders=2)
