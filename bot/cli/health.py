"""`rounds healthcheck`: one line and exit 0/1, for a container's health check (worker, socket, serve)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.cli.common import load_settings, out

commands = typer.Typer()


@commands.command("healthcheck")
def healthcheck(
    max_heartbeat_age: Annotated[
        float | None,
        typer.Option(
            min=1,
            help="also require a worker heartbeat at most this many seconds old (the worker's own check)",
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help="ask a running `rounds serve` instead, e.g. http://127.0.0.1:3000/healthz"),
    ] = None,
    any_host: Annotated[
        bool,
        typer.Option(
            "--any-host", help="accept a heartbeat from a worker on any machine (default: this one only)"
        ),
    ] = False,
) -> None:
    """Check the database (reachable, schema not behind) and, when asked, the worker's heartbeat.

    Prints one line, "healthy: …" or "unhealthy: …", and exits 0 or 1.
    """
    if url is not None:
        problems, summary = _ask_server(url, max_heartbeat_age)
    else:
        from bot.health import check, this_host
        from workflows.db import make_engine

        engine = make_engine(load_settings().database_url)
        try:
            report = check(engine, now=datetime.now(UTC), host=None if any_host else this_host())
        finally:
            engine.dispose()
        problems = report.problems(max_heartbeat_age=max_heartbeat_age)
        summary = "" if problems else report.summary()
    if problems:
        out.print(f"unhealthy: {'; '.join(problems)}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1)
    out.print(f"healthy: {summary}", highlight=False, markup=False, soft_wrap=True)


def _ask_server(url: str, max_heartbeat_age: float | None) -> tuple[list[str], str]:
    """GET a /healthz and judge its answer the same way (the heartbeat there is any worker's)."""
    import httpx

    try:
        answer = httpx.get(url, timeout=5)
        body = answer.json()
    except (httpx.HTTPError, ValueError) as error:
        return [f"{url} did not answer with health JSON ({type(error).__name__})"], ""
    problems = [] if answer.status_code == 200 else [f"{url} answered {answer.status_code}"]
    age = (body.get("worker") or {}).get("last_heartbeat_age_seconds")
    if max_heartbeat_age is not None and answer.status_code == 200:
        if age is None:
            problems.append("no worker heartbeat yet")
        elif age > max_heartbeat_age:
            problems.append(f"worker heartbeat {age:.0f}s old (more than {max_heartbeat_age:g}s)")
    schema = body.get("schema") or {}
    outbox = body.get("outbox") or {}
    summary = (
        f"{url}: schema {schema.get('current')} ({schema.get('state')}); "
        f"outbox {outbox.get('pending')} pending; "
        + (f"worker heartbeat {age:.0f}s ago" if age is not None else "no worker heartbeat")
    )
    return problems, summary
