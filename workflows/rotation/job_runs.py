"""Scheduled jobs' runs, once per job, school and day, and when a school's morning reminder is due.

A run is recorded even when nothing was sent (`no_school`) or the worker was down past the grace window
(`missed`), so a restart neither sends late reminders nor sends them twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from workflows.db import insert_once
from workflows.roster.models import School
from workflows.rotation.calendars import RotationCalendars
from workflows.rotation.inputs import is_school_day, school_zone
from workflows.rotation.models import JobRun


@dataclass(frozen=True)
class ReminderDue:
    """A school's reminder that should already have gone today: when, and how late it is now."""

    day: date
    due: datetime  # school-local
    now: datetime  # school-local

    @property
    def late_by(self) -> timedelta:
        return self.now - self.due


def reminder_due(school: School, now: datetime) -> ReminderDue | None:
    """Today's reminder once its time has passed, school-local; None before it and at weekends."""
    local_now = now.astimezone(school_zone(school))
    today = local_now.date()
    due = datetime.combine(today, school.reminder_time, tzinfo=local_now.tzinfo)
    if today.weekday() >= 5 or local_now < due:
        return None
    return ReminderDue(today, due, local_now)


def job_key(job: str, school_id: int, day: date) -> str:
    return f"{job}:{school_id}:{day.isoformat()}"


def job_run(session: Session, *, job: str, school_id: int, day: date) -> JobRun | None:
    return session.exec(select(JobRun).where(JobRun.key == job_key(job, school_id, day))).first()


def forget_job_run(session: Session, *, job: str, school_id: int, day: date) -> None:
    """A run that failed is forgotten, so the next tick of the scheduler tries it again."""
    row = job_run(session, job=job, school_id=school_id, day=day)
    if row is not None:
        session.delete(row)


def job_runs(session: Session, *, job: str, day: date | None = None) -> list[JobRun]:
    query = select(JobRun).where(JobRun.job == job)
    if day is not None:
        query = query.where(JobRun.day == day)
    return list(session.exec(query.order_by(col(JobRun.id))).all())


def record_job_run(
    session: Session, *, job: str, school_id: int, day: date, status: str, now: datetime, detail: str = ""
) -> bool:
    """Record that a job ran (or was missed) for a school's day; False when it was already recorded."""
    return insert_once(
        session, JobRun, unique=["key"], key=job_key(job, school_id, day), job=job, school_id=school_id,
        day=day, status=status, detail=detail[:255], recorded_at=now,
    )  # fmt: skip


def record_missed_run(
    session: Session, *, job: str, school: School, day: date, calendars: RotationCalendars, now: datetime,
    detail: str,
) -> str | None:  # fmt: skip
    """Record a run the worker was not up for: `missed` on a school day, `no_school` on a day off.

    None when the day's run was already recorded (by another process, or an earlier start).
    """
    status = "missed" if is_school_day(session, school=school, day=day, calendars=calendars) else "no_school"
    recorded = record_job_run(
        session, job=job, school_id=school.id or 0, day=day, status=status, now=now, detail=detail
    )
    return status if recorded else None
