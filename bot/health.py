"""Health: what `/healthz` and `rounds healthcheck` report, and the worker's heartbeat job.

A process is healthy when the database answers and its schema is not behind this code's migrations. The
outbox backlog and the worker's last heartbeat are reported too. An old heartbeat fails only a check that
asks for one (`rounds healthcheck --max-heartbeat-age S`, the worker's container check): `rounds serve`
still acknowledges Slack and sends what its listeners queue without a worker, so restarting it would not
help, while the worker's own check marks the worker unhealthy.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

import migrations
from bot import logs
from workflows.db import Sessions, make_sessions, transaction
from workflows.health import service

if TYPE_CHECKING:  # the scheduler only where it runs: `rounds healthcheck` starts without it
    from apscheduler.schedulers.base import BaseScheduler

HEARTBEAT_JOB = "worker_heartbeat"
_log = logs.logger("health")


@dataclass(frozen=True)
class Health:
    """One look at the database from this process: reachable, schema, backlog, newest heartbeat."""

    checked_at: datetime
    database_error: str | None = None  # the exception's type name; never its text (it may hold a URL)
    schema: migrations.SchemaStatus | None = None
    backlog: service.Backlog | None = None
    heartbeat_worker: str | None = None
    heartbeat_at: datetime | None = None

    @property
    def ok(self) -> bool:
        """Healthy enough to serve: the database answers and the schema is not behind."""
        return self.database_error is None and self.schema is not None and self.schema.state != "behind"

    @property
    def heartbeat_age(self) -> float | None:
        if self.heartbeat_at is None:
            return None
        return max(0.0, (self.checked_at - self.heartbeat_at).total_seconds())

    def as_json(self) -> dict[str, Any]:
        """The body of GET /healthz: what could be read (nothing past a schema that is behind)."""
        body: dict[str, Any] = {"ok": self.ok, "database": {"reachable": self.database_error is None}}
        if self.database_error is not None:
            body["database"]["error"] = self.database_error
        if self.schema is not None:
            body["schema"] = {
                "current": self.schema.current,
                "head": self.schema.head,
                "state": self.schema.state,
            }
        if self.backlog is not None:
            body["outbox"] = {
                "pending": self.backlog.pending,
                "oldest_pending_age_seconds": _round(self.backlog.oldest_age(self.checked_at)),
            }
            body["worker"] = {
                "last_heartbeat_age_seconds": _round(self.heartbeat_age),
                "name": self.heartbeat_worker,
            }
        return body

    def problems(self, *, max_heartbeat_age: float | None = None) -> list[str]:
        """What is wrong, in words; `max_heartbeat_age` also asks for a worker heartbeat that recent."""
        if self.database_error is not None:
            return [f"database unreachable ({self.database_error})"]
        found = []
        if self.schema is not None and self.schema.state == "behind":
            found.append(f"schema behind (at {self.schema.current or 'none'}, head {self.schema.head})")
        if max_heartbeat_age is not None and self.backlog is not None:
            age = self.heartbeat_age
            if age is None:
                found.append("no worker heartbeat yet")
            elif age > max_heartbeat_age:
                found.append(f"worker heartbeat {age:.0f}s old (more than {max_heartbeat_age:g}s)")
        return found

    def summary(self) -> str:
        """The good news in one line: schema, backlog, heartbeat."""
        assert self.schema is not None and self.backlog is not None
        parts = [f"database reachable, schema {self.schema.current} ({self.schema.state})"]
        oldest = self.backlog.oldest_age(self.checked_at)
        waited = f", oldest {oldest:.0f}s" if oldest is not None else ""
        parts.append(f"outbox {self.backlog.pending} pending{waited}")
        age = self.heartbeat_age
        parts.append(f"worker heartbeat {age:.0f}s ago" if age is not None else "no worker heartbeat")
        return "; ".join(parts)


def check(engine: Engine, *, now: datetime, host: str | None = None) -> Health:
    """Look at the database once. `host`: count only heartbeats of workers on that machine."""
    try:
        with engine.connect() as connection:
            schema = migrations.schema_status(connection)
        if schema.state == "behind":
            return Health(checked_at=now, schema=schema)
        with transaction(make_sessions(engine)) as session:
            backlog = service.backlog(session)
            beat = service.last_beat(session, host=host)
    except Exception as error:  # any failure to reach or read the database is "unhealthy"
        return Health(checked_at=now, database_error=type(error).__name__)
    return Health(
        checked_at=now,
        schema=schema,
        backlog=backlog,
        heartbeat_worker=beat.worker if beat else None,
        heartbeat_at=beat.beat_at if beat else None,
    )


def beat(sessions: Sessions, *, worker: str, clock: Callable[[], datetime]) -> None:
    """The heartbeat job's body: one upsert. A failed beat is logged; the next one tries again."""
    try:
        with transaction(sessions) as session:
            service.beat(session, worker=worker, now=clock())
    except Exception:
        _log.exception("heartbeat of %s failed; the database may be unreachable", worker)


def add_heartbeat(
    scheduler: BaseScheduler,
    sessions: Sessions,
    *,
    worker: str,
    every: timedelta,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """Beat now and then every `every`, from the worker's scheduler: if the scheduler stops, so do the beats."""
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler.add_job(
        beat,
        IntervalTrigger(seconds=every.total_seconds()),
        args=(sessions,),
        kwargs={"worker": worker, "clock": clock},
        id=HEARTBEAT_JOB,
        next_run_time=datetime.now(UTC),
        coalesce=True,
        max_instances=1,
        misfire_grace_time=None,
    )


def this_host() -> str:
    """The machine (in a container: the container) whose workers a local health check looks at."""
    return socket.gethostname()


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
