"""Reading what a walkthrough request carries: who clicked, the modal's metadata, and its state.

Payloads can be forged, so everything here is read defensively: a value of the wrong kind reads as missing,
never as an error.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import TypeVar

from sqlmodel import Session

from bot import ids
from bot.callers import Caller
from bot.payloads import as_int
from bot.runtime import Runtime
from workflows.db import transaction
from workflows.privacy import Viewer
from workflows.walkthroughs.capture import WalkthroughEntry
from workflows.walkthroughs.errors import Field, NotAllowed
from workflows.walkthroughs.models import KEY_MAX

T = TypeVar("T")


def known(walkthrough_id: int | None) -> int:
    """A walkthrough id read from a payload; a missing or forged one is refused like a forbidden one."""
    if walkthrough_id is None:
        raise NotAllowed("no walkthrough named")
    return walkthrough_id


def read_clicked(runtime: Runtime, caller: Caller, body: dict, read: Callable[[Session, Viewer, int], T]) -> T:
    """Read what a walkthrough's button needs, as the person who clicked it, in one transaction."""
    walkthrough_id = known(clicked_id(body))
    viewer = caller.acting()
    with transaction(runtime.sessions) as session:
        return read(session, viewer, walkthrough_id)


def clicked_id(body: dict) -> int | None:
    """The walkthrough id a button carries as its value."""
    return as_int(body["actions"][0].get("value"))


def new_key(prefix: str = "wt") -> str:
    """A fresh idempotency key for a modal: its submission is stored once, however often it arrives."""
    return f"{prefix}-" + secrets.token_urlsafe(18)


@dataclass(frozen=True)
class ModalMeta:
    """What the walkthrough modal carries between requests: its idempotency key and what it is for."""

    key: str
    editing_id: int | None = None
    revision: int | None = None
    planned_visit_key: str | None = None
    paired_with_id: int | None = None
    more: bool = False  # the optional parts (strength, question, second observer) are shown

    def dump(self) -> str:
        shown = {k: v for k, v in asdict(self).items() if v is not None and v is not False}
        return json.dumps(shown, separators=(",", ":"))

    @classmethod
    def load(cls, text: str, *, view_id: str) -> ModalMeta:
        """Forged or missing metadata degrades to a key tied to the view, never to an error."""
        try:
            raw = json.loads(text or "{}")
            return cls(
                key=str(raw.get("key") or f"view:{view_id}")[:KEY_MAX],
                editing_id=as_int(raw.get("editing_id")),
                revision=as_int(raw.get("revision")),
                planned_visit_key=str(raw["planned_visit_key"])[:255]
                if raw.get("planned_visit_key")
                else None,
                paired_with_id=as_int(raw.get("paired_with_id")),
                more=raw.get("more") is True,
            )
        except (ValueError, TypeError, AttributeError):
            return cls(key=f"view:{view_id}")


