"""The ``worker_heartbeat`` table: when each worker process last said it was alive."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class WorkerHeartbeat(SQLModel, table=True):
    """One row per worker process (``host:pid:random``, the delivery worker's name), updated every few
    seconds. A health check reads the newest one; rows of long-gone processes are pruned as others beat."""

    __tablename__ = "worker_heartbeat"

    worker: str = Field(primary_key=True, max_length=128)
    started_at: datetime
    beat_at: datetime = Field(index=True)
