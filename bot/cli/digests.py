"""`rounds digest`: the week's digests (each team's, in its channel), sent now or only printed; and
`rounds digest-settings`: when a school's digests go out.

Aggregates only: nothing here prints a teacher's name or a word of evidence.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import check_slack_token, err, fail, load_settings, open_database, out, required_settings
from bot.cli.rotation import parse_day

commands = typer.Typer()


@commands.command("digest")
def digest(
    week: Annotated[
        str | None,
        typer.Option(help="a day of the school week to report, YYYY-MM-DD (default: the week just ended)"),
    ] = None,
    school: Annotated[
        str | None, typer.Option(help="one school, by id, OneRoster sourcedId or name (default: all)")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="print the digests; send nothing")] = False,
    charts: Annotated[
        Path | None, typer.Option(help="with --dry-run: save each chart as a PNG in this folder")
    ] = None,
    timeout: Annotated[float, typer.Option(min=1, help="seconds to wait for Slack before giving up")] = 120,
) -> None:
    """Send (or with --dry-run print) the digests of the school week that contains --week; running it
    twice sends nothing new."""
    from bot.cli.coaching import _chosen_schools
    from bot.demo.world import message_text
    from bot.digest_jobs import run_school_digests, tell_channel_problems
    from workflows.db import make_sessions, transaction
    from workflows.deliveries.models import DeliveryStatus
    from workflows.deliveries.service import get
    from workflows.digests.team import digest_week
    from workflows.walkthroughs.views import local_time

    day = parse_day(week)
    if charts is not None and not dry_run:
        fail("--charts is for --dry-run: sent charts go to the team's channel", 2)
    if charts is not None and charts.exists() and not charts.is_dir():
        fail(f"--charts {charts}: not a folder", 2)
    settings = load_settings()
    if not dry_run:
        with required_settings():
            settings.secret("slack_client_secret" if settings.multi_workspace else "slack_bot_token")
        check_slack_token(settings)
    sessions = make_sessions(open_database(settings, migrate=False))
    now = datetime.now(UTC)
    with transaction(sessions) as session:
        chosen = [(s.id or 0, s.name, local_time(now, s).date()) for s in _chosen_schools(session, school)]
    outcomes = []
    for school_id, name, today in chosen:
        monday = day - timedelta(days=day.weekday()) if day else digest_week(today)
        if day is not None and monday > today:
            fail(f"--week {day}: that week has not started yet at {name} (today is {today})", 2)
        found = run_school_digests(sessions, school_id=school_id, week=monday, now=now, dry_run=dry_run)
        if not found:
            out.print(f"{name} — week of {monday}: no team with a channel", highlight=False)
        outcomes += [(name, monday, o) for o in found]
    if dry_run:
        if charts is not None:
            charts.mkdir(parents=True, exist_ok=True)
        for name, monday, o in outcomes:
            out.rule(f"{name} — {o.title} — week of {monday} (not sent)")
            out.print(message_text(o.message), highlight=False, markup=False)
            if charts is not None and o.chart is not None:
                path = charts / f"{o.key.replace(':', '-') if o.key else o.title}.png"
                path.write_bytes(o.chart)
                out.print(f"chart: {path}", highlight=False, markup=False)
        return
    from bot.deliveries import DeliveryWorker
    from bot.installations import bot_tokens

    worker = DeliveryWorker.from_settings(sessions, settings, tokens=bot_tokens(settings, sessions))
    worker.drain(timeout=timeout)
    if tell_channel_problems(sessions, school_ids=[s for s, _, _ in chosen]):
        worker.drain(timeout=timeout)
    failed = 0
    with transaction(sessions) as session:
        for name, monday, o in outcomes:
            row = get(session, key=o.key) if o.key else None
            chart = get(session, key=f"{o.key}:chart") if o.key else None
            if row is None or row.status == DeliveryStatus.FAILED:
                state = f"not sent ({row.last_error if row else 'missing'})"
                failed += 1
            elif row.status != DeliveryStatus.SENT:
                state = "still waiting"
                failed += 1
            else:
                state = "sent" if o.fresh else "already sent"
                if chart is not None and chart.status == DeliveryStatus.FAILED:
                    state += f", chart not sent ({chart.last_error})"
                    failed += 1
            out.print(f"{name} — {o.title} — week of {monday}: {state}", highlight=False, markup=False)
    if failed:
        err.print(f"{failed} digest(s) not delivered: see `rounds deliveries --failed`", highlight=False)
        raise typer.Exit(1)


@commands.command("digest-settings")
def digest_settings(
    school: Annotated[str, typer.Option(help="the school, by id, OneRoster sourcedId or name")],
    day: Annotated[str | None, typer.Option(help="the school day team digests go out, e.g. monday")] = None,
    at: Annotated[str | None, typer.Option(help="their time, HH:MM in the school's time zone")] = None,
) -> None:
    """Show when a school's team digests go out, or change it (Monday 07:30 by default)."""
    from bot.cli.coaching import _chosen_schools
    from workflows.db import make_sessions, transaction
    from workflows.digests.settings import InvalidDigestSettings, update_digest_settings, weekday_of
    from workflows.digests.settings import digest_settings as settings_of

    when: time | None = None
    if at is not None:
        try:
            when = time.fromisoformat(at)
        except ValueError:
            fail(f"--at {at!r}: give a time like 07:30", 2)
    sessions = make_sessions(open_database(load_settings(), migrate=False))
    try:
        with transaction(sessions) as session:
            (chosen,) = _chosen_schools(session, school)
            if day is None and when is None:
                current = settings_of(session, school_id=chosen.id or 0)
            else:
                current = update_digest_settings(
                    session, school_id=chosen.id or 0, now=datetime.now(UTC),
                    weekday=weekday_of(day) if day is not None else None, at=when,
                )  # fmt: skip
            name = chosen.name
    except InvalidDigestSettings as problem:
        fail(str(problem), 2)
    out.print(f"{name}: team digests on {current.day_name} at {current.at:%H:%M}", highlight=False)
