"""Follow-ups: a check-back date becomes a DM on that morning at the school's reminder time (frozen clock),
the teacher is reminded too if they asked, "Done" updates the messages in place, and the jobs run once."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot import ids
from bot.coaching_jobs import (
    FOLLOW_UP_JOB,
    WEEKLY_JOB,
    catch_up_coaching,
    job_id,
    run_follow_up_job,
)
from bot.jobs import build_scheduler
from tests.coaching.support import click_in_home, home, home_elements, log_coaching
from tests.walkthroughs.support import click, dm_messages, message_text, wait_for
from workflows.coaching.models import ActionStep
from workflows.roster.models import School
from workflows.rotation.calendars import NoCalendars

CHICAGO = ZoneInfo("America/Chicago")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=CHICAGO)


def maple(sessions) -> int:
    with sessions() as session:
        return session.exec(select(School.id).where(School.sourced_id == "s-maple")).one()


def test_a_check_back_date_becomes_a_dm_to_the_coach_that_morning_once(app, slack, sessions, worker, clock):
    log_coaching(app.driver, slack, worker, steps=[("Pairs rehearse before every share-out.", "2026-03-10")])
    clock.now = at(9, 7, 15)
    assert run_follow_up_job(app.runtime, maple(sessions)).queued == 0  # the day before: nothing due

    clock.now = at(10, 7, 15)
    first = run_follow_up_job(app.runtime, maple(sessions))
    again = run_follow_up_job(app.runtime, maple(sessions))
    worker.drain(timeout=10)

    assert (first.queued, again.queued, again.already) == (1, 0, 1)
    follow_up = dm_messages(slack, "UCOACH")[-1]
    text = message_text(follow_up)
    assert "Today you planned to check back on 1 step at Maple Elementary" in text
    assert "*Ben Lindqvist* — Pairs rehearse before every share-out." in text
    [done] = [b["accessory"] for b in follow_up["blocks"] if b.get("accessory", {}).get("action_id") == ids.COACHING_STEP_DONE]
    assert done["text"]["text"] == "Done"
    assert "Pairs rehearse" not in follow_up["text"]
    assert len(dm_messages(slack, "UBEN")) == 1  # only the note itself: Ben did not ask for reminders


def test_the_teacher_is_reminded_too_once_they_turn_it_on(app, slack, sessions, worker, clock):
    log_coaching(app.driver, slack, worker, steps=[("Pairs rehearse before every share-out.", "2026-03-10")])
    view = home(app.driver, slack, "UBEN")
    [toggle] = home_elements(view, ids.COACHING_REMINDERS_TOGGLE)
    assert toggle["text"]["text"] == "Remind me on check-back days"
    click_in_home(app.driver, "UBEN", view, toggle)
    wait_for(lambda: "Check-back reminders: on" in message_text(slack.published_home("UBEN") or {}))

    clock.now = at(10, 7, 15)
    assert run_follow_up_job(app.runtime, maple(sessions)).queued == 2
    worker.drain(timeout=10)

    reminder = dm_messages(slack, "UBEN")[-1]
    assert "Today you and your coach planned to check back on" in message_text(reminder)
    assert "*Cleo Ramos* — Pairs rehearse before every share-out." in message_text(reminder)


def test_done_marks_the_step_and_updates_the_follow_up_and_the_note_in_place(app, slack, sessions, worker, clock):
    log_coaching(
        app.driver, slack, worker,
        steps=[("Pairs rehearse before every share-out.", "2026-03-05"), ("Name a reporter per pair.", "2026-03-10")],
    )  # fmt: skip
    clock.now = at(10, 7, 15)
    run_follow_up_job(app.runtime, maple(sessions))
    worker.drain(timeout=10)
    follow_up = dm_messages(slack, "UCOACH")[-1]
    text = message_text(follow_up)
    assert "Still open from earlier check-backs" in text and "(check-back Thu 5 Mar)" in text

    def press(user: str, message: dict, step_text: str):  # type: ignore[no-untyped-def]
        block = next(b for b in message["blocks"] if step_text in b.get("text", {}).get("text", ""))
        fake = {**message, "blocks": [{"type": "actions", "elements": [block["accessory"]]}]}
        return click(app.driver, user, fake, ids.COACHING_STEP_DONE)

    for user in ("UCOACH2", "ULEAD", "UBEA"):  # a forged click names a step that isn't theirs
        press(user, dict(follow_up, channel=slack.dm_channel_for("UCOACH")), "Name a reporter")
    wait_for(lambda: len(slack.responses()) == 3)
    assert {r["text"] for r in slack.responses()} == {"That coaching note isn't yours to open."}
    for _ in range(2):
        press("UCOACH", follow_up, "Name a reporter")
    worker.drain(timeout=10)

    updated = dm_messages(slack, "UCOACH")[-1]
    assert updated["ts"] == follow_up["ts"]
    assert "✓ *Ben Lindqvist* — Name a reporter per pair." in message_text(updated)
    [note] = dm_messages(slack, "UBEN")
    assert "✓ Name a reporter per pair." in message_text(note)
    with sessions() as session:
        done = session.exec(select(ActionStep.text).where(ActionStep.done_at.is_not(None))).all()
    assert done == ["Name a reporter per pair."]
    view = home(app.driver, slack, "UCOACH")
    assert "steps: 1 done, 1 open" in message_text(view)


def test_the_scheduler_has_each_schools_coaching_jobs_and_catch_up_runs_them_once(app, slack, sessions, worker, clock):
    log_coaching(app.driver, slack, worker, steps=[("Pairs rehearse before every share-out.", "2026-03-10")])
    scheduler = build_scheduler(app.runtime, calendars=NoCalendars())
    school = maple(sessions)
    follow_ups = scheduler.get_job(job_id(FOLLOW_UP_JOB, school)).trigger
    weekly = scheduler.get_job(job_id(WEEKLY_JOB, school)).trigger
    assert follow_ups.get_next_fire_time(None, at(9, 8)) == at(10, 7, 15)
    assert weekly.get_next_fire_time(None, at(9, 8)) == at(13, 14, 30)  # Friday, 2:30 pm

    clock.now = at(10, 9, 40)  # the worker was down at 7:15
    first = catch_up_coaching(app.runtime)
    second = catch_up_coaching(app.runtime)
    worker.drain(timeout=10)

    assert first[(FOLLOW_UP_JOB, school)] == "ran" and second[(FOLLOW_UP_JOB, school)] == "already"
    assert first[(WEEKLY_JOB, school)] == "not_due"
    assert sum("check back on" in message_text(m) for m in dm_messages(slack, "UCOACH")) == 1
