"""`rounds serve` (HTTP) and `rounds socket` (Socket Mode): the processes Slack talks to."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import check_slack_token, load_settings, open_database, out, required_settings
from bot.process import REQUEST_THREADS, freeze_start_up

if TYPE_CHECKING:
    from slack_bolt import App
    from sqlalchemy import Engine

    from bot.settings import Settings

commands = typer.Typer()

DELIVER_HELP = "send queued messages from this process too (off: leave it to `rounds worker`)"
THREADS_HELP = "Slack requests worked on at once; the rest wait their turn (README: Process model)"


@dataclass(frozen=True)
class Serving:
    """A serving process's app, and how to stop its delivery worker: the message in flight is finished
    and recorded, the rest handed back to the outbox (idempotent)."""

    app: App
    stop_deliveries: Callable[[], None]


@contextmanager
def slack_app(settings: Settings, engine: Engine, *, deliver: bool) -> Iterator[Serving]:
    """The Bolt app of a serving process, with (by default) a delivery worker in the same process, so the
    messages a listener queues go out at once. Workers claim rows, so `rounds worker` may run beside it."""
    from bot.app import build_app
    from bot.deliveries import DeliveryWorker
    from bot.installations import bot_tokens
    from bot.runtime import Runtime
    from bot.slack_client import make_app_client
    from workflows.db import make_sessions

    sessions = make_sessions(engine)
    if not deliver:
        app = build_app(Runtime(settings=settings, sessions=sessions), client=make_app_client(settings))
        yield Serving(app, stop_deliveries=lambda: None)
        return
    worker = DeliveryWorker.from_settings(sessions, settings, tokens=bot_tokens(settings, sessions))
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop,), name="delivery-worker", daemon=True)

    def stop_deliveries() -> None:
        stop.set()
        worker.wake()
        thread.join(timeout=worker.lease.total_seconds())

    thread.start()
    try:
        runtime = Runtime(settings=settings, sessions=sessions, wake_deliveries=worker.wake)
        yield Serving(build_app(runtime, client=make_app_client(settings)), stop_deliveries)
    finally:
        stop_deliveries()


@commands.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "0.0.0.0",
    port: Annotated[int, typer.Option(min=1, max=65535, envvar="PORT", help="TCP port")] = 3000,
    migrate: Annotated[bool, typer.Option(help="apply pending migrations at start")] = True,
    deliver: Annotated[bool, typer.Option(help=DELIVER_HELP)] = True,
    threads: Annotated[int, typer.Option(min=1, max=64, help=THREADS_HELP)] = REQUEST_THREADS,
) -> None:
    """Serve POST /slack/events and GET /healthz over HTTP (Slack's Events API and interactivity)."""
    import uvicorn

    from bot.server import build_server

    settings = load_settings()
    with required_settings():
        for name in settings.serving_secrets:
            settings.secret(name)
    check_slack_token(settings)
    engine = open_database(settings, migrate=migrate)
    server: uvicorn.Server | None = None
    stopping = threading.Event()

    def stop(*_: object) -> None:
        """SIGTERM/SIGINT at any moment: before uvicorn listens, while it does (it has its own handlers
        then), and after its graceful shutdown, when it re-raises the signal to this handler."""
        stopping.set()
        if server is not None:
            server.should_exit = True

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stop)
    with slack_app(settings, engine, deliver=deliver) as serving:
        # The delivery worker stops in the server's graceful shutdown, after the last answer.
        asgi = build_server(
            app=serving.app, engine=engine, on_shutdown=serving.stop_deliveries, request_threads=threads
        )
        # log_config=None: uvicorn's own lines go through Rounds' logging (text or JSON, like the rest).
        config = uvicorn.Config(asgi, host=host, port=port, log_level="warning", log_config=None)
        server = uvicorn.Server(config)
        server.should_exit = stopping.is_set()
        freeze_start_up()
        out.print(f"Rounds is listening on http://{host}:{port}/slack/events")
        server.run()


@commands.command("socket")
def socket(
    migrate: Annotated[bool, typer.Option(help="apply pending migrations at start")] = True,
    deliver: Annotated[bool, typer.Option(help=DELIVER_HELP)] = True,
    threads: Annotated[int, typer.Option(min=1, max=64, help=THREADS_HELP)] = REQUEST_THREADS,
) -> None:
    """Connect over Socket Mode (no public URL needed; uses SLACK_APP_TOKEN)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    settings = load_settings()
    with required_settings():
        for name in (*settings.serving_secrets, "slack_app_token"):
            settings.secret(name)
    check_slack_token(settings)
    engine = open_database(settings, migrate=migrate)
    with slack_app(settings, engine, deliver=deliver) as serving:
        # Each message is dispatched on one of `threads` threads and acknowledged over the socket when its
        # listener is done; the others wait in the client's queue.
        handler = SocketModeHandler(serving.app, settings.secret("slack_app_token"), concurrency=threads)
        stopping = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopping.set())
        freeze_start_up()
        handler.connect()
        stopping.wait()
        handler.close()  # no new requests; then the worker finishes what it holds (slack_app's exit)
