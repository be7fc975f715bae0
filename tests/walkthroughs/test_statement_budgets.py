"""What a walkthrough costs the database: the statements each request sends, through the real endpoint.

Budgets are counts, so they hold the same on every run and every machine. They are for a process that has
served a request since the last framework load or roster import: the first request after one reads the
reference data again (the framework, the school's bells and day types) and pays for it once.
"""

from __future__ import annotations

import pytest

from bot import ids
from tests.statements import Statements, counted
from tests.walkthroughs.support import (
    TUESDAY_PERIOD_1,
    dm_messages,
    filled_values,
    open_modal,
    show_more,
    wait_for,
)
from workflows.db import Sessions, transaction
from workflows.frameworks.service import ensure_default_framework

COMMAND_BUDGET = 4
SUBMISSION_BUDGET = 8
TYPE_AHEAD_BUDGET = 2


@pytest.fixture
def warm(app, slack, sessions: Sessions):
    """The framework loaded, and one modal opened: the app holds the reference data in memory."""
    with transaction(sessions) as session:
        ensure_default_framework(session, now=TUESDAY_PERIOD_1)
    open_modal(app.driver, slack, "ULEAD", "ben")
    return app


def reads_then_writes(statements: Statements) -> bool:
    """Every read comes before the first write: the write transaction holds its lock only for its writes."""
    verbs = [s.split()[0].upper() for s in statements.sent]
    first_write = next((i for i, verb in enumerate(verbs) if verb != "SELECT"), len(verbs))
    return all(verb != "SELECT" for verb in verbs[first_write:])


def test_the_walkthrough_command_costs_at_most_four_statements(warm, slack, engine):
    with counted(engine) as command:
        view = open_modal(warm.driver, slack, "ULEAD", "ben")

    assert command.count <= COMMAND_BUDGET, command
    assert (command.transactions, command.connections) == (1, 1)  # the caller read in the listener's
    assert command.of_kind("SELECT") == command.sent  # opening a modal writes nothing
    assert "Ben Lindqvist" in str(view["blocks"])  # the teacher named, the class meeting now, the form
    assert "Grade 3 Math · period 1" in str(view["blocks"])


def test_saving_a_walkthrough_costs_at_most_eight_statements_reads_first(warm, slack, engine, worker):
    view = show_more(warm.driver, slack, "ULEAD", open_modal(warm.driver, slack, "ULEAD", "ben"))

    with counted(engine) as submission:
        response = warm.driver.submit_view("ULEAD", view, filled_values(view))

    assert response.status_code == 200 and response.text in ("", "null"), response.text
    assert submission.count <= SUBMISSION_BUDGET, submission
    assert (submission.transactions, submission.connections) == (1, 1)
    assert reads_then_writes(submission), submission
    assert len(submission.of_kind("INSERT INTO delivery")) == 1  # both messages, one INSERT … RETURNING
    worker.drain(timeout=10)
    teacher_dm = dm_messages(slack, "UBEN")[-1]
    assert "Students explained how they split 24 counters" in str(teacher_dm)
    thanks = next(
        e for b in teacher_dm["blocks"] if b["type"] == "actions" for e in b["elements"]
        if e["action_id"] == ids.WALKTHROUGH_THANKS
    )  # fmt: skip
    assert int(thanks["value"]) > 0  # the buttons name the walkthrough as stored


def test_a_retried_submission_reads_and_writes_nothing_new(warm, slack, engine, worker):
    view = open_modal(warm.driver, slack, "ULEAD", "ben")
    values = filled_values(view)
    warm.driver.submit_view("ULEAD", view, values)

    with counted(engine) as retry:
        response = warm.driver.submit_view("ULEAD", view, values)

    assert response.status_code == 200
    assert retry.of_kind("INSERT") == []
    assert retry.count <= SUBMISSION_BUDGET, retry


def test_the_teacher_type_ahead_costs_two_statements(warm, engine):
    with counted(engine) as options:
        response = warm.driver.options(
            "ULEAD", ids.WALKTHROUGH_TEACHER_SELECT, block_id=ids.WALKTHROUGH_TEACHER_BLOCK, value="lind"
        )

    assert [o["text"]["text"] for o in response.json()["options"]] == [
        "Bea Lindgren — Maple Elementary",
        "Ben Lindqvist — Maple Elementary",
    ]
    assert options.count <= TYPE_AHEAD_BUDGET, options


def test_the_first_modal_after_a_framework_load_reads_it_once(warm, slack, engine, sessions):
    """A new version costs one read of the framework, then the command is back within its budget."""
    from tests.frameworks.support import starter_changed
    from workflows.frameworks.service import load_framework, parse_framework

    with transaction(sessions) as session:
        spec = parse_framework(starter_changed(), source="v2.yml")
        load_framework(session, spec=spec, district_id=None, source_digest=spec.digest, now=TUESDAY_PERIOD_1)
    with counted(engine) as first:
        reloaded = open_modal(warm.driver, slack, "ULEAD", "ben")
    with counted(engine) as second:
        open_modal(warm.driver, slack, "ULEAD", "ben")

    assert "Writing block" in str(reloaded["blocks"])
    assert first.count > COMMAND_BUDGET
    assert second.count <= COMMAND_BUDGET, second


# 21 for the Home's own sections, and 55 for "Your week": a look for last week's delivered digest, then, as it
# has not been delivered here, the digest computed (once delivered, the Home shows the DM as it went:
# tests/leader_digest/test_data_reviews.py)
LEADER_HOME_BUDGET = 76
TEACHER_HOME_BUDGET = 11


def home_statements(app, slack, engine, user: str) -> Statements:
    before = len(slack.calls_to("views.publish"))
    with counted(engine) as shown:
        app.driver.open_home(user)
        wait_for(lambda: len(slack.calls_to("views.publish")) > before)
    return shown


def log(app, slack, times: int) -> None:
    for _ in range(times):
        view = open_modal(app.driver, slack, "ULEAD", "ben")
        assert app.driver.submit_view("ULEAD", view, filled_values(view)).status_code == 200


def test_the_homes_cost_the_same_with_one_walkthrough_or_five(warm, slack, engine):
    log(warm, slack, 1)
    one = {user: home_statements(warm, slack, engine, user) for user in ("ULEAD", "UBEN")}
    log(warm, slack, 4)
    five = {user: home_statements(warm, slack, engine, user) for user in ("ULEAD", "UBEN")}

    assert five["ULEAD"].count <= LEADER_HOME_BUDGET, five["ULEAD"]
    assert five["UBEN"].count <= TEACHER_HOME_BUDGET, five["UBEN"]
    assert {u: s.count for u, s in one.items()} == {u: s.count for u, s in five.items()}
    shown = slack.published_home("UBEN") or {}
    assert str(shown).count("Students explained how they split 24 counters") == 5
