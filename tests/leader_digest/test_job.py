"""The leader digest's job in the worker's scheduler: 07:00 school-local on weekdays, the week just ended,
nothing on a day without school, and a missed run caught up on start the same day, once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.jobs import build_scheduler
from bot.leader_digest_jobs import JOB, catch_up, run_digest_job
from tests.walkthroughs.support import dm_messages
from workflows.db import transaction
from workflows.roster.models import CalendarDay, School
from workflows.rotation.job_runs import job_runs

CHICAGO = ZoneInfo("America/Chicago")


def ids_by_ref(sessions) -> dict[str, int]:
    with sessions() as session:
        return {s.sourced_id: s.id for s in session.exec(select(School)).all()}


def digests(slack, user: str) -> list[dict]:
    return [m for m in dm_messages(slack, user) if m.get("text", "").startswith("Your week")]


def test_each_school_fires_at_seven_school_local_on_weekdays(app, sessions):
    scheduler = build_scheduler(app.runtime)
    schools = ids_by_ref(sessions)
    maple = scheduler.get_job(f"{JOB}:{schools['s-maple']}").trigger
    oak = scheduler.get_job(f"{JOB}:{schools['s-oak']}").trigger

    saturday = datetime(2026, 3, 7, 12, 0, tzinfo=CHICAGO)
    assert maple.get_next_fire_time(None, saturday) == datetime(2026, 3, 9, 7, 0, tzinfo=CHICAGO)
    assert oak.get_next_fire_time(None, saturday) == datetime(2026, 3, 9, 7, 0, tzinfo=ZoneInfo("America/New_York"))


def test_a_monday_without_school_moves_the_digest_to_tuesday(app, slack, sessions, worker, clock):
    maple = ids_by_ref(sessions)["s-maple"]
    with transaction(sessions) as session:
        session.add(CalendarDay(school_id=maple, day=clock.now.date(), day_type="none"))

    run_digest_job(app.runtime, maple)
    worker.drain(timeout=10)
    assert digests(slack, "ULEAD") == []
    clock.advance(timedelta(days=1))
    run_digest_job(app.runtime, maple)
    worker.drain(timeout=10)

    [digest] = digests(slack, "ULEAD")
    assert digest["text"] == "Your week, Mon 2 Mar – Sun 8 Mar"
    with sessions() as session:
        assert [r.status for r in job_runs(session, job=JOB) if r.school_id == maple] == ["no_school", "ran"]


def test_a_run_missed_while_the_worker_was_down_is_caught_up_once(app, slack, sessions, worker, clock):
    clock.advance(timedelta(hours=2))  # 9:00: the worker starts late

    first = catch_up(app.runtime)
    second = catch_up(app.runtime)
    worker.drain(timeout=10)

    assert set(first.values()) == {"ran"} and set(second.values()) == {"already"}
    assert len(digests(slack, "ULEAD")) == 1 and len(digests(slack, "UOTTO")) == 1
