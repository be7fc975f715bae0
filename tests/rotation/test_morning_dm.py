"""The morning DM end to end: planned and queued, sent by the delivery worker to the fake Slack (which
checks every block), and changed by a leader's signed clicks on Skip, Swap and Log visit."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from bot import ids
from bot.calendars import ConfiguredCalendars
from bot.deliveries import DeliveryWorker
from bot.demo.district import DemoDistrict
from bot.demo.fake_slack import FakeSlack
from bot.demo.slack_requests import button_action, plain_text_value
from bot.demo.walkthrough_scenes import modal_values
from bot.jobs import remind_all
from bot.settings import Settings
from tests.conftest import RunningRounds
from tests.rotation.support import (
    CEDAR,
    HOLIDAY,
    MONDAY,
    SATURDAY,
    TUESDAY,
    Clock,
    at,
    block_texts,
    buttons,
    dm_messages,
    leaders_at,
    load_demo,
    unreachable_url,
)
from workflows.db import Sessions, transaction
from workflows.deliveries.service import get
from workflows.roster.models import Person
from workflows.rotation.calendars import NoCalendars
from workflows.rotation.days import reminder_key
from workflows.rotation.models import PlannedVisit, VisitStatus
from workflows.rotation.plans import plan_school_day


@pytest.fixture
def clock() -> Clock:
    return Clock(at(MONDAY, 7, 20))


@pytest.fixture
def demo(sessions: Sessions, slack: FakeSlack) -> DemoDistrict:
    return load_demo(sessions, slack)


@pytest.fixture
def app(rounds: RunningRounds, demo: DemoDistrict) -> RunningRounds:
    """The real app behind the real endpoint (`rounds`), on this module's clock, with the demo district."""
    return rounds


@pytest.fixture
def worker(settings: Settings, sessions: Sessions, clock: Clock) -> DeliveryWorker:
    return DeliveryWorker.from_settings(
        sessions,
        settings,
        channel_interval=0,
        senders=3,
        backoff_base=0.05,
        backoff_max=0.2,
    )


def remind(sessions: Sessions, worker: DeliveryWorker, day=MONDAY, calendars=None) -> None:
    remind_all(sessions, calendars=calendars or NoCalendars(), now=at(MONDAY, 7, 15), day=day)
    worker.drain(timeout=30)


def wait_for(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Bolt acknowledges clicks first and works after: wait for the work to show."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the app")


def only_dm(slack: FakeSlack, user_id: str) -> dict[str, Any]:
    messages = dm_messages(slack, user_id)
    assert len(messages) == 1, [m.get("text") for m in messages]
    return messages[0]


def test_every_leader_gets_one_dm_per_school_once(sessions, slack, demo, worker):
    remind(sessions, worker)
    remind(sessions, worker)

    for leader in demo.leaders:
        messages = dm_messages(slack, leader.slack_user_id)
        assert len(messages) == len(leader.schools_for(leader.roles[0][1]))
        for message in messages:
            shown = block_texts(message)
            assert message["blocks"][0]["text"]["text"] == "Your three classrooms today"
            assert "Mon Nov 30" in shown
            assert "teachers seen this cycle (day" in shown
            assert len(buttons(message, ids.ROTATION_SKIP)) == 3
    assert len(slack.calls_to("chat.postMessage")) == 6  # the instructional leader leads both schools


def test_no_dm_on_a_holiday_or_a_weekend(sessions, slack, demo, worker):
    remind(sessions, worker, day=HOLIDAY)
    remind(sessions, worker, day=SATURDAY)

    assert slack.calls_to("chat.postMessage") == []


def test_skip_asks_why_updates_the_dm_and_brings_the_teacher_back_first(app, sessions, slack, demo, worker):
    principal = leaders_at(demo, CEDAR)[0]
    remind(sessions, worker)
    message = only_dm(slack, principal.slack_user_id)
    skip = buttons(message, ids.ROTATION_SKIP)[1]
    channel = slack.dm_channel_for(principal.slack_user_id)

    clicked = app.driver.action(
        principal.slack_user_id,
        [button_action(ids.ROTATION_SKIP, skip["value"])],
        channel_id=channel,
        message=message,
    )
    assert clicked.status_code == 200
    modal = wait_for(
        lambda: [v for v in slack.open_views() if v.get("callback_id") == ids.ROTATION_SKIP_MODAL]
    )[0]
    values = {
        ids.ROTATION_SKIP_REASON_BLOCK: {ids.ROTATION_SKIP_REASON_INPUT: plain_text_value("Fire drill")}
    }
    submitted = app.driver.submit_view(principal.slack_user_id, modal, values)
    assert submitted.status_code == 200 and not submitted.content
    worker.drain(timeout=10)

    updated = only_dm(slack, principal.slack_user_id)
    assert "Skipped: Fire drill" in block_texts(updated)
    assert len(buttons(updated, ids.ROTATION_SKIP)) == 2
    with transaction(sessions) as session:
        visit = session.exec(select(PlannedVisit).where(PlannedVisit.key == skip["value"])).one()
        assert (visit.status, visit.skip_reason) == (VisitStatus.SKIPPED, "Fire drill")
        tuesday = plan_school_day(
            session, school_id=visit.school_id, day=TUESDAY, calendars=NoCalendars(), now=at(TUESDAY, 7)
        )
    mine = next(d for d in tuesday.leaders if d.leader_id == visit.leader_id)
    assert any(
        v.teacher_id == visit.teacher_id and v.reason.startswith("skipped on Nov 30") for v in mine.visits
    )


