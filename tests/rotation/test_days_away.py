"""Days without walkthroughs, marked from the App Home with signed clicks and submissions.

A leader marks days away: no visits are planned for them and no morning DM comes (the other leaders' plans
go on). A school admin marks days without walkthroughs (a testing week): nothing is planned at the school
and no leader there is reminded; those days do not count towards a cycle.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot import ids
from bot.cli import cli
from bot.deliveries import DeliveryWorker
from bot.demo.district import DemoDistrict
from bot.demo.slack_requests import button_action, datepicker_value, plain_text_value, select_value
from bot.jobs import remind_all
from tests.rotation.support import CEDAR, MONDAY, TUESDAY, Clock, at, dm_messages, leaders_at, load_demo
from workflows.db import transaction
from workflows.roster.models import Person, School
from workflows.rotation.calendars import NoCalendars
from workflows.rotation.models import PlannedVisit

SUNDAY_EVENING = at(date(2026, 11, 29), 19)


@pytest.fixture
def clock() -> Clock:
    return Clock(SUNDAY_EVENING)


@pytest.fixture
def demo(sessions, slack) -> DemoDistrict:
    return load_demo(sessions, slack)


@pytest.fixture
def worker(settings, sessions) -> DeliveryWorker:
    return DeliveryWorker.from_settings(sessions, settings, channel_interval=0, senders=3)


def wait_for(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Bolt acknowledges first and works after: wait for the work to show."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError("timed out waiting for the app")


def _remind(sessions, worker, day: date) -> None:
    remind_all(sessions, calendars=NoCalendars(), now=at(day, 7, 15), day=day)
    worker.drain(timeout=30)


def _home(rounds, slack, user: str) -> dict:
    before = len(slack.calls_to("views.publish"))
    rounds.driver.open_home(user)
    wait_for(lambda: len(slack.calls_to("views.publish")) > before)
    return slack.published_home(user)


def _click_on_home(rounds, slack, user: str, action_id: str) -> dict:
    """Click a Home button; returns the modal it opened."""
    home = _home(rounds, slack, user)
    element = next(
        e
        for b in home["blocks"]
        for e in ([b.get("accessory")] if b.get("accessory") else []) + b.get("elements", [])
        if isinstance(e, dict) and e.get("action_id") == action_id
    )
    before = len(slack.calls_to("views.open"))
    rounds.driver.action(user, [button_action(action_id, element.get("value"))], view=home)
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    return slack.open_views()[-1]


def _dates(first: date, last: date | None, note: str | None) -> dict[str, dict[str, Any]]:
    return {
        ids.DAYS_AWAY_FIRST_BLOCK: {ids.DAYS_AWAY_FIRST_INPUT: datepicker_value(first.isoformat())},
        ids.DAYS_AWAY_LAST_BLOCK: {
            ids.DAYS_AWAY_LAST_INPUT: datepicker_value(last.isoformat() if last else None)
        },
        ids.DAYS_AWAY_NOTE_BLOCK: {ids.DAYS_AWAY_NOTE_INPUT: plain_text_value(note)},
    }


def _mark_away(rounds, slack, user: str, first: date, last: date | None = None, note: str | None = None):
    modal = _click_on_home(rounds, slack, user, ids.DAYS_AWAY_OPEN)
    assert modal["callback_id"] == ids.DAYS_AWAY_MODAL
    return rounds.driver.submit_view(user, modal, _dates(first, last, note))


def _visits(sessions, leader_user: str, day: date, school: str = CEDAR) -> int:
    """The leader's planned visits that day at the school."""
    with sessions() as session:
        person = session.exec(select(Person).where(Person.slack_user_id == leader_user)).one()
        school_id = session.exec(select(School.id).where(School.sourced_id == school)).one()
        return len(
            session.exec(
                select(PlannedVisit).where(
                    PlannedVisit.leader_id == person.id,
                    PlannedVisit.day == day,
                    PlannedVisit.school_id == school_id,
                )
            ).all()
        )


def test_a_leaders_days_away_plan_no_visits_and_send_no_morning_dm(
    rounds, demo, sessions, slack, worker, clock
):
    principal, assistant = (p.slack_user_id for p in leaders_at(demo, CEDAR)[:2])

    response = _mark_away(rounds, slack, principal, MONDAY, TUESDAY, "district conference")
    assert response.status_code == 200 and response.text in ("", "null"), response.text
    home = wait_for(
        lambda: (
            "district conference" in str(slack.published_home(principal)) and slack.published_home(principal)
        )
    )
    assert "Mon Nov 30 – Tue Dec 1 — district conference" in str(home["blocks"])

    _remind(sessions, worker, MONDAY)

    assert dm_messages(slack, principal) == []
    assert _visits(sessions, principal, MONDAY) == 0
    assert len(dm_messages(slack, assistant)) == 1 and _visits(sessions, assistant, MONDAY) == 3
    clock.now = at(MONDAY, 9)
    today = rounds.driver.command(principal, ids.ROUNDS_COMMAND, "today").json()
    assert "You marked this day as away (district conference): no visits planned for you." in str(today)


