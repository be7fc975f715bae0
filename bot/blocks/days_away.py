"""Block Kit for days without walkthroughs: the App Home section and the two modals that mark them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot import ids
from bot.blocks.elements import OPTION_TEXT_MAX, button, clip, escape, mrkdwn, plain
from workflows.roster.models import School
from workflows.rotation.away import AwaySpan
from workflows.rotation.models import AWAY_NOTE_MAX


def span_text(first: date, last: date) -> str:
    """`Mon Dec 7` or `Mon Dec 7 – Fri Dec 11`."""
    one = f"{first:%a %b} {first.day}"
    return one if first == last else f"{one} – {last:%a %b} {last.day}"


def _line(span: AwaySpan) -> dict:
    where = f"*{escape(span.school_name)}*: " if span.school_name else ""
    note = f" — {escape(span.note)}" if span.note else ""
    return {
        "type": "section",
        "text": mrkdwn(f"{where}{span_text(span.first_day, span.last_day)}{note}"),
        "accessory": button("Cancel", ids.DAYS_AWAY_CANCEL, str(span.id)),
    }


def home_section(
    own: Sequence[AwaySpan], schools: Sequence[AwaySpan], *, leader: bool, admin: bool
) -> list[dict]:
    """Leaders: their days away; school admins: the school's days without walkthroughs; each with a way
    to add more and to cancel."""
    blocks: list[dict] = [{"type": "header", "text": plain("Days without walkthroughs")}]
    if leader:
        said = "No visits are planned for you on these days, and no morning DM comes."
        blocks.append({"type": "context", "elements": [mrkdwn(f"*Your days away.* {said}")]})
        blocks += [_line(s) for s in own[:10]]
    if admin:
        said = "Nobody at the school gets visits planned on these days."
        blocks.append(
            {"type": "context", "elements": [mrkdwn(f"*Your schools' days off walkthroughs.* {said}")]}
        )
        blocks += [_line(s) for s in schools[:10]]
    elements = []
    if leader:
        elements.append(button("Mark days away", ids.DAYS_AWAY_OPEN, "away"))
    if admin:
        elements.append(button("Mark school days without walkthroughs", ids.SCHOOL_DAYS_OFF_OPEN, "school"))
    blocks.append({"type": "actions", "elements": elements})
    return blocks


def _dates(today: date) -> list[dict]:
    return [
        {
            "type": "input",
            "block_id": ids.DAYS_AWAY_FIRST_BLOCK,
            "label": plain("First day"),
            "element": {
                "type": "datepicker",
                "action_id": ids.DAYS_AWAY_FIRST_INPUT,
                "initial_date": today.isoformat(),
            },
        },
        {
            "type": "input",
            "block_id": ids.DAYS_AWAY_LAST_BLOCK,
            "label": plain("Last day"),
            "optional": True,
            "hint": plain("Leave empty for a single day."),
            "element": {"type": "datepicker", "action_id": ids.DAYS_AWAY_LAST_INPUT},
        },
        {
            "type": "input",
            "block_id": ids.DAYS_AWAY_NOTE_BLOCK,
            "label": plain("Note"),
            "optional": True,
            "element": {
                "type": "plain_text_input",
                "action_id": ids.DAYS_AWAY_NOTE_INPUT,
                "max_length": AWAY_NOTE_MAX,
                "placeholder": plain("e.g. district conference"),
            },
        },
    ]


def days_away_modal(today: date) -> dict:
    return {
        "type": "modal",
        "callback_id": ids.DAYS_AWAY_MODAL,
        "title": plain("Days away"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn("Rounds plans no visits for you on these days and sends no morning DM."),
            },
            *_dates(today),
        ],
    }


def school_days_off_modal(schools: Sequence[School], today: date) -> dict:
    options = [{"text": plain(s.name, OPTION_TEXT_MAX), "value": str(s.id)} for s in schools]
    school_block: dict = {
        "type": "input",
        "block_id": ids.DAYS_AWAY_SCHOOL_BLOCK,
        "label": plain("School"),
        "element": {"type": "static_select", "action_id": ids.DAYS_AWAY_SCHOOL_SELECT, "options": options},
    }
    if options:
        school_block["element"]["initial_option"] = options[0]
    return {
        "type": "modal",
        "callback_id": ids.SCHOOL_DAYS_OFF_MODAL,
        "title": plain("Days off walkthroughs"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": [
            {
                "type": "section",
                "text": mrkdwn(
                    "A testing week, say: Rounds plans no visits at the school on these days, and they "
                    "don't count towards a cycle."
                ),
            },
            school_block,
            *_dates(today),
        ],
    }


def field_errors(field: str, message: str) -> dict[str, str]:
    """A service's refusal as the modal's field error."""
    block = {
        "first": ids.DAYS_AWAY_FIRST_BLOCK,
        "last": ids.DAYS_AWAY_LAST_BLOCK,
        "school": ids.DAYS_AWAY_SCHOOL_BLOCK,
    }.get(field, ids.DAYS_AWAY_FIRST_BLOCK)
    return {block: clip(message, 150)}
