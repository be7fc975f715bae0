"""Trigger ids and response URLs: what Slack hands the app with each interaction, and their limits.

A trigger id opens one modal within 3 seconds; a response URL takes up to 5 posts within 30 minutes.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from bot.demo.fake_slack.http_server import Reply
from bot.demo.fake_slack.rules import SlackError
from bot.demo.fake_slack.workspace import ResponseUrl, Trigger, Workspace

TRIGGER_TTL_SECONDS = 3.0
RESPONSE_URL_TTL_SECONDS = 30 * 60
RESPONSE_URL_MAX_USES = 5


def new_trigger_id(ws: Workspace, *, user_id: str | None, view_id: str | None) -> str:
    n = ws.next_number()
    trigger_id = f"{ws.ts_base + n}.{738474920 + n}.{secrets.token_hex(16)}"
    ws.triggers[trigger_id] = Trigger(ws.clock(), user_id, view_id)
    return trigger_id


def use_trigger(ws: Workspace, trigger_id: Any) -> Trigger:
    """The trigger, if it is known, unused and fresh; the caller marks it used once the view is valid."""
    trigger = ws.triggers.get(str(trigger_id or ""))
    if trigger is None:
        raise SlackError("invalid_trigger_id")
    if trigger.used or ws.clock() - trigger.issued_at > TRIGGER_TTL_SECONDS:
        raise SlackError("expired_trigger_id")
    return trigger


def new_response_url(ws: Workspace) -> str:
    key = f"{ws.team_id}/{ws.next_number()}/{secrets.token_hex(12)}"
    ws.response_urls[key] = ResponseUrl(ws.clock())
    return f"{ws.base_url}/response/{key}"


def serve_response(ws: Workspace, key: str, body: bytes) -> Reply:
    """A POST to a response URL: kept for tests to read, or refused as Slack refuses a stale one."""
    with ws.lock:
        hook = ws.response_urls.get(key)
        if hook is None:
            return Reply.text("no_service", status=404)
        if ws.clock() - hook.issued_at > RESPONSE_URL_TTL_SECONDS:
            return Reply.text("expired_url", status=404)
        if hook.uses >= RESPONSE_URL_MAX_USES:
            return Reply.text("used_url", status=404)
        try:
            payload = json.loads(body or b"{}")
        except json.JSONDecodeError:
            return Reply.text("invalid_payload", status=400)
        hook.uses += 1
        ws.responses.append((f"{ws.base_url}/response/{key}", payload))
    return Reply.json({"ok": True})
