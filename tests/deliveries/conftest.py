"""Outbox fixtures: a worker on the test database talking to the fake Slack, and a virtual clock.

Tests that wait out Retry-After or back-off use ``virtual``: the worker's sleep moves a shared clock, and a
fake Slack built on the same clock sees the time pass, so a 60-second give-up takes milliseconds.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.deliveries import DeliveryWorker
from bot.demo.fake_slack import FakeSlack
from bot.slack_tokens import StaticTokens
from workflows.db import Sessions, transaction
from workflows.deliveries import service
from workflows.workspaces.models import DEFAULT_WORKSPACE

TOKEN = "xoxb-test"
TEACHERS = [f"U{n:04d}TEACH" for n in range(80)]
TEAM_CHANNELS = ["C0GRADE3", "C0GRADE4", "C0GRADE5"]


class VirtualTime:
    """A clock that moves only when someone sleeps on it; the worker and the fake share it.

    While ``frozen`` it does not move at all: whatever happens then needed no time to pass.
    """

    def __init__(self) -> None:
        self.start = datetime.now(UTC)
        self.elapsed = 0.0
        self.frozen = False
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.elapsed)

    def monotonic(self) -> float:
        return 1_000.0 + self.elapsed

    def sleep(self, seconds: float) -> None:
        with self._lock:
            if not self.frozen:
                self.elapsed += max(0.0, seconds)
        time.sleep(0.0005)  # let the other threads run, as a real sleep would


def add_directory(fake: FakeSlack) -> None:
    for user in TEACHERS:
        fake.add_user(user, email=f"{user.lower()}@lincoln.example.org", real_name=f"Teacher {user}")
    for channel in TEAM_CHANNELS:
        fake.add_channel(channel, channel.lower())


@pytest.fixture
def slack(slack: FakeSlack) -> FakeSlack:
    """The suite's fake Slack (real clock), with our teachers and team channels in its directory."""
    add_directory(slack)
    return slack


@pytest.fixture
def virtual() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
def virtual_slack(virtual: VirtualTime) -> Iterator[FakeSlack]:
    """A fake Slack on the virtual clock, so its rate limits count virtual seconds."""
    with FakeSlack(tokens=(TOKEN,), clock=virtual.monotonic) as fake:
        add_directory(fake)
        yield fake


WorkerFactory = Callable[..., DeliveryWorker]


@pytest.fixture
def make_worker(sessions: Sessions) -> WorkerFactory:
    def build(fake: FakeSlack, *, virtual: VirtualTime | None = None, **options: Any) -> DeliveryWorker:
        if virtual is not None:
            options |= {"clock": virtual.now, "sleep": virtual.sleep}
        options.setdefault("tokens", StaticTokens(default=TOKEN))
        return DeliveryWorker(sessions, api_url=fake.api_url, seed=7, **options)

    return build


def enqueue(
    sessions: Sessions,
    key: str,
    method: str = "chat.postMessage",
    *,
    workspace: str = DEFAULT_WORKSPACE,
    **fields: Any,
) -> None:
    args = fields.pop("args")
    with transaction(sessions) as session:
        service.enqueue(session, workspace=workspace, key=key, method=method, args=args, **fields)


def dm(text: str) -> dict[str, Any]:
    """A teacher DM's Block Kit body."""
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


def copies_by_text(fake: FakeSlack) -> Counter[str]:
    return Counter(m["text"] for m in fake.messages())