class ModalState:
    """The values of a submitted (or changing) modal, read defensively: payloads can be forged."""

    def __init__(self, view: dict, *, changed: list[dict] | None = None):
        self.view = view
        values = (view.get("state") or {}).get("values") or {}
        self.values: dict[str, dict] = dict(values) if isinstance(values, dict) else {}
        for action in changed or []:  # the choice just made wins over the state sent with it
            if isinstance(action, dict) and action.get("block_id") and action.get("action_id"):
                block = dict(self.values.get(action["block_id"]) or {})
                block[action["action_id"]] = action
                self.values[action["block_id"]] = block

    def _element(self, block_id: str, action_id: str) -> dict:
        found = (self.values.get(block_id) or {}).get(action_id)
        return found if isinstance(found, dict) else {}

    def text(self, block_id: str, action_id: str) -> str:
        value = self._element(block_id, action_id).get("value")
        return value if isinstance(value, str) else ""

    def selected(self, block_id: str, action_id: str) -> str | None:
        option = self._element(block_id, action_id).get("selected_option")
        value = option.get("value") if isinstance(option, dict) else None
        return value if isinstance(value, str) else None

    def date(self, block_id: str, action_id: str) -> date | None:
        value = self._element(block_id, action_id).get("selected_date")
        try:
            return date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def teacher(self) -> tuple[int, int] | None:
        value = self.selected(ids.WALKTHROUGH_TEACHER_BLOCK, ids.WALKTHROUGH_TEACHER_SELECT) or ""
        teacher, _, school = value.partition(":")
        teacher_id, school_id = as_int(teacher), as_int(school)
        return (teacher_id, school_id) if teacher_id is not None and school_id is not None else None

    def class_block(self) -> str | None:
        prefix = ids.WALKTHROUGH_CLASS_BLOCK
        return next((b for b in self.values if b == prefix or b.startswith(prefix + ":")), None)

    def class_choice(self) -> tuple[int | None, str | None]:
        block = self.class_block()
        value = self.selected(block, ids.WALKTHROUGH_CLASS_SELECT) if block else None
        class_id, _, period = (value or "").partition(":")
        return as_int(class_id), (period or None) if class_id else None

    def form_id(self) -> int | None:
        return as_int(self.selected(ids.WALKTHROUGH_FORM_BLOCK, ids.WALKTHROUGH_FORM_SELECT))

    def ratings(self) -> tuple[dict[int, int | None], frozenset[int]]:
        """look-for id → level value chosen (-1 for a value that is no level), and the look-fors given
        more than one level. Read from the one look-fors menu, or from a menu per look-for (a modal opened
        before they were grouped)."""
        found: dict[int, int | None] = {}
        doubled: set[int] = set()
        for block in self.values:
            if block.startswith(ids.WALKTHROUGH_LOOK_FORS_BLOCK_PREFIX):
                chosen = self._element(block, ids.WALKTHROUGH_LOOK_FORS_SELECT).get("selected_options")
                for option in chosen if isinstance(chosen, list) else []:
                    value = option.get("value") if isinstance(option, dict) else None
                    look_for, _, level = (value if isinstance(value, str) else "").partition(":")
                    look_for_id = as_int(look_for)
                    if look_for_id is None:
                        continue
                    if look_for_id in found:
                        doubled.add(look_for_id)
                    found[look_for_id] = _level(level)
            elif block.startswith(ids.WALKTHROUGH_LOOK_FOR_BLOCK_PREFIX):
                look_for_id = as_int(block.removeprefix(ids.WALKTHROUGH_LOOK_FOR_BLOCK_PREFIX))
                value = self.selected(block, ids.WALKTHROUGH_LOOK_FOR_SELECT)
                if look_for_id is not None:
                    found[look_for_id] = _level(value) if value is not None else None
        return found, frozenset(doubled)

    def entry(self, meta: ModalMeta) -> WalkthroughEntry:
        teacher = self.teacher()
        class_id, period = self.class_choice()
        share = self._element(ids.WALKTHROUGH_SHARE_BLOCK, ids.WALKTHROUGH_SHARE_INPUT).get(
            "selected_options"
        )
        second = self._element(ids.WALKTHROUGH_SECOND_OBSERVER_BLOCK, ids.WALKTHROUGH_SECOND_OBSERVER_INPUT)
        ratings, doubled = self.ratings()
        return WalkthroughEntry(
            teacher_id=teacher[0] if teacher else None,
            school_id=teacher[1] if teacher else None,
            class_id=class_id,
            period=period,
            form_id=self.form_id(),
            ratings=ratings,
            doubled=doubled,
            evidence=self.text(ids.WALKTHROUGH_EVIDENCE_BLOCK, ids.WALKTHROUGH_EVIDENCE_INPUT),
            strength=self.text(ids.WALKTHROUGH_STRENGTH_BLOCK, ids.WALKTHROUGH_STRENGTH_INPUT),
            next_step=self.text(ids.WALKTHROUGH_NEXT_STEP_BLOCK, ids.WALKTHROUGH_NEXT_STEP_INPUT),
            role=self.selected(ids.WALKTHROUGH_ROLE_BLOCK, ids.WALKTHROUGH_ROLE_INPUT),
            share_with_teacher=isinstance(share, list)
            and any(isinstance(o, dict) and o.get("value") == ids.WALKTHROUGH_SHARE_VALUE for o in share),
            second_observer_slack_id=second.get("selected_user")
            if isinstance(second.get("selected_user"), str)
            else None,
            paired_with_id=meta.paired_with_id,
        )

    def errors(self, errors: dict[str, str]) -> dict[str, str]:
        """Field errors keyed by the input blocks this view really has (Slack refuses unknown ones)."""
        inputs = [
            b.get("block_id")
            for b in self.view.get("blocks") or []
            if isinstance(b, dict) and b.get("type") == "input"
        ]
        by_field = {
            Field.TEACHER: ids.WALKTHROUGH_TEACHER_BLOCK,
            Field.CLASS: self.class_block() or ids.WALKTHROUGH_CLASS_BLOCK,
            Field.FORM: ids.WALKTHROUGH_FORM_BLOCK,
            Field.EVIDENCE: ids.WALKTHROUGH_EVIDENCE_BLOCK,
            Field.STRENGTH: ids.WALKTHROUGH_STRENGTH_BLOCK,
            Field.NEXT_STEP: ids.WALKTHROUGH_NEXT_STEP_BLOCK,
            Field.ROLE: ids.WALKTHROUGH_ROLE_BLOCK,
            Field.SECOND_OBSERVER: ids.WALKTHROUGH_SECOND_OBSERVER_BLOCK,
        }
        grouped = next((b for b in inputs if str(b).startswith(ids.WALKTHROUGH_LOOK_FORS_BLOCK_PREFIX)), None)
        mapped: dict[str, str] = {}
        for name, message in errors.items():
            block = by_field.get(name)
            if block is None and name.startswith("look_for:"):
                block = grouped or ids.WALKTHROUGH_LOOK_FOR_BLOCK_PREFIX + name.removeprefix("look_for:")
            if block not in inputs:
                block = ids.WALKTHROUGH_EVIDENCE_BLOCK
            mapped[block] = f"{mapped[block]} {message}" if block in mapped else message
        return mapped


def _level(value: str) -> int:
    """A level's value as sent; -1 for anything that is not a number (reported as a field error)."""
    level = as_int(value)
    return level if level is not None else -1
