"""What coaching costs the database, per request through the real endpoint: `/coach`, the log's
submission, the teacher type-ahead, and the coach's and the teacher's App Home. Counts, so deterministic;
for a process already holding the reference data (see tests/walkthroughs/test_statement_budgets.py)."""

from __future__ import annotations

import pytest

from bot import ids
from bot.demo.coaching_scene import log_values
from tests.coaching.support import home, open_log
from tests.statements import counted
from tests.walkthroughs.support import TUESDAY_PERIOD_1, dm_messages
from workflows.db import Sessions, transaction
from workflows.frameworks.service import ensure_default_framework

COMMAND_BUDGET = 3
SUBMISSION_BUDGET = 8
TYPE_AHEAD_BUDGET = 2
COACH_HOME_BUDGET = 11  # 10 for coaching, and the community section looks up its channel (none set here)
TEACHER_HOME_BUDGET = 15


@pytest.fixture
def warm(app, slack, sessions: Sessions):
    with transaction(sessions) as session:
        ensure_default_framework(session, now=TUESDAY_PERIOD_1)
    open_log(app.driver, slack, "UCOACH", "ben")
    return app


def test_the_coach_command_costs_at_most_three_statements(warm, slack, engine):
    with counted(engine) as command:
        view = open_log(warm.driver, slack, "UCOACH", "ben")

    assert command.count <= COMMAND_BUDGET, command
    assert (command.transactions, command.connections) == (1, 1)
    assert command.of_kind("SELECT") == command.sent
    assert "Ben Lindqvist" in str(view["blocks"])


def test_saving_coaching_costs_at_most_eight_statements(warm, slack, engine, worker):
    view = open_log(warm.driver, slack, "UCOACH", "ben")

    with counted(engine) as submission:
        response = warm.driver.submit_view("UCOACH", view, log_values(view))

    assert response.status_code == 200 and response.text in ("", "null"), response.text
    assert submission.count <= SUBMISSION_BUDGET, submission
    assert (submission.transactions, submission.connections) == (1, 1)
    assert len(submission.of_kind("INSERT INTO delivery")) == 1  # the teacher's DM and the receipt at once
    worker.drain(timeout=10)
    assert "Sentence stems on every desk" in str(dm_messages(slack, "UBEN")[-1])


def test_the_coaching_type_ahead_costs_two_statements(warm, engine):
    with counted(engine) as options:
        response = warm.driver.options(
            "UCOACH", ids.COACHING_TEACHER_SELECT, block_id=ids.COACHING_TEACHER_BLOCK, value="lind"
        )

    assert len(response.json()["options"]) == 2
    assert options.count <= TYPE_AHEAD_BUDGET, options


def test_the_coach_and_the_teacher_homes_hold_their_budgets(warm, slack, engine, worker):
    view = open_log(warm.driver, slack, "UCOACH", "ben")
    warm.driver.submit_view("UCOACH", view, log_values(view))
    worker.drain(timeout=10)

    with counted(engine) as coach:
        shown = home(warm.driver, slack, "UCOACH")
    with counted(engine) as teacher:
        own = home(warm.driver, slack, "UBEN")

    assert "Ben Lindqvist" in str(shown["blocks"])
    assert "Sentence stems on every desk" in str(own["blocks"])
    assert coach.count <= COACH_HOME_BUDGET, coach
    assert teacher.count <= TEACHER_HOME_BUDGET, teacher
