"""Sorting what Slack answered (or how the call broke) into what the worker does next.

Pure functions of the status code, Slack's error code, the headers and the exception: sent; retry after a
wait (Retry-After for a 429, back-off for 5xx, timeouts and dropped connections); or failed for good with a
short code admins see in `rounds deliveries --failed`. Nothing here calls Slack or touches the database.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from http.client import HTTPException
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.slack_tokens import WorkspaceGone

SENT, RETRY, FAILED, LOST = "sent", "retry", "failed", "lost"

# Slack errors that say "try again later" rather than "this will never work". An expired rotating token
# is refreshed by the token store before the next try.
RETRYABLE_ERRORS = frozenset(
    {
        "ratelimited",
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
        "token_expired",
    }
)
# Slack errors that say the token speaks for no one any more: every message of that workspace would fail.
WORKSPACE_ERRORS = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked"})


@dataclass(frozen=True)
class Outcome:
    """What one try came to. ``kind``: sent, retry, failed, or lost (another worker owns the row now, or
    it was stopped). A retry's ``wait`` is seconds, or None for "back off" (the worker's schedule)."""

    kind: str
    error: str | None = None
    wait: float | None = 0.0
    channel: str | None = None
    ts: str | None = None
    rate_limited: bool = False  # a 429: the pacing holds the lane, and maybe the workspace's method
    whole_workspace: bool = False  # failed for a reason every message of the workspace shares

    def backed_off(self, wait: float) -> Outcome:
        """This outcome with a back-off filled in where it asked for one."""
        return replace(self, wait=wait) if self.kind == RETRY and self.wait is None else self

    def given_up(self, *, now: datetime, first_tried_at: datetime, give_up_after: timedelta) -> Outcome:
        """A retry that would land past the give-up bound becomes a failure with the same code."""
        if self.kind == RETRY and now + timedelta(seconds=self.wait or 0.0) - first_tried_at > give_up_after:
            return Outcome(FAILED, error=self.error)
        return self


LOST_CLAIM = Outcome(LOST)


def sent(answer: Mapping[str, Any], args: Mapping[str, Any]) -> Outcome:
    """Slack took it: where the message now is (DM channel id and ts), for updates and admins."""
    return Outcome(
        SENT,
        channel=answer.get("channel") or args.get("channel"),
        ts=answer.get("ts") or answer.get("message_ts"),
    )


def retry(error: str, wait: float | None = None) -> Outcome:
    return Outcome(RETRY, error=error, wait=wait)


def failed(error: str, *, whole_workspace: bool = False) -> Outcome:
    return Outcome(FAILED, error=error, whole_workspace=whole_workspace)


def from_answer(status: int, error: str | None, headers: Mapping[str, Any] | None) -> Outcome:
    """An answer that was not ``ok``: HTTP ``status``, Slack's ``error`` code (None when the body was not
    Slack's JSON, e.g. a 503 page) and the response headers."""
    if status == 429 or error == "ratelimited":
        return Outcome(RETRY, error="ratelimited", wait=retry_after(headers), rate_limited=True)
    if status >= 500:
        return retry(f"http_{status}")
    if error in RETRYABLE_ERRORS:
        return retry(str(error))
    if error in WORKSPACE_ERRORS:
        return failed(str(error), whole_workspace=True)
    return failed(str(error or f"http_{status}"))


def from_exception(problem: BaseException) -> Outcome | None:
    """How a call that raised ends; None for an exception that is not about sending (let it propagate)."""
    if isinstance(problem, WorkspaceGone):
        return failed(problem.code, whole_workspace=True)
    if isinstance(problem, SlackApiError):
        response = problem.response
        code = response.get("error") if isinstance(response.data, dict) else None
        return from_answer(response.status_code, code, response.headers)
    if isinstance(problem, TimeoutError):
        return retry("timeout")
    if isinstance(problem, OSError | HTTPException):
        return retry("timeout" if "timed out" in str(problem) else "connection_error")
    if isinstance(problem, TypeError | ValueError):  # arguments slack_sdk cannot even encode
        return failed("invalid_arguments")
    return None


def retry_after(headers: Mapping[str, Any] | None) -> float:
    """Seconds a 429 asks us to wait: its Retry-After, at least 1 (also when missing or unreadable)."""
    value = None
    with contextlib.suppress(AttributeError):
        value = headers.get("Retry-After") or headers.get("retry-after")  # type: ignore[union-attr]
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    try:
        return max(1.0, float(value)) if value is not None else 1.0
    except (TypeError, ValueError):
        return 1.0


def backoff(tries: int, *, base: float, maximum: float, jitter: float) -> float:
    """Exponential back-off for the ``tries``-th try, ±25% by ``jitter`` in [0, 1)."""
    wait = min(maximum, base * 2 ** max(0, tries - 1))
    return wait * (0.75 + jitter / 2)
