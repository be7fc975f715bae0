"""The leader's weekly digest, end to end: the job queues it once per leader and week, the fake Slack
takes its blocks, the App Home shows the same, and a leader never sees another school's teachers."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.leader_digest_jobs import run_digest_job
from bot.notices.leader_digest import queue_leader_digests
from tests.coaching.support import home
from tests.leader_digest.conftest import WEEK
from tests.walkthroughs.support import dm_messages, message_text
from workflows.db import transaction
from workflows.roster.models import School


def school_id(sessions, ref: str) -> int:
    with sessions() as session:
        return session.exec(select(School.id).where(School.sourced_id == ref)).one()


def digests(slack, user: str) -> list[dict]:
    return [m for m in dm_messages(slack, user) if m.get("text", "").startswith("Your week")]


def test_the_digest_arrives_once_and_a_rerun_the_next_day_sends_nothing(app, slack, sessions, worker, clock):
    maple = school_id(sessions, "s-maple")
    run_digest_job(app.runtime, maple)
    run_digest_job(app.runtime, maple)
    clock.advance(timedelta(days=1))
    run_digest_job(app.runtime, maple)
    worker.drain(timeout=10)

    [digest] = digests(slack, "ULEAD")
    text = message_text(digest)
    assert digest["text"] == "Your week, Mon 2 Mar – Sun 8 Mar"
    assert "*Coverage this cycle* (since Mon 2 Mar): 2 of 2 teachers seen." in text
    assert "*Visits this week:* 10 — by period: period 1: 8 · period 2: 2" in text
    assert "*By part of the lesson:* beginning: 4 · middle: 2 · end: 4" in text
    assert "*Distinct periods per teacher this cycle:* 1 teacher in 1 period · 1 teacher in 2 periods" in text
    assert "Seen in one period only: Bea Lindgren" in text
    assert "*Pace towards 500 classroom visits:* 50 so far; on school day 25 the pace is 69 — 19 behind the pace." in text
    assert "*Evidence shared within the hour:* 10 of 10 visits (10 shared in all)" in text
    assert "*Conversations held:* 10 — Directive (boss): 4 · Reflective (coach): 6 · Reflexive (leader): 0" in text
    # Ratings at Proficient or above: 50 of 90 in the last three weeks, 20 of 60 in the three before.
    assert "*By grade:* 03: 56% (▲ 22 pts) · 04: 56% (▲ 22 pts)" in text
    assert "*By subject:* ELA: 56% (▲ 22 pts) · Math: 56% (▲ 22 pts)" in text
    assert "Academic discussion: 67% (▲ 67 pts) · Checks for understanding: 0% (steady)" in text
    assert "Most often strong: *Student engagement*; the one to grow: *Checks for understanding*." in text
    assert "*Walkthroughs* — level 2 of 4" in text
    assert "“I get into classrooms a few times a week, but I'm inconsistent and don't make it around to everyone”" in text
    # Mia leads Maple too, with no visits: her own digest, once; Otto's covers Oak only when his job runs.
    assert len(digests(slack, "UMIA")) == 1
    assert digests(slack, "UOTTO") == []


def test_a_leader_never_sees_another_schools_teachers(app, slack, sessions, worker):
    run_digest_job(app.runtime, school_id(sessions, "s-maple"))
    run_digest_job(app.runtime, school_id(sessions, "s-oak"))
    worker.drain(timeout=10)

    maple_text = message_text(digests(slack, "ULEAD")[0])
    oak_text = message_text(digests(slack, "UOTTO")[0])
    assert "Olga" not in maple_text and "Oak Middle" not in maple_text
    assert "Ben" not in oak_text and "Bea" not in oak_text and "Maple" not in oak_text
    assert "Oak Middle" in oak_text
    ada_home = message_text(home(app.driver, slack, "ULEAD"))
    assert "Olga" not in ada_home and "Novak" not in ada_home


def test_the_app_home_shows_the_same_digest_as_the_dm(app, slack, sessions, worker):
    run_digest_job(app.runtime, school_id(sessions, "s-maple"))
    worker.drain(timeout=10)
    [digest] = digests(slack, "ULEAD")

    view = home(app.driver, slack, "ULEAD")

    blocks = view["blocks"]
    start = next(i for i, b in enumerate(blocks) if b == digest["blocks"][0])
    assert blocks[start : start + len(digest["blocks"])] == digest["blocks"]


def test_the_cli_function_renders_without_queuing_on_a_dry_run(app, sessions, slack, worker):
    with transaction(sessions) as session:
        dry = queue_leader_digests(session, week_start=WEEK, school_id=None, dry_run=True)
    worker.drain(timeout=5)

    assert sorted(d.leader_name for d in dry) == ["Ada Okafor", "Mia Chen", "Otto Reyes"]
    assert not any(d.queued for d in dry)
    ada = next(d for d in dry if d.leader_name == "Ada Okafor")
    assert "Olga" not in ada.text
    assert digests(slack, "ULEAD") == []
    with transaction(sessions) as session:
        sent = queue_leader_digests(session, week_start=WEEK, school_id=school_id(sessions, "s-oak"), dry_run=False)
        again = queue_leader_digests(session, week_start=WEEK, school_id=None, dry_run=False)
    assert [d.leader_name for d in sent if d.queued] == ["Otto Reyes"]
    assert sorted(d.leader_name for d in again if d.queued) == ["Ada Okafor", "Mia Chen"]
