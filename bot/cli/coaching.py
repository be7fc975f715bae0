"""`rounds pd-needs` (the professional-learning needs from coaching, beside the walkthrough picture) and
`rounds coaching-settings` (a school's phases, cadence, own needs tags and weekly reflection time).

Aggregates only: no command here prints a name, a note or a reflection.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Annotated

import typer

from bot.cli.common import fail, load_settings, open_database, out

commands = typer.Typer()


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date like 2026-01-15") from None


def _chosen_schools(session, ref: str | None):  # type: ignore[no-untyped-def]
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


@commands.command("pd-needs")
def pd_needs(
    school: Annotated[
        str | None, typer.Option(help="one school, by id, OneRoster sourcedId or name (default: all)")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="count needs tagged since this day, YYYY-MM-DD (default: the last four months)"),
    ] = None,
) -> None:
    """Needs tagged in coaching by framework area: teachers, entries, the four-month trend and the
    walkthrough picture for the same area. Figures backed by fewer than 3 teachers are withheld."""
    from bot.blocks.coaching_reports import area_line, needs_note
    from workflows.coaching.needs import default_since
    from workflows.coaching.needs import pd_needs as needs_of
    from workflows.db import make_sessions, transaction
    from workflows.walkthroughs.views import local_time

    start = _day(since)
    settings = load_settings()
    sessions = make_sessions(open_database(settings, migrate=False))
    now = datetime.now(UTC)
    with transaction(sessions) as session:
        for s in _chosen_schools(session, school):
            today = local_time(now, s).date()
            if start is not None and start > today:
                fail(f"--since {start} is after today ({today})", 2)
            report = needs_of(
                session, school_id=s.id or 0, since=start or default_since(today), today=today, now=now
            )
            out.rule(f"{report.school_name} — professional-learning needs since {report.since}")
            for area in report.areas:
                needs, trend, picture = area_line(area)
                out.print(f"{area.label}: {needs}", highlight=False, markup=False)
                out.print(f"  last four months: {trend}", highlight=False, markup=False)
                out.print(f"  {picture}", highlight=False, markup=False)
            out.print(needs_note(report).replace("*", "").replace("_", ""), highlight=False, markup=False)


@commands.command("coaching-settings")
def coaching_settings(
    school: Annotated[str, typer.Option(help="the school, by id, OneRoster sourcedId or name")],
    phases: Annotated[
        str | None, typer.Option(help="a cycle's phases, comma-separated (default: identify,learn,improve)")
    ] = None,
    cadence: Annotated[
        str | None, typer.Option(help="days between contacts in each phase, comma-separated, e.g. 7,7,14")
    ] = None,
    needs_tags: Annotated[
        str | None,
        typer.Option("--needs-tags", help="the school's own needs tags, comma-separated ('' clears)"),
    ] = None,
    reflection_day: Annotated[
        str | None, typer.Option(help="the day coaches are asked for their weekly reflection, e.g. friday")
    ] = None,
    reflection_time: Annotated[
        str | None, typer.Option(help="its time, HH:MM in the school's time zone")
    ] = None,
) -> None:
    """Show a school's coaching settings, or change the ones given (new cycles use the new phases)."""
    from workflows.coaching.settings import InvalidSettings, update_coaching_settings, weekday_number
    from workflows.coaching.settings import coaching_settings as settings_of
    from workflows.db import make_sessions, transaction

    def numbers(text: str) -> list[int]:
        try:
            return [int(part) for part in text.split(",") if part.strip()]
        except ValueError:
            fail(f"--cadence {text!r}: give whole numbers of days, like 7,7,14", 2)

    def clock_time(text: str) -> time:
        try:
            return time.fromisoformat(text)
        except ValueError:
            fail(f"--reflection-time {text!r}: give a time like 14:30", 2)

    sessions = make_sessions(open_database(load_settings(), migrate=False))
    try:
        with transaction(sessions) as session:
            [chosen] = _chosen_schools(session, school)
            changes = (phases, cadence, needs_tags, reflection_day, reflection_time)
            if any(value is not None for value in changes):
                current = update_coaching_settings(
                    session,
                    school_id=chosen.id or 0,
                    now=datetime.now(UTC),
                    phases=phases.split(",") if phases is not None else None,
                    cadence_days=numbers(cadence) if cadence is not None else None,
                    needs_tags=needs_tags.split(",") if needs_tags is not None else None,
                    reflection_weekday=weekday_number(reflection_day) if reflection_day is not None else None,
                    reflection_time=clock_time(reflection_time) if reflection_time is not None else None,
                )
            else:
                current = settings_of(session, school_id=chosen.id or 0)
            name = chosen.name
    except InvalidSettings as problem:
        fail(str(problem), 2)
    out.print(f"{name}:", highlight=False, markup=False)
    out.print(
        "  phases: "
        + ", ".join(
            f"{p} (every {d} days)" for p, d in zip(current.phases, current.cadence_days, strict=True)
        ),
        highlight=False,
        markup=False,
    )
    out.print(f"  own needs tags: {', '.join(current.needs_tags) or 'none'}", highlight=False, markup=False)
    out.print(
        f"  weekly reflection: {current.reflection_day_name} {current.reflection_time:%H:%M}",
        highlight=False,
        markup=False,
    )
