"""`rounds worker` (the scheduler and the delivery worker) and `rounds deliveries` (what was sent, what failed)."""

from __future__ import annotations

import importlib
import signal
import threading
from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from rich.table import Table


def register(cli: typer.Typer) -> None:
    """Adds `worker` and `deliveries` to the `rounds` command. bot.cli is imported here, when it is complete."""
    from bot.cli import fail, load_settings, open_database, out
    from bot.settings import MissingSetting

    @cli.command("worker")
    def worker(
        lease_seconds: Annotated[
            float,
            typer.Option(
                min=5, help="seconds a claimed delivery stays ours before another worker retakes it"
            ),
        ] = 60,
        senders: Annotated[
            int, typer.Option(min=1, max=32, help="sender threads (channels sent in parallel)")
        ] = 4,
        migrate: Annotated[bool, typer.Option(help="apply pending migrations at start")] = False,
    ) -> None:
        """Run the scheduled jobs (each school's morning reminders) and send every queued message to Slack."""
        from bot.deliveries import DeliveryWorker
        from bot.runtime import Runtime
        from bot.slack_client import make_client
        from workflows.db import make_sessions

        settings = load_settings()
        engine = open_database(settings, migrate=migrate)
        sessions = make_sessions(engine)
        try:
            delivery = DeliveryWorker.from_settings(
                sessions, settings, lease_seconds=lease_seconds, senders=senders
            )
            scheduler = build_scheduler(Runtime(settings=settings, sessions=sessions), make_client(settings))
        except MissingSetting as error:
            fail(str(error), 2)
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        if scheduler is not None:
            scheduler.start()
        out.print(f"Delivery worker {delivery.name} running; Ctrl-C to stop.", highlight=False)
        try:
            delivery.run_forever(stop)
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)

    @cli.command("deliveries")
    def deliveries(
        failed: Annotated[bool, typer.Option("--failed", help="only deliveries Rounds gave up on")] = False,
        since: Annotated[
            str | None,
            typer.Option(help="only those created on or after this ISO date/time (UTC if no zone)"),
        ] = None,
        limit: Annotated[int, typer.Option(min=1, max=10_000, help="at most this many rows")] = 50,
    ) -> None:
        """List recent deliveries (newest first): key, status, attempts and error code. Never message text."""
        from workflows.db import make_sessions, transaction
        from workflows.deliveries import service

        start = None
        if since is not None:
            try:
                start = datetime.fromisoformat(since)
            except ValueError:
                fail(
                    f"--since {since!r} is not an ISO date or date-time (e.g. 2026-11-23 or 2026-11-23T07:00)"
                )
            start = start if start.utcoffset() is not None else start.replace(tzinfo=UTC)
        sessions = make_sessions(open_database(load_settings(), migrate=False))
        with transaction(sessions) as session:
            if failed:
                rows = service.failed(session, since=start)[:limit]
            else:
                rows = [
                    r for r in service.recent(session, limit=limit) if start is None or r.created_at >= start
                ]
            waiting = service.pending_count(session)
        table = Table(
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


def build_scheduler(runtime: Any, client: Any) -> Any | None:
    """The scheduled jobs, from ``bot.jobs.build_scheduler(runtime, client)`` once that module exists.

    The hook for the scheduler work: it returns an object with ``start()`` and ``shutdown(wait=...)``
    (an APScheduler BackgroundScheduler). Without it, `rounds worker` only sends deliveries.
    """
    try:
        jobs = importlib.import_module("bot.jobs")
    except ModuleNotFoundError as missing:
        if missing.name != "bot.jobs":
            raise
        return None
    return jobs.build_scheduler(runtime, client)
