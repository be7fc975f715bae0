"""What listeners and jobs are handed: settings, the database and the clock. Built once per process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.settings import Settings
from workflows.db import Sessions


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _no_worker_here() -> None:
    """Without a delivery worker in this process, queued messages wait for `rounds worker`'s next poll."""


@dataclass(frozen=True)
class Runtime:
    settings: Settings
    sessions: Sessions
    clock: Callable[[], datetime] = field(default=_utc_now)
    # Nudges this process's delivery worker right after a listener queues a message, so it goes out at once.
    wake_deliveries: Callable[[], None] = field(default=_no_worker_here)
