"""`rounds plan` (a day's visits, and with --explain why and how good the cycle is) and `rounds remind`."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from typing import Annotated

import typer

from bot.cli.common import (
    TOKEN_REFUSALS,
    check_slack_token,
    err,
    fail,
    load_settings,
    open_database,
    out,
    required_settings,
    token_refused,
)

commands = typer.Typer()


def parse_day(text: str | None) -> date | None:
    """An ISO date (2026-11-24), or None for "today"; anything else is a usage error."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date like 2026-11-24") from None


@commands.command("plan")
def plan(
    day: Annotated[
        str | None, typer.Option("--date", help="the school day to plan, YYYY-MM-DD (default: today)")
    ] = None,
    school: Annotated[
        str | None, typer.Option(help="one school, by id, OneRoster sourcedId or name (default: all)")
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="also simulate the whole cycle and report its quality")
    ] = False,
) -> None:
    """Plan (once, then stored) and print each leader's visits for a day, with the reason for each."""
    from bot.blocks.rotation import leader_day_lines
    from bot.calendars import calendars_from_settings
    from workflows.db import make_sessions, transaction
    from workflows.rotation.coverage import explain_cycle
    from workflows.rotation.inputs import local_today
    from workflows.rotation.plans import plan_school_day

    when = parse_day(day)
    settings = load_settings()
    sessions = make_sessions(open_database(settings, migrate=False))
    calendars = calendars_from_settings(settings)
    now = datetime.now(UTC)
    with transaction(sessions) as session:
        chosen = _schools(session, school, fail)
    for s in chosen:
        target = when or local_today(s, now)
        with transaction(sessions) as session:
            result = plan_school_day(session, school_id=s.id or 0, day=target, calendars=calendars, now=now)
        out.rule(f"{result.school_name} — {target:%a %Y-%m-%d} ({result.day_type})")
        if not result.school_day:
            for note in result.notes:
                out.print(note, highlight=False, markup=False)
            continue
        if not result.leaders:
            out.print("No leaders at this school.", highlight=False)
        for leader_day in result.leaders:
            out.print(f"[bold]{leader_day.leader_name}[/]", highlight=False)
            for line in leader_day_lines(leader_day):
                out.print(line, highlight=False, markup=False)
        for note in result.notes:
            out.print(note, highlight=False, markup=False)
        if explain:
            with transaction(sessions) as session:
                quality = explain_cycle(session, school_id=s.id or 0, day=target, calendars=calendars)
            out.print("[bold]The whole cycle, if every planned visit is made:[/]", highlight=False)
            for line in quality.lines() if quality else ("Not a school day: no cycle to simulate.",):
                out.print(f"  {line}", highlight=False, markup=False)


@commands.command("remind")
def remind(
    day: Annotated[
        str | None,
        typer.Option("--date", help="the school day, YYYY-MM-DD (default: each school's today)"),
    ] = None,
    timeout: Annotated[float, typer.Option(min=1, help="seconds to wait for Slack before giving up")] = 120,
) -> None:
    """Plan the day and send every leader's morning DM now; waits until they are delivered.

    Running it again sends nothing new: each DM has its own idempotency key.
    """
    from bot.calendars import calendars_from_settings
    from bot.deliveries import DeliveryWorker
    from bot.installations import bot_tokens
    from bot.jobs import remind_all
    from workflows.db import make_sessions, transaction
    from workflows.deliveries.models import DeliveryStatus
    from workflows.deliveries.service import get

    when = parse_day(day)
    settings = load_settings()
    with required_settings():
        settings.secret("slack_client_secret" if settings.multi_workspace else "slack_bot_token")
    check_slack_token(settings)  # a wrong token: one line, and nothing queued
    sessions = make_sessions(open_database(settings, migrate=False))
    worker = DeliveryWorker.from_settings(sessions, settings, tokens=bot_tokens(settings, sessions))
    started = datetime.now(UTC)
    runs = remind_all(sessions, calendars=calendars_from_settings(settings), now=started, day=when)
    worker.drain(timeout=timeout)
    counts = {"sent": 0, "already sent": 0, "failed": 0, "still waiting": 0}
    errors: Counter[str | None] = Counter()
    with transaction(sessions) as session:
        for key in (key for run in runs for key in run.keys):
            row = get(session, key=key)
            if row is None or row.status == DeliveryStatus.FAILED:
                counts["failed"] += 1
                errors[row.last_error if row is not None else None] += 1
            elif row.status != DeliveryStatus.SENT:
                counts["still waiting"] += 1
            elif row.sent_at is not None and row.sent_at >= started:
                counts["sent"] += 1
            else:
                counts["already sent"] += 1
    for run in runs:
        what = (
            f"{run.queued} new, {run.already} already queued"
            if run.school_day
            else "not a school day, nothing sent"
        )
        extra = f"; {run.no_slack} leader(s) not on Slack" if run.no_slack else ""
        out.print(f"{run.school_name} — {run.day}: {what}{extra}", highlight=False)
    out.print(", ".join(f"{n} {label}" for label, n in counts.items()), highlight=False)
    if counts["failed"] and not counts["sent"] and not counts["already sent"] and not counts["still waiting"]:
        fail(f"nothing could be sent: {_why(errors)} (see `rounds deliveries --failed`)")
    if counts["failed"] or counts["still waiting"]:
        if errors:
            err.print(f"not sent: {_why(errors)}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1)


def _why(errors: Counter[str | None]) -> str:
    """Failures by Slack's error code; a token refusal is said in full, once."""
    refused = next((code for code in errors if code in TOKEN_REFUSALS), None)
    listed = ", ".join(f"{n} {code or 'lost'}" for code, n in errors.most_common())
    return f"{listed}. {token_refused(refused)}" if refused else listed


def _schools(session, ref, fail):  # type: ignore[no-untyped-def]
    from workflows.rotation.inputs import school_by_ref, schools

    if ref is None:
        found = schools(session)
        if not found:
            fail("no schools yet: import a roster first (`rounds import-roster PATH`)")
        return found
    school = school_by_ref(session, ref)
    if school is None:
        fail(f"unknown school {ref!r}: use its id, OneRoster sourcedId or name", 2)
    return [school]