def test_cancelled_days_away_are_planned_again(rounds, demo, sessions, slack, worker):
    principal = leaders_at(demo, CEDAR)[0].slack_user_id
    _mark_away(rounds, slack, principal, MONDAY)
    wait_for(lambda: ids.DAYS_AWAY_CANCEL in str(slack.published_home(principal)))

    home = slack.published_home(principal)
    cancel = next(
        b["accessory"]
        for b in home["blocks"]
        if (b.get("accessory") or {}).get("action_id") == ids.DAYS_AWAY_CANCEL
    )
    rounds.driver.action(principal, [button_action(ids.DAYS_AWAY_CANCEL, cancel["value"])], view=home)
    wait_for(lambda: ids.DAYS_AWAY_CANCEL not in str(slack.published_home(principal)))

    _remind(sessions, worker, MONDAY)
    assert len(dm_messages(slack, principal)) == 1
    assert _visits(sessions, principal, MONDAY) == 3


@pytest.mark.parametrize(
    ("first", "last", "block", "message"),
    [
        (date(2026, 11, 27), None, ids.DAYS_AWAY_FIRST_BLOCK, "Pick today or a later day"),
        (TUESDAY, MONDAY, ids.DAYS_AWAY_LAST_BLOCK, "The last day can't be before the first."),
        (MONDAY, date(2027, 6, 30), ids.DAYS_AWAY_LAST_BLOCK, "Mark at most three months at a time."),
    ],
)
def test_bad_dates_are_field_errors_and_nothing_is_stored(
    rounds, demo, sessions, slack, worker, first, last, block, message
):
    principal = leaders_at(demo, CEDAR)[0].slack_user_id

    response = _mark_away(rounds, slack, principal, first, last)

    assert response.json()["response_action"] == "errors"
    assert message in response.json()["errors"][block]
    _remind(sessions, worker, MONDAY)
    assert _visits(sessions, principal, MONDAY) == 3


def test_a_teacher_is_not_offered_days_away_and_a_forged_click_is_refused(rounds, demo, sessions, slack):
    teacher = demo.teachers[0].slack_user_id
    assert ids.DAYS_AWAY_OPEN not in str(_home(rounds, slack, teacher)["blocks"])

    before = len(slack.calls_to("views.open"))
    rounds.driver.action(
        teacher, [button_action(ids.SCHOOL_DAYS_OFF_OPEN, "school")], view=slack.published_home(teacher)
    )
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    refusal = slack.open_views()[-1]
    assert "Only a school's Rounds admin" in str(refusal["blocks"])


def test_a_school_admins_testing_day_plans_nothing_and_leaves_the_cycle(
    rounds, demo, sessions, slack, worker, database_url
):
    admin = demo.admins[0].slack_user_id
    cedar_leaders = [p.slack_user_id for p in leaders_at(demo, CEDAR)]
    with sessions() as session:
        cedar = session.exec(select(School).where(School.sourced_id == CEDAR)).one()
    modal = _click_on_home(rounds, slack, admin, ids.SCHOOL_DAYS_OFF_OPEN)
    assert modal["callback_id"] == ids.SCHOOL_DAYS_OFF_MODAL
    values = _dates(TUESDAY, None, "state testing") | {
        ids.DAYS_AWAY_SCHOOL_BLOCK: {ids.DAYS_AWAY_SCHOOL_SELECT: select_value(str(cedar.id), cedar.name)}
    }
    response = rounds.driver.submit_view(admin, modal, values)
    assert response.status_code == 200 and response.text in ("", "null"), response.text
    wait_for(lambda: "state testing" in str(slack.published_home(admin)))

    _remind(sessions, worker, MONDAY)
    _remind(sessions, worker, TUESDAY)

    for leader in cedar_leaders:
        at_cedar = [m["text"] for m in dm_messages(slack, leader) if "Cedar Hollow" in m["text"]]
        assert len(at_cedar) == 1 and "Mon Nov 30" in at_cedar[0]  # Monday's only
        assert _visits(sessions, leader, TUESDAY) == 0
    result = CliRunner().invoke(
        cli,
        ["plan", "--date", TUESDAY.isoformat(), "--school", CEDAR, "--explain"],
        env={"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": ""},
    )
    assert "No walkthroughs at Cedar Hollow Elementary (demo) on Tue Dec 1 (state testing)." in " ".join(
        result.output.split()
    )
    monday = CliRunner().invoke(
        cli,
        ["plan", "--date", MONDAY.isoformat(), "--school", CEDAR, "--explain"],
        env={"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": ""},
    )
    assert "This cycle: Mon 2026-11-30 to Mon 2026-12-14" in monday.output


def test_a_leader_who_is_not_an_admin_cannot_mark_a_schools_days(rounds, demo, sessions, slack):
    principal = leaders_at(demo, CEDAR)[0].slack_user_id
    with transaction(sessions) as session:
        cedar = session.exec(select(School).where(School.sourced_id == CEDAR)).one()
    view = {"id": "VFORGED", "callback_id": ids.SCHOOL_DAYS_OFF_MODAL}
    values = _dates(TUESDAY, None, None) | {
        ids.DAYS_AWAY_SCHOOL_BLOCK: {ids.DAYS_AWAY_SCHOOL_SELECT: select_value(str(cedar.id), cedar.name)}
    }

    response = rounds.driver.submit_view(principal, view, values)

    assert response.json()["errors"][ids.DAYS_AWAY_SCHOOL_BLOCK].startswith("Only a school's Rounds admin")
