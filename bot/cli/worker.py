"""`rounds worker` (the scheduler and the delivery worker) and `rounds deliveries` (what was sent, what failed)."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer

from bot.cli.common import check_slack_token, fail, load_settings, open_database, out, required_settings

commands = typer.Typer()


@commands.command("worker")
def worker(
    lease_seconds: Annotated[
        float,
        typer.Option(min=5, help="seconds a claimed delivery stays ours before another worker retakes it"),
    ] = 60,
    senders: Annotated[
        int, typer.Option(min=1, max=32, help="sender threads (channels sent in parallel)")
    ] = 4,
    migrate: Annotated[bool, typer.Option(help="apply pending migrations at start")] = False,
    heartbeat_every: Annotated[
        float, typer.Option(min=1, help="seconds between heartbeats (read by `rounds healthcheck`)")
    ] = 30,
) -> None:
    """Run the scheduled jobs (each school's morning reminders) and send every queued message to Slack."""
    from bot.deliveries import DeliveryWorker
    from bot.health import add_heartbeat
    from bot.installations import bot_tokens
    from bot.jobs import build_scheduler
    from bot.runtime import Runtime
    from workflows.db import make_sessions

    settings = load_settings()
    check_slack_token(settings)  # a wrong token would fail every message it tries: refuse to start
    engine = open_database(settings, migrate=migrate)
    sessions = make_sessions(engine)
    with required_settings():
        delivery = DeliveryWorker.from_settings(
            sessions, settings, tokens=bot_tokens(settings, sessions), lease_seconds=lease_seconds,
            senders=senders,
        )  # fmt: skip
        scheduler = build_scheduler(Runtime(settings=settings, sessions=sessions))
    add_heartbeat(scheduler, sessions, worker=delivery.name, every=timedelta(seconds=heartbeat_every))
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    scheduler.start()
    out.print(f"Delivery worker {delivery.name} running; Ctrl-C to stop.", highlight=False)
    try:
        delivery.run_forever(stop)
    finally:
        scheduler.shutdown(wait=False)


@commands.command("deliveries")
def deliveries(
    failed: Annotated[bool, typer.Option("--failed", help="only deliveries Rounds gave up on")] = False,
    since: Annotated[
        str | None,
        typer.Option(help="only those created on or after this ISO date/time (UTC if no zone)"),
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000, help="at most this many rows")] = 50,
) -> None:
    """List recent deliveries (newest first): key, status, attempts and error code. Never message text."""
    from rich.table import Table

    from workflows.db import make_sessions, transaction
    from workflows.deliveries import service

    start = None
    if since is not None:
        try:
            start = datetime.fromisoformat(since)
        except ValueError:
            fail(f"--since {since!r} is not an ISO date or date-time (e.g. 2026-11-23 or 2026-11-23T07:00)")
        start = start if start.utcoffset() is not None else start.replace(tzinfo=UTC)
    sessions = make_sessions(open_database(load_settings(), migrate=False))
    with transaction(sessions) as session:
        if failed:
            rows = service.failed(session, since=start)[:limit]
        else:
            rows = [r for r in service.recent(session, limit=limit) if start is None or r.created_at >= start]
        waiting = service.pending_count(session)
    table = Table(
        "workspace",
        "key",
        "method",
        "status",
        "attempts",
        "error",
        "channel",
        "created",
        "sent",
        title="Failed deliveries" if failed else "Recent deliveries",
    )
    for row in rows:
        table.add_row(
            row.workspace,
            row.key,
            row.method,
            row.status,
            str(row.attempts),
            row.last_error or "",
            row.slack_channel or "",
            f"{row.created_at:%Y-%m-%d %H:%M:%S}",
            f"{row.sent_at:%Y-%m-%d %H:%M:%S}" if row.sent_at else "",
        )
    out.print(table)
    out.print(f"{len(rows)} shown; {waiting} waiting to be sent.", highlight=False)
