"""Coaching's scheduled jobs, registered with the `rounds worker` scheduler beside the morning reminders.

- Follow-ups: every day at each school's reminder time (school-local), each coach with a check-back due
  gets one DM listing the steps due (and earlier ones still open); teachers who asked are reminded too.
- The weekly job: at the end of each school's week, on the day and time the school sets (Friday 14:30 by
  default), each coach is asked for their written reflection and each leader gets the coaching summary
  (counts only, thresholded).
Each run is recorded once per (job, school, day) in `job_run`, and every message has its own outbox key,
so a second scheduler, a restart or a catch-up sends nothing twice. A run missed while the worker was
down is caught up on start any time the same school day: a late check-back list still helps that day.
"""

from __future__ import annotations

import time as timer
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import logs
from bot.notices import coaching as notices
from bot.runtime import Runtime
from workflows.coaching.follow_ups import follow_ups
from workflows.coaching.reflections import prompts_for
from workflows.coaching.settings import SchoolCoaching, coaching_settings_of
from workflows.coaching.summary import summary_recipients, weekly_summary
from workflows.db import Sessions, transaction
from workflows.roster.models import School
from workflows.rotation.inputs import local_today, school_zone, schools
from workflows.rotation.job_runs import job_run, record_job_run

FOLLOW_UP_JOB = "coaching_follow_ups"
WEEKLY_JOB = "coaching_weekly"
SYNC_EVERY = timedelta(minutes=15)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_log = logs.logger("jobs")



@dataclass(frozen=True)
class CoachingRun:
    """What one school's coaching job came to on one day: messages newly queued, and ones queued before."""

    job: str
    school_id: int
    day: date
    queued: int
    already: int


def follow_up_school(sessions: Sessions, *, school_id: int, day: date, now: datetime) -> CoachingRun:
    """Queue each follow-up due at the school on `day`, once. Safe to call any number of times."""
    started = timer.perf_counter()
    with transaction(sessions) as session:
        queued = already = 0
        for follow_up in follow_ups(session, school_id=school_id, day=day):
            if notices.follow_up(session, follow_up):
                queued += 1
            else:
                already += 1
        record_job_run(
            session, job=FOLLOW_UP_JOB, school_id=school_id, day=day, status="ran", now=now,
            detail=f"queued={queued} already={already}",
        )  # fmt: skip
    _log.info(
        "job %s school=%s day=%s queued=%d already=%d ms=%.1f",
        FOLLOW_UP_JOB, school_id, day, queued, already, (timer.perf_counter() - started) * 1000,
    )  # fmt: skip
    return CoachingRun(FOLLOW_UP_JOB, school_id, day, queued, already)


def weekly_school(sessions: Sessions, *, school_id: int, day: date, now: datetime) -> CoachingRun:
    """The end of the school's week: each feature's weekly messages, once."""
    started = timer.perf_counter()
    with transaction(sessions) as session:
        queued = sum(notices.reflection_prompt(session, p) for p in prompts_for(session, school_id=school_id, day=day))
        leaders = summary_recipients(session, school_id=school_id)
        if leaders:
            summary = weekly_summary(session, school_id=school_id, day=day)
            queued += notices.leaders_summary(session, summary, leaders)
        fresh = record_job_run(
            session, job=WEEKLY_JOB, school_id=school_id, day=day, status="ran", now=now, detail=f"queued={queued}"
        )
    _log.info(
        "job %s school=%s day=%s queued=%d first=%s ms=%.1f",
        WEEKLY_JOB, school_id, day, queued, fresh, (timer.perf_counter() - started) * 1000,
    )  # fmt: skip
    return CoachingRun(WEEKLY_JOB, school_id, day, queued, 0)


def _run(runtime: Runtime, job: str, school_id: int) -> CoachingRun | None:
    """A cron job's body: today's run for one school, if the school still exists."""
    now = runtime.clock()
    with transaction(runtime.sessions) as session:
        school = session.get(School, school_id)
        today = local_today(school, now) if school is not None else None
    if today is None:
        return None
    body = follow_up_school if job == FOLLOW_UP_JOB else weekly_school
    try:
        return body(runtime.sessions, school_id=school_id, day=today, now=now)
    except Exception:
        _log.exception("job %s school=%s day=%s outcome=error", job, school_id, today)
        raise


def run_follow_up_job(runtime: Runtime, school_id: int) -> CoachingRun | None:
    return _run(runtime, FOLLOW_UP_JOB, school_id)


