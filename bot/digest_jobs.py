"""Digests: the kinds Rounds sends each week, run by `rounds digest` and by the worker's scheduler.

`DIGEST_KINDS` is the list both iterate over: each kind has a name and a function
`(session, *, school, week, dry_run, now) -> list[DigestOutcome]` that queues its messages (or, dry, only
says what they would be). The scheduler runs each school's digests once a week, on the school's day and
time (Monday 07:30 by default, school-local), on the first school day from that day on; each run is
recorded in `job_run` and every message has its outbox key, so a second scheduler, a restart or
`rounds digest` the same week sends nothing twice.
"""

from __future__ import annotations

import time as timer
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from bot import logs
from bot.blocks import digests as blocks
from bot.notices import digests as notices
from bot.notices.leader_digest import queue_leader_digests
from bot.runtime import Runtime
from workflows.db import Sessions, transaction
from workflows.digests.channels import channel_problems, school_leaders
from workflows.digests.settings import SchoolDigests, digest_settings_of
from workflows.digests.team import digest_week, team_digest, teams_of
from workflows.roster.models import School
from workflows.rotation.calendars import RotationCalendars
from workflows.rotation.inputs import is_school_day, school_zone, schools
from workflows.rotation.job_runs import forget_job_run, job_run, record_job_run

DIGEST_JOB = "digests_weekly"
SYNC_EVERY = timedelta(minutes=15)
_log = logs.logger("jobs")


@dataclass(frozen=True)
class DigestOutcome:
    """One digest: what it is, its message (for `--dry-run`), its outbox key and whether it is new."""

    kind: str
    school_id: int
    title: str
    message: dict
    key: str | None
    fresh: bool
    chart: bytes | None = None


@dataclass(frozen=True)
class DigestKind:
    name: str
    run: Callable[..., list[DigestOutcome]]


def team_digests(
    session: Session, *, school: School, week: date, dry_run: bool, now: datetime
) -> list[DigestOutcome]:
    """Each team of the school with a channel: its digest and chart, queued once (or only shown)."""
    from integrations.charts.digest import digest_chart

    outcomes: list[DigestOutcome] = []
    teams = [t for t in teams_of(session, school_id=school.id or 0) if t.slack_channel]
    if not teams:
        return outcomes
    for team in teams:
        digest = team_digest(session, team=team, monday=week)
        message = blocks.digest_message(digest)
        key = notices.digest_key(digest.team_id, digest.week_of)
        if dry_run:
            outcomes.append(DigestOutcome("team", school.id or 0, digest.team_name, message, key, False,
                                          digest_chart(digest)))  # fmt: skip
            continue
        if notices.already(session, key):
            outcomes.append(DigestOutcome("team", school.id or 0, digest.team_name, message, key, False))
            continue
        chart = digest_chart(digest)
        queued = notices.team_digest(session, digest, chart=chart)
        outcomes.append(DigestOutcome("team", school.id or 0, digest.team_name, message, key, queued.fresh, chart))
    return outcomes


def leader_digests(
    session: Session, *, school: School, week: date, dry_run: bool, now: datetime
) -> list[DigestOutcome]:
    """Each leader of the school: their own digest, queued once per leader and week (a leader of two schools
    gets one). Dry, only a line saying whose: a leader's digest names teachers, and is for their eyes only."""
    done = queue_leader_digests(session, week_start=week, school_id=school.id, dry_run=dry_run)
    shown = _for_their_eyes if dry_run else (lambda message: message)
    title = "{}'s weekly digest".format
    return [
        DigestOutcome("leader", school.id or 0, title(d.leader_name), shown(d.message), d.key, d.queued)
        for d in done
    ]


