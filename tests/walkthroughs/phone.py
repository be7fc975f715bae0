"""How a modal reads on a phone, measured the same way every time: blocks, inputs, rows and screens, and the
taps a person spends from opening it to saving it.

The model is deliberately simple and stated here so numbers can be compared across layouts:

- a phone modal is `LINE_CHARS` characters of body text wide (small text, hints and context:
  `SMALL_CHARS`), and shows `SCREEN_ROWS` rows between its title bar and the bottom of the screen, one
  row being one line of text; a control (a menu, a one-line field, a button) takes 2 rows, a multi-line
  field 4, and every block is followed by one row of space;
- a tap is a touch: opening the modal, each menu opened and each option picked in it (a multi-select
  also needs "Done"), each field tapped into (typing is not counted as taps), each checkbox or radio
  button changed, each button in the modal, and Save. Swipes are counted apart: one per screen below
  the first.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

LINE_CHARS = 36
SMALL_CHARS = 44
SCREEN_ROWS = 26

_MENUS = {"static_select", "external_select", "users_select", "conversations_select", "channels_select"}
_MULTI = {"multi_static_select", "multi_external_select", "multi_users_select"}


def _lines(text: str, width: int = LINE_CHARS) -> int:
    return max(1, math.ceil(len(text) / width)) if text else 0


def _text(obj: Any) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else ""


def _element_rows(element: dict) -> int:
    kind = element.get("type")
    if kind == "plain_text_input":
        return 4 if element.get("multiline") else 2
    if kind in _MULTI:
        return 2 + math.ceil(len(element.get("initial_options") or []) / 2)
    if kind in ("radio_buttons", "checkboxes"):
        return sum(
            max(2, _lines(_text(o.get("text")))) + _lines(_text(o.get("description")), SMALL_CHARS)
            for o in element.get("options", [])
        )
    return 2


def block_rows(block: dict) -> int:
    kind = block.get("type")
    if kind == "input":
        rows = _lines(_text(block.get("label"))) + _lines(_text(block.get("hint")), SMALL_CHARS)
        return rows + _element_rows(block.get("element") or {}) + 1
    if kind == "section":
        return _lines(_text(block.get("text"))) + 1
    if kind == "context":
        return sum(_lines(_text(e), SMALL_CHARS) for e in block.get("elements", [])) + 1
    if kind == "actions":
        return 2 * math.ceil(len(block.get("elements", [])) / 2) + 1
    if kind == "header":
        return 3
    return 1


def label_chars(view: dict) -> int:
    """Characters a person reads before touching anything: labels, hints, section and context text."""
    total = 0
    for block in view.get("blocks", []):
        total += (
            len(_text(block.get("label"))) + len(_text(block.get("hint"))) + len(_text(block.get("text")))
        )
        total += sum(len(_text(e)) for e in block.get("elements", []) if block.get("type") == "context")
    return total


@dataclass(frozen=True)
class Layout:
    blocks: int
    inputs: int
    required: int
    label_chars: int
    rows: int

    @property
    def screens(self) -> int:
        return math.ceil(self.rows / SCREEN_ROWS)


def layout(view: dict) -> Layout:
    blocks = view.get("blocks", [])
    inputs = [b for b in blocks if b.get("type") == "input"]
    return Layout(
        blocks=len(blocks),
        inputs=len(inputs),
        required=sum(1 for b in inputs if not b.get("optional")),
        label_chars=label_chars(view),
        rows=sum(block_rows(b) for b in blocks),
    )


# ── taps, from the requests a person's phone sends ───────────────────────────────────────────────────


def _initial(element: dict) -> Any:
    kind = element.get("type")
    if kind in _MENUS:
        option = element.get("initial_option")
        return option.get("value") if option else element.get("initial_user")
    if kind in _MULTI or kind == "checkboxes":
        return frozenset(o["value"] for o in element.get("initial_options") or [])
    if kind == "radio_buttons":
        option = element.get("initial_option")
        return option.get("value") if option else None
    return element.get("initial_value") or ""


def _submitted(state: dict) -> Any:
    if "selected_options" in state:
        return frozenset(o["value"] for o in state.get("selected_options") or [])
    if "selected_option" in state:
        option = state.get("selected_option")
        return option.get("value") if option else None
    if "selected_user" in state:
        return state.get("selected_user")
    return state.get("value") or ""


def input_taps(view: dict, values: dict) -> tuple[int, int]:
    """Taps to go from the view as shown to the values saved, and how many fields were typed in."""
    taps = typed = 0
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block.get("element") or {}
        state = (values.get(block.get("block_id")) or {}).get(element.get("action_id")) or {}
        before, after = _initial(element), _submitted(state)
        if before == after:
            continue
        kind = element.get("type")
        if kind == "plain_text_input":
            taps, typed = taps + 1, typed + 1
        elif kind in _MULTI:
            taps += 2 + len(before ^ after)
        elif kind == "checkboxes":
            taps += len(before ^ after)
        elif kind == "radio_buttons":
            taps += 1
        else:
            taps += 2
    return taps, typed


@dataclass
class Recorder:
    """An `HttpTarget` for the SlackDriver that keeps every request it passes on to the app."""

    http: Any
    payloads: list[dict] = field(default_factory=list)

    def post(self, url: str, *, content: bytes, headers: dict[str, str]) -> Any:
        form = parse_qs(content.decode())
        if "payload" in form:
            self.payloads.append(json.loads(form["payload"][0]))
        elif "command" in form:
            self.payloads.append({"type": "command", "command": form["command"][0]})
        return self.http.post(url, content=content, headers=headers)


@dataclass(frozen=True)
class Effort:
    taps: int
    typed: int
    swipes: int
    screens: int


def effort(payloads: list[dict], shown: dict[str, dict]) -> Effort:
    """What logging took, from the requests sent (`payloads`) and each modal as it was shown when the
    next request was sent (`shown`, by view id: the one the submission saved)."""
    taps = typed = 0
    final: dict | None = None
    for payload in payloads:
        kind = payload.get("type")
        if kind == "command":
            taps += 1
        elif kind == "block_actions":
            action = (payload.get("actions") or [{}])[0]
            taps += 1 if action.get("type") == "button" else 2
        elif kind == "view_submission":
            final = shown[payload["view"]["id"]]
            more, words = input_taps(final, payload["view"]["state"]["values"])
            taps, typed = taps + more + 1, typed + words
    assert final is not None, "nothing was saved"
    screens = layout(final).screens
    return Effort(taps=taps, typed=typed, swipes=screens - 1, screens=screens)