def run_weekly_job(runtime: Runtime, school_id: int) -> CoachingRun | None:
    return _run(runtime, WEEKLY_JOB, school_id)


def follow_up_trigger(school: School) -> CronTrigger:
    """Every day (a check-back may fall on any day the coach chose) at the school's reminder time."""
    at = school.reminder_time
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=school_zone(school))


def weekly_trigger(school: School, settings: SchoolCoaching) -> CronTrigger:
    at = settings.reflection_time
    return CronTrigger(
        day_of_week=_DAYS[settings.reflection_weekday], hour=at.hour, minute=at.minute, timezone=school_zone(school)
    )


def job_id(job: str, school_id: int) -> str:
    return f"{job}:{school_id}"


def _due_today(school: School, settings: SchoolCoaching, job: str, now: datetime) -> date | None:
    """The school-local day whose run should already have happened by `now`, or None."""
    local = now.astimezone(school_zone(school))
    if job == FOLLOW_UP_JOB:
        at = school.reminder_time
    else:
        if local.weekday() != settings.reflection_weekday:
            return None
        at = settings.reflection_time
    return local.date() if local.time() >= at else None


def catch_up_coaching(runtime: Runtime) -> dict[tuple[str, int], str]:
    """On start: today's runs that should have happened and were not recorded are run now."""
    now = runtime.clock()
    with transaction(runtime.sessions) as session:
        every = schools(session)
        settings = coaching_settings_of(session, school_ids=[s.id or 0 for s in every])
    outcomes: dict[tuple[str, int], str] = {}
    for school in every:
        school_id = school.id or 0
        for job in (FOLLOW_UP_JOB, WEEKLY_JOB):
            day = _due_today(school, settings[school_id], job, now)
            if day is None:
                outcomes[(job, school_id)] = "not_due"
                continue
            with transaction(runtime.sessions) as session:
                if job_run(session, job=job, school_id=school_id, day=day) is not None:
                    outcomes[(job, school_id)] = "already"
                    continue
            body = follow_up_school if job == FOLLOW_UP_JOB else weekly_school
            body(runtime.sessions, school_id=school_id, day=day, now=now)
            outcomes[(job, school_id)] = "ran"
    return outcomes


def sync_coaching_jobs(scheduler: BackgroundScheduler, runtime: Runtime, *, grace: timedelta) -> None:
    """One follow-up job and one weekly job per school, at its current times; jobs of removed schools go."""
    with transaction(runtime.sessions) as session:
        every = schools(session)
        settings = coaching_settings_of(session, school_ids=[s.id or 0 for s in every])
    wanted: dict[str, tuple[Callable, CronTrigger, int, str]] = {}
    for school in every:
        school_id = school.id or 0
        wanted[job_id(FOLLOW_UP_JOB, school_id)] = (
            run_follow_up_job, follow_up_trigger(school), school_id, f"coaching follow-ups for {school.name}"
        )
        wanted[job_id(WEEKLY_JOB, school_id)] = (
            run_weekly_job, weekly_trigger(school, settings[school_id]), school_id, f"coaching week for {school.name}"
        )
    for job in scheduler.get_jobs():
        if job.id.startswith((f"{FOLLOW_UP_JOB}:", f"{WEEKLY_JOB}:")) and job.id not in wanted:
            job.remove()
    for jid, (body, trigger, school_id, name) in wanted.items():
        existing = scheduler.get_job(jid)
        if existing is not None and repr(existing.trigger) == repr(trigger):
            continue
        scheduler.add_job(
            body, trigger, args=(runtime, school_id), id=jid, name=name, replace_existing=True,
            misfire_grace_time=int(grace.total_seconds()), coalesce=True, max_instances=1,
        )  # fmt: skip


def register(scheduler: BackgroundScheduler, runtime: Runtime, *, grace: timedelta) -> None:
    """Add coaching's jobs, their refresh every 15 minutes, and the catch-up once at start."""
    sync_coaching_jobs(scheduler, runtime, grace=grace)
    scheduler.add_job(
        sync_coaching_jobs, IntervalTrigger(seconds=int(SYNC_EVERY.total_seconds())), args=(scheduler, runtime),
        kwargs={"grace": grace}, id="sync_coaching_jobs", coalesce=True, max_instances=1,
    )  # fmt: skip
    scheduler.add_job(catch_up_coaching, args=(runtime,), id="catch_up_coaching", misfire_grace_time=None)
