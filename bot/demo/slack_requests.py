"""Requests shaped and signed exactly as Slack sends them, to drive the real ``/slack/events`` endpoint.

Tests and ``rounds demo`` use these so that Bolt's signature check stays on: a request built here passes
it, and one built with an old ``timestamp=`` (a replay) or the wrong secret does not. The payload builders
carry the fields Slack really sends; they never know Rounds' own action ids, which callers pass in.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx

from bot.demo.fake_slack import FakeSlack, dm_channel_id

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
EVENTS_PATH = "/slack/events"

_event_ids = itertools.count(1)


def _action_ts() -> str:
    return f"{time.time():.6f}"


def _user(user_id: str, team_id: str) -> dict[str, Any]:
    name = user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def _team(team_id: str) -> dict[str, Any]:
    return {"id": team_id, "domain": "rounds-demo"}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _option(value: str, text: str | None) -> dict[str, Any]:
    return {"text": _plain(text if text is not None else value), "value": value}


def slack_view(view: Mapping[str, Any], *, team_id: str = "T0001", app_id: str = "A0001") -> dict[str, Any]:
    """A view as Slack echoes it in payloads: every field present, whatever the caller gave."""
    view_id = str(view.get("id") or f"V{secrets.token_hex(4).upper()}")
    full = {
        "id": view_id,
        "team_id": team_id,
        "type": "modal",
        "blocks": [],
        "private_metadata": "",
        "callback_id": "",
        "state": {"values": {}},
        "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
        "title": _plain("Rounds"),
        "clear_on_close": False,
        "notify_on_close": False,
        "close": None,
        "submit": None,
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": app_id,
        "external_id": "",
        "app_installed_team_id": team_id,
        "bot_id": "B0001",
    }
    full.update({k: v for k, v in view.items() if v is not None or k not in full})
    return full


# --------------------------------------------------------------------------- action and value shapes


def button_action(
    action_id: str, value: str | None = None, *, block_id: str | None = None, text: str = "OK"
) -> dict:
    """One entry of ``actions`` for a clicked button."""
    action: dict[str, Any] = {
        "type": "button",
        "action_id": action_id,
        "block_id": block_id or secrets.token_hex(3),
        "text": _plain(text),
        "action_ts": _action_ts(),
    }
    if value is not None:
        action["value"] = value
    return action


def select_action(
    action_id: str,
    value: str,
    *,
    text: str | None = None,
    block_id: str | None = None,
    type: str = "static_select",
) -> dict[str, Any]:
    """One entry of ``actions`` for a chosen option (static_select, external_select, overflow, radio...)."""
    return {
        "type": type,
        "action_id": action_id,
        "block_id": block_id or secrets.token_hex(3),
        "selected_option": _option(value, text),
        "action_ts": _action_ts(),
    }


def users_select_action(action_id: str, user_id: str, *, block_id: str | None = None) -> dict[str, Any]:
    return {
        "type": "users_select",
        "action_id": action_id,
        "block_id": block_id or secrets.token_hex(3),
        "selected_user": user_id,
        "action_ts": _action_ts(),
    }


def plain_text_value(text: str | None) -> dict[str, Any]:
    """An input's state as Slack reports it under ``view.state.values[block_id][action_id]``."""
    return {"type": "plain_text_input", "value": text}


def number_value(number: str | None) -> dict[str, Any]:
    return {"type": "number_input", "value": number}


def select_value(
    value: str | None, text: str | None = None, *, type: str = "static_select"
) -> dict[str, Any]:
    return {"type": type, "selected_option": _option(value, text) if value is not None else None}


def multi_select_value(values: Sequence[str], *, type: str = "multi_static_select") -> dict[str, Any]:
    return {"type": type, "selected_options": [_option(v, None) for v in values]}


def checkboxes_value(values: Sequence[str]) -> dict[str, Any]:
    return {"type": "checkboxes", "selected_options": [_option(v, None) for v in values]}


def radio_value(value: str | None, text: str | None = None) -> dict[str, Any]:
    return {"type": "radio_buttons", "selected_option": _option(value, text) if value is not None else None}


def users_select_value(user_id: str | None) -> dict[str, Any]:
    return {"type": "users_select", "selected_user": user_id}


def datepicker_value(iso_date: str | None) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": iso_date}


def timepicker_value(hh_mm: str | None) -> dict[str, Any]:
    return {"type": "timepicker", "selected_time": hh_mm}


# --------------------------------------------------------------------------- payloads


