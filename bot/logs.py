"""Logging: one line per Slack request, job and delivery, with outcome and duration.

Never a token, a secret, or the text of evidence, notes or reflections: lines carry ids and kinds only.
With `LOG_FORMAT=json` each line is a JSON object (time, level, logger, message; on an error the
exception's type and where it was raised, never its text or the traceback's locals) for log collectors.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

LOGGER_NAME = "rounds"
LOG_FORMATS = ("text", "json")


class JsonFormatter(logging.Formatter):
    """One JSON object per line. An exception is named (type, file:line) but not printed: its message and
    the traceback's frames may carry what a log must not (message text, a request body)."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            error_type, _, trace = record.exc_info
            line["exception"] = error_type.__name__
            while trace is not None and trace.tb_next is not None:
                trace = trace.tb_next
            if trace is not None:
                line["where"] = f"{trace.tb_frame.f_code.co_filename}:{trace.tb_lineno}"
        return json.dumps(line, ensure_ascii=False)


def configure(level: str = "INFO", log_format: str = "text") -> None:
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s", "%Y-%m-%dT%H:%M:%S%z")
        )
    logging.basicConfig(level=level.upper(), handlers=[handler])
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
