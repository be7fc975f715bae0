"""The coach community's scheduled jobs, registered with the `rounds worker` scheduler.

- Channel check (every minute): a post Slack refused for good because Rounds can't post in the channel
  (`not_in_channel`, `channel_not_found`, `is_archived`) marks the channel as not postable; the district's
  admins and the coach are told once, and later shares are refused at once instead of failing again.
- Nudges (each school day at the school's reminder time): an open question from a coach of the school,
  with no reply two school days after it was asked, is raised once to coaches who answered questions in
  its areas before, by DM.
- Roundup (each weekday at 15:30 in the district's first school's time zone): on the last school day of
  the week, the week's roundup in the community channel, once.
Permalinks (chat.getPermalink) are asked of Slack here, with the workspace's own token.
"""

from __future__ import annotations

import time as timer
from collections.abc import Callable
from datetime import date, time, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from slack_sdk.errors import SlackApiError
from sqlmodel import col, select

from bot import logs
from bot.notices import community as notices
from bot.runtime import Runtime
from workflows.community import channels
from workflows.community.posts import post_view
from workflows.community.roundup import weekly_roundup
from workflows.community.waiting import mark_raised, questions_to_raise
from workflows.db import transaction
from workflows.deliveries.service import refused_by_channel
from workflows.roster.models import District, School
from workflows.rotation.calendars import RotationCalendars
from workflows.rotation.inputs import local_today, school_calendar, school_zone, schools
from workflows.rotation.job_runs import record_job_run

NUDGE_JOB = "community_nudges"
ROUNDUP_JOB = "community_roundup"
ROUNDUP_TIME = time(15, 30)
CHECK_EVERY = timedelta(minutes=1)
SYNC_EVERY = timedelta(minutes=15)
_log = logs.logger("jobs")

# Given a workspace, a channel and a message ts: the message's permalink, or None.
Permalinks = Callable[[str, str, str], str | None]


def slack_permalinks(runtime: Runtime) -> Permalinks:
    """chat.getPermalink with each workspace's bot token; a link Slack won't give is left out."""
    from bot.installations import bot_tokens
    from bot.slack_client import make_client
    from bot.slack_tokens import WorkspaceGone

    tokens = bot_tokens(runtime.settings, runtime.sessions, clock=runtime.clock)

    def permalink(workspace: str, channel: str, ts: str) -> str | None:
        try:
            client = make_client(runtime.settings, token=tokens.bot_token(workspace))
            return str(client.chat_getPermalink(channel=channel, message_ts=ts)["permalink"])
        except (SlackApiError, WorkspaceGone) as error:
            _log.warning("community permalink not given: %s", type(error).__name__)
            return None

    return permalink


def check_channels(runtime: Runtime) -> int:
    """Posts Slack refused because Rounds can't post in the channel: the channel is marked, the admins
    and each post's coach are told, once. Returns how many channels were newly marked."""
    marked = 0
    with transaction(runtime.sessions) as session:
        for row in refused_by_channel(session, key_prefix=notices.POST_PREFIX):
            rest = row.key.removeprefix(notices.POST_PREFIX)
            post = post_view(session, post_id=int(rest)) if rest.isdigit() else None
            community = channels.community(session, district_id=post.district_id) if post else None
            if post is None or community is None or community.channel_id != post.channel_id:
                continue
            problem = row.last_error or "not_in_channel"
            if channels.cannot_post(session, district_id=post.district_id, channel_id=community.channel_id,
                                    problem=problem, now=runtime.clock()):  # fmt: skip
                marked += 1
                notices.cannot_post(session, community, problem, channels.admins(session, district_id=post.district_id))
            notices.not_posted(session, post, community)
    if marked:
        _log.info("job community_channels marked=%d", marked)
        runtime.wake_deliveries()
    return marked


def nudge_school(runtime: Runtime, *, school_id: int, day: date, calendars: RotationCalendars,
                 permalinks: Permalinks) -> int:  # fmt: skip
    """Raise each waiting question of the school's coaches, once. Returns the DMs newly queued."""
    started = timer.perf_counter()
    with transaction(runtime.sessions) as session:
        waiting = questions_to_raise(session, school_id=school_id, today=day, calendars=calendars)
        where = {w.post.id: notices.where_posted(session, w.post.id) for w in waiting}
    links = {pid: permalinks(next(w.post.workspace for w in waiting if w.post.id == pid), *at)
             for pid, at in where.items() if at}  # fmt: skip
    queued = 0
    with transaction(runtime.sessions) as session:
        for item in waiting:
            if item.helpers and mark_raised(session, post_id=item.post.id, now=runtime.clock()):
                queued += sum(notices.nudge(session, item.post, h, links.get(item.post.id)) for h in item.helpers)
        record_job_run(session, job=NUDGE_JOB, school_id=school_id, day=day, status="ran", now=runtime.clock(),
                       detail=f"queued={queued}")  # fmt: skip
    _log.info("job %s school=%s day=%s queued=%d ms=%.1f", NUDGE_JOB, school_id, day, queued,
              (timer.perf_counter() - started) * 1000)  # fmt: skip
    return queued


