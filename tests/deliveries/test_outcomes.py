"""Slack's answers and broken calls sorted into sent / retry / failed, as plain values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from http.client import RemoteDisconnected
from urllib.error import URLError

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.deliveries import outcomes
from bot.deliveries.outcomes import FAILED, RETRY, SENT, Outcome
from bot.slack_tokens import WorkspaceGone


@pytest.mark.parametrize(
    ("status", "error", "headers", "expected"),
    [
        (429, "ratelimited", {"Retry-After": "7"}, Outcome(RETRY, "ratelimited", 7.0, rate_limited=True)),
        (429, "ratelimited", {"retry-after": "30"}, Outcome(RETRY, "ratelimited", 30.0, rate_limited=True)),
        (429, None, {}, Outcome(RETRY, "ratelimited", 1.0, rate_limited=True)),
        (429, "ratelimited", {"Retry-After": "soon"}, Outcome(RETRY, "ratelimited", 1.0, rate_limited=True)),
        (200, "ratelimited", {"Retry-After": "0"}, Outcome(RETRY, "ratelimited", 1.0, rate_limited=True)),
        (500, None, {}, Outcome(RETRY, "http_500", None)),
        (503, "service_unavailable", {}, Outcome(RETRY, "http_503", None)),
        (200, "internal_error", {}, Outcome(RETRY, "internal_error", None)),
        (200, "token_expired", {}, Outcome(RETRY, "token_expired", None)),
        (200, "channel_not_found", {}, Outcome(FAILED, "channel_not_found")),
        (200, "invalid_blocks", {}, Outcome(FAILED, "invalid_blocks")),
        (404, None, {}, Outcome(FAILED, "http_404")),
        (200, "invalid_auth", {}, Outcome(FAILED, "invalid_auth", whole_workspace=True)),
        (200, "token_revoked", {}, Outcome(FAILED, "token_revoked", whole_workspace=True)),
        (200, "account_inactive", {}, Outcome(FAILED, "account_inactive", whole_workspace=True)),
        (200, "missing_scope", {}, Outcome(FAILED, "missing_scope")),
    ],
)
def test_slacks_refusals_are_sorted_by_status_error_and_headers(status, error, headers, expected) -> None:
    assert outcomes.from_answer(status, error, headers) == expected


def api_error(status: int, data: dict | str, headers: dict | None = None) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url="https://slack.com/api/chat.postMessage",
        req_args={},
        data=data,
        headers=headers or {},
        status_code=status,
    )
    return SlackApiError("refused", response)


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (
            api_error(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"}),
            Outcome(RETRY, "ratelimited", 7.0, rate_limited=True),
        ),
        (api_error(503, "<html>Service Unavailable</html>"), Outcome(RETRY, "http_503", None)),
        (api_error(200, {"ok": False, "error": "channel_not_found"}), Outcome(FAILED, "channel_not_found")),
        (
            api_error(200, {"ok": False, "error": "token_revoked"}),
            Outcome(FAILED, "token_revoked", whole_workspace=True),
        ),
        (
            WorkspaceGone("T0000A", "workspace_uninstalled"),
            Outcome(FAILED, "workspace_uninstalled", whole_workspace=True),
        ),
        (WorkspaceGone("T0000A"), Outcome(FAILED, "workspace_not_installed", whole_workspace=True)),
        (TimeoutError("timed out"), Outcome(RETRY, "timeout", None)),
        (URLError("timed out"), Outcome(RETRY, "timeout", None)),
        (
            URLError(ConnectionRefusedError(111, "Connection refused")),
            Outcome(RETRY, "connection_error", None),
        ),
        (RemoteDisconnected("Remote end closed connection"), Outcome(RETRY, "connection_error", None)),
        (TypeError("Object of type set is not JSON serializable"), Outcome(FAILED, "invalid_arguments")),
        (KeyError("not about sending"), None),
    ],
)
def test_broken_calls_are_sorted_by_exception(problem: BaseException, expected: Outcome | None) -> None:
    assert outcomes.from_exception(problem) == expected


def test_a_sent_message_is_found_in_the_dm_channel_slack_answered_with() -> None:
    answer = {"ok": True, "channel": "D0TEACH", "ts": "1700000001.000100"}
    assert outcomes.sent(answer, {"channel": "D0TEACH"}) == Outcome(SENT, channel="D0TEACH", ts=answer["ts"])
    home = outcomes.sent({"ok": True, "view": {"id": "V1"}}, {"user_id": "U1"})
    assert (home.kind, home.channel, home.ts) == (SENT, None, None)


def test_back_off_doubles_to_its_ceiling_with_a_quarter_either_way() -> None:
    waits = [outcomes.backoff(n, base=0.5, maximum=60.0, jitter=0.5) for n in range(1, 10)]
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0]
    assert outcomes.backoff(3, base=0.5, maximum=60.0, jitter=0.0) == 1.5
    assert outcomes.backoff(3, base=0.5, maximum=60.0, jitter=0.999) == pytest.approx(2.5, abs=0.01)
    assert outcomes.retry("http_500").backed_off(4.0).wait == 4.0
    assert outcomes.retry("ratelimited", 7.0).backed_off(4.0).wait == 7.0, "Retry-After is kept"


@pytest.mark.parametrize(
    ("wait", "tried_for", "kind"),
    [
        (30.0, timedelta(minutes=59), RETRY),
        (61.0, timedelta(minutes=59), FAILED),
        (0.0, timedelta(hours=2), FAILED),
    ],
)
def test_a_retry_that_would_land_past_the_bound_is_given_up(wait, tried_for, kind) -> None:
    now = datetime(2026, 11, 24, 7, 15, tzinfo=UTC)
    settled = outcomes.retry("http_503", wait).given_up(
        now=now, first_tried_at=now - tried_for, give_up_after=timedelta(hours=1)
    )
    assert (settled.kind, settled.error) == (kind, "http_503")
