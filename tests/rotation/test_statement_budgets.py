"""What the rotation's answers cost the database, per request through the real endpoint: `/rounds today`
and a leader's App Home on a planned day (counts, so deterministic)."""

from __future__ import annotations

import pytest

from bot import ids
from bot.deliveries import DeliveryWorker
from bot.demo.district import DemoDistrict
from bot.demo.fake_slack import FakeSlack
from bot.jobs import remind_all
from bot.settings import Settings
from tests.conftest import RunningRounds
from tests.rotation.support import CEDAR, MONDAY, Clock, at, leaders_at, load_demo
from tests.statements import counted
from tests.walkthroughs.support import wait_for
from workflows.db import Sessions
from workflows.rotation.calendars import NoCalendars

ROUNDS_TODAY_BUDGET = 13
# 24 for the Home's own sections, and 53 for "Your week": a look for last week's delivered digest, and the
# digest computed as it has not been delivered yet
LEADER_HOME_BUDGET = 77


@pytest.fixture
def clock() -> Clock:
    return Clock(at(MONDAY, 9))


@pytest.fixture
def planned(rounds: RunningRounds, sessions: Sessions, slack: FakeSlack, settings: Settings) -> DemoDistrict:
    """The demo district, its Monday planned and the morning DMs sent."""
    demo = load_demo(sessions, slack)
    remind_all(sessions, calendars=NoCalendars(), now=at(MONDAY, 7, 15), day=MONDAY)
    DeliveryWorker.from_settings(sessions, settings, channel_interval=0, senders=3).drain(timeout=30)
    return demo


def test_rounds_today_costs_at_most_thirteen_statements(rounds, planned, engine):
    principal = leaders_at(planned, CEDAR)[0].slack_user_id
    rounds.driver.command(principal, ids.ROUNDS_COMMAND, "today")  # the reference data read once

    with counted(engine) as today:
        answer = rounds.driver.command(principal, ids.ROUNDS_COMMAND, "today").json()

    assert "Your three classrooms today — Mon Nov 30" in answer["text"]
    assert today.count <= ROUNDS_TODAY_BUDGET, today
    assert today.of_kind("SELECT") == today.sent


def test_a_leaders_home_on_a_planned_day_holds_its_budget(rounds, planned, slack, engine):
    principal = leaders_at(planned, CEDAR)[0].slack_user_id
    rounds.driver.command(principal, ids.ROUNDS_COMMAND, "today")
    before = len(slack.calls_to("views.publish"))

    with counted(engine) as shown:
        rounds.driver.open_home(principal)
        home = wait_for(lambda: len(slack.calls_to("views.publish")) > before and slack.published_home(principal))

    assert "Your three classrooms today" in str(home["blocks"])
    assert shown.count <= LEADER_HOME_BUDGET, shown
