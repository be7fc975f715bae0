"""Logging: one line per Slack request, job and delivery, with outcome and duration.

Never a token, a secret, or the text of evidence, notes or reflections: lines carry ids and kinds only.
"""

from __future__ import annotations

import logging
import time

LOGGER_NAME = "rounds"


def configure(level: str = "INFO") -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        datefmt="%Y-%m-%dT%H:%M:%S%z",
    )
    # The SDKs log request bodies (message text, evidence) at DEBUG; keep them above that.
    for noisy in ("slack_sdk", "slack_bolt", "googleapiclient", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(max(logging.INFO, logging.getLogger().level))
    # Alembic narrates every migration at INFO ("Context impl…", "Running upgrade…"), ahead of a command's
    # own output; the command says what it applied. Its lines come back with LOG_LEVEL=DEBUG.
    debug = logging.getLogger().level <= logging.DEBUG
    logging.getLogger("alembic").setLevel(logging.DEBUG if debug else logging.WARNING)


def logger(name: str | None = None) -> logging.Logger:
    return logging.getLogger(f"{LOGGER_NAME}.{name}" if name else LOGGER_NAME)


def request_kind(body: dict) -> str:
    """A short, content-free name for a Slack request: `command /rounds`, `block_actions`, `event app_home_opened`."""
    if "command" in body:
        return f"command {body['command']}"
    if body.get("type") == "event_callback":
        return f"event {body.get('event', {}).get('type', '?')}"
    if body.get("type") == "view_submission":
        return f"view_submission {body.get('view', {}).get('callback_id', '?')}"
    if body.get("type") == "block_actions":
        actions = body.get("actions") or [{}]
        return f"block_actions {actions[0].get('action_id', '?')}"
    return str(body.get("type", "unknown"))


def log_slack_request(body: dict, *, status: int, started: float) -> None:
    """One line per Slack request: what it was, who sent it, the HTTP status, and the time to acknowledge."""
    user = (
        body.get("user_id")
        or (body.get("user") or {}).get("id")
        or (body.get("event") or {}).get("user", "-")
    )
    logger("slack").info(
        "request %s user=%s status=%s ms=%.1f",
        request_kind(body),
        user,
        status,
        (time.perf_counter() - started) * 1000,
    )