def _for_their_eyes(message: dict) -> dict:
    said = f"A DM of {len(message.get('blocks', []))} blocks, for the leader's eyes only: not printed."
    return {"text": said, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": said}}]}


TEAM_DIGESTS = DigestKind("team", team_digests)
LEADER_DIGESTS = DigestKind("leader", leader_digests)
# `rounds digest` sends both. The scheduler runs team digests at each school's digest time; leaders' digests
# have their own job, at 07:00 before the morning DM (bot/leader_digest_jobs.py); the keys are shared, so
# whichever comes first sends and the other sends nothing.
DIGEST_KINDS: tuple[DigestKind, ...] = (TEAM_DIGESTS, LEADER_DIGESTS)


def run_school_digests(
    sessions: Sessions, *, school_id: int, week: date, now: datetime, dry_run: bool = False,
    kinds: Sequence[DigestKind] = DIGEST_KINDS,
) -> list[DigestOutcome]:  # fmt: skip
    """Every kind of digest of one school for the week starting `week`, in one transaction (none when dry)."""
    started = timer.perf_counter()
    outcomes: list[DigestOutcome] = []
    with transaction(sessions) as session:
        school = session.get(School, school_id)
        if school is None:
            return outcomes
        for kind in kinds:
            outcomes += kind.run(session, school=school, week=week, dry_run=dry_run, now=now)
        if dry_run:
            session.rollback()
    _log.info(
        "digests school=%s week=%s queued=%d already=%d dry=%s ms=%.1f",
        school_id, week, sum(o.fresh for o in outcomes), sum(not o.fresh for o in outcomes), dry_run,
        (timer.perf_counter() - started) * 1000,
    )  # fmt: skip
    return outcomes


def tell_channel_problems(sessions: Sessions, *, school_ids: list[int] | None = None) -> int:
    """Leaders told (once per team and channel) of team channels that refused their digest."""
    told = 0
    with transaction(sessions) as session:
        for problem in channel_problems(session, school_ids=school_ids):
            told += notices.channel_problem(
                session, workspace=problem.workspace, team_id=problem.team_id, team_name=problem.team_name,
                channel=problem.channel, reason=problem.reason,
                leaders=school_leaders(session, school_id=problem.school_id),
            )  # fmt: skip
    return told


def _week_has_run(session: Session, *, school_id: int, today: date) -> bool:
    monday = today - timedelta(days=today.weekday())
    return any(
        job_run(session, job=DIGEST_JOB, school_id=school_id, day=monday + timedelta(days=d)) is not None
        for d in range(today.weekday() + 1)
    )


def digest_due(
    session: Session, *, school: School, settings: SchoolDigests, now: datetime, calendars: RotationCalendars
) -> date | None:
    """Today (school-local) when the school's digests are due now and not yet run this week, else None:
    on the school's day from its time, or the first school day after it when that day had no school."""
    local = now.astimezone(school_zone(school))
    today = local.date()
    if today.weekday() > 4 or today.weekday() < settings.weekday:
        return None
    if today.weekday() == settings.weekday and local.time() < settings.at:
        return None
    if not is_school_day(session, school=school, day=today, calendars=calendars):
        return None
    if _week_has_run(session, school_id=school.id or 0, today=today):
        return None
    return today


def run_due_digests(runtime: Runtime, calendars: RotationCalendars, school_id: int) -> list[DigestOutcome]:
    """The scheduler's body for one school: its digests if due, then leaders told of refused channels."""
    now = runtime.clock()
    with transaction(runtime.sessions) as session:
        school = session.get(School, school_id)
        if school is None:
            return []
        settings = digest_settings_of(session, school_ids=[school_id])[school_id]
        today = digest_due(session, school=school, settings=settings, now=now, calendars=calendars)
        if today is None or not record_job_run(
            session, job=DIGEST_JOB, school_id=school_id, day=today, status="ran", now=now
        ):
            return []
    try:
        outcomes = run_school_digests(
            runtime.sessions, school_id=school_id, week=digest_week(today), now=now, kinds=(TEAM_DIGESTS,)
        )
    except Exception:
        _log.exception("job %s school=%s day=%s outcome=error", DIGEST_JOB, school_id, today)
        with transaction(runtime.sessions) as session:
            forget_job_run(session, job=DIGEST_JOB, school_id=school_id, day=today)  # tried again at the next tick
        raise
    runtime.wake_deliveries()
    return outcomes


def digest_trigger(school: School, settings: SchoolDigests) -> CronTrigger:
    """Every school day from the school's digest day, at its time: the body decides whether it is due."""
    at = settings.at
    return CronTrigger(day_of_week="mon-fri", hour=at.hour, minute=at.minute, timezone=school_zone(school))


def job_id(school_id: int) -> str:
    return f"{DIGEST_JOB}:{school_id}"


def sync_digest_jobs(
    scheduler: BackgroundScheduler, runtime: Runtime, calendars: RotationCalendars, *, grace: timedelta
) -> None:
    """One digest job per school at its current time; jobs of removed schools go. Leaders are told of
    refused channels on each refresh."""
    with transaction(runtime.sessions) as session:
        every = schools(session)
        settings = digest_settings_of(session, school_ids=[s.id or 0 for s in every])
    wanted = {job_id(s.id or 0): (s, digest_trigger(s, settings[s.id or 0])) for s in every}
    for job in scheduler.get_jobs():
        if job.id.startswith(f"{DIGEST_JOB}:") and job.id not in wanted:
            job.remove()
    for jid, (school, trigger) in wanted.items():
        existing = scheduler.get_job(jid)
        if existing is not None and repr(existing.trigger) == repr(trigger):
            continue
        scheduler.add_job(
            run_due_digests, trigger, args=(runtime, calendars, school.id or 0), id=jid,
            name=f"team digests for {school.name}", replace_existing=True,
            misfire_grace_time=int(grace.total_seconds()), coalesce=True, max_instances=1,
        )  # fmt: skip
    if tell_channel_problems(runtime.sessions):
        runtime.wake_deliveries()


def catch_up_digests(runtime: Runtime, calendars: RotationCalendars) -> dict[int, int]:
    """On start: each school whose digests were due this week and have not run gets them now."""
    with transaction(runtime.sessions) as session:
        ids = [s.id or 0 for s in schools(session)]
    return {school_id: len(run_due_digests(runtime, calendars, school_id)) for school_id in ids}


def register(
    scheduler: BackgroundScheduler, runtime: Runtime, calendars: RotationCalendars, *, grace: timedelta
) -> None:
    sync_digest_jobs(scheduler, runtime, calendars, grace=grace)
    scheduler.add_job(
        sync_digest_jobs, IntervalTrigger(seconds=int(SYNC_EVERY.total_seconds())),
        args=(scheduler, runtime, calendars), kwargs={"grace": grace}, id="sync_digest_jobs", coalesce=True,
        max_instances=1,
    )  # fmt: skip
    scheduler.add_job(catch_up_digests, args=(runtime, calendars), id="catch_up_digests", misfire_grace_time=None)

