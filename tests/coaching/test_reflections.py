"""Coaches' weekly written reflections: the end-of-week prompt (frozen clock), its modal, privacy to the
author, sharing with the principal, and the weeks written and missed on the Home tab."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot import ids
from bot.coaching_jobs import run_weekly_job
from bot.demo.slack_requests import plain_text_value
from tests.coaching.support import home, log_coaching
from tests.walkthroughs.support import buttons, click, dm_messages, message_text, wait_for
from workflows.coaching.models import CoachReflection
from workflows.roster.models import School

FRIDAY_AFTERNOON = datetime(2026, 3, 6, 14, 30, tzinfo=ZoneInfo("America/Chicago"))
WENT_WELL = "Ben's pairs rehearsed without me prompting them."


def school_id(sessions, ref: str) -> int:
    with sessions() as session:
        return session.exec(select(School.id).where(School.sourced_id == ref)).one()


def _values(went_well: str = WENT_WELL, support: str = "Time with Ada to plan Thursday's PD.") -> dict:
    return {
        ids.WEEKLY_WENT_WELL_BLOCK: {ids.WEEKLY_WENT_WELL_INPUT: plain_text_value(went_well)},
        ids.WEEKLY_LEARNED_BLOCK: {ids.WEEKLY_LEARNED_INPUT: plain_text_value("Stems beat cold-calling.")},
        ids.WEEKLY_TRY_NEXT_BLOCK: {ids.WEEKLY_TRY_NEXT_INPUT: plain_text_value("")},
        ids.WEEKLY_SUPPORT_BLOCK: {ids.WEEKLY_SUPPORT_INPUT: plain_text_value(support)},
    }


def _write(app, slack, worker, *, user: str = "UCOACH") -> dict:
    prompt = dm_messages(slack, user)[-1]
    before = len(slack.calls_to("views.open"))
    click(app.driver, user, prompt, ids.WEEKLY_REFLECTION_OPEN)
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    modal = slack.open_views()[-1]
    for _ in range(2):
        response = app.driver.submit_view(user, modal, _values())
        assert response.status_code == 200 and response.text in ("", "null"), response.text
    worker.drain(timeout=10)
    return modal


def test_the_end_of_the_week_asks_each_coach_once_for_their_reflection(app, slack, sessions, worker, clock):
    clock.now = FRIDAY_AFTERNOON
    first = run_weekly_job(app.runtime, school_id(sessions, "s-maple"))
    again = run_weekly_job(app.runtime, school_id(sessions, "s-maple"))
    worker.drain(timeout=10)

    # Cleo's and Cy's prompts at Maple, and Maple's leaders' coaching summary; Oscar's school runs on its own
    assert (first.queued, again.queued) == (3, 0)
    [prompt] = dm_messages(slack, "UCOACH")
    assert "weekly reflection on the week of Mon 2 Mar" in message_text(prompt)
    assert "Private to you" in message_text(prompt)
    assert len(dm_messages(slack, "UCOACH2")) == 1 and dm_messages(slack, "UCOACH3") == []


def test_a_reflection_is_saved_once_and_stays_private_to_its_author(app, slack, sessions, worker, clock):
    log_coaching(app.driver, slack, worker)
    clock.now = FRIDAY_AFTERNOON
    run_weekly_job(app.runtime, school_id(sessions, "s-maple"))
    worker.drain(timeout=10)

    modal = _write(app, slack, worker)

    assert "What went well" in message_text(modal) and "What support I need" in message_text(modal)
    with sessions() as session:
        assert len(session.exec(select(CoachReflection)).all()) == 1
    receipt = dm_messages(slack, "UCOACH")[-1]
    assert "Saved your reflection on the week of Mon 2 Mar" in message_text(receipt)
    assert buttons(receipt) == [ids.WEEKLY_SHARE_WITH_PRINCIPAL, ids.COMMUNITY_SHARE_REFLECTION]
    assert "this week: written ✓" in message_text(home(app.driver, slack, "UCOACH"))
    for user in ("ULEAD", "UADMIN", "UCOACH2", "UBEN", "UOTTO"):
        assert WENT_WELL not in message_text(home(app.driver, slack, user))
        assert all(WENT_WELL not in message_text(m) for m in dm_messages(slack, user))


def test_the_coach_can_share_a_reflection_with_their_principal_and_no_one_else_can(app, slack, sessions, worker, clock):
    clock.now = FRIDAY_AFTERNOON
    run_weekly_job(app.runtime, school_id(sessions, "s-maple"))
    worker.drain(timeout=10)
    _write(app, slack, worker)
    receipt = dm_messages(slack, "UCOACH")[-1]

    for user in ("UCOACH2", "ULEAD"):
        click(app.driver, user, dict(receipt, channel=slack.dm_channel_for("UCOACH")), ids.WEEKLY_SHARE_WITH_PRINCIPAL)
    wait_for(lambda: len(slack.responses()) == 2)
    assert {r["text"] for r in slack.responses()} == {"Only the coach who wrote this reflection can share it."}
    def reflections_to_the_principal() -> list[dict]:  # the week's coaching summary (counts) also reaches them
        return [m for m in dm_messages(slack, "ULEAD") if "weekly reflection" in message_text(m)]

    assert reflections_to_the_principal() == []
    for _ in range(2):
        click(app.driver, "UCOACH", receipt, ids.WEEKLY_SHARE_WITH_PRINCIPAL)
    worker.drain(timeout=10)

    [copy] = reflections_to_the_principal()
    assert "Cleo Ramos chose to share their weekly reflection" in message_text(copy)
    assert WENT_WELL in message_text(copy) and "Time with Ada to plan" in message_text(copy)
    assert dm_messages(slack, "UOTTO") == [] and dm_messages(slack, "UADMIN") == []
    updated = dm_messages(slack, "UCOACH")[-1]
    assert updated["ts"] == receipt["ts"] and "✓ Shared with your principal." in message_text(updated)


def test_coach_reflect_opens_the_modal_and_the_home_shows_weeks_written_and_missed(app, slack, sessions, worker, clock):
    log_coaching(app.driver, slack, worker)  # Cleo began coaching here the week of 2 Mar
    clock.now = FRIDAY_AFTERNOON
    app.driver.command("UCOACH", ids.COACH_COMMAND, "reflect")
    wait_for(lambda: len(slack.calls_to("views.open")) == 2)
    modal = slack.open_views()[-1]
    assert modal["callback_id"] == ids.WEEKLY_REFLECTION_MODAL
    app.driver.submit_view("UCOACH", modal, _values())

    clock.advance(timedelta(weeks=2))
    text = message_text(home(app.driver, slack, "UCOACH"))
    assert "1 of the last 2 weeks written" in text and "missed: week of Mon 9 Mar" in text
    assert "this week: not yet" in text
    refused = app.driver.command("UBEN", ids.COACH_COMMAND, "reflect").json()
    assert refused["text"].startswith("`/coach` is for instructional coaches")
    empty = {k: {a: plain_text_value("")} for k, v in _values().items() for a in v}
    again = app.driver.submit_view("UCOACH", {**modal, "private_metadata": '{"key": "k2"}'}, empty).json()
    assert again["errors"] == {ids.WEEKLY_WENT_WELL_BLOCK: "Write at least a line: this is your record of the week."}