def block_actions_payload(
    user_id: str,
    actions: Sequence[Mapping[str, Any]],
    trigger_id: str,
    *,
    view: Mapping[str, Any] | None = None,
    container: Mapping[str, Any] | None = None,
    channel_id: str | None = None,
    message: Mapping[str, Any] | None = None,
    response_url: str | None = None,
    team_id: str = "T0001",
    api_app_id: str = "A0001",
) -> dict[str, Any]:
    """A ``block_actions`` payload: from a view (App Home or modal) when ``view`` is given, else a message."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, team_id),
        "api_app_id": api_app_id,
        "token": "legacy-verification-token",
        "trigger_id": trigger_id,
        "team": _team(team_id),
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [dict(a) for a in actions],
    }
    for action in payload["actions"]:
        action.setdefault("action_ts", _action_ts())
    if view is not None:
        full_view = slack_view(view, team_id=team_id, app_id=api_app_id)
        payload["view"] = full_view
        payload["container"] = dict(container or {"type": "view", "view_id": full_view["id"]})
    else:
        ts = str((message or {}).get("ts", _action_ts()))
        payload["container"] = dict(
            container
            or {"type": "message", "message_ts": ts, "channel_id": channel_id, "is_ephemeral": False}
        )
        payload["state"] = {"values": {}}
        if message is not None:
            payload["message"] = dict(message)
    if channel_id is not None:
        payload["channel"] = {
            "id": channel_id,
            "name": "directmessage" if channel_id[:1] == "D" else channel_id,
        }
    if response_url is not None:
        payload["response_url"] = response_url
    return payload


def view_submission_payload(
    user_id: str,
    view: Mapping[str, Any],
    values: Mapping[str, Mapping[str, Any]],
    trigger_id: str,
    *,
    team_id: str = "T0001",
    api_app_id: str = "A0001",
) -> dict[str, Any]:
    """A ``view_submission``; ``values`` is ``{block_id: {action_id: <value shape>}}`` as Slack sends."""
    full_view = slack_view(view, team_id=team_id, app_id=api_app_id)
    full_view["state"] = {"values": {b: dict(v) for b, v in values.items()}}
    return {
        "type": "view_submission",
        "team": _team(team_id),
        "user": _user(user_id, team_id),
        "api_app_id": api_app_id,
        "token": "legacy-verification-token",
        "trigger_id": trigger_id,
        "view": full_view,
        "response_urls": [],
        "enterprise": None,
        "is_enterprise_install": False,
    }


def view_closed_payload(
    user_id: str, view: Mapping[str, Any], *, is_cleared: bool = False, team_id: str = "T0001"
) -> dict[str, Any]:
    return {
        "type": "view_closed",
        "team": _team(team_id),
        "user": _user(user_id, team_id),
        "api_app_id": "A0001",
        "token": "legacy-verification-token",
        "view": slack_view(view, team_id=team_id),
        "is_cleared": is_cleared,
        "enterprise": None,
        "is_enterprise_install": False,
    }


def shortcut_payload(
    callback_id: str, user_id: str, trigger_id: str, *, team_id: str = "T0001"
) -> dict[str, Any]:
    """A global shortcut (from the lightning-bolt menu)."""
    return {
        "type": "shortcut",
        "token": "legacy-verification-token",
        "action_ts": _action_ts(),
        "team": _team(team_id),
        "user": _user(user_id, team_id),
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
    }


def message_action_payload(
    callback_id: str,
    user_id: str,
    trigger_id: str,
    *,
    channel_id: str,
    message: Mapping[str, Any],
    response_url: str,
    team_id: str = "T0001",
) -> dict[str, Any]:
    """A message shortcut (from a message's "more actions" menu)."""
    return {
        "type": "message_action",
        "token": "legacy-verification-token",
        "action_ts": _action_ts(),
        "team": _team(team_id),
        "user": _user(user_id, team_id),
        "channel": {"id": channel_id, "name": channel_id},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "response_url": response_url,
        "message_ts": str(message.get("ts", "")),
        "message": dict(message),
    }


def block_suggestion_payload(
    user_id: str,
    action_id: str,
    block_id: str,
    value: str,
    *,
    view: Mapping[str, Any] | None = None,
    team_id: str = "T0001",
    api_app_id: str = "A0001",
) -> dict[str, Any]:
    """An options load for an external_select while the user types ``value``."""
    payload: dict[str, Any] = {
        "type": "block_suggestion",
        "user": _user(user_id, team_id),
        "team": _team(team_id),
        "api_app_id": api_app_id,
        "token": "legacy-verification-token",
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if view is not None:
        full_view = slack_view(view, team_id=team_id, app_id=api_app_id)
        payload["view"] = full_view
        payload["container"] = {"type": "view", "view_id": full_view["id"]}
    return payload


def app_home_opened_event(
    user_id: str, *, tab: str = "home", channel: str | None = None, view: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The inner ``event`` for a user opening the app's Home tab."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user_id,
        "channel": channel or dm_channel_id(user_id),
        "tab": tab,
        "event_ts": _action_ts(),
    }
    if view is not None:
        event["view"] = slack_view(view) | {"type": "home"}
    return event


def im_message_event(
    user_id: str,
    text: str,
    *,
    channel: str | None = None,
    client_msg_id: str | None = None,
    ts: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The inner ``event`` for a message a person types in the app's DM (its Messages tab)."""
    event: dict[str, Any] = {
        "type": "message",
        "channel": channel or dm_channel_id(user_id),
        "user": user_id,
        "text": text,
        "ts": ts or _action_ts(),
        "event_ts": ts or _action_ts(),
        "channel_type": "im",
        "client_msg_id": client_msg_id or secrets.token_hex(16),
    }
    event.update(extra)
    return event


# --------------------------------------------------------------------------- signing


class SlackRequestSigner:
    """Builds request bodies as Slack sends them and signs them with the app's signing secret."""

    def __init__(
        self,
        signing_secret: str,
        *,
        now: Callable[[], float] = time.time,
        api_app_id: str = "A0001",
        team_domain: str = "rounds-demo",
    ) -> None:
        self._secret = signing_secret.encode()
        self._now = now
        self.api_app_id = api_app_id
        self.team_domain = team_domain

    def sign(
        self, body: bytes, timestamp: int | None = None, *, content_type: str | None = None
    ) -> dict[str, str]:
        """Slack's v0 signature headers: HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
        ts = int(self._now()) if timestamp is None else int(timestamp)
        digest = hmac.new(self._secret, f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
        headers = {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": f"v0={digest}"}
        if content_type is not None:
            headers["Content-Type"] = content_type
        return headers

    def _form(self, fields: Mapping[str, str], timestamp: int | None) -> tuple[bytes, dict[str, str]]:
        body = urlencode(fields).encode()
        return body, self.sign(body, timestamp, content_type=FORM)

    def _json(self, document: Mapping[str, Any], timestamp: int | None) -> tuple[bytes, dict[str, str]]:
        body = json.dumps(document).encode()
        return body, self.sign(body, timestamp, content_type=JSON)

    def slash_command(
        self,
        command: str = "/rounds",
        text: str = "help",
        *,
        user_id: str = "U0001",
        team_id: str = "T0001",
        channel_id: str = "C0001",
        channel_name: str | None = None,
        trigger_id: str | None = None,
        response_url: str | None = None,
        timestamp: int | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """A slash command, form-encoded with every field Slack sends."""
        fields = {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "team_domain": self.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name or ("directmessage" if channel_id.startswith("D") else "general"),
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url
            or f"https://hooks.slack.com/commands/{team_id}/{secrets.randbelow(10**12)}/{secrets.token_hex(12)}",
            "trigger_id": trigger_id
            or f"{int(self._now())}.{secrets.randbelow(10**9)}.{secrets.token_hex(16)}",
        }
        return self._form(fields, timestamp)

    def interactivity(
        self, payload: Mapping[str, Any], *, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """block_actions, view_submission, view_closed, shortcut, message_action: ``payload=<json>``."""
        return self._form({"payload": json.dumps(payload)}, timestamp)

    def options(
        self, payload: Mapping[str, Any], *, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        """An options load (block_suggestion), form-encoded like interactivity."""
        return self._form({"payload": json.dumps(payload)}, timestamp)

    def event(
        self,
        event: Mapping[str, Any],
        *,
        team_id: str = "T0001",
        event_id: str | None = None,
        event_time: int | None = None,
        timestamp: int | None = None,
    ) -> tuple[bytes, dict[str, str]]:
        """An Events API ``event_callback`` envelope around ``event``, as JSON."""
        envelope = {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "api_app_id": self.api_app_id,
            "event": dict(event),
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_event_ids):08d}{secrets.token_hex(2).upper()}",
            "event_time": int(self._now()) if event_time is None else event_time,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": "UBOT",
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        return self._json(envelope, timestamp)

    def url_verification(
        self, challenge: str, *, timestamp: int | None = None
    ) -> tuple[bytes, dict[str, str]]:
        return self._json(
            {"token": "legacy-verification-token", "challenge": challenge, "type": "url_verification"},
            timestamp,
        )


# --------------------------------------------------------------------------- driver


class HttpTarget(Protocol):
    """What the driver posts through: an ``httpx.Client(base_url=...)`` pointed at the app."""

    def post(self, url: str, *, content: bytes, headers: dict[str, str]) -> httpx.Response: ...


class SlackDriver:
    """Plays Slack's part: a person's command, click, submission or event, posted to ``/slack/events``.

    Trigger ids and response URLs come from the FakeSlack, so the app's ``views.open`` and ``respond()``
    land there; the last ones issued are kept in ``last_trigger_id`` / ``last_response_url``.
    """

    def __init__(
        self,
        signer: SlackRequestSigner,
        fake: FakeSlack,
        http: HttpTarget,
        *,
        path: str = EVENTS_PATH,
        team_id: str = "T0001",
    ) -> None:
        self.signer = signer
        self.fake = fake
        self.http = http
        self.path = path
        self.team_id = team_id
        self.last_trigger_id: str | None = None
        self.last_response_url: str | None = None
        self._last_body: bytes | None = None

    def _post(self, signed: tuple[bytes, dict[str, str]]) -> httpx.Response:
        body, headers = signed
        self._last_body = body
        return self.http.post(self.path, content=body, headers=headers)

    def retry_last(self, *, attempt: int = 1, reason: str = "http_timeout") -> httpx.Response:
        """Slack's retry of the last request: the same body (same trigger id, same response URL), signed
        anew, with ``X-Slack-Retry-Num`` and ``X-Slack-Retry-Reason``."""
        if self._last_body is None:
            raise RuntimeError("nothing was sent yet")
        headers = self.signer.sign(self._last_body, content_type=FORM if self._last_body[:1] != b"{" else JSON)
        headers |= {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": reason}
        return self.http.post(self.path, content=self._last_body, headers=headers)

    def _trigger(self, user_id: str, view: Mapping[str, Any] | None = None) -> str:
        view_id = str(view["id"]) if view is not None and view.get("id") else None
        self.last_trigger_id = self.fake.new_trigger_id(user_id=user_id, view_id=view_id, team_id=self.team_id)
        return self.last_trigger_id

    def _response_url(self) -> str:
        self.last_response_url = self.fake.new_response_url(team_id=self.team_id)
        return self.last_response_url

    def command(
        self, user_id: str, command: str, text: str = "", *, channel_id: str = "C0001"
    ) -> httpx.Response:
        return self._post(
            self.signer.slash_command(
                command,
                text,
                user_id=user_id,
                team_id=self.team_id,
                channel_id=channel_id,
                trigger_id=self._trigger(user_id),
                response_url=self._response_url(),
            )
        )

    def action(
        self,
        user_id: str,
        actions: Sequence[Mapping[str, Any]],
        *,
        view: Mapping[str, Any] | None = None,
        channel_id: str | None = None,
        message: Mapping[str, Any] | None = None,
        container: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        """A click in a view (``view=``) or in a message (``message=`` with ``channel_id=``)."""
        response_url = self._response_url() if view is None else None
        payload = block_actions_payload(
            user_id,
            actions,
            self._trigger(user_id, view),
            view=view,
            container=container,
            channel_id=channel_id,
            message=message,
            response_url=response_url,
            team_id=self.team_id,
        )
        return self._post(self.signer.interactivity(payload))

    def submit_view(
        self, user_id: str, view: Mapping[str, Any], values: Mapping[str, Mapping[str, Any]]
    ) -> httpx.Response:
        payload = view_submission_payload(
            user_id, view, values, self._trigger(user_id, view), team_id=self.team_id
        )
        return self._post(self.signer.interactivity(payload))

    def close_view(
        self, user_id: str, view: Mapping[str, Any], *, is_cleared: bool = False
    ) -> httpx.Response:
        payload = view_closed_payload(user_id, view, is_cleared=is_cleared, team_id=self.team_id)
        return self._post(self.signer.interactivity(payload))

    def shortcut(self, user_id: str, callback_id: str) -> httpx.Response:
        payload = shortcut_payload(callback_id, user_id, self._trigger(user_id), team_id=self.team_id)
        return self._post(self.signer.interactivity(payload))

    def options(
        self,
        user_id: str,
        action_id: str,
        *,
        block_id: str,
        value: str,
        view: Mapping[str, Any] | None = None,
    ) -> httpx.Response:
        payload = block_suggestion_payload(
            user_id, action_id, block_id, value, view=view, team_id=self.team_id
        )
        return self._post(self.signer.options(payload))

    def event(self, event: Mapping[str, Any]) -> httpx.Response:
        return self._post(self.signer.event(event, team_id=self.team_id))

    def open_home(self, user_id: str) -> httpx.Response:
        return self.event(app_home_opened_event(user_id, channel=self.fake.dm_channel_for(user_id)))
