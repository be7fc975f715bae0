"""``FakeSlack``: start and stop the fake, set up its directory and failures, and read what it saw."""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable, Iterable
from email.message import Message
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.fake_slack import interactions
from bot.demo.fake_slack.api import Call, WebApi
from bot.demo.fake_slack.files import file_dict, serve_upload
from bot.demo.fake_slack.http_server import LoopbackServer, Reply
from bot.demo.fake_slack.limits import FailureInjector, PostingLimits
from bot.demo.fake_slack.workspace import User, Workspace

log = logging.getLogger(__name__)


class FakeSlack:
    """The Slack Web API on 127.0.0.1, recording every call and keeping Slack-shaped state.

    Known tokens survive :meth:`reset`; everything else (users, channels, calls, messages, views, DMs,
    files, triggers, response URLs, rate budgets, injected failures) is forgotten.
    """

    def __init__(
        self,
        *,
        tokens: Iterable[str] = ("xoxb-test",),
        clock: Callable[[], float] = time.monotonic,
        enforce_tiers: bool = False,
        workspace_rate_per_sec: float | None = None,
        workspace_burst: float | None = None,
        channel_rate_per_sec: float = 1.0,
        channel_burst: float = 3,
        slow_seconds: float = 2.0,
        team_id: str = "T0001",
        team_domain: str = "rounds-demo",
        bot_user_id: str = "UBOT",
        bot_id: str = "B0001",
        app_id: str = "A0001",
        ts_base: int = 1_700_000_000,
    ) -> None:
        self.clock = clock
        posting = PostingLimits(channel_rate_per_sec, channel_burst, workspace_rate_per_sec, workspace_burst)
        self._ws = Workspace(
            clock=clock,
            posting=posting,
            team_id=team_id,
            team_domain=team_domain,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            app_id=app_id,
            ts_base=ts_base,
        )
        self._failures = FailureInjector()
        self._api = WebApi(
            self._ws, self._failures, tokens=tokens, enforce_tiers=enforce_tiers, slow_seconds=slow_seconds
        )
        self._server: LoopbackServer | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeSlack:
        if self._server is None:
            self._server = LoopbackServer(self._route).start()
            self._ws.server_url = self._server.url
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
            self._ws.server_url = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running fake."""
        return self._ws.base_url

    @property
    def api_url(self) -> str:
        """The ``base_url`` to give ``slack_sdk.WebClient``; it appends the method name."""
        return f"{self.base_url}/api/"

    @property
    def slow_seconds(self) -> float:
        """How long an injected "slow" failure holds the call before serving it."""
        return self._api.slow_seconds

    @slow_seconds.setter
    def slow_seconds(self, seconds: float) -> None:
        self._api.slow_seconds = seconds

    # ----------------------------------------------------------------- configuration

    def add_token(self, token: str) -> None:
        with self._ws.lock:
            self._api.tokens.add(token)

    def add_user(
        self,
        user_id: str,
        *,
        email: str,
        real_name: str,
        tz: str = "America/Chicago",
        is_bot: bool = False,
        deleted: bool = False,
    ) -> None:
        ZoneInfo(tz)  # fail early on a time zone Slack would never report
        with self._ws.lock:
            self._ws.users[user_id] = User(user_id, email, real_name, tz, is_bot, deleted)

    def add_channel(self, channel_id: str, name: str) -> None:
        with self._ws.lock:
            self._ws.channels[channel_id] = name.lstrip("#")

    def fail(self, method: str, *, kind: str, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``kind`` (see ``limits.FAILURE_KINDS``)."""
        self._failures.fail(method, kind=kind, times=times)

    def fail_randomly(
        self,
        method: str | None = None,
        *,
        rate: float = 0.2,
        kinds: Iterable[str] = ("429", "500"),
        seed: int = 1,
    ) -> None:
        """Fail a share ``rate`` of the calls of ``method`` (all methods when None), reproducibly."""
        self._failures.fail_randomly(method, rate=rate, kinds=kinds, seed=seed)

    def clear_failures(self) -> None:
        self._failures.clear()

    def reset(self, *, keep_directory: bool = False) -> None:
        """Forget calls, injected failures and everything the API created, so tests sharing one server
        stay independent. Users and channels go too unless ``keep_directory``; tokens always stay."""
        with self._ws.lock:
            self._api.forget()
            self._failures.clear()
            self._ws.forget()
            if not keep_directory:
                self._ws.forget_directory()

    # ----------------------------------------------------------------- what tests read

    @property
    def calls(self) -> list[Call]:
        with self._ws.lock:
            return list(self._api.calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._ws.lock:
            return [c for c in self._api.calls if c.method == method]

    @property
    def rate_limited_count(self) -> int:
        """How many calls were answered 429 (limits and injected "429" alike)."""
        with self._ws.lock:
            return self._api.rate_limited

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Stored messages (latest content after updates), oldest first, each with its ``channel``."""
        with self._ws.lock:
            stored = self._ws.messages
            channels = [channel] if channel is not None else list(stored)
            found = [m for c in channels for m in stored.get(c, {}).values()]
            return copy.deepcopy(sorted(found, key=lambda m: float(m["ts"])))

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self._ws.lock:
            return copy.deepcopy(self._ws.messages.get(channel, {}).get(ts))

    def ephemerals(self, channel: str | None = None) -> list[dict[str, Any]]:
        with self._ws.lock:
            return copy.deepcopy([e for e in self._ws.ephemerals if channel in (None, e["channel"])])

    def dm_channel_for(self, user_id: str) -> str | None:
        """The DM channel id opened with ``user_id``, or None if no DM was ever opened."""
        with self._ws.lock:
            return self._ws.dms.get(user_id)

    def published_home(self, user_id: str) -> dict[str, Any] | None:
        with self._ws.lock:
            view_id = self._ws.homes.get(user_id)
            return copy.deepcopy(self._ws.views[view_id]) if view_id else None

    def open_views(self) -> list[dict[str, Any]]:
        """Modals opened or pushed, in order, with their latest content."""
        with self._ws.lock:
            return copy.deepcopy([v for v in self._ws.views.values() if v["type"] == "modal"])

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self._ws.lock:
            return copy.deepcopy(self._ws.views.get(view_id))

    def uploaded_files(self) -> list[dict[str, Any]]:
        """Files whose upload was completed: id, name, title, size, content bytes and channels."""
        with self._ws.lock:
            done = [f for f in self._ws.files.values() if f.title]
            return [file_dict(self._ws, f) | {"content": f.content} for f in done]

    def responses(self, url: str | None = None) -> list[dict[str, Any]]:
        """JSON bodies posted to response URLs (all of them, or to ``url``), in arrival order."""
        with self._ws.lock:
            return copy.deepcopy([body for u, body in self._ws.responses if url in (None, u)])

    # ----------------------------------------------------------------- interaction helpers

    def new_trigger_id(self, *, user_id: str | None = None, view_id: str | None = None) -> str:
        """A trigger id valid for 3 seconds and one use, as Slack hands out with each interaction.

        ``view_id`` ties it to the modal the interaction came from, so ``views.push`` stacks on it.
        """
        with self._ws.lock:
            return interactions.new_trigger_id(self._ws, user_id=user_id, view_id=view_id)

    def new_response_url(self) -> str:
        """A response URL on the fake; up to 5 posts within 30 minutes, as Slack allows."""
        with self._ws.lock:
            return interactions.new_response_url(self._ws)

    # ----------------------------------------------------------------- HTTP routing

    def _route(self, path: str, query: str, headers: Message, body: bytes) -> Reply:
        try:
            if path.startswith("/api/"):
                return self._api.serve(path.removeprefix("/api/"), query, headers, body)
            if path.startswith("/upload/"):
                return serve_upload(self._ws, path.removeprefix("/upload/"), headers, body)
            if path.startswith("/response/"):
                return interactions.serve_response(self._ws, path.removeprefix("/response/"), body)
            return Reply.text("Not Found", status=404)
        except Exception:
            log.exception("fake Slack failed on %s", path)
            return Reply.json({"ok": False, "error": "fatal_error"}, status=500)