def test_a_skip_without_a_reason_is_refused_in_the_modal(app, sessions, slack, demo, worker):
    principal = leaders_at(demo, CEDAR)[0]
    remind(sessions, worker)
    message = only_dm(slack, principal.slack_user_id)
    skip = buttons(message, ids.ROTATION_SKIP)[0]
    app.driver.action(
        principal.slack_user_id, [button_action(ids.ROTATION_SKIP, skip["value"])],
        channel_id=slack.dm_channel_for(principal.slack_user_id), message=message,
    )  # fmt: skip
    modal = wait_for(
        lambda: [v for v in slack.open_views() if v.get("callback_id") == ids.ROTATION_SKIP_MODAL]
    )[0]

    answer = app.driver.submit_view(
        principal.slack_user_id,
        modal,
        {ids.ROTATION_SKIP_REASON_BLOCK: {ids.ROTATION_SKIP_REASON_INPUT: plain_text_value(" ")}},
    )

    assert answer.json()["response_action"] == "errors"
    assert ids.ROTATION_SKIP_REASON_BLOCK in answer.json()["errors"]
    with transaction(sessions) as session:
        assert (
            session.exec(select(PlannedVisit).where(PlannedVisit.key == skip["value"])).one().status
            == "planned"
        )


def test_swap_replaces_the_visit_in_place_with_another_teacher(app, sessions, slack, demo, worker):
    principal = leaders_at(demo, CEDAR)[0]
    remind(sessions, worker)
    message = only_dm(slack, principal.slack_user_id)
    swap = buttons(message, ids.ROTATION_SWAP)[2]
    with transaction(sessions) as session:
        dropped = session.exec(select(PlannedVisit).where(PlannedVisit.key == swap["value"])).one()
        before = [
            v.teacher_id
            for v in session.exec(
                select(PlannedVisit).where(PlannedVisit.leader_id == dropped.leader_id)
            ).all()
        ]

    app.driver.action(
        principal.slack_user_id, [button_action(ids.ROTATION_SWAP, swap["value"])],
        channel_id=slack.dm_channel_for(principal.slack_user_id), message=message,
    )  # fmt: skip
    key = reminder_key(dropped.leader_id, MONDAY, dropped.school_id)
    wait_for(lambda: _delivery(sessions, f"{key}:r1"))
    worker.drain(timeout=10)

    updated = only_dm(slack, principal.slack_user_id)
    assert updated["ts"] == message["ts"]
    assert swap["value"] not in {b["value"] for b in buttons(updated, ids.ROTATION_SWAP)}
    assert len(buttons(updated, ids.ROTATION_SWAP)) == 3
    with transaction(sessions) as session:
        day = session.exec(
            select(PlannedVisit).where(
                PlannedVisit.school_id == dropped.school_id, PlannedVisit.day == MONDAY
            )
        ).all()
    current = [v for v in day if v.status == VisitStatus.PLANNED]
    new = [v for v in current if v.leader_id == dropped.leader_id and v.teacher_id not in before]
    assert len(new) == 1
    assert len({(v.period, v.room) for v in current}) == len(current)  # no two leaders in one room
    assert new[0].class_title in block_texts(updated)


def test_log_visit_opens_the_walkthrough_modal_for_that_teacher(app, sessions, slack, demo, worker):
    principal = leaders_at(demo, CEDAR)[0]
    remind(sessions, worker)
    message = only_dm(slack, principal.slack_user_id)
    log = buttons(message, ids.ROTATION_LOG_VISIT)[0]
    with transaction(sessions) as session:
        visit = session.exec(select(PlannedVisit).where(PlannedVisit.key == log["value"])).one()
        teacher = session.get(Person, visit.teacher_id)
        assert teacher is not None

    app.driver.action(
        principal.slack_user_id, [button_action(ids.ROTATION_LOG_VISIT, log["value"])],
        channel_id=slack.dm_channel_for(principal.slack_user_id), message=message,
    )  # fmt: skip

    modal = wait_for(
        lambda: [v for v in slack.open_views() if v.get("callback_id") == ids.WALKTHROUGH_MODAL]
    )[0]
    assert log["value"] in modal["private_metadata"]
    assert teacher.name in str(modal["blocks"])


