"""Block Kit for walkthroughs: the teacher's DM, the leader's receipt, the notices, and the small pieces.

Pure functions from the service's views to Slack dicts; the modals are in `walkthrough_modals`. Evidence is
shown as plain text, so nothing a leader types is read as markup and a 3,000-character note still fits one
section.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from bot import ids
from bot.blocks.elements import SECTION_MAX, button, escape, mrkdwn, plain
from workflows.walkthroughs.models import ConversationRole
from workflows.walkthroughs.views import WalkthroughView

ROLE_NAMES = {
    ConversationRole.DIRECTIVE: "Directive (boss)",
    ConversationRole.REFLECTIVE: "Reflective (coach)",
    ConversationRole.REFLEXIVE: "Reflexive (leader)",
}


def when(moment: datetime) -> str:
    """`Tue 3 Mar, 9:12 AM` in the moment's own (school-local) time zone."""
    hour = moment.hour % 12 or 12
    return f"{moment:%a} {moment.day} {moment:%b}, {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def day(moment: datetime | date) -> str:
    return f"{moment:%a} {moment.day} {moment:%b}"


def _sections(lines: Iterable[str], *, heading: str) -> list[dict]:
    """Lines under a heading, split into as many sections as Slack's 3,000-character limit needs."""
    blocks: list[dict] = []
    current = heading
    for line in lines:
        if len(current) + 1 + len(line) > SECTION_MAX:
            blocks.append({"type": "section", "text": mrkdwn(current)})
            current = line
        else:
            current = f"{current}\n{line}"
    blocks.append({"type": "section", "text": mrkdwn(current)})
    return blocks


def refusal_modal(text: str, blocks: list[dict] | None = None) -> dict:
    """A modal that only explains (a global shortcut, the App Home: no channel for an ephemeral reply);
    `blocks`, when given, say it instead of `text` (with a button, say)."""
    return {
        "type": "modal",
        "title": plain("Rounds"),
        "close": plain("OK"),
        "blocks": blocks or [{"type": "section", "text": mrkdwn(text)}],
    }


NOT_A_LEADER = (
    "Walkthroughs are logged by school leaders, so `/walkthrough` isn't for you. "
    "The notes from visits to your class arrive in a DM from Rounds and live on the Rounds Home tab."
)
NOT_YOUR_PAIRED_VISIT = "That paired visit isn't yours to log."
ONLY_THE_TEACHER = "Only the teacher visited can answer this."
ONLY_THE_TEACHER_REFLECTS = "Only the teacher visited can reflect on it."
ONLY_THE_OBSERVER_EDITS = "Only the observer can edit this walkthrough."
ONLY_THE_OBSERVER_RECORDS = "Only the observer records this conversation."
EDIT_WINDOW_OVER = "The 24 hours for editing this walkthrough are over; your changes weren't saved."
EDITED_MEANWHILE = "This walkthrough was edited meanwhile; reopen it to see the new version."


# ── the teacher's DM ─────────────────────────────────────────────────────────────────────────────────


def visit_line(view: WalkthroughView) -> str:
    where = f" in *{escape(view.class_label)}*" if view.class_label else ""
    return f"*{escape(view.observer_name)}* visited{where} on {when(view.visited_at)}."


def _framework_blocks(view: WalkthroughView) -> list[dict]:
    observed = view.observed
    if not observed:
        return []
    lines = [f"• *{escape(r.label)}* — {escape(r.text)}" for r in observed]
    return _sections(lines, heading="*In our framework's words*")


def teacher_message(view: WalkthroughView) -> dict:
    """The evidence from one visit, for the teacher visited: who, when, what, and three ways to answer."""
    blocks: list[dict] = [
        {"type": "header", "text": plain("Notes from a walkthrough of your class", 150)},
        {"type": "section", "text": mrkdwn(visit_line(view))},
        {
            "type": "context",
            "elements": [mrkdwn(f"Form: {escape(view.form_name)} · {escape(view.school_name)}")],
        },
        {"type": "section", "text": mrkdwn("*What I saw and heard*")},
        {"type": "section", "text": plain(view.evidence)},
        *_framework_blocks(view),
    ]
    if view.strength:
        blocks.append({"type": "section", "text": mrkdwn(f"*A strength:* {escape(view.strength)}")})
    if view.next_step:
        blocks.append(
            {"type": "section", "text": mrkdwn(f"*A question or next step:* {escape(view.next_step)}")}
        )
    buttons = []
    if not view.thanked:
        buttons.append(button("Thanks", ids.WALKTHROUGH_THANKS, str(view.id), style="primary"))
    buttons.append(button("Add a reflection", ids.WALKTHROUGH_REFLECT, str(view.id)))
    if not view.talk_requested:
        buttons.append(button("Let's talk", ids.WALKTHROUGH_TALK, str(view.id)))
    buttons.append(button("Share with my coach", ids.WALKTHROUGH_SHARE_WITH_COACH, str(view.id)))
    blocks.append({"type": "actions", "block_id": ids.WALKTHROUGH_TEACHER_ACTIONS_BLOCK, "elements": buttons})
    status = _teacher_status(view)
    if status:
        blocks.append({"type": "context", "elements": [mrkdwn(status)]})
    return {"text": teacher_notification(view), "blocks": blocks}


def teacher_notification(view: WalkthroughView) -> str:
    """What the teacher's phone shows on the lock screen: who and when, never the evidence itself."""
    return f"{escape(view.observer_name)} shared notes from the visit on {day(view.visited_at)}"


