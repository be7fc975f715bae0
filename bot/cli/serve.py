"""`rounds serve` (HTTP) and `rounds socket` (Socket Mode): the processes Slack talks to."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import check_slack_token, load_settings, open_database, out, required_settings
from bot.settings import Settings

if TYPE_CHECKING:
    from slack_bolt import App
    from sqlalchemy import Engine

commands = typer.Typer()

DELIVER_HELP = "send queued messages from this process too (off: leave it to `rounds worker`)"


@contextmanager
def slack_app(settings: Settings, engine: Engine, *, deliver: bool) -> Iterator[App]:
    """The Bolt app of a serving process, with (by default) a delivery worker in the same process, so the
    messages a listener queues go out at once. Workers claim rows, so `rounds worker` may run beside it."""
    from bot.app import build_app
    from bot.delivery_worker import DeliveryWorker, make_worker_client, running
    from bot.runtime import Runtime
    from bot.slack_client import make_client
    from workflows.db import make_sessions

    sessions = make_sessions(engine)
    if not deliver:
        yield build_app(Runtime(settings=settings, sessions=sessions), client=make_client(settings))
        return
    worker = DeliveryWorker(sessions, make_worker_client(settings))
    with running(worker):
        runtime = Runtime(settings=settings, sessions=sessions, wake_deliveries=worker.wake)
        yield build_app(runtime, client=make_client(settings))


@commands.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="interface to listen on")] = "0.0.0.0",
    port: Annotated[int, typer.Option(min=1, max=65535, envvar="PORT", help="TCP port")] = 3000,
    migrate: Annotated[bool, typer.Option(help="apply pending migrations at start")] = True,
    deliver: Annotated[bool, typer.Option(help=DELIVER_HELP)] = True,
) -> None:
    """Serve POST /slack/events and GET /healthz over HTTP (Slack's Events API and interactivity)."""
    import uvicorn

    from bot.server import build_server

    settings = load_settings()
    with required_settings():
        for name in ("slack_bot_token", "slack_signing_secret"):
            settings.secret(name)
    check_slack_token(settings)
    engine = open_database(settings, migrate=migrate)
    with slack_app(settings, engine, deliver=deliver) as app:
        out.print(f"Rounds is listening on http://{host}:{port}/slack/events")
        # log_config=None: uvicorn's own lines go through Rounds' logging (text or JSON, like the rest).
        server = build_server(app=app, engine=engine)
        uvicorn.run(server, host=host, port=port, log_level="warning", log_config=None)


@commands.command("socket")
def socket(
    migrate: Annotated[bool, typer.Option(help="apply pending migrations at start")] = True,
    deliver: Annotated[bool, typer.Option(help=DELIVER_HELP)] = True,
) -> None:
    """Connect over Socket Mode (no public URL needed; uses SLACK_APP_TOKEN)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    settings = load_settings()
    with required_settings():
        for name in ("slack_bot_token", "slack_signing_secret", "slack_app_token"):
            settings.secret(name)
    check_slack_token(settings)
    engine = open_database(settings, migrate=migrate)
    with slack_app(settings, engine, deliver=deliver) as app:
        SocketModeHandler(app, settings.secret("slack_app_token")).start()