def test_a_visit_logged_from_the_dm_shows_as_logged_in_that_dm(app, sessions, slack, demo, worker, clock):
    principal = leaders_at(demo, CEDAR)[0]
    remind(sessions, worker)
    message = only_dm(slack, principal.slack_user_id)
    log = buttons(message, ids.ROTATION_LOG_VISIT)[0]
    clock.now = at(MONDAY, 10)
    app.driver.action(
        principal.slack_user_id, [button_action(ids.ROTATION_LOG_VISIT, log["value"])],
        channel_id=slack.dm_channel_for(principal.slack_user_id), message=message,
    )  # fmt: skip
    modal = wait_for(
        lambda: [v for v in slack.open_views() if v.get("callback_id") == ids.WALKTHROUGH_MODAL]
    )[0]
    values = modal_values(
        modal, evidence="Partners compared strategies.", strength="Clear routines.",
        next_step="What if pairs explained first?", role="reflective", observed_level=None,
    )  # fmt: skip

    submitted = app.driver.submit_view(principal.slack_user_id, modal, values)
    worker.drain(timeout=30)

    assert submitted.status_code == 200, submitted.text
    assert not submitted.content, submitted.text  # no field errors: the modal closes
    updated = slack.message(message["channel"], message["ts"])  # the same message, edited in place
    assert updated is not None
    assert block_texts(updated).count("Logged.") == 1
    assert any("Logged your walkthrough" in m["text"] for m in dm_messages(slack, principal.slack_user_id))


def test_rounds_today_and_coverage_answer_leaders_and_politely_refuse_teachers(
    app, sessions, slack, demo, worker, clock
):
    principal = leaders_at(demo, CEDAR)[0]
    teacher = demo.teachers[0]
    clock.now = at(MONDAY, 9)
    before = app.driver.command(principal.slack_user_id, ids.ROUNDS_COMMAND, "today").json()
    remind(sessions, worker)

    today = app.driver.command(principal.slack_user_id, ids.ROUNDS_COMMAND, "today").json()
    coverage = app.driver.command(principal.slack_user_id, ids.ROUNDS_COMMAND, "coverage").json()
    refused = app.driver.command(teacher.slack_user_id, ids.ROUNDS_COMMAND, "today").json()
    help_text = app.driver.command(principal.slack_user_id, ids.ROUNDS_COMMAND, "help").json()["text"]

    assert "isn't planned yet" in before["text"] + str(before["blocks"])
    assert today["response_type"] == "ephemeral"
    assert "Your three classrooms today — Mon Nov 30" in today["text"]
    assert "0 of 22 teachers seen since" in str(coverage["blocks"]) and "never seen" in str(
        coverage["blocks"]
    )
    assert "for school leaders" in refused["text"]
    assert "/rounds today" in help_text and "/rounds coverage" in help_text


def test_the_leaders_home_shows_today_and_coverage(app, sessions, slack, demo, worker):
    principal = leaders_at(demo, CEDAR)[0]
    remind(sessions, worker)

    app.driver.open_home(principal.slack_user_id)

    home = wait_for(lambda: slack.published_home(principal.slack_user_id))
    shown = str(home["blocks"])
    assert "'Today'" in shown and "'Coverage'" in shown
    assert "Your three classrooms today" in shown
    assert shown.count(ids.ROTATION_SWAP) == 3


def test_a_calendar_that_cannot_be_read_still_gives_a_plan_and_the_dm_says_so(sessions, slack, demo, worker):
    principal, assistant = leaders_at(demo, CEDAR)[:2]
    with transaction(sessions) as session:
        person = session.exec(select(Person).where(Person.sourced_id == principal.sourced_id)).one()
        person.calendar_url = unreachable_url()
        session.add(person)

    remind(sessions, worker, calendars=ConfiguredCalendars(ical_timeout=2))

    broken = only_dm(slack, principal.slack_user_id)
    assert len(buttons(broken, ids.ROTATION_LOG_VISIT)) == 3
    assert "Your calendar could not be checked" in block_texts(broken)
    assert "could not be checked" not in block_texts(only_dm(slack, assistant.slack_user_id))


@pytest.mark.slow
def test_every_leader_gets_exactly_one_dm_through_rate_limits_and_server_errors(
    sessions, slack, demo, worker
):
    slack.fail_randomly(rate=0.2, kinds=("429", "500", "503"), seed=11)

    remind(sessions, worker)

    slack.clear_failures()
    for leader in demo.leaders:
        assert len(dm_messages(slack, leader.slack_user_id)) == len(leader.schools_for(leader.roles[0][1]))
    with transaction(sessions) as session:
        assert all(get(session, key=k).status == "sent" for k in _reminder_keys(session))
    failed = [c for c in slack.calls_to("chat.postMessage") if not c.ok]
    assert failed, "the failures were injected"


def _reminder_keys(session) -> list[str]:
    rows = session.exec(select(PlannedVisit.leader_id, PlannedVisit.school_id).distinct()).all()
    return [reminder_key(leader, MONDAY, school) for leader, school in rows]


def _delivery(sessions: Sessions, key: str) -> bool:
    with transaction(sessions) as session:
        return get(session, key=key) is not None
