"""The leader digest's scheduled job, registered with the `rounds worker` scheduler beside coaching's.

Each school day at 07:00 school-local, before the 7:15 morning DM, each leader of the school is sent the
digest of the week just ended (Monday to Sunday), once: the outbox key is per leader and week, so the first
school day of the week sends it (a Monday holiday moves it to Tuesday) and the later days, a second
scheduler, a restart or `rounds digest` send nothing new. Monday morning rather than Friday afternoon: the
week is whole (Friday's last periods are in it), and the leader reads it before the team digests go out.
Each run is recorded once per (job, school, day) in `job_run`; a run missed while the worker was down is
caught up on start the same school day.
"""

from __future__ import annotations

import time as timer
from datetime import date, datetime, time, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import logs
from bot.notices.leader_digest import queue_leader_digests
from bot.runtime import Runtime
from workflows.db import Sessions, transaction
from workflows.roster.models import School
from workflows.rotation.calendars import NoCalendars
from workflows.rotation.inputs import is_school_day, local_today, school_zone, schools
from workflows.rotation.job_runs import job_run, record_job_run

JOB = "leader_digest"
AT = time(7, 0)
SYNC_EVERY = timedelta(minutes=15)
_log = logs.logger("jobs")


def week_before(day: date) -> date:
    """The Monday of the week before `day`'s week."""
    return day - timedelta(days=day.weekday() + 7)


def digest_school(sessions: Sessions, *, school_id: int, day: date, now: datetime) -> int:
    """Queue the digests of the week before `day` for the school's leaders, once; returns how many are new."""
    started = timer.perf_counter()
    with transaction(sessions) as session:
        school = session.get(School, school_id)
        if school is None:
            return 0
        if not is_school_day(session, school=school, day=day, calendars=NoCalendars()):
            record_job_run(session, job=JOB, school_id=school_id, day=day, status="no_school", now=now)
            return 0
        done = queue_leader_digests(session, week_start=week_before(day), school_id=school_id, dry_run=False)
        queued = sum(1 for d in done if d.queued)
        record_job_run(session, job=JOB, school_id=school_id, day=day, status="ran", now=now,
                       detail=f"queued={queued} already={len(done) - queued}")  # fmt: skip
    _log.info("job %s school=%s day=%s queued=%d ms=%.1f", JOB, school_id, day, queued,
              (timer.perf_counter() - started) * 1000)  # fmt: skip
    return queued


def run_digest_job(runtime: Runtime, school_id: int) -> int:
    now = runtime.clock()
    with transaction(runtime.sessions) as session:
        school = session.get(School, school_id)
        today = local_today(school, now) if school is not None else None
    if today is None:
        return 0
    try:
        return digest_school(runtime.sessions, school_id=school_id, day=today, now=now)
    except Exception:
        _log.exception("job %s school=%s day=%s outcome=error", JOB, school_id, today)
        raise


def trigger(school: School) -> CronTrigger:
    return CronTrigger(day_of_week="mon-fri", hour=AT.hour, minute=AT.minute, timezone=school_zone(school))


def catch_up(runtime: Runtime) -> dict[int, str]:
    """On start: today's run, if its time has passed and it was not recorded."""
    now = runtime.clock()
    with transaction(runtime.sessions) as session:
        every = schools(session)
    outcomes: dict[int, str] = {}
    for school in every:
        local = now.astimezone(school_zone(school))
        if local.weekday() >= 5 or local.time() < AT:
            outcomes[school.id or 0] = "not_due"
            continue
        with transaction(runtime.sessions) as session:
            if job_run(session, job=JOB, school_id=school.id or 0, day=local.date()) is not None:
                outcomes[school.id or 0] = "already"
                continue
        digest_school(runtime.sessions, school_id=school.id or 0, day=local.date(), now=now)
        outcomes[school.id or 0] = "ran"
    return outcomes


def sync_jobs(scheduler: BackgroundScheduler, runtime: Runtime, *, grace: timedelta) -> None:
    with transaction(runtime.sessions) as session:
        every = schools(session)
    wanted = {f"{JOB}:{s.id}": s for s in every}
    for job in scheduler.get_jobs():
        if job.id.startswith(f"{JOB}:") and job.id not in wanted:
            job.remove()
    for jid, school in wanted.items():
        found = trigger(school)
        existing = scheduler.get_job(jid)
        if existing is not None and repr(existing.trigger) == repr(found):
            continue
        scheduler.add_job(
            run_digest_job, found, args=(runtime, school.id), id=jid, name=f"leader digests for {school.name}",
            replace_existing=True, misfire_grace_time=int(grace.total_seconds()), coalesce=True, max_instances=1,
        )  # fmt: skip


def register(scheduler: BackgroundScheduler, runtime: Runtime, *, grace: timedelta) -> None:
    """Add the job per school, its refresh every 15 minutes, and the catch-up once at start."""
    sync_jobs(scheduler, runtime, grace=grace)
    scheduler.add_job(
        sync_jobs, IntervalTrigger(seconds=int(SYNC_EVERY.total_seconds())), args=(scheduler, runtime),
        kwargs={"grace": grace}, id="sync_leader_digest_jobs", coalesce=True, max_instances=1,
    )  # fmt: skip
    scheduler.add_job(catch_up, args=(runtime,), id="catch_up_leader_digests", misfire_grace_time=None)
