"""The Bolt app factory. Nothing is built at import time: each process and each test owns its app."""

from __future__ import annotations

import time
from collections.abc import Callable

from slack_bolt import Ack, App, BoltContext, BoltRequest, BoltResponse
from slack_sdk import WebClient

from bot import listeners, logs
from bot.callers import resolve_caller
from bot.errors import register_error_handler
from bot.runtime import Runtime


class KeptAck(Ack):
    """Bolt's `ack`, except that an acknowledgement once made stays made.

    When a listener raises right after `ack()` (a refusal, a failed views.open), Bolt's thread runner
    resets `ack.response` to None after the error handler ran; if that lands before the request thread
    has read the acknowledgement, Slack gets a 404 three seconds later instead of the 200 already given.
    """

    @property  # type: ignore[override]
    def response(self) -> BoltResponse | None:
        return self.__dict__.get("_kept")

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        if value is not None or self.__dict__.get("_kept") is None:
            self.__dict__["_kept"] = value


def keep_acknowledgements(context: BoltContext, next: Callable[[], None]) -> None:
    context["ack"] = KeptAck()
    next()


class RoundsApp(App):
    """Bolt's App, plus one log line per request (HTTP and Socket Mode alike, rejected ones included)."""

    def dispatch(self, req: BoltRequest) -> BoltResponse:
        started = time.perf_counter()
        response = super().dispatch(req)
        logs.log_slack_request(req.body, status=response.status, started=started)
        return response


def build_app(runtime: Runtime, *, client: WebClient) -> App:
    """A Bolt app whose listeners write through the domain. Requests must carry Slack's signature."""
    app = RoundsApp(
        client=client,
        signing_secret=runtime.settings.secret("slack_signing_secret"),
        request_verification_enabled=True,
        # Acknowledge first, then do the slow part (views.open, deliveries) in Bolt's thread pool.
        process_before_response=False,
        logger=logs.logger("bolt"),
    )
    app.use(keep_acknowledgements)
    app.use(resolve_caller(runtime))
    register_error_handler(app)
    listeners.register_all(app, runtime)
    return app
