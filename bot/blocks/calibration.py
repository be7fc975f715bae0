"""Block Kit for `/rounds calibration`: how alike leaders rate the same lesson, per look-for and overall."""

from __future__ import annotations

from bot import ids
from bot.blocks.elements import escape
from workflows.walkthroughs.calibration import CalibrationReport, CalibrationRow

# Slack allows 50 blocks in a message: the intro, overall, a divider, the look-fors, "and N more", the key.
MAX_LOOK_FORS = 40

NO_PAIRS = (
    "No paired visits yet — choose a second observer in the walkthrough modal, "
    "or ask for paired visits in the school's settings."
)
KAPPA_KEY = (
    "κ (Cohen's kappa) is agreement beyond what chance alone would give: 1 is perfect, 0 is chance; "
    "0.6 and above is usually read as substantial. “Not observed” counts as a level: whether a practice "
    "was there at all is part of calibrating."
)


def percent(share: float | None) -> str:
    return "—" if share is None else f"{int(share * 100 + 0.5)}%"


def kappa(value: float | None) -> str:
    return "κ —" if value is None else f"κ {value:.2f}".replace("-", "−")


def figures(row: CalibrationRow, *, unit: str = "pair") -> str:
    """Reads: 8 pairs · 75% agree · 88% within one level · κ 0.62."""
    count = f"{row.pairs} {unit}" + ("" if row.pairs == 1 else "s")
    return " · ".join(
        (
            count,
            f"{percent(row.agreement)} agree",
            f"{percent(row.adjacent_agreement)} within one level",
            kappa(row.kappa),
        )
    )


def calibration_message(report: CalibrationReport, *, school_names: list[str]) -> dict:
    """The ephemeral answer: overall first, then a section per look-for, within Slack's block limit."""
    where = escape(", ".join(school_names))
    if report.empty:
        text = f"{NO_PAIRS}" if not where else f"{where}: {NO_PAIRS}"
        return {"response_type": "ephemeral", "text": text}
    visits = report.paired_visits or 0
    intro = (
        "*Calibration: how alike leaders rate the same lesson*\n"
        f"From {visits} paired visit{'' if visits == 1 else 's'} at {where}."
    )
    overall = f"*Overall* — {figures(report.overall, unit='rating pair')}"
    blocks: list[dict] = [_section(intro), _section(overall), {"type": "divider"}]
    shown = report.look_fors[:MAX_LOOK_FORS]
    blocks.extend(_section(f"*{escape(row.text)}*\n{figures(row)}") for row in shown)
    hidden = len(report.look_fors) - len(shown)
    if hidden:
        blocks.append(_context(f"and {hidden} more look-for{'' if hidden == 1 else 's'}"))
    blocks.append(_context(KAPPA_KEY))
    return {
        "response_type": "ephemeral",
        "text": f"Calibration at {where}: {figures(report.overall)}",
        "blocks": blocks,
    }


def leaders_only() -> dict:
    text = (
        "Calibration compares how school leaders rate the same lesson, so its figures are for leaders. "
        f"Type `{ids.ROUNDS_COMMAND} help` to see what you can do."
    )
    return {"response_type": "ephemeral", "text": text}


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
