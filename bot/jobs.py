"""Scheduled jobs: the morning reminders, one cron job per school at its reminder time in its own zone.

- Each school's job runs Monday to Friday at `School.reminder_time`, school-local; on a day off it records
  `no_school` and sends nothing. It plans the day (once: the plan is stored) and puts one DM per leader in
  the outbox under `reminder:<leader>:<date>:<school>`; the delivery worker sends it.
- The job store is in memory, so a run missed while the worker was down is not replayed by APScheduler.
  `catch_up` does it on start: a school whose reminder time passed today less than `grace` ago, and whose
  run is not recorded, gets it now; past the grace window the run is recorded as `missed` instead. Each run
  is recorded once per (job, school, day) in `job_run`, so catching up twice runs once.
- Every 15 minutes the school jobs are brought in line with the database (new schools, changed times).
- Coaching's follow-ups and end-of-week job are registered beside them (`bot/coaching_jobs.py`).
"""

from __future__ import annotations

import time as timer
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot import coaching_jobs, community_jobs, digest_jobs, leader_digest_jobs, logs
from bot.calendars import calendars_from_settings
from bot.notices import rotation as notices
from bot.runtime import Runtime
from workflows.db import Sessions, transaction
from workflows.roster.models import School
from workflows.rotation.calendars import RotationCalendars
from workflows.rotation.inputs import local_today, school_zone, schools
from workflows.rotation.job_runs import job_run, record_job_run, record_missed_run, reminder_due
from workflows.rotation.plans import plan_school_day

REMINDER_JOB = "morning_reminders"
CATCH_UP_GRACE = timedelta(hours=1)
SYNC_EVERY = timedelta(minutes=15)
_log = logs.logger("jobs")


@dataclass(frozen=True)
class ReminderRun:
    """What one school's reminders for one day came to: DMs newly queued, ones queued before, leaders
    without a Slack account, and the outbox keys of the DMs (new and old)."""

    school_id: int
    school_name: str
    day: date
    school_day: bool
    queued: int
    already: int
    no_slack: int
    keys: tuple[str, ...]


def remind_school(
    sessions: Sessions, *, school_id: int, day: date, calendars: RotationCalendars, now: datetime
) -> ReminderRun:
    """Plan the school's day (once) and queue each leader's DM (once). Safe to call any number of times."""
    started = timer.perf_counter()
    with transaction(sessions) as session:
        plan = plan_school_day(session, school_id=school_id, day=day, calendars=calendars, now=now)
        queued = already = no_slack = 0
        keys = []
        for leader_day in plan.leaders if plan.school_day else ():
            if leader_day.away:  # their own day away: no DM about visits that will not happen
                continue
            if not leader_day.leader_slack_id:
                no_slack += 1
                continue
            keys.append(leader_day.reminder_key)
            if notices.morning_reminder(session, leader_day):
                queued += 1
            else:
                already += 1
        status = "ran" if plan.school_day else "no_school"
        record_job_run(
            session, job=REMINDER_JOB, school_id=school_id, day=day, status=status, now=now,
            detail=f"queued={queued} already={already} no_slack={no_slack}",
        )  # fmt: skip
    _log.info(
        "job %s school=%s day=%s outcome=%s queued=%d already=%d ms=%.1f",
        REMINDER_JOB, school_id, day, status, queued, already, (timer.perf_counter() - started) * 1000,
    )  # fmt: skip
    return ReminderRun(
        school_id, plan.school_name, day, plan.school_day, queued, already, no_slack, tuple(keys)
    )


def remind_all(
    sessions: Sessions,
    *,
    calendars: RotationCalendars,
    now: datetime,
    day: date | None = None,
    school_ids: list[int] | None = None,
) -> list[ReminderRun]:
    """Every school's reminders for `day` (default: each school's own local today)."""
    with transaction(sessions) as session:
        chosen = [s for s in schools(session) if school_ids is None or s.id in school_ids]
    return [
        remind_school(
            sessions, school_id=s.id or 0, day=day or local_today(s, now), calendars=calendars, now=now
        )
        for s in chosen
    ]


def run_reminder_job(runtime: Runtime, calendars: RotationCalendars, school_id: int) -> ReminderRun | None:
    """The cron job's body: today's reminders for one school, if the school still exists."""
    now = runtime.clock()
    with transaction(runtime.sessions) as session:
        school = session.get(School, school_id)
        today = local_today(school, now) if school is not None else None
    if school is None or today is None:
        return None
    try:
        return remind_school(runtime.sessions, school_id=school_id, day=today, calendars=calendars, now=now)
    except Exception:
        _log.exception("job %s school=%s day=%s outcome=error", REMINDER_JOB, school_id, today)
        raise