def _teacher_status(view: WalkthroughView) -> str:
    given = escape(view.observer_name.split(" ")[0])
    parts = []
    if view.thanked:
        parts.append(f"✓ Thanks sent to {given}")
    if view.talk_requested:
        parts.append(f"✓ {given} will find a time to talk")
    if view.reflections:
        count = len(view.reflections)
        parts.append(f"✓ {count} reflection{'s' if count > 1 else ''} sent")
    if view.revision > 1:
        parts.append("edited")
    return " · ".join(parts)


# ── the leader's side ────────────────────────────────────────────────────────────────────────────────


def _share_line(view: WalkthroughView) -> str:
    given = escape(view.teacher_given_name)
    if view.shared:
        return f"The evidence is with {given} now."
    if view.share_requested:
        return f"{given} isn't on Slack yet, so the evidence wasn't sent."
    return f"Not shared with {given}."


def leader_confirmation(view: WalkthroughView, *, editable: bool = True) -> dict:
    """The observer's receipt, with Edit (for 24 hours) and a way to record the conversation."""
    where = f" ({escape(view.class_label)})" if view.class_label else ""
    lines = [
        f"Logged your walkthrough of *{escape(view.teacher_name)}*{where}, {when(view.visited_at)}. "
        + _share_line(view)
    ]
    details = [
        f"Form: {escape(view.form_name)}",
        f"{len(view.observed)} look-for{'s' if len(view.observed) != 1 else ''} observed",
        f"planned role: {ROLE_NAMES[view.planned_role]}",
    ]
    if view.second_observer_name:
        details.append(f"paired with {escape(view.second_observer_name)}")
    status = []
    if view.thanked:
        status.append("✓ thanked you")
    if view.reflections:
        status.append(f"✓ {len(view.reflections)} reflection{'s' if len(view.reflections) > 1 else ''}")
    if view.talk_requested:
        status.append("✓ asked to talk")
    if view.conversation:
        status.append(
            f"✓ conversation on {day(view.conversation.held_on)} ({ROLE_NAMES[view.conversation.role]})"
        )
    blocks: list[dict] = [
        {"type": "section", "text": mrkdwn(lines[0])},
        {"type": "context", "elements": [mrkdwn(" · ".join(details))]},
    ]
    if status:
        blocks.append({"type": "context", "elements": [mrkdwn(" · ".join(status))]})
    buttons = []
    if editable:
        buttons.append(button("Edit", ids.WALKTHROUGH_EDIT, str(view.id)))
    record = "Change the conversation" if view.conversation else "Record the conversation"
    buttons.append(button(record, ids.WALKTHROUGH_RECORD_CONVERSATION, str(view.id)))
    blocks.append({"type": "actions", "block_id": ids.WALKTHROUGH_LEADER_ACTIONS_BLOCK, "elements": buttons})
    return {"text": f"Logged your walkthrough of {escape(view.teacher_name)}.", "blocks": blocks}


def about(view: WalkthroughView) -> str:
    where = f", {escape(view.class_label)}" if view.class_label else ""
    return f"your walkthrough on {day(view.visited_at)}{where}"


def thanks_notice(view: WalkthroughView) -> dict:
    text = f"🙏 {escape(view.teacher_name)} said thanks for {about(view)}."
    return {"text": text, "blocks": [{"type": "section", "text": mrkdwn(text)}]}


def reflection_notice(view: WalkthroughView, reflection_text: str) -> dict:
    intro = f"📝 {escape(view.teacher_name)} added a reflection on {about(view)}:"
    return {
        "text": f"{escape(view.teacher_name)} added a reflection on your walkthrough.",
        "blocks": [
            {"type": "section", "text": mrkdwn(intro)},
            {"type": "section", "text": plain(reflection_text)},
        ],
    }


def talk_request(view: WalkthroughView) -> dict:
    text = (
        f"💬 {escape(view.teacher_name)} would like to talk about {about(view)}. "
        "Find a time with them; afterwards, record the conversation here."
    )
    return {
        "text": f"{escape(view.teacher_name)} would like to talk about your walkthrough.",
        "blocks": [
            {"type": "section", "text": mrkdwn(text)},
            {
                "type": "actions",
                "elements": [
                    button("Record the conversation", ids.WALKTHROUGH_RECORD_CONVERSATION, str(view.id))
                ],
            },
        ],
    }


def pair_invitation(view: WalkthroughView) -> dict:
    where = f" ({escape(view.class_label)})" if view.class_label else ""
    text = (
        f"{escape(view.observer_name)} logged a paired walkthrough of *{escape(view.teacher_name)}*{where} "
        f"with you, {when(view.visited_at)}. Log your own ratings of the same visit so you can compare them."
    )
    return {
        "text": f"{escape(view.observer_name)} logged a paired walkthrough with you.",
        "blocks": [
            {"type": "section", "text": mrkdwn(text)},
            {
                "type": "actions",
                "elements": [
                    button("Log my ratings", ids.WALKTHROUGH_LOG_PAIRED, str(view.id), style="primary")
                ],
            },
        ],
    }


def too_late(view: WalkthroughView) -> str:
    return (
        f"A walkthrough can be edited for 24 hours after it is logged; this one was logged "
        f"{when(view.visited_at)}. Add anything new in your next visit's notes."
    )
