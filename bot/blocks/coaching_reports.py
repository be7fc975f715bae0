"""Block Kit for coaching's aggregated reports: the leaders' weekly summary (and `/rounds pd-needs`).

Counts only. A withheld figure reads "not enough data yet", never a number, never a name.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.elements import escape, mrkdwn, plain
from bot.blocks.walkthroughs import day
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
