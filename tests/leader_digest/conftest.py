"""The walkthrough tests' district with a hand-built history at Maple and Oak, the real app on a clock the
test sets (Monday 9 March 2026, 7:00 in Chicago: the first school day after the week of 2 March), and a
delivery worker."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.deliveries import DeliveryWorker
from bot.demo.fake_slack import FakeSlack
from bot.settings import Settings
from tests.conftest import RunningRounds
from tests.leader_digest.support import school, school_days, visit
from tests.walkthroughs.support import Clock, load_district
from workflows.db import Sessions, transaction
from workflows.walkthroughs.models import ConversationRole

MONDAY_MORNING = datetime(2026, 3, 9, 7, 0, tzinfo=ZoneInfo("America/Chicago"))
FIRST_DAY = date(2026, 2, 2)
WEEK = date(2026, 3, 2)


@pytest.fixture
def clock() -> Clock:
    return Clock(MONDAY_MORNING)


def five_weeks(sessions: Sessions) -> None:
    """Ada sees Ben and Bea on each of 25 school days from 2 Feb, periods 1 and 2 in turn; the ratings of
    discussion rise in the last weeks. Otto sees Olga at Oak every day."""
    with transaction(sessions) as session:
        for ref in ("s-maple", "s-oak"):
            found = school(session, ref)
            found.first_day = FIRST_DAY
            session.add(found)
        for n, day in enumerate(school_days(FIRST_DAY, 25)):
            late = n >= 15
            for teacher, klass in (("p-ben", "c-math"), ("p-bea", "c-read")):
                visit(
                    session, school_ref="s-maple", leader="p-ada", teacher=teacher, day=day,
                    period=str(1 + (n % 2)) if teacher == "p-ben" else "1", class_ref=klass,
                    minutes_in=5 + 15 * (n % 3),
                    ratings={"explain-reasoning": 3 if late else 2, "on-task": 3, "check-every-student": 2},
                    conversation=(ConversationRole.REFLECTIVE if n % 3 else ConversationRole.DIRECTIVE, 0),
                )  # fmt: skip
            visit(session, school_ref="s-oak", leader="p-otto", teacher="p-olga", day=day, class_ref="c-oak",
                  ratings={"on-task": 4})  # fmt: skip


@pytest.fixture
def district(sessions: Sessions, slack: FakeSlack) -> None:
    load_district(sessions, slack)
    five_weeks(sessions)


@pytest.fixture
def app(rounds: RunningRounds, district: None) -> RunningRounds:
    return rounds


@pytest.fixture
def worker(settings: Settings, sessions: Sessions, clock: Clock) -> DeliveryWorker:
    return DeliveryWorker.from_settings(sessions, settings, clock=clock, channel_interval=0, senders=2)
