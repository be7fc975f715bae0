"""Block Kit for roadmap levels: a leader's own (the level, the rubric's words for it, the figure that
placed them there and what would move them up), and a district's distribution (counts only)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.blocks.elements import clip, escape, mrkdwn, plain
from workflows.privacy import COACHING_MIN_TEACHERS
from workflows.roadmap.levels import RoadmapDistribution
from workflows.roadmap.rubric import FOCUS, STAGE_NAMES
from workflows.roadmap.rules import WINDOW_SCHOOL_DAYS, Placement

WITHHELD = "not enough data yet"
SOURCE = (
    f"Computed from your records (the last {WINDOW_SCHOOL_DAYS} school days; the pace and each teacher's "
    "picture over the school year), in the Instructional Leadership Roadmap's words. Productivity is not "
    "shown: no record shows it."
)
DISTRIBUTION_NOTE = (
    f"Leaders at each level, never who. A level held by fewer than {COACHING_MIN_TEACHERS} leaders is withheld "
    f"({WITHHELD}), and so are others it could be worked out from; a level holding (almost) every leader "
    "reads \"most leaders\"."
)


def placement_lines(placement: Placement) -> str:
    stage = f"*{STAGE_NAMES[placement.stage]}* — level {placement.level} of 4"
    lines = [stage, f"> _“{escape(placement.rule)}”_", f"*Your figure:* {escape(placement.figure)}"]
    if placement.move_up:
        lines.append(f"*To move up:* {escape(placement.move_up)}")
    return clip("\n".join(lines), 3000)


def levels_blocks(placements: Sequence[Placement]) -> list[dict]:
    """The leader's levels, one section per stage."""
    if not placements:
        return []
    blocks: list[dict] = [{"type": "section", "text": mrkdwn("*Your roadmap levels*")}]
    blocks += [{"type": "section", "text": mrkdwn(placement_lines(p))} for p in placements]
    blocks.append({"type": "context", "elements": [mrkdwn(SOURCE)]})
    return blocks


def distribution_blocks(distribution: RoadmapDistribution) -> list[dict]:
    head = (
        f"*Roadmap levels across your district's leaders* — {distribution.leaders} leaders at "
        f"{distribution.school_count} schools"
    )
    lines = []
    for stage in distribution.stages:
        cells = " · ".join(
            f"level {lvl}: {'most leaders' if lvl == stage.most else WITHHELD if n is None else n}"
            for lvl, n in enumerate(stage.at_level, start=1)
        )
        lines.append(f"*{STAGE_NAMES[stage.stage]}* ({FOCUS[stage.stage]}): {cells}")
    return [
        {"type": "section", "text": mrkdwn(head)},
        {"type": "section", "text": mrkdwn(clip("\n".join(lines), 3000))},
        {"type": "context", "elements": [mrkdwn(DISTRIBUTION_NOTE)]},
    ]


def distribution_reply(distribution: RoadmapDistribution) -> dict:
    return {
        "response_type": "ephemeral",
        "text": "Roadmap levels across your district",
        "blocks": distribution_blocks(distribution),
    }


def levels_reply(placements: Sequence[Placement]) -> dict:
    blocks = levels_blocks(placements) or [{"type": "section", "text": mrkdwn("No roadmap levels yet.")}]
    return {"response_type": "ephemeral", "text": "Your roadmap levels", "blocks": blocks}


def not_for_you() -> dict:
    text = "Roadmap levels are for leaders (their own) and for district admins (the distribution across leaders)."
    return {"response_type": "ephemeral", "text": text, "blocks": [{"type": "section", "text": plain(text)}]}
