"""`rounds framework load|show|template`: a district's look-fors, forms and rating scale, versioned."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from bot.cli.common import err, fail, load_settings, open_database, out

if TYPE_CHECKING:
    from workflows.frameworks.service import (
        FrameworkChanges,
        FrameworkError,
        FrameworkOutline,
        FrameworkSpec,
        LoadResult,
    )

commands = typer.Typer()
group = typer.Typer(
    help="The instructional framework: areas, look-fors, walkthrough forms and the rating scale.",
    no_args_is_help=True,
)
commands.add_typer(group, name="framework")


@group.command("load")
def load(
    path: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            help="a framework YAML file (see `rounds framework template`)",
        ),
    ],
    district: Annotated[
        str | None,
        typer.Option(
            help="the district's OneRoster sourcedId; without it the framework serves every district "
            "that has none of its own"
        ),
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="only validate the file; write nothing")] = False,
) -> None:
    """Validate a framework file and make it the current version. An unchanged file changes nothing."""
    from workflows.db import make_sessions, transaction
    from workflows.frameworks.service import FrameworkError, district_id_for, load_framework

    spec = _read(path)
    if check:
        out.print(
            f"{path.name} is a valid framework: {_counts(spec)}.",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )
        return
    settings = load_settings()
    sessions = make_sessions(open_database(settings, migrate=False))
    try:
        with transaction(sessions) as session:
            district_id = None
            if district is not None:
                district_id = district_id_for(session, sourced_id=district)
                if district_id is None:
                    fail(
                        f"no district with sourcedId '{district}': import the roster first (rounds import-roster)"
                    )
            result = load_framework(
                session,
                spec=spec,
                district_id=district_id,
                source_digest=spec.digest,
                now=datetime.now(UTC),
            )
    except FrameworkError as error:
        _print_problems(error)
    for line in _result_lines(result, spec):
        out.print(line, highlight=False, markup=False, soft_wrap=True)


@group.command("show")
def show(
    district: Annotated[
        str | None,
        typer.Option(help="the district's OneRoster sourcedId (default: the shared framework)"),
    ] = None,
) -> None:
    """Print the current framework: rating scale, areas with their look-fors, forms. Retired ones marked."""
    from workflows.db import make_sessions, transaction
    from workflows.frameworks.service import current_framework, district_id_for, framework_outline

    settings = load_settings()
    sessions = make_sessions(open_database(settings, migrate=False))
    with transaction(sessions) as session:
        district_id = None
        if district is not None:
            district_id = district_id_for(session, sourced_id=district)
            if district_id is None:
                fail(f"no district with sourcedId '{district}'")
        framework = current_framework(session, district_id=district_id)
        if framework is None:
            fail("no framework is loaded yet: load one with `rounds framework load FILE`")
        outline = framework_outline(session, framework_id=framework.id or 0)
    for line in _outline_lines(outline):
        out.print(line, highlight=False, markup=False, soft_wrap=True)


@group.command("template")
def template() -> None:
    """Print the starter framework shipped with Rounds, a documented file to edit into your own."""
    from workflows.frameworks.service import default_framework_text

    out.print(default_framework_text(), highlight=False, markup=False, soft_wrap=True, end="")


def _read(path: Path) -> FrameworkSpec:
    from workflows.frameworks.service import FrameworkError, parse_framework

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        err.print(f"[bold red]error:[/] {path.name} is not UTF-8 text", highlight=False)
        raise typer.Exit(1) from None
    try:
        return parse_framework(text, source=path.name)
    except FrameworkError as error:
        _print_problems(error)


def _print_problems(error: FrameworkError) -> NoReturn:
    err.print(
        f"[bold red]The framework was not loaded[/] ({len(error.problems)} problem(s); nothing was written):",
        highlight=False,
    )
    for problem in error.problems:
        err.print(f"  {problem}", highlight=False, markup=False, soft_wrap=True)
    raise typer.Exit(1)


def _counts(spec: FrameworkSpec) -> str:
    look_fors = sum(1 for look_for in spec.look_fors if not look_for.retired)
    forms = sum(1 for form in spec.forms if not form.retired)
    return (
        f"{_n(len(spec.areas), 'area')}, {_n(look_fors, 'look-for')}, {_n(forms, 'form')}, "
        f"{len(spec.rating_scale)}-level rating scale"
    )


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _result_lines(result: LoadResult, spec: FrameworkSpec) -> list[str]:
    framework = result.framework
    title = f"'{framework.key}' ({framework.name})"
    if result.outcome == "unchanged":
        return [f"Framework {title} is unchanged: version {result.version} stays current."]
    lines = [f"Loaded framework {title}: version {result.version} is now current."]
    if result.outcome == "created":
        replaced = result.changes.replaced_frameworks
        return [
            *lines,
            f"  {_counts(spec)}",
            *([f"  no longer current: {', '.join(replaced)}"] if replaced else []),
        ]
    return [*lines, *_change_lines(result.changes)]


def _change_lines(changes: FrameworkChanges) -> list[str]:
    lines: list[str] = []
    if changes.renamed:
        lines.append("  framework renamed")
    if changes.rating_scale_changed:
        lines.append("  rating scale changed")
    listed = [
        ("areas added", changes.areas_added),
        ("areas renamed", changes.areas_renamed),
        ("look-fors added", changes.look_fors_added),
        ("look-fors reworded", changes.look_fors_reworded),
        ("look-fors moved to another area", changes.look_fors_moved),
        ("look-fors retired", changes.look_fors_retired),
        ("look-fors back in use", changes.look_fors_restored),
        ("forms added", changes.forms_added),
        ("forms changed", changes.forms_changed),
        ("forms retired", changes.forms_retired),
        ("forms back in use", changes.forms_restored),
        ("no longer current", changes.replaced_frameworks),
    ]
    lines.extend(f"  {label}: {', '.join(keys)}" for label, keys in listed if keys)
    return lines or ["  no change to areas, look-fors, forms or the rating scale (names or order only)"]


def _outline_lines(outline: FrameworkOutline) -> list[str]:
    framework = outline.framework
    lines = [
        f"{framework.name} ('{framework.key}'), version {framework.version}, "
        f"loaded {framework.loaded_at:%Y-%m-%d %H:%M} UTC",
        "",
        "Rating scale (lowest first):",
    ]
    for level in outline.scale:
        note = "  (not observed: not counted in averages)" if not level.observed else ""
        lines.append(f"  {level.value if level.observed else '-'}  {level.label}{note}")
    for area, look_fors in outline.areas:
        lines += ["", f"{area.name} [{area.key}]"]
        lines += [f"  {_retired(lf.retired)}{lf.text} [{lf.key}]" for lf in look_fors]
    lines += ["", "Forms:"]
    for form, look_fors in outline.forms:
        lines.append(f"  {_retired(form.retired)}{form.name} [{form.key}]: {form.focus}")
        lines += [f"    - {_retired(lf.retired)}{lf.text}" for lf in look_fors]
    return lines


def _retired(retired: bool) -> str:
    return "(retired) " if retired else ""