def catch_up(
    runtime: Runtime, calendars: RotationCalendars, *, grace: timedelta = CATCH_UP_GRACE
) -> dict[int, str]:
    """On start: run today's reminders missed within `grace`, record older ones as missed (see module doc).

    Returns what happened per school: "ran", "missed", "no_school", "already" or "not_due".
    """
    now = runtime.clock()
    outcomes: dict[int, str] = {}
    with transaction(runtime.sessions) as session:
        every = schools(session)
    for school in every:
        school_id = school.id or 0
        due = reminder_due(school, now)
        if due is None:
            outcomes[school_id] = "not_due"
            continue
        with transaction(runtime.sessions) as session:
            if job_run(session, job=REMINDER_JOB, school_id=school_id, day=due.day) is not None:
                outcomes[school_id] = "already"
                continue
        if due.late_by <= grace:
            run = remind_school(
                runtime.sessions, school_id=school_id, day=due.day, calendars=calendars, now=now
            )
            outcomes[school_id] = "ran" if run.school_day else "no_school"
            continue
        with transaction(runtime.sessions) as session:
            status = record_missed_run(
                session, job=REMINDER_JOB, school=school, day=due.day, calendars=calendars, now=now,
                detail=f"worker started {due.now:%H:%M}, more than {grace} after {due.due:%H:%M}",
            )  # fmt: skip
        outcomes[school_id] = status or "already"
        if status == "missed":
            _log.warning("job %s school=%s day=%s outcome=missed", REMINDER_JOB, school_id, due.day)
    return outcomes


def reminder_trigger(school: School) -> CronTrigger:
    """Monday to Friday at the school's reminder time, in the school's own time zone."""
    at = school.reminder_time
    return CronTrigger(day_of_week="mon-fri", hour=at.hour, minute=at.minute, timezone=school_zone(school))


def job_id(school_id: int) -> str:
    return f"{REMINDER_JOB}:{school_id}"


def sync_school_jobs(
    scheduler: BackgroundScheduler, runtime: Runtime, calendars: RotationCalendars, *, grace: timedelta
) -> None:
    """One reminder job per school, at its current reminder time and zone; jobs of removed schools go."""
    with transaction(runtime.sessions) as session:
        wanted = {job_id(s.id or 0): s for s in schools(session)}
    for job in scheduler.get_jobs():
        if job.id.startswith(f"{REMINDER_JOB}:") and job.id not in wanted:
            job.remove()
    for jid, school in wanted.items():
        trigger = reminder_trigger(school)
        existing = scheduler.get_job(jid)
        if existing is not None and repr(existing.trigger) == repr(trigger):
            continue
        scheduler.add_job(
            run_reminder_job,
            trigger,
            args=(runtime, calendars, school.id),
            id=jid,
            name=f"morning reminders for {school.name}",
            replace_existing=True,
            misfire_grace_time=int(grace.total_seconds()),
            coalesce=True,
            max_instances=1,
        )


def build_scheduler(
    runtime: Runtime,
    *,
    calendars: RotationCalendars | None = None,
    grace: timedelta = CATCH_UP_GRACE,
) -> BackgroundScheduler:
    """The `rounds worker` scheduler (not started): school reminder jobs, their refresh, and the catch-up,
    which runs once as soon as the scheduler starts. It needs no Slack client: jobs write to the outbox."""
    calendars = calendars if calendars is not None else calendars_from_settings(runtime.settings)
    scheduler = BackgroundScheduler(timezone=UTC)
    sync_school_jobs(scheduler, runtime, calendars, grace=grace)
    scheduler.add_job(
        sync_school_jobs,
        IntervalTrigger(seconds=int(SYNC_EVERY.total_seconds())),
        args=(scheduler, runtime, calendars),
        kwargs={"grace": grace},
        id="sync_school_jobs",
        coalesce=True,
        max_instances=1,
    )
    scheduler.add_job(
        catch_up, args=(runtime, calendars), kwargs={"grace": grace}, id="catch_up", misfire_grace_time=None
    )
    coaching_jobs.register(scheduler, runtime, grace=grace)
    community_jobs.register(scheduler, runtime, calendars, grace=grace)
    digest_jobs.register(scheduler, runtime, calendars, grace=grace)
    leader_digest_jobs.register(scheduler, runtime, grace=grace)
    return scheduler
