"""Rate limits and injected failures: the ways a call to Slack goes wrong without being wrong.

Rate limits are token buckets, per channel for posting (Slack allows about one message a second, with
short bursts) and per method for Slack's documented tiers. Failures are injected by tests, either the
next few calls of a method or a reproducible random share of them.
"""

from __future__ import annotations

import math
import random
import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from bot.demo.fake_slack.rules import SlackError

FAILURE_KINDS = frozenset({"429", "500", "503", "slow", "drop", "drop_after"})

# Slack's documented tiers (calls per minute) for the methods the fake implements.
TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
METHOD_TIERS = {
    "auth.test": 4,
    "users.info": 4,
    "users.lookupByEmail": 3,
    "conversations.open": 3,
    "chat.update": 3,
    "chat.delete": 3,
    "chat.postEphemeral": 4,
    "views.open": 4,
    "views.push": 4,
    "views.update": 4,
    "views.publish": 4,
    "files.getUploadURLExternal": 4,
    "files.completeUploadExternal": 4,
}

# A budget to spend from: the bucket's key, its rate (tokens a second) and its capacity.
Limit = tuple[tuple[str, str], float, float]


class Bucket:
    """A token bucket: ``rate`` tokens a second, at most ``capacity`` saved up."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until one token is available (0 when one is available now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


@dataclass(frozen=True)
class PostingLimits:
    """How fast ``chat.postMessage`` may post: per channel always, per workspace when a rate is set."""

    channel_rate_per_sec: float = 1.0
    channel_burst: float = 3
    workspace_rate_per_sec: float | None = None
    workspace_burst: float | None = None

    def for_channel(self, channel: str) -> list[Limit]:
        limits: list[Limit] = [(("channel", channel), self.channel_rate_per_sec, self.channel_burst)]
        if self.workspace_rate_per_sec is not None:
            burst = self.workspace_burst or max(1.0, self.workspace_rate_per_sec)
            limits.append((("workspace", "chat.postMessage"), self.workspace_rate_per_sec, burst))
        return limits


def tier_limit(method: str) -> Limit | None:
    """The per-method budget of ``method``'s Slack tier, or None for methods without one here."""
    tier = METHOD_TIERS.get(method)
    if tier is None:
        return None
    per_minute = TIER_PER_MINUTE[tier]
    return (("method", method), per_minute / 60, per_minute)


class RateLimiter:
    """Every bucket the fake has filled, by key. Callers hold the workspace lock."""

    def __init__(self) -> None:
        self._buckets: dict[tuple[str, str], Bucket] = {}

    def spend(self, limits: list[Limit], now: float) -> None:
        """Take one token from each bucket, or none at all and answer 429 with ``Retry-After``."""
        buckets: list[Bucket] = []
        for key, rate, capacity in limits:
            if key not in self._buckets:
                self._buckets[key] = Bucket(rate, capacity, now)
            buckets.append(self._buckets[key])
        wait = max(bucket.wait(now) for bucket in buckets)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            raise SlackError("ratelimited", status=429, headers={"Retry-After": str(retry_after)})
        for bucket in buckets:
            bucket.take()


@dataclass
class _RandomFailures:
    rate: float
    kinds: tuple[str, ...]
    rng: random.Random


class FailureInjector:
    """The failures tests asked for: queued per method first, then random ones drawn from a seed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queued: dict[str, deque[str]] = {}
        self._random: dict[str | None, _RandomFailures] = {}

    def fail(self, method: str, *, kind: str, times: int = 1) -> None:
        check_kinds([kind])
        with self._lock:
            self._queued.setdefault(method, deque()).extend([kind] * times)

    def fail_randomly(self, method: str | None, *, rate: float, kinds: Iterable[str], seed: int) -> None:
        chosen = tuple(kinds)
        check_kinds(chosen)
        if not 0 <= rate <= 1:
            raise ValueError(f"rate must be between 0 and 1, got {rate}")
        with self._lock:
            self._random[method] = _RandomFailures(rate, chosen, random.Random(seed))

    def clear(self) -> None:
        with self._lock:
            self._queued.clear()
            self._random.clear()

    def draw(self, method: str) -> str | None:
        """The failure kind to inject into this call of ``method``, or None to serve it normally."""
        with self._lock:
            queued = self._queued.get(method)
            if queued:
                return queued.popleft()
            spec = self._random.get(method) or self._random.get(None)
            if spec and spec.rng.random() < spec.rate:
                return spec.rng.choice(spec.kinds)
            return None


def check_kinds(kinds: Iterable[str]) -> None:
    unknown = set(kinds) - FAILURE_KINDS
    if unknown:
        raise ValueError(f"unknown failure kinds {sorted(unknown)}; use {sorted(FAILURE_KINDS)}")
