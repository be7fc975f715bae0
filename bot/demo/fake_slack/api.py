"""``/api/<method>``: one Web API request from form to recorded :class:`Call`.

In order: decode the arguments, draw an injected failure, check the token, spend the method's tier
budget (when tiers are enforced), run the method, and record what happened.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl

from bot.demo.fake_slack import chat, directory, files, views
from bot.demo.fake_slack.http_server import Reply, decode_json_fields, parse_body
from bot.demo.fake_slack.limits import FailureInjector, tier_limit
from bot.demo.fake_slack.rules import SlackError
from bot.demo.fake_slack.workspace import Method, Workspace

METHODS: dict[str, Method] = directory.METHODS | chat.METHODS | views.METHODS | files.METHODS


@dataclass(frozen=True)
class Call:
    """One Web API request as the fake saw it.

    ``outcome`` is "ok", "error" (HTTP 200 with ok:false), "ratelimited" (429), "server_error" (5xx),
    "dropped" (connection closed, nothing done) or "response_lost" (work done, then the connection was
    closed). ``injected`` names the failure kind injected into this call, if any.
    """

    method: str
    token: str | None
    args: dict[str, Any]
    at: float
    outcome: str = "ok"
    status: int = 200
    error: str | None = None
    injected: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


class WebApi:
    """Serves the Web API methods over a workspace, keeping the calls for tests to read."""

    def __init__(
        self,
        ws: Workspace,
        failures: FailureInjector,
        *,
        tokens: Iterable[str],
        enforce_tiers: bool,
        slow_seconds: float,
    ) -> None:
        self.ws = ws
        self.failures = failures
        self.tokens: set[str] = set(tokens)
        self.enforce_tiers = enforce_tiers
        self.slow_seconds = slow_seconds
        self.forget()

    def forget(self) -> None:
        """Drop the recorded calls and the 429 count; tokens stay."""
        self.calls: list[Call] = []
        self.rate_limited = 0

    def serve(self, method: str, query: str, headers: Message, body: bytes) -> Reply:
        at = self.ws.clock()
        try:
            args = dict(parse_qsl(query, keep_blank_values=True))
            args.update(parse_body(headers.get("Content-Type") or "", body))
            decode_json_fields(args)
        except (SlackError, ValueError) as exc:
            error = exc.error if isinstance(exc, SlackError) else "invalid_form_data"
            self._record(Call(method, None, {}, at, "error", 200, error))
            return Reply.json({"ok": False, "error": error})
        form_token = args.pop("token", None)
        auth = headers.get("Authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else form_token

        injected = self.failures.draw(method)
        if injected in ("429", "500", "503", "drop"):
            return self._injected_reply(Call(method, token, args, at, injected=injected))
        if injected == "slow":
            time.sleep(self.slow_seconds)

        with self.ws.lock:
            try:
                answer = self._run(method, token, args)
            except SlackError as exc:
                outcome = "ratelimited" if exc.status == 429 else "error"
                if exc.status == 429:
                    self.rate_limited += 1
                self._record(Call(method, token, args, at, outcome, exc.status, exc.error, injected))
                return Reply.json(exc.body(), status=exc.status, headers=exc.headers)
            if injected == "drop_after":
                self._record(Call(method, token, args, at, "response_lost", 0, None, injected))
                return Reply(drop=True)
            self._record(Call(method, token, args, at, "ok", 200, None, injected))
            return Reply.json({"ok": True, **answer})

    def _run(self, method: str, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        handler = METHODS.get(method)
        if handler is None:
            raise SlackError("unknown_method")
        if token is None:
            raise SlackError("not_authed")
        if token not in self.tokens:
            raise SlackError("invalid_auth")
        limit = tier_limit(method)
        if self.enforce_tiers and limit is not None:
            self.ws.spend([limit])
        return handler(self.ws, args)

    def _injected_reply(self, call: Call) -> Reply:
        """Fail before doing anything: a 429, a 5xx HTML page, or a connection closed without a word."""
        kind = call.injected
        with self.ws.lock:
            if kind == "drop":
                self._record(replace(call, outcome="dropped", status=0))
                return Reply(drop=True)
            if kind == "429":
                self.rate_limited += 1
                self._record(replace(call, outcome="ratelimited", status=429, error="ratelimited"))
                return Reply.json(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
                )
            status = int(str(kind))
            self._record(replace(call, outcome="server_error", status=status))
            return Reply.html_error(status)

    def _record(self, call: Call) -> None:
        with self.ws.lock:
            self.calls.append(call)
