"""Block Kit for team digests: the channel message, the feedback modal, and the leaders' notices.

Aggregates only: never a teacher's name, never a word of evidence. A withheld figure reads "not enough
data yet"; a distribution where one level holds (almost) every walkthrough reads "most at …".
"""

from __future__ import annotations

from collections.abc import Sequence

from bot import ids
from bot.blocks.elements import SECTION_MAX, button, clip, escape, mrkdwn, plain
from workflows.digests.feedback import FeedbackCounts
from workflows.digests.models import FEEDBACK_NAMES, FEEDBACK_NOTE_MAX, FeedbackKind
from workflows.digests.team import Distribution, TeamDigest
from workflows.privacy import DIGEST_MIN_TEACHERS, DIGEST_MIN_WALKTHROUGHS

WITHHELD = "not enough data yet"
THRESHOLD_NOTE = (
    f"The team's grades and subjects, never a name or a word of evidence. A figure backed by fewer than "
    f"{DIGEST_MIN_WALKTHROUGHS} walkthroughs or {DIGEST_MIN_TEACHERS} teachers reads _{WITHHELD}_, and so do "
    "others it could be worked out from."
)


def _pct(share: float) -> str:
    return f"{round(share * 100)}%"


def distribution_text(d: Distribution) -> str:
    """`7 walkthroughs: Beginning 14%, Developing not enough data yet, …`, in the framework's words."""
    if not d.shown:
        return f"_{WITHHELD}_"
    count = f"{d.walkthroughs} walkthrough{'s' if d.walkthroughs != 1 else ''}"
    if d.most is not None:
        return f"{count}: most at {escape(d.most)}"
    parts = ", ".join(
        f"{escape(s.label)} {_pct(s.share)}" if s.share is not None else f"{escape(s.label)} _{WITHHELD}_"
        for s in d.shares
    )
    change = ""
    if d.change is not None:
        points = round(d.change * 100)
        change = f" ({'+' if points > 0 else '±' if points == 0 else '−'}{abs(points)} pts at the upper levels)"
    return f"{count}: {parts}{change}"


def chart_title(digest: TeamDigest) -> str:
    return f"{digest.team_name}: walkthroughs to {digest.week_of:%a %d %b}"


def digest_message(digest: TeamDigest) -> dict:
    """The digest in the team's channel; the chart follows in its thread."""
    title = f"{digest.team_name}: the week of {digest.week_of:%a %-d %b}"
    blocks: list[dict] = [
        {"type": "header", "text": plain(clip(title, 150))},
        {"type": "context", "elements": [mrkdwn(THRESHOLD_NOTE)]},
    ]
    if digest.strongest and digest.to_grow:
        upper = " or ".join(digest.strong_levels)
        blocks.append(
            {
                "type": "section",
                "text": mrkdwn(
                    f"Over the last six weeks *{escape(digest.strongest)}* was most often at {escape(upper)}; "
                    f"*{escape(digest.to_grow)}* is the area to grow."
                ),
            }
        )
    if not digest.areas:
        blocks.append({"type": "section", "text": mrkdwn(f"No walkthroughs of the team's classes yet: _{WITHHELD}_.")})
    for area in digest.areas[:40]:
        lines = [f"*{escape(area.name)}*"]
        for p in area.look_fors:
            lines.append(
                f"• {escape(p.text)}\n    last week: {distribution_text(p.week)}\n"
                f"    six weeks: {distribution_text(p.six_weeks)}"
            )
        blocks.append({"type": "section", "text": mrkdwn(clip("\n".join(lines), SECTION_MAX))})
    blocks.append({"type": "section", "text": mrkdwn(f"*For the team's meeting:* {escape(digest.prompt)}")})
    blocks.append(
        {
            "type": "actions",
            "elements": [button("Feedback on the form", ids.DIGEST_FEEDBACK, str(digest.team_id))],
        }
    )
    return {"text": clip(f"{title}: the team's walkthrough digest", 150), "blocks": blocks, "unfurl_links": False}


def feedback_modal(*, team_id: int, team_name: str, look_fors: Sequence[tuple[str, str, str]]) -> dict:
    """Which look-for is unclear, missing or ready to retire, with a note. `look_fors`: (key, area, text)."""
    options = [
        {"text": plain(clip(text, 75)), "value": key, "description": plain(clip(area, 75))}
        for key, area, text in look_fors[:99]
    ]
    options.append({"text": plain("A look-for the form is missing"), "value": "-"})
    kinds = [{"text": plain(FEEDBACK_NAMES[k].capitalize()), "value": k.value} for k in FeedbackKind]
    return {
        "type": "modal",
        "callback_id": ids.DIGEST_FEEDBACK_MODAL,
        "private_metadata": str(team_id),
        "title": plain("Feedback on the form"),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "blocks": [
            {"type": "context", "elements": [mrkdwn(f"For {escape(team_name)}. Leaders see counts, never who said it.")]},
            {
                "type": "input",
                "block_id": ids.DIGEST_FEEDBACK_LOOK_FOR_BLOCK,
                "label": plain("Look-for"),
                "element": {"type": "static_select", "action_id": ids.DIGEST_FEEDBACK_LOOK_FOR_INPUT, "options": options},
            },
            {
                "type": "input",
                "block_id": ids.DIGEST_FEEDBACK_KIND_BLOCK,
                "label": plain("It is"),
                "element": {"type": "radio_buttons", "action_id": ids.DIGEST_FEEDBACK_KIND_INPUT, "options": kinds},
            },
            {
                "type": "input",
                "block_id": ids.DIGEST_FEEDBACK_NOTE_BLOCK,
                "optional": True,
                "label": plain("A note for the leaders"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": ids.DIGEST_FEEDBACK_NOTE_INPUT,
                    "multiline": True,
                    "max_length": FEEDBACK_NOTE_MAX,
                },
            },
        ],
    }


def feedback_section(counts: FeedbackCounts, *, school_name: str) -> list[dict]:
    """The leader's Home: what teams said about the form since `counts.since`, counted by member."""
    header = {"type": "header", "text": plain(clip(f"Feedback on the walkthrough form: {school_name}", 150))}
    return [header, {"type": "section", "text": mrkdwn(clip(feedback_text(counts), SECTION_MAX))}]


def feedback_text(counts: FeedbackCounts) -> str:
    """Each look-for the teams spoke of, with how many members said what (never who)."""
    lines = [
        f"• {escape(line.look_for)}: {FEEDBACK_NAMES[line.kind]}, {line.members} member{'s' if line.members != 1 else ''}"
        for line in counts.lines
    ]
    return f"Since {counts.since:%a %-d %b}:\n" + "\n".join(lines)


def channel_problem(*, team_name: str, channel: str, reason: str) -> dict:
    """The school's leaders are told once that a team's digest cannot reach its channel."""
    why = {
        "is_archived": "the channel is archived",
        "not_in_channel": "Rounds is not a member of the channel",
        "channel_not_found": "the channel is private and Rounds is not in it, or it no longer exists",
    }.get(reason, reason)
    text = (
        f"The weekly digest of *{escape(team_name)}* could not be posted in <#{channel}>: {why}. Invite Rounds "
        "to the channel (`/invite @Rounds`), or give the team another channel in `teams.csv`; nothing more is "
        "tried until then."
    )
    return {"text": f"The digest of {team_name} could not be posted", "blocks": [{"type": "section", "text": mrkdwn(text)}]}
