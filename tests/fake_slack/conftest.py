"""A started FakeSlack with a small directory, a hand-driven clock, and the real slack_sdk client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.demo.fake_slack import FakeSlack

from .support import ManualClock

TOKEN = "xoxb-test"


def add_directory(fake: FakeSlack) -> None:
    fake.add_user("U100LEAD", email="pat.leader@lincoln.example.org", real_name="Pat Leader")
    fake.add_user(
        "U200TEACH",
        email="terry.teacher@lincoln.example.org",
        real_name="Terry Teacher",
        tz="America/New_York",
    )
    fake.add_user("U300GONE", email="gone@lincoln.example.org", real_name="Former Staff", deleted=True)
    fake.add_channel("C0TEAM5", "grade-5-team")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeSlack]:
    with FakeSlack(clock=clock) as running:
        add_directory(running)
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    """The real client with no retry handlers, so each failure is seen as Slack sent it."""
    return WebClient(token=TOKEN, base_url=fake.api_url, retry_handlers=[], timeout=10)
