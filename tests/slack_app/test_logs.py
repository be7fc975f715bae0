"""Logs: one line per Slack request with outcome and duration; never a token, a secret or message text."""

from __future__ import annotations

import logging

from bot.settings import Settings
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.roster_factory import load_small_roster


def test_each_request_is_one_line_with_kind_status_and_duration(rounds, sessions, caplog):
    load_small_roster(sessions)
    caplog.set_level(logging.DEBUG)

    rounds.driver.command("UNOBODY", "/rounds", "help me with secrets")

    lines = [r.getMessage() for r in caplog.records if r.name == "rounds.slack"]
    assert len(lines) == 1
    assert lines[0].startswith("request command /rounds user=UNOBODY status=200 ms=")
    everything = "\n".join(r.getMessage() for r in caplog.records)
    assert BOT_TOKEN not in everything
    assert SIGNING_SECRET not in everything
    assert "help me with secrets" not in everything


def test_a_forged_request_is_logged_as_rejected(rounds, caplog):
    caplog.set_level(logging.INFO)
    from bot.demo.slack_requests import SlackDriver, SlackRequestSigner

    SlackDriver(SlackRequestSigner("forged"), rounds.driver.fake, rounds.http).command("UX", "/rounds", "help")

    assert any("status=401" in r.getMessage() for r in caplog.records if r.name == "rounds.slack")


def test_settings_never_print_their_secrets():
    settings = Settings(_env_file=None, slack_bot_token="xoxb-very-secret", slack_signing_secret="shh-secret")
    shown = repr(settings) + str(settings) + settings.model_dump_json()
    assert "xoxb-very-secret" not in shown
    assert "shh-secret" not in shown
    assert settings.secret("slack_bot_token") == "xoxb-very-secret"


def test_a_json_line_names_an_error_but_not_its_text_or_traceback():
    import io
    import json

    from bot.logs import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("rounds.test_json")
    log.addHandler(handler)
    log.propagate = False
    try:
        evidence = "Students explained their reasoning"  # a local the traceback would show
        raise ValueError(f"could not send: {evidence}")
    except ValueError:
        log.exception("delivery %s failed", "walkthrough:7:teacher")
    finally:
        log.removeHandler(handler)

    [line] = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["level"] == "ERROR" and entry["logger"] == "rounds.test_json"
    assert entry["message"] == "delivery walkthrough:7:teacher failed"
    assert entry["exception"] == "ValueError"
    assert "test_logs.py:" in entry["where"]
    assert "Students explained" not in line and "Traceback" not in line
