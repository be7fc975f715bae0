"""The App Home: one view made of sections, each a list of blocks built by the feature that owns it."""

from __future__ import annotations

from collections.abc import Sequence

from bot import ids
from bot.blocks.elements import button, clip, escape, mrkdwn, plain
from bot.blocks.walkthroughs import ROLE_NAMES, day, when
from workflows.walkthroughs.views import WalkthroughView

HOME_MAX_BLOCKS = 100
EVIDENCE_PREVIEW = 1200


def home_view(sections: Sequence[list[dict]]) -> dict:
    """Sections in order, divided; whole sections are dropped at the end rather than cut mid-way."""
    blocks: list[dict] = []
    for section in (s for s in sections if s):
        extra = ([{"type": "divider"}] if blocks else []) + section
        if len(blocks) + len(extra) > HOME_MAX_BLOCKS:
            break
        blocks.extend(extra)
    if not blocks:
        blocks = [{"type": "section", "text": mrkdwn("Nothing here yet.")}]
    return {"type": "home", "blocks": blocks}


def not_on_roster() -> list[dict]:
    return [
        {
            "type": "section",
            "text": mrkdwn(
                "*Welcome to Rounds.* You're not on the roster yet, so there's nothing to show. "
                "Ask your district's Rounds admin to add you."
            ),
        }
    ]


def _walkthrough_lines(view: WalkthroughView) -> list[dict]:
    where = f" · {escape(view.class_label)}" if view.class_label else ""
    head = f"*{when(view.visited_at)}*{where} — {escape(view.observer_name)}"
    blocks: list[dict] = [
        {"type": "section", "text": mrkdwn(f"{head}\n{escape(clip(view.evidence, EVIDENCE_PREVIEW))}")}
    ]
    observed = "; ".join(f"{escape(r.label)}: {escape(clip(r.text, 120))}" for r in view.observed)
    notes = []
    if observed:
        notes.append(clip(f"Form {escape(view.form_name)} · {observed}", 2900))
    if view.strength:
        notes.append(f"*Strength:* {escape(clip(view.strength, 500))}")
    if view.next_step:
        notes.append(f"*Question or next step:* {escape(clip(view.next_step, 500))}")
    if notes:
        blocks.append({"type": "context", "elements": [mrkdwn(n) for n in notes][:10]})
    return blocks


def teacher_section(history: Sequence[WalkthroughView], *, more: bool = False) -> list[dict]:
    """A teacher's own walkthroughs, newest first, with what they wrote back."""
    blocks: list[dict] = [{"type": "header", "text": plain("Walkthroughs of your classes")}]
    if not history:
        blocks.append(
            {
                "type": "section",
                "text": mrkdwn("No walkthroughs yet. Notes from each visit will show up here."),
            }
        )
        return blocks
    for view in history:
        blocks.extend(_walkthrough_lines(view))
        for reflection in view.reflections[-2:]:
            text = f"*Your reflection, {day(reflection.written_at)}:* {escape(clip(reflection.text, 1000))}"
            blocks.append({"type": "context", "elements": [mrkdwn(text)]})
    if more:
        blocks.append(
            {"type": "context", "elements": [mrkdwn("Older walkthroughs are in your DMs with Rounds.")]}
        )
    return blocks


def leader_section(recent: Sequence[WalkthroughView]) -> list[dict]:
    """A leader's recent walkthroughs, and a button to log the next one."""
    blocks: list[dict] = [
        {"type": "header", "text": plain("Your recent walkthroughs")},
        {
            "type": "actions",
            "elements": [button("Log a walkthrough", ids.HOME_OPEN_WALKTHROUGH, "home", style="primary")],
        },
    ]
    if not recent:
        blocks.append({"type": "section", "text": mrkdwn("None yet: `/walkthrough` logs your first visit.")})
        return blocks
    for view in recent:
        where = f" · {escape(view.class_label)}" if view.class_label else ""
        status = ["shared" if view.shared else "not shared"]
        if view.thanked:
            status.append("thanked")
        if view.reflections:
            status.append(f"{len(view.reflections)} reflection{'s' if len(view.reflections) > 1 else ''}")
        if view.conversation:
            status.append(f"talked {day(view.conversation.held_on)} ({ROLE_NAMES[view.conversation.role]})")
        elif view.talk_requested:
            status.append("asked to talk")
        text = f"*{escape(view.teacher_name)}*{where} — {when(view.visited_at)}\n_{' · '.join(status)}_"
        blocks.append({"type": "section", "text": mrkdwn(text)})
    return blocks
