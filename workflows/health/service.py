"""Heartbeats, and the figures health checks and metrics read: outbox backlog, delivery and job-run totals.

Every figure comes from the database, so it is the same whichever process is asked (serve, worker, socket).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from workflows.deliveries.models import Delivery, DeliveryStatus
from workflows.health.models import WorkerHeartbeat
from workflows.rotation.models import JobRun

# A heartbeat this old belongs to a process that is gone; it is removed the next time any worker beats.
FORGET_AFTER = timedelta(days=1)
UNFINISHED = (DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value)


def beat(session: Session, *, worker: str, now: datetime) -> None:
    """Record that `worker` is alive at `now` (insert the first time, update after), and forget old ones."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = WorkerHeartbeat.__table__  # type: ignore[attr-defined]
    statement = insert(table).values(worker=worker, started_at=now, beat_at=now)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["worker"], set_={"beat_at": statement.excluded.beat_at}
        )
    )
    session.execute(delete(table).where(table.c.beat_at < now - FORGET_AFTER))


def last_beat(session: Session, *, host: str | None = None) -> WorkerHeartbeat | None:
    """The newest heartbeat of any worker, or of the workers on `host` only (a container checking itself)."""
    query = select(WorkerHeartbeat)
    if host is not None:
        query = query.where(WorkerHeartbeat.worker.startswith(f"{host}:", autoescape=True))  # type: ignore[attr-defined]
    return session.execute(query.order_by(WorkerHeartbeat.beat_at.desc()).limit(1)).scalars().first()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Backlog:
    """Messages not yet sent or given up on, and since when the oldest of them has waited."""

    pending: int
    oldest_created_at: datetime | None

    def oldest_age(self, now: datetime) -> float | None:
        """Seconds the oldest unsent message has waited (None: nothing waits)."""
        if self.oldest_created_at is None:
            return None
        return max(0.0, (now - self.oldest_created_at).total_seconds())


def backlog(session: Session) -> Backlog:
    """The outbox's depth (pending or being sent) and its oldest row."""
    unfinished = Delivery.status.in_(UNFINISHED)  # type: ignore[attr-defined]
    pending = session.execute(select(func.count()).select_from(Delivery).where(unfinished)).scalar_one()
    oldest = session.execute(
        select(Delivery.created_at).where(unfinished).order_by(Delivery.created_at).limit(1)  # type: ignore[arg-type]
    ).scalar()
    return Backlog(pending=int(pending), oldest_created_at=oldest)


@dataclass(frozen=True)
class DeliveryTotals:
    """Per Slack method: messages sent, calls beyond the first (retries), messages given up on."""

    method: str
    sent: int
    retried: int
    failed: int


def delivery_totals(session: Session) -> list[DeliveryTotals]:
    """What the outbox has done so far, by method (every process's work: it is all in the table)."""
    rows = session.execute(
        select(
            Delivery.method,
            func.sum(case((Delivery.status == DeliveryStatus.SENT.value, 1), else_=0)),
            func.sum(case((Delivery.attempts > 1, Delivery.attempts - 1), else_=0)),
            func.sum(case((Delivery.status == DeliveryStatus.FAILED.value, 1), else_=0)),
        )
        .group_by(Delivery.method)
        .order_by(Delivery.method)
    ).all()
    return [
        DeliveryTotals(method, int(sent or 0), int(retried or 0), int(failed or 0))
        for method, sent, retried, failed in rows
    ]


def job_run_totals(session: Session) -> dict[tuple[str, str], int]:
    """Scheduled jobs' runs by (job, outcome): ran, no_school, missed."""
    rows = session.execute(
        select(JobRun.job, JobRun.status, func.count()).group_by(JobRun.job, JobRun.status)
    ).all()
    return {(job, status): int(count) for job, status, count in rows}