def last_school_day_of_week(runtime: Runtime, *, school: School, day: date, calendars: RotationCalendars) -> bool:
    friday = day + timedelta(days=4 - day.weekday())
    with transaction(runtime.sessions) as session:
        cal = school_calendar(session, school=school, start=day, end=max(day, friday), calendars=calendars)
    days = cal.school_days()
    return bool(days) and days[0] == day and days[-1] == day


def roundup_district(runtime: Runtime, *, district_id: int, day: date, permalinks: Permalinks) -> bool:
    """The week's roundup in the community channel, once (False: sent before, or no channel to send to)."""
    with transaction(runtime.sessions) as session:
        community = channels.community(session, district_id=district_id)
        if community is None or not community.ready:
            return False
        roundup = weekly_roundup(session, district_id=district_id, day=day)
        if notices.sent_before(session, notices.roundup_key(roundup)):
            return False
        linked = [*roundup.open_questions, *roundup.successes]
        where = {p.id: notices.where_posted(session, p.id) for p in linked}
    links = {pid: link for pid, at in where.items() if at and (link := permalinks(community.workspace, *at))}
    with transaction(runtime.sessions) as session:
        fresh = notices.roundup(session, roundup, community, links)
    _log.info("job %s district=%s week=%s first=%s", ROUNDUP_JOB, district_id, roundup.week_of, fresh)
    runtime.wake_deliveries()
    return fresh


# --------------------------------------------------------------------------- the scheduler's side


def run_nudges(runtime: Runtime, calendars: RotationCalendars, school_id: int) -> int:
    now = runtime.clock()
    with transaction(runtime.sessions) as session:
        school = session.get(School, school_id)
        today = local_today(school, now) if school is not None else None
    if school is None or today is None:
        return 0
    return nudge_school(runtime, school_id=school_id, day=today, calendars=calendars, permalinks=slack_permalinks(runtime))


def run_roundup(runtime: Runtime, calendars: RotationCalendars, district_id: int) -> bool:
    now = runtime.clock()
    with transaction(runtime.sessions) as session:
        first = first_school(session, district_id)
    if first is None:
        return False
    today = local_today(first, now)
    if not last_school_day_of_week(runtime, school=first, day=today, calendars=calendars):
        return False
    return roundup_district(runtime, district_id=district_id, day=today, permalinks=slack_permalinks(runtime))


def first_school(session, district_id: int) -> School | None:  # type: ignore[no-untyped-def]
    return session.exec(select(School).where(School.district_id == district_id).order_by(col(School.id))).first()


def sync_community_jobs(scheduler: BackgroundScheduler, runtime: Runtime, calendars: RotationCalendars,
                        *, grace: timedelta) -> None:  # fmt: skip
    with transaction(runtime.sessions) as session:
        every = schools(session)
        districts = [(d.id or 0, first_school(session, d.id or 0)) for d in session.exec(select(District)).all()]
    wanted: dict[str, tuple[Callable, CronTrigger, int]] = {}
    for school in every:
        at = school.reminder_time
        trigger = CronTrigger(day_of_week="mon-fri", hour=at.hour, minute=at.minute, timezone=school_zone(school))
        wanted[f"{NUDGE_JOB}:{school.id}"] = (run_nudges, trigger, school.id or 0)
    for district_id, first in districts:
        if first is not None:
            trigger = CronTrigger(day_of_week="mon-fri", hour=ROUNDUP_TIME.hour, minute=ROUNDUP_TIME.minute,
                                  timezone=school_zone(first))  # fmt: skip
            wanted[f"{ROUNDUP_JOB}:{district_id}"] = (run_roundup, trigger, district_id)
    for job in scheduler.get_jobs():
        if job.id.startswith((f"{NUDGE_JOB}:", f"{ROUNDUP_JOB}:")) and job.id not in wanted:
            job.remove()
    for jid, (body, trigger, ref) in wanted.items():
        existing = scheduler.get_job(jid)
        if existing is not None and repr(existing.trigger) == repr(trigger):
            continue
        scheduler.add_job(body, trigger, args=(runtime, calendars, ref), id=jid, replace_existing=True,
                          misfire_grace_time=int(grace.total_seconds()), coalesce=True, max_instances=1)  # fmt: skip


def register(scheduler: BackgroundScheduler, runtime: Runtime, calendars: RotationCalendars, *, grace: timedelta) -> None:
    """Add the community's jobs, their refresh every 15 minutes, and the channel check every minute."""
    sync_community_jobs(scheduler, runtime, calendars, grace=grace)
    scheduler.add_job(sync_community_jobs, IntervalTrigger(seconds=int(SYNC_EVERY.total_seconds())),
                      args=(scheduler, runtime, calendars), kwargs={"grace": grace}, id="sync_community_jobs",
                      coalesce=True, max_instances=1)  # fmt: skip
    scheduler.add_job(check_channels, IntervalTrigger(seconds=int(CHECK_EVERY.total_seconds())), args=(runtime,),
                      id="community_channels", coalesce=True, max_instances=1)  # fmt: skip
