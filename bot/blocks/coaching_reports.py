"""Block Kit for coaching's aggregated reports: the leaders' weekly summary and `/rounds pd-needs`.

Counts only. A withheld figure reads "not enough data yet", never a number, never a name.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.elements import escape, mrkdwn, plain
from bot.blocks.walkthroughs import day
from workflows.coaching.needs import MIN_WALKTHROUGHS, AreaNeeds, NeedsReport
from workflows.coaching.summary import CoachingSummary, Figure
from workflows.privacy import COACHING_MIN_TEACHERS

WITHHELD = "not enough data yet"
THRESHOLD_NOTE = (
    f"Counts only: never a teacher's name or a word of a coaching note. A figure backed by fewer than "
    f"{COACHING_MIN_TEACHERS} teachers is withheld ({WITHHELD}), and so are others it could be worked out from."
)


def figure(value: int | None) -> str:
    return WITHHELD if value is None else str(value)


def _parts(figures: Sequence[Figure], *, teachers: bool = False) -> str:
    def one(f: Figure) -> str:
        if f.value is None:
            return f"{escape(f.label)}: _{WITHHELD}_"
        extra = f" ({f.teachers} teachers)" if teachers and f.teachers is not None else ""
        return f"{escape(f.label)}: {f.value}{extra}"

    return " · ".join(one(f) for f in figures)


def summary_message(summary: CoachingSummary) -> dict:
    """A school's coaching this week, for its leaders."""
    lines = [f"*{summary.entries.label}:* {figure(summary.entries.value)}"]
    if summary.by_kind:
        lines[-1] += " — " + _parts(summary.by_kind)
    lines.append(f"*{summary.minutes.label}:* {figure(summary.minutes.value)}")
    cycles = f"*{summary.active_cycles.label}:* {figure(summary.active_cycles.value)}"
    if summary.by_phase:
        cycles += " — " + _parts(summary.by_phase)
    lines.append(cycles)
    lines.append(f"*{summary.steps_done.label}:* {figure(summary.steps_done.value)}")
    needs = _parts(summary.needs, teachers=True) if summary.needs else "none tagged this week"
    lines.append(f"*Professional-learning needs (entries):* {needs}")
    title = f"Coaching at {summary.school_name}, week of {day(summary.week_of)}"
    return {
        "text": title,
        "blocks": [
            {"type": "header", "text": plain(title, 150)},
            {"type": "section", "text": mrkdwn("\n".join(lines)[:3000])},
            {"type": "context", "elements": [mrkdwn(THRESHOLD_NOTE)]},
        ],
    }


# ── /rounds pd-needs and `rounds pd-needs` ───────────────────────────────────────────────────────────

PD_NEEDS_ONLY = "`/rounds pd-needs` is for school leaders and coaches: it shows the professional-learning needs of the schools you lead or coach at."
NOT_SHOWN = "—"


def _count(value: int | None, one: str, many: str) -> str:
    return WITHHELD if value is None else f"{value} {one if value == 1 else many}"


def area_line(area: AreaNeeds) -> tuple[str, str, str]:
    """(coaching needs, trend, walkthrough picture) for one area, as plain words."""
    if area.entries is None:
        needs = WITHHELD
    else:
        needs = f"{_count(area.entries, 'entry', 'entries')}, {_count(area.teachers, 'teacher', 'teachers')}"
    trend = ", ".join(f"{m:%b} {NOT_SHOWN if n is None else n}" for m, n in area.trend)
    if not area.is_area:
        picture = "(the school's own tag: no walkthrough look-fors)"
    elif area.walkthrough_levels is None:
        picture = f"walkthroughs: {WITHHELD}"
    else:
        shares = " · ".join(f"{lvl.label} {round(lvl.share * 100)}%" for lvl in area.walkthrough_levels)
        picture = f"walkthroughs ({area.walkthrough_ratings} ratings): {shares}"
    return needs, trend, picture


def needs_note(report: NeedsReport) -> str:
    return (
        f"Needs tagged in coaching since {day(report.since)}; trend by month (entries). {THRESHOLD_NOTE} "
        f"A walkthrough picture needs {MIN_WALKTHROUGHS} walkthroughs of {COACHING_MIN_TEACHERS} teachers; "
        f"{NOT_SHOWN} in the trend is withheld too."
    )


def pd_needs_message(reports: Sequence[NeedsReport]) -> dict:
    blocks: list[dict] = []
    for report in reports:
        blocks.append({"type": "header", "text": plain(f"Professional-learning needs: {report.school_name}", 150)})
        lines = []
        for area in report.areas:
            needs, trend, picture = area_line(area)
            lines.append(f"*{escape(area.label)}* — {needs}\n   last four months: {trend}\n   {escape(picture)}")
        text = "\n".join(lines) or "No areas yet."
        for start in range(0, len(lines), 8):
            chunk = "\n".join(lines[start : start + 8])
            blocks.append({"type": "section", "text": mrkdwn(chunk[:3000])})
        if not lines:
            blocks.append({"type": "section", "text": mrkdwn(text)})
        blocks.append({"type": "context", "elements": [mrkdwn(needs_note(report))]})
    return {
        "response_type": "ephemeral",
        "text": "Professional-learning needs: " + ", ".join(r.school_name for r in reports),
        "blocks": blocks[:50],
    }


def pd_needs_refusal() -> dict:
    return {"response_type": "ephemeral", "text": PD_NEEDS_ONLY}
