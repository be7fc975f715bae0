"""When Slack will not open a modal: the person is told, in an ephemeral message, instead of staring at
nothing; and Slack's retry of a command whose trigger has expired is logged as the normal case it is."""

from __future__ import annotations

import logging

import pytest

from bot import ids
from bot.blocks.help import COULD_NOT_OPEN
from tests.walkthroughs.support import click, dm_messages, log_visit, open_modal, wait_for


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.exc_info or (r.levelno >= logging.ERROR and r.name.startswith("rounds"))
    ]


def test_a_command_whose_modal_slack_cannot_open_is_answered_in_an_ephemeral_message(app, slack, caplog):
    caplog.set_level(logging.INFO)
    slack.fail("views.open", kind="500", times=3)  # the first try and both of the client's retries

    assert app.driver.command("ULEAD", ids.WALKTHROUGH_COMMAND, "ben").status_code == 200
    told = wait_for(lambda: slack.responses(app.driver.last_response_url), timeout=15)

    assert told == [{"text": COULD_NOT_OPEN, "response_type": "ephemeral", "replace_original": False}]
    assert [c.status for c in slack.calls_to("views.open")] == [500, 500, 500]
    assert slack.open_views() == []
    assert _tracebacks(caplog) == []
    assert any("views.open failed with HTTP 500" in r.getMessage() for r in caplog.records)


def test_a_button_whose_modal_slack_cannot_open_is_answered_in_an_ephemeral_message(app, slack, worker):
    log_visit(app.driver, slack, worker)
    [receipt] = dm_messages(slack, "ULEAD")
    slack.fail("views.open", kind="503", times=3)

    click(app.driver, "ULEAD", receipt, ids.WALKTHROUGH_EDIT)
    told = wait_for(lambda: slack.responses(app.driver.last_response_url), timeout=15)

    assert [r["text"] for r in told] == [COULD_NOT_OPEN]
    assert len(slack.open_views()) == 1  # only the first walkthrough's modal, from before


def test_slacks_retry_of_a_command_after_its_trigger_expired_is_logged_as_such(app, slack, caplog):
    caplog.set_level(logging.INFO)
    open_modal(app.driver, slack, "ULEAD", "ben")

    retried = app.driver.retry_last(attempt=1, reason="http_timeout")
    wait_for(lambda: len(slack.calls_to("views.open")) == 2)
    said = wait_for(lambda: [r for r in caplog.records if "Slack retry 1" in r.getMessage()])

    assert retried.status_code == 200
    assert slack.calls_to("views.open")[-1].error == "expired_trigger_id"
    assert [r.levelname for r in said] == ["INFO"]
    assert "expired_trigger_id" in said[0].getMessage()
    assert len(slack.open_views()) == 1
    assert slack.responses() == []  # nothing to tell: the first delivery opened the modal
    assert _tracebacks(caplog) == []
