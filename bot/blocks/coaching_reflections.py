"""Block Kit for coaches' weekly reflections: the end-of-week prompt, the modal, the receipt with "Share
with my principal", the copy a principal receives, and the weeks written and missed on the Home tab."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot import ids
from bot.blocks.elements import button, escape, mrkdwn, plain
from bot.blocks.walkthroughs import day
from workflows.coaching.models import NOTE_MAX
from workflows.coaching.reflections import Prompt, ReflectionView, WeekRecord

PRIVATE = "Private to you: no one else reads it unless you share it."
QUESTIONS = (
    (ids.WEEKLY_WENT_WELL_BLOCK, ids.WEEKLY_WENT_WELL_INPUT, "What went well", "went_well"),
    (ids.WEEKLY_LEARNED_BLOCK, ids.WEEKLY_LEARNED_INPUT, "What I learned", "learned"),
    (ids.WEEKLY_TRY_NEXT_BLOCK, ids.WEEKLY_TRY_NEXT_INPUT, "What I will try next week", "try_next"),
    (ids.WEEKLY_SUPPORT_BLOCK, ids.WEEKLY_SUPPORT_INPUT, "What support I need", "support"),
)


def week_label(week: date) -> str:
    return f"the week of {day(week)}"


def prompt_message(prompt: Prompt) -> dict:
    text = (
        f"🗒 Time for your weekly reflection on {week_label(prompt.week_of)}: what went well, what you learned, "
        f"what you will try next week, and what support you need. {PRIVATE}"
    )
    label = "Edit my reflection" if prompt.written else "Write my reflection"
    return {
        "text": "Time for your weekly reflection.",
        "blocks": [
            {"type": "section", "text": mrkdwn(text)},
            {
                "type": "actions",
                "elements": [button(label, ids.WEEKLY_REFLECTION_OPEN, prompt.week_of.isoformat(), style="primary")],
            },
        ],
    }


def reflection_modal(week: date, draft: ReflectionView | None, *, metadata: str) -> dict:
    blocks: list[dict] = [{"type": "context", "elements": [mrkdwn(f"Your reflection on {week_label(week)}. {PRIVATE}")]}]
    for block_id, action_id, label, field in QUESTIONS:
        element: dict = {"type": "plain_text_input", "action_id": action_id, "multiline": True, "max_length": NOTE_MAX}
        initial = getattr(draft, field) if draft else ""
        if initial:
            element["initial_value"] = initial
        blocks.append({"type": "input", "block_id": block_id, "optional": True, "label": plain(label), "element": element})
    return {
        "type": "modal",
        "callback_id": ids.WEEKLY_REFLECTION_MODAL,
        "title": plain("Weekly reflection"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def _answers(view: ReflectionView) -> list[dict]:
    blocks: list[dict] = []
    for _block, _action, label, field in QUESTIONS:
        text = getattr(view, field)
        if text:
            blocks.append({"type": "section", "text": mrkdwn(f"*{label}*")})
            blocks.append({"type": "section", "text": plain(text)})
    return blocks


def saved_receipt(view: ReflectionView) -> dict:
    status = "✓ Shared with your principal." if view.shared else PRIVATE
    elements = [] if view.shared else [button("Share with my principal", ids.WEEKLY_SHARE_WITH_PRINCIPAL, str(view.id))]
    # The coach community (issue 12): the author may also share it in the week's community roundup.
    elements.append(button("Share with the coach community", ids.COMMUNITY_SHARE_REFLECTION, str(view.id)))
    blocks: list[dict] = [
        {"type": "section", "text": mrkdwn(f"Saved your reflection on {week_label(view.week_of)}. {status}")}
    ]
    if elements:
        blocks.append({"type": "actions", "elements": elements})
    return {"text": f"Saved your reflection on {week_label(view.week_of)}.", "blocks": blocks}


def principal_copy(view: ReflectionView) -> dict:
    intro = f"🗒 {escape(view.coach_name)} chose to share their weekly reflection on {week_label(view.week_of)} with you:"
    return {
        "text": f"{view.coach_name} shared their weekly reflection with you.",
        "blocks": [{"type": "section", "text": mrkdwn(intro)}, *_answers(view)],
    }


def weeks_line(weeks: Sequence[WeekRecord]) -> str:
    past = [w for w in weeks if not w.current]
    written = sum(1 for w in past if w.written)
    missed = [day(w.week_of) for w in past if not w.written]
    current = next((w for w in weeks if w.current), None)
    parts = []
    if past:
        parts.append(f"{written} of the last {len(past)} week{'s' if len(past) != 1 else ''} written")
    if missed:
        parts.append("missed: " + ", ".join(f"week of {m}" for m in missed))
    if current is not None:
        parts.append("this week: written ✓" if current.written else "this week: not yet")
    return "Weekly reflections: " + " · ".join(parts)


def weeks_blocks(weeks: Sequence[WeekRecord]) -> list[dict]:
    current = next((w for w in weeks if w.current), None)
    label = "Edit this week's reflection" if current and current.written else "Write this week's reflection"
    week = current.week_of.isoformat() if current else ""
    return [
        {
            "type": "section",
            "text": mrkdwn(weeks_line(weeks)),
            "accessory": button(label, ids.WEEKLY_REFLECTION_OPEN, week),
        }
    ]
