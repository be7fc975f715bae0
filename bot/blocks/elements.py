"""The small pieces every Block Kit builder uses: text objects, buttons, and Slack's limits on them."""

from __future__ import annotations

OPTION_TEXT_MAX = 75  # an option's or a button's text
SECTION_MAX = 3000  # a section's text


def plain(text: str, limit: int | None = None) -> dict:
    return {"type": "plain_text", "text": clip(text, limit) if limit else text, "emoji": True}


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def escape(text: str) -> str:
    """Slack's three control characters, so names and notes never turn into links or mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def button(
    text: str, action_id: str, value: str, *, style: str | None = None, confirm: dict | None = None
) -> dict:
    element = {"type": "button", "text": plain(text, OPTION_TEXT_MAX), "action_id": action_id, "value": value}
    if style:
        element["style"] = style
    if confirm:
        element["confirm"] = confirm
    return element


def confirm(title: str, text: str, *, yes: str, no: str) -> dict:
    """A confirmation dialog Slack shows before sending the click (Slack's limits: 100, 300, 30, 30)."""
    return {
        "title": plain(title, 100),
        "text": plain(text, 300),
        "confirm": plain(yes, 30),
        "deny": plain(no, 30),
    }
