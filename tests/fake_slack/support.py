"""Helpers shared by the fake Slack tests."""

from __future__ import annotations


class ManualClock:
    """A monotonic clock that moves only when the test says so, for trigger and rate-limit tests."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds
