"""Block Kit for the rotation: the morning DM, the Skip modal, `/rounds today|coverage`, the Home section.

Pure functions from the rotation's views (`workflows.rotation.days`, `.coverage`). The same visit lines serve the DM, the reply to
`/rounds today` and the App Home, so a leader reads their day the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time

from bot import ids
from bot.blocks.elements import button, clip, confirm, escape, mrkdwn, plain
from workflows.roster.models import School
from workflows.rotation.coverage import Coverage
from workflows.rotation.days import LeaderDay, VisitView
from workflows.rotation.models import SKIP_REASON_MAX, VisitStatus
from workflows.rotation.planner import period_label

_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
MESSAGE_MAX_BLOCKS = 50
COVERAGE_SHOWN = 25
LEADERS_ONLY = (
    "`/rounds today` and `/rounds coverage` are for school leaders: they show the classrooms a leader plans "
    "to visit. Your walkthroughs and notes are on the Rounds Home tab."
)


# ── small pieces ─────────────────────────────────────────────────────────────────────────────────────


def long_day(day: date) -> str:
    """ "Tue Nov 24"."""
    return f"{day:%a} {day:%b} {day.day}"


def clock(moment: time) -> str:
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment:%M}"


def window(start: time, end: time) -> str:
    """ "8:20–8:30 AM", "11:55 AM–12:05 PM"."""
    start_half, end_half = ("AM" if start.hour < 12 else "PM"), ("AM" if end.hour < 12 else "PM")
    if start_half == end_half:
        return f"{clock(start)}–{clock(end)} {end_half}"
    return f"{clock(start)} {start_half}–{clock(end)} {end_half}"


def headline(day: LeaderDay) -> str:
    """ "Your three classrooms today"; the number is the day's own (two, four, ...)."""
    count = len(day.current)
    if not day.school_day:
        return "No classroom visits today"
    if count == 0:
        return "No classrooms planned today"
    word = _NUMBERS[count] if count < len(_NUMBERS) else str(count)
    return f"Your {word} classroom{'s' if count != 1 else ''} today"


def progress(day: LeaderDay) -> str:
    where = f" (day {day.cycle_day} of {day.cycle_length})" if day.cycle_day else ""
    return f"{day.seen_this_cycle} of {day.caseload} teachers seen this cycle{where}"


def _sentences(day: LeaderDay) -> list[str]:
    said = list(day.notes)
    if not day.calendar_checked:
        why = f" ({day.calendar_problem})" if day.calendar_problem else ""
        said.append(
            f"Your calendar could not be checked{why}, so today's visits were planned from the bell schedule "
            "alone: check them against your meetings."
        )
    return said


def visit_text(visit: VisitView) -> str:
    where = f"{escape(visit.room)} · " if visit.room else ""
    head = (
        f"*{window(visit.start, visit.end)}* · {escape(period_label(visit.period))} · {where}"
        f"*{escape(visit.teacher_name)}* · {escape(visit.class_title)}"
    )
    if visit.status == VisitStatus.SKIPPED:
        why = f": {escape(visit.skip_reason)}" if visit.skip_reason else ""
        return f"~{head}~\n:fast_forward: Skipped{why}. {escape(visit.teacher_name)} goes back to the top of your queue."
    if visit.status == VisitStatus.DONE:
        return f"{head}\n:white_check_mark: Logged."
    if visit.status == VisitStatus.MISSED:
        return f"{head}\n_Not logged._"
    return f"{head}\n_{escape(clip(visit.reason, 500))}_"


def visit_blocks(day: LeaderDay, *, buttons: bool = True) -> list[dict]:
    blocks: list[dict] = []
    for n, visit in enumerate(day.current):
        blocks.append({"type": "section", "text": mrkdwn(visit_text(visit))})
        if buttons and visit.status == VisitStatus.PLANNED:
            blocks.append(
                {
                    "type": "actions",
                    "block_id": f"{ids.ROTATION_VISIT_BLOCK_PREFIX}{day.school_id}:{n}",
                    "elements": [
                        button("Log visit", ids.ROTATION_LOG_VISIT, visit.key, style="primary"),
                        button("Skip", ids.ROTATION_SKIP, visit.key),
                        button("Swap", ids.ROTATION_SWAP, visit.key, confirm=swap_confirm(visit)),
                    ],
                }
            )
    return blocks


# ── the morning DM ───────────────────────────────────────────────────────────────────────────────────


def reminder_message(day: LeaderDay) -> dict:
    """The leader's DM for one school day: header, date, visits with reasons and buttons, progress, notes."""
    blocks: list[dict] = [
        {"type": "header", "text": plain(headline(day), 150)},
        {"type": "context", "elements": [mrkdwn(f"*{long_day(day.day)}* · {escape(day.school_name)}")]},
    ]
    blocks += visit_blocks(day)
    blocks.append({"type": "context", "elements": [mrkdwn(progress(day))]})
    for sentence in _sentences(day):
        blocks.append({"type": "section", "text": mrkdwn(escape(sentence))})
    return {"text": reminder_text(day), "blocks": blocks[:MESSAGE_MAX_BLOCKS]}


def reminder_text(day: LeaderDay) -> str:
    """The notification text (and what a screen reader or an old client shows)."""
    visits = "; ".join(
        f"{window(v.start, v.end)} {escape(v.teacher_name)} ({escape(v.room or v.class_title)})"
        + (" — skipped" if v.status == VisitStatus.SKIPPED else "")
        for v in day.current
    )
    school = escape(day.school_name)
    return f"{headline(day)} — {long_day(day.day)}, {school}" + (f": {visits}" if visits else ".")


def leader_day_lines(day: LeaderDay) -> list[str]:
    """The DM as plain lines, for `rounds plan` and the demo."""
    lines = [f"{headline(day)} — {long_day(day.day)} · {day.school_name}"]
    for v in day.current:
        where = f"{v.room} · " if v.room else ""
        status = "" if v.status == VisitStatus.PLANNED else f"  [{v.status}]"
        lines.append(
            f"  {window(v.start, v.end)} · {period_label(v.period)} · {where}{v.teacher_name} · {v.class_title}{status}"
        )
        lines.append(f"      why: {v.reason}")
    lines.append(f"  {progress(day)}")
    lines += [f"  {sentence}" for sentence in _sentences(day)]
    return lines


# ── Swap: its confirmation, and Undo when nobody else fitted ─────────────────────────────────────────


def swap_confirm(visit: VisitView) -> dict:
    return confirm(
        "Swap this visit?",
        f"Rounds puts the next teacher who fits in place of your visit to {clip(visit.teacher_name, 100)} "
        f"({window(visit.start, visit.end)}).",
        yes="Swap",
        no="Keep it",
    )


def swap_dropped_text(visit: VisitView) -> str:
    """Also the message's `text`, so escaped like the blocks."""
    return (
        f"Nobody else fits that slot today, so your visit to {escape(visit.teacher_name)} "
        f"({window(visit.start, visit.end)}) was dropped."
    )


def swap_dropped(visit: VisitView) -> list[dict]:
    """What the leader reads when a Swap found nobody: the visit is off the list, and one tap brings it back."""
    return [
        {"type": "section", "text": mrkdwn(swap_dropped_text(visit))},
        {"type": "actions", "elements": [button("Undo", ids.ROTATION_UNDO_SWAP, visit.key, style="primary")]},
    ]


def visit_restored(visit: VisitView) -> str:
    return f"Back on your list: your visit to {escape(visit.teacher_name)} ({window(visit.start, visit.end)})."


# ── the Skip modal ───────────────────────────────────────────────────────────────────────────────────


def skip_modal(visit: VisitView, *, metadata: str) -> dict:
    return {
        "type": "modal",
        "callback_id": ids.ROTATION_SKIP_MODAL,
        "private_metadata": metadata,
        "title": plain("Skip this visit"),
        "submit": plain("Skip"),
        "close": plain("Cancel"),
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn(
                    f"*{escape(visit.teacher_name)}* · {escape(visit.class_title)} · {window(visit.start, visit.end)}\n"
                    "They go back to the top of your queue, so the next plan brings you back."
                ),
            },
            {
                "type": "input",
                "block_id": ids.ROTATION_SKIP_REASON_BLOCK,
                "label": plain("Why skip it?"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.ROTATION_SKIP_REASON_INPUT,
                    "max_length": SKIP_REASON_MAX,
                    "placeholder": plain("e.g. a parent meeting ran over"),
                },
            },
        ],
    }


def refusal(text: str) -> dict:
    return {"response_type": "ephemeral", "text": text}


# ── /rounds today and /rounds coverage ───────────────────────────────────────────────────────────────


def _not_planned(school: School) -> str:
    at = school.reminder_time
    return f"*{escape(school.name)}*: today isn't planned yet; your visits arrive by DM at {clock(at)} {'AM' if at.hour < 12 else 'PM'}."


def today_blocks(days: Sequence[tuple[School, LeaderDay | None]], *, buttons: bool) -> list[dict]:
    blocks: list[dict] = []
    for school, day in days:
        if day is None:
            blocks.append({"type": "section", "text": mrkdwn(_not_planned(school))})
            continue
        title = f"*{headline(day)}* — {long_day(day.day)} · {escape(day.school_name)}"
        blocks.append({"type": "section", "text": mrkdwn(title)})
        blocks += visit_blocks(day, buttons=buttons)
        if day.school_day:
            blocks.append({"type": "context", "elements": [mrkdwn(progress(day))]})
        for sentence in _sentences(day):
            blocks.append({"type": "context", "elements": [mrkdwn(escape(sentence))]})
    return blocks


def today_reply(days: Sequence[tuple[School, LeaderDay | None]]) -> dict:
    blocks = today_blocks(days, buttons=False)[:MESSAGE_MAX_BLOCKS]
    text = " ".join(
        reminder_text(day) if day is not None else f"{escape(school.name)}: not planned yet."
        for school, day in days
    )
    return {"response_type": "ephemeral", "text": text or "You lead no school.", "blocks": blocks}


def coverage_lines(coverage: Coverage, *, limit: int = COVERAGE_SHOWN) -> list[str]:
    lines = []
    for line in coverage.not_seen[:limit]:
        when = (
            f"last seen {line.days_since} day{'s' if line.days_since != 1 else ''} ago"
            if line.last_seen
            else "never seen"
        )
        lines.append(f"• {escape(line.teacher_name)} — {when}")
    if len(coverage.not_seen) > limit:
        lines.append(f"…and {len(coverage.not_seen) - limit} more.")
    return lines


def coverage_blocks(coverages: Sequence[Coverage]) -> list[dict]:
    blocks: list[dict] = []
    for c in coverages:
        seen = c.caseload - len(c.not_seen)
        head = (
            f"*{escape(c.school_name)}*: {seen} of {c.caseload} teachers seen since {long_day(c.since)} "
            "(this cycle)."
        )
        if not c.not_seen:
            blocks.append({"type": "section", "text": mrkdwn(head + " Everyone has been seen. :tada:")})
            continue
        body = "\n".join([head, "Not seen yet, longest first:", *coverage_lines(c)])
        blocks.append({"type": "section", "text": mrkdwn(clip(body, 3000))})
    return blocks


def coverage_reply(coverages: Sequence[Coverage]) -> dict:
    text = "; ".join(
        f"{escape(c.school_name)}: {len(c.not_seen)} of {c.caseload} teachers not seen" for c in coverages
    )
    return {
        "response_type": "ephemeral",
        "text": text or "You lead no school.",
        "blocks": coverage_blocks(coverages)[:MESSAGE_MAX_BLOCKS],
    }


# ── the App Home ─────────────────────────────────────────────────────────────────────────────────────


def home_section(
    days: Sequence[tuple[School, LeaderDay | None]], coverages: Sequence[Coverage]
) -> list[dict]:
    """Today's visits (with the DM's buttons) and the cycle's coverage, for a leader's Home tab."""
    blocks: list[dict] = [{"type": "header", "text": plain("Today")}]
    blocks += today_blocks(days, buttons=True)
    blocks.append({"type": "header", "text": plain("Coverage")})
    blocks += coverage_blocks(coverages)
    return blocks
