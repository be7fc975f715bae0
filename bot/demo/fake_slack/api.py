"""``/api/<method>``: one Web API request from form to recorded :class:`Call`.

In order: decode the arguments, draw an injected failure (the token's team's, then the whole fake's),
check the token and its scopes, spend the method's tier budget in the token's team (when tiers are
enforced), run the method in that team, and record what happened. ``oauth.v2.access`` takes the app's
client id and secret instead of a token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl

from bot.demo.fake_slack import chat, conversations, directory, files, views
from bot.demo.fake_slack.http_server import Reply, decode_json_fields, parse_body
from bot.demo.fake_slack.limits import FailureInjector, tier_limit
from bot.demo.fake_slack.oauth import OAuth
from bot.demo.fake_slack.rules import SlackError, check_scope
from bot.demo.fake_slack.tokens import TokenBook
from bot.demo.fake_slack.workspace import Method, Shared, Workspace

METHODS: dict[str, Method] = (
    directory.METHODS | chat.METHODS | conversations.METHODS | views.METHODS | files.METHODS
)


class Gate:
    """Holds the next calls of one method at the door until released, so a test can act while a request
    is in flight (stop a process, click again) without guessing how long it takes."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.released = threading.Event()

    def release(self) -> None:
        self.released.set()


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
    team_id: str | None = None  # the team of the token (of the code or refresh token, for oauth.v2.access)

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


class WebApi:
    """Serves the Web API methods, each call in the team of its token, keeping the calls for tests."""

    def __init__(
        self,
        shared: Shared,
        teams: Mapping[str, Workspace],
        book: TokenBook,
        oauth: OAuth,
        failures: FailureInjector,
        *,
        enforce_tiers: bool,
        slow_seconds: float,
    ) -> None:
        self.shared = shared
        self.teams = teams
        self.book = book
        self.oauth = oauth
        self.failures = failures  # for every team; each team has its own as well
        self.enforce_tiers = enforce_tiers
        self.slow_seconds = slow_seconds
        self.forget()

    def forget(self) -> None:
        """Drop the recorded calls and the 429 counts; tokens stay."""
        self.calls: list[Call] = []
        self.rate_limited: dict[str | None, int] = {}
        self.gates: dict[str, Gate] = {}

    def serve(self, method: str, query: str, headers: Message, body: bytes) -> Reply:
        at = self.shared.clock()
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
        with self.shared.lock:
            team_id = self.book.team_of(token)
        call = Call(method, token, args, at, team_id=team_id)

        injected = self._draw(team_id, method)
        if injected in ("429", "500", "503", "drop"):
            return self._injected_reply(replace(call, injected=injected))
        if injected == "slow":
            time.sleep(self.slow_seconds)
        gate = self.gates.get(method)
        if gate is not None:
            gate.arrived.set()
            gate.released.wait(timeout=60)

        with self.shared.lock:
            try:
                team_id, answer, scopes = self._run(method, token, args, headers)
            except SlackError as exc:
                outcome = "ratelimited" if exc.status == 429 else "error"
                if exc.status == 429:
                    self._count_429(team_id)
                self._record(
                    replace(call, outcome=outcome, status=exc.status, error=exc.error, injected=injected)
                )
                return Reply.json(exc.body(), status=exc.status, headers=exc.headers)
            call = replace(call, team_id=team_id, injected=injected)
            if injected == "drop_after":
                self._record(replace(call, outcome="response_lost", status=0))
                return Reply(drop=True)
            self._record(call)
            headers_out = (
                {"x-oauth-scopes": ",".join(scopes)} if scopes else {}
            )  # lower case, as Slack sends it
            return Reply.json({"ok": True, **answer}, headers=headers_out)

    def _draw(self, team_id: str | None, method: str) -> str | None:
        """The team's own injected failures first, then those injected into every team."""
        ws = self.teams.get(team_id or "")
        return (ws.failures.draw(method) if ws else None) or self.failures.draw(method)

    def _run(
        self, method: str, token: str | None, args: dict[str, Any], headers: Message
    ) -> tuple[str | None, dict[str, Any], tuple[str, ...]]:
        """The team served, the answer's fields, and the scopes the token carries."""
        if method == "oauth.v2.access":
            team_id, answer = self.oauth.access(args, headers)
            return team_id, answer, ()
        handler = METHODS.get(method)
        if handler is None and method != "auth.test":
            raise SlackError("unknown_method")
        found = self.book.check(token, self.shared.clock())
        ws = self.teams[found.team_id]
        check_scope(method, found.scopes)
        limit = tier_limit(method)
        if self.enforce_tiers and limit is not None:
            ws.spend([limit])
        answer = directory.auth_test(ws, found) if handler is None else handler(ws, args)
        return ws.team_id, answer, found.scopes

    def _injected_reply(self, call: Call) -> Reply:
        """Fail before doing anything: a 429, a 5xx HTML page, or a connection closed without a word."""
        kind = call.injected
        with self.shared.lock:
            if kind == "drop":
                self._record(replace(call, outcome="dropped", status=0))
                return Reply(drop=True)
            if kind == "429":
                self._count_429(call.team_id)
                self._record(replace(call, outcome="ratelimited", status=429, error="ratelimited"))
                return Reply.json(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
                )
            status = int(str(kind))
            self._record(replace(call, outcome="server_error", status=status))
            return Reply.html_error(status)

    def _count_429(self, team_id: str | None) -> None:
        self.rate_limited[team_id] = self.rate_limited.get(team_id, 0) + 1

    def _record(self, call: Call) -> None:
        with self.shared.lock:
            self.calls.append(call)
