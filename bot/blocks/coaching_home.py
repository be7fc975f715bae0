"""The coaching sections of the App Home: a coach's teachers with their cycles, and a teacher's own coaching.

Pure functions from the service's summaries. A coach's section carries no note text at all (a glance at a
shared screen shows names, phases and dates); a teacher's shows their own notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot import ids
from bot.blocks.coaching import PRIVATE_NOTE, log_for_value, step_line
from bot.blocks.coaching_reflections import weeks_blocks
from bot.blocks.elements import button, clip, escape, mrkdwn, plain
from bot.blocks.walkthroughs import day, when
from workflows.coaching.cycles import CycleSummary, Due
from workflows.coaching.models import KIND_NAMES, CycleStatus
from workflows.coaching.reflections import WeekRecord
from workflows.coaching.views import EntryView, StepView
from workflows.walkthroughs.views import WalkthroughView

COACH_HOME_CYCLES = 20
NOTE_PREVIEW = 600


def _kinds(cycle: CycleSummary) -> str:
    n = cycle.entries
    if not n:
        return "no entries yet"
    parts = ", ".join(f"{count} {KIND_NAMES[kind].lower()}" for kind, count in cycle.entries_by_kind)
    return f"{n} entr{'ies' if n != 1 else 'y'} ({parts})"


def _minutes(cycle: CycleSummary) -> str:
    if not cycle.minutes:
        return "0 min"
    per = ", ".join(f"{escape(phase)} {m}" for phase, m in cycle.minutes_by_phase)
    return f"{cycle.minutes} min ({per})"


def _measure(cycle: CycleSummary) -> str | None:
    values = [v for _, v in cycle.measures]
    if not cycle.baseline and not values:
        return None
    chain = [cycle.baseline or "—", *values]
    return "measure: " + " → ".join(escape(v) for v in chain)


def summary_line(cycle: CycleSummary) -> str:
    """Entries by kind, minutes per phase, steps done and open, next check-back, the measure over time."""
    parts = [_kinds(cycle), _minutes(cycle), f"steps: {cycle.steps_done} done, {len(cycle.open_steps)} open"]
    if cycle.next_check_back:
        parts.append(f"next check-back {day(cycle.next_check_back)}")
    measure = _measure(cycle)
    if measure:
        parts.append(measure)
    return " · ".join(parts)


def _due(cycle: CycleSummary) -> str:
    if cycle.status == CycleStatus.PAUSED:
        return "⏸ paused"
    if cycle.status == CycleStatus.COMPLETED:
        return "✓ completed"
    since = f"last contact {day(cycle.last_contact)}" if cycle.last_contact else "no contact yet"
    if cycle.due == Due.OVERDUE and cycle.contact_due_on:
        return f"🔴 overdue since {day(cycle.contact_due_on)} ({since})"
    if cycle.due == Due.SOON and cycle.contact_due_on:
        return f"🟡 due soon: by {day(cycle.contact_due_on)}"
    return f"next contact by {day(cycle.contact_due_on)}" if cycle.contact_due_on else ""


def _phases(cycle: CycleSummary) -> str:
    return " → ".join(
        f"*{escape(p)}*" if i == cycle.phase_index and cycle.status != CycleStatus.COMPLETED else escape(p)
        for i, p in enumerate(cycle.phases)
    )


def next_phase_button(cycle: CycleSummary) -> dict:
    label = f"Move to {cycle.next_phase}" if cycle.next_phase else "Complete cycle"
    return button(label, ids.COACHING_NEXT_PHASE, f"{cycle.id}:{cycle.phase_index}")


def _menu(cycle: CycleSummary) -> dict:
    options = []
    if cycle.status == CycleStatus.ACTIVE:
        options.append(("Pause cycle", f"pause:{cycle.id}"))
    elif cycle.status == CycleStatus.PAUSED:
        options.append(("Resume cycle", f"resume:{cycle.id}"))
    options.append(("Complete cycle", f"complete:{cycle.id}"))
    return {
        "type": "overflow",
        "action_id": ids.COACHING_CYCLE_MENU,
        "options": [{"text": plain(text), "value": value} for text, value in options],
    }


def _shared(views: Sequence[WalkthroughView]) -> list[dict]:
    if not views:
        return []
    lines = [
        f"• *{escape(v.teacher_name)}* — {when(v.visited_at)}, {escape(v.observer_name)}: "
        f"{escape(clip(v.evidence, 200))}"
        for v in views
    ]
    return [{"type": "section", "text": mrkdwn(clip("*Walkthroughs teachers shared with you*\n" + "\n".join(lines), 3000))}]


def coach_section(
    cycles: Sequence[CycleSummary], weeks: Sequence[WeekRecord] = (), shared: Sequence[WalkthroughView] = ()
) -> list[dict]:
    """A coach's teachers, overdue first: each with the active cycle, its phase and next check-back; and
    their weekly reflections, written and missed."""
    blocks: list[dict] = [
        {"type": "header", "text": plain("Your coaching")},
        {
            "type": "actions",
            "elements": [button("Log coaching", ids.HOME_OPEN_COACHING, "home", style="primary")],
        },
        *weeks_blocks(weeks),
    ]
    blocks.extend(_shared(shared))
    if not cycles:
        blocks.append(
            {"type": "section", "text": mrkdwn("No cycles yet: `/coach` logs your first conversation and starts one.")}
        )
        return blocks
    for cycle in cycles[:COACH_HOME_CYCLES]:
        head = (
            f"*{escape(cycle.teacher_name)}* · {escape(cycle.school_name)} — _{escape(cycle.phase)}_, "
            f"week {cycle.week} of ~{cycle.expected_weeks} · {_due(cycle)}"
        )
        blocks.append({"type": "section", "text": mrkdwn(head)})
        blocks.append({"type": "context", "elements": [mrkdwn(clip(summary_line(cycle), 2900))]})
        elements = [button("Log coaching", ids.COACHING_LOG_FOR, log_for_value(cycle.teacher_id, cycle.school_id))]
        if cycle.status == CycleStatus.ACTIVE:
            elements.append(next_phase_button(cycle))
        elements.append(_menu(cycle))
        blocks.append({"type": "actions", "elements": elements})
    if len(cycles) > COACH_HOME_CYCLES:
        more = len(cycles) - COACH_HOME_CYCLES
        blocks.append({"type": "context", "elements": [mrkdwn(f"…and {more} more cycle{'s' if more > 1 else ''}.")]})
    return blocks


def _teacher_cycle(cycle: CycleSummary) -> list[dict]:
    status = {CycleStatus.PAUSED: " (paused)", CycleStatus.COMPLETED: " (completed)"}.get(cycle.status, "")
    head = f"*Goal:* {escape(cycle.goal)}{status}\nwith {escape(cycle.coach_name)} · {escape(cycle.school_name)}"
    context = [f"Phases: {_phases(cycle)}", f"week {cycle.week} of ~{cycle.expected_weeks}", summary_line(cycle)]
    blocks = [
        {"type": "section", "text": mrkdwn(clip(head, 3000))},
        {"type": "context", "elements": [mrkdwn(clip(" · ".join(context), 2900))]},
    ]
    if cycle.open_steps and cycle.status != CycleStatus.COMPLETED:
        lines = [step_line(StepView(s.id, s.text, s.check_back_on, False)) for s in cycle.open_steps[:8]]
        blocks.append({"type": "section", "text": mrkdwn(clip("*Your next steps*\n" + "\n".join(lines), 3000))})
    return blocks


def _recent(view: EntryView) -> dict:
    parts = [f"*{day(view.held_on)}* · {view.kind_name} with {escape(view.coach_name)}"]
    if view.working:
        parts.append(f"_What is working:_ {escape(clip(view.working, NOTE_PREVIEW))}")
    if view.challenges:
        parts.append(f"_Working through:_ {escape(clip(view.challenges, NOTE_PREVIEW))}")
    return {"type": "section", "text": mrkdwn(clip("\n".join(parts), 3000))}


def teacher_section(
    cycles: Sequence[CycleSummary],
    recent: Sequence[EntryView],
    *,
    reminders_on: bool = False,
    asked_on: date | None = None,
) -> list[dict]:
    """A teacher's own coaching: their cycles, their next steps, the latest notes, and who can see them."""
    blocks: list[dict] = [{"type": "header", "text": plain("Your coaching")}]
    reminders = (
        button("Check-back reminders: on (turn off)", ids.COACHING_REMINDERS_TOGGLE, "off")
        if reminders_on
        else button("Remind me on check-back days", ids.COACHING_REMINDERS_TOGGLE, "on")
    )
    ask = button("Ask for coaching", ids.COACHING_ASK, "home", style="primary")
    blocks.append({"type": "actions", "block_id": ids.COACHING_TEACHER_HOME_ACTIONS, "elements": [ask, reminders]})
    if asked_on is not None:
        blocks.append({"type": "context", "elements": [mrkdwn(f"✓ You asked for coaching on {day(asked_on)}.")]})
    if not cycles and not recent:
        blocks.append({"type": "section", "text": mrkdwn("No coaching yet. Notes from your coach will show up here.")})
    for cycle in cycles:
        blocks.extend(_teacher_cycle(cycle))
    if recent:
        blocks.append({"type": "section", "text": mrkdwn("*Latest notes*")})
        blocks.extend(_recent(view) for view in recent)
    blocks.append({"type": "context", "elements": [mrkdwn(PRIVATE_NOTE)]})
    return blocks
