"""The Bolt app factory. Nothing is built at import time: each process and each test owns its app."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.listener_matcher import ListenerMatcher
from slack_bolt.listener_matcher.builtins import BuiltinListenerMatcher
from slack_sdk import WebClient

from bot import listeners, logs
from bot.callers import REQUEST_SESSION, RequestSession, resolve_caller
from bot.errors import register_error_handler
from bot.installations import installation_store
from bot.metrics import Metrics
from bot.oauth import oauth_settings
from bot.runtime import Runtime
from bot.slack_connections import KeptAliveWebClient
from workflows.db import Sessions


class KeptAck(Ack):
    """Bolt's `ack`, except that an acknowledgement once made stays made.

    When a listener raises right after `ack()` (a refusal, a failed views.open), Bolt's thread runner
    overwrites `ack.response` after the error handler ran (with None, or with the error's 500); the
    acknowledgement already made is what Slack must get.
    """

    @property  # type: ignore[override]
    def response(self) -> BoltResponse | None:
        return self.__dict__.get("_kept")

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or self.__dict__.get("_kept") is None:
            self.__dict__["_kept"] = value


class BodyMatcher(ListenerMatcher):
    """One of Bolt's built-in matchers (a command's name, an action_id, a callback_id…), asked with the
    body it reads. Bolt asks every listener in turn until one matches, each time building the matcher's
    arguments by inspection: about 15 µs a listener, so the 50th of Rounds' 70 listeners paid ~0.8 ms
    before it ran."""

    def __init__(self, builtin: BuiltinListenerMatcher) -> None:
        self.func = builtin.func

    def matches(self, req: BoltRequest, resp: BoltResponse) -> bool:
        return bool(self.func(body=req.body))


def keep_acknowledgements(context: BoltContext, next: Callable[[], None]) -> None:
    context["ack"] = KeptAck()
    next()


class RoundsApp(App):
    """Bolt's App, plus one log line and one latency observation per request (HTTP and Socket Mode alike,
    rejected ones included). `metrics` is what `GET /metrics` serves."""

    def __init__(self, *args: Any, sessions: Sessions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sessions = sessions
        self.metrics = Metrics()

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        request = RequestSession(self.sessions)
        req.context[REQUEST_SESSION] = request
        try:
            response = super().dispatch(req)
        finally:
            request.close()
        logs.log_slack_request(req.body, status=response.status, started=started)
        self.metrics.observe_request(req.body, status=response.status, seconds=time.perf_counter() - started)
        return response

    def _register_listener(self, functions: Any, primary_matcher: ListenerMatcher, *args: Any, **kwargs: Any) -> Any:
        if isinstance(primary_matcher, BuiltinListenerMatcher) and primary_matcher.arg_names == ["body"]:
            primary_matcher = BodyMatcher(primary_matcher)
        return super()._register_listener(functions, primary_matcher, *args, **kwargs)

    def _init_context(self, req: BoltRequest) -> None:
        """Bolt gives each request a new plain ``WebClient``; ours shares the app client's connections."""
        super()._init_context(req)
        if isinstance(self.client, KeptAliveWebClient):
            token = req.context.client.token
            req.context["client"] = self.client.sharing(token=token, team_id=req.context.team_id)


def build_app(runtime: Runtime, *, client: WebClient) -> App:
    """A Bolt app whose listeners write through the domain. Requests must carry Slack's signature.

    Single-workspace mode: ``client`` carries ``SLACK_BOT_TOKEN``. Multi-workspace mode (``SLACK_CLIENT_ID``
    set): ``client`` has no token (``make_app_client``); Bolt's OAuth flow installs Rounds and each request
    is authorised with its workspace's bot from the installation store.
    """
    oauth: dict[str, Any] = {}
    if runtime.settings.multi_workspace:
        if client.token:
            raise ValueError("in multi-workspace mode build_app takes a client without a token (make_app_client)")
        store = installation_store(runtime.settings, runtime.sessions, clock=runtime.clock)
        oauth = {"oauth_settings": oauth_settings(runtime, store), "installation_store_bot_only": True}
    app = RoundsApp(
        sessions=runtime.sessions,
        client=client,
        signing_secret=runtime.settings.secret("slack_signing_secret"),
        request_verification_enabled=True,
        # The listener runs in the request's own thread and its acknowledgement is the answer (see the
        # README's "Process model"): no hand-over to a second pool, no polling for the ack.
        process_before_response=True,
        logger=logs.logger("bolt"),
        **oauth,
    )
    app.use(keep_acknowledgements)
    app.use(resolve_caller(runtime))
    register_error_handler(app)
    listeners.register_all(app, runtime)
    return app
