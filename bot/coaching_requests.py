"""Reading what a coaching request carries: the log modal's metadata, its state, and clicked ids.

Payloads can be forged, so everything here is read defensively: a value of the wrong kind reads as
missing, never as an error; the domain then refuses it in words the person can act on.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from bot import ids
from bot.payloads import as_int
from bot.walkthrough_requests import ModalState
from workflows.coaching.capture import EntrySubmission
from workflows.coaching.errors import Field, NotAllowed
from workflows.coaching.modal import STEP_SLOTS, StepDraft
from workflows.coaching.models import KEY_MAX


def known(entity_id: int | None) -> int:
    """An id read from a payload; a missing or forged one is refused like a forbidden one."""
    if entity_id is None:
        raise NotAllowed("nothing named")
    return entity_id


def clicked_value(body: dict) -> str:
    actions = body.get("actions") or [{}]
    action = actions[0] if isinstance(actions[0], dict) else {}
    value = action.get("value")
    if value is None and isinstance(action.get("selected_option"), dict):
        value = action["selected_option"].get("value")
    return value if isinstance(value, str) else ""


def clicked_id(body: dict) -> int | None:
    return as_int(clicked_value(body) or None)


def teacher_at(value: str | None) -> tuple[int, int] | None:
    """`<teacher>:<school>`, as teacher options and "Log coaching" buttons carry it."""
    teacher, _, school = (value or "").partition(":")
    teacher_id, school_id = as_int(teacher), as_int(school)
    return (teacher_id, school_id) if teacher_id is not None and school_id is not None else None


@dataclass(frozen=True)
class CoachingMeta:
    """What the coaching log carries between requests: its idempotency key and what it is for."""

    key: str
    editing_id: int | None = None
    revision: int | None = None

    def dump(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, separators=(",", ":"))

    @classmethod
    def load(cls, text: str, *, view_id: str) -> CoachingMeta:
        """Forged or missing metadata degrades to a key tied to the view, never to an error."""
        try:
            raw = json.loads(text or "{}")
            return cls(
                key=str(raw.get("key") or f"view:{view_id}")[:KEY_MAX],
                editing_id=as_int(raw.get("editing_id")),
                revision=as_int(raw.get("revision")),
            )
        except (ValueError, TypeError, AttributeError):
            return cls(key=f"view:{view_id}")


class CoachingState(ModalState):
    """The values of the submitted (or changing) coaching log."""

    def number(self, block_id: str, action_id: str) -> str | None:
        value = self._element(block_id, action_id).get("value")
        return value if isinstance(value, str) else None

    def many(self, block_id: str, action_id: str) -> list[str]:
        options = self._element(block_id, action_id).get("selected_options")
        if not isinstance(options, list):
            return []
        return [o["value"] for o in options if isinstance(o, dict) and isinstance(o.get("value"), str)]

    def coaching_teacher(self) -> tuple[int, int] | None:
        return teacher_at(self.selected(ids.COACHING_TEACHER_BLOCK, ids.COACHING_TEACHER_SELECT))

    def cycle_block(self) -> str | None:
        prefix = ids.COACHING_CYCLE_BLOCK
        return next((b for b in self.values if b == prefix or b.startswith(prefix + ":")), None)

    def cycle(self) -> str | None:
        block = self.cycle_block()
        return self.selected(block, ids.COACHING_CYCLE_SELECT) if block else None

    def submission(self) -> EntrySubmission:
        teacher = self.coaching_teacher()
        steps = tuple(
            StepDraft(
                text=self.text(f"{ids.COACHING_STEP_BLOCK_PREFIX}{n}", ids.COACHING_STEP_INPUT),
                check_back_on=self.date(f"{ids.COACHING_STEP_DATE_BLOCK_PREFIX}{n}", ids.COACHING_STEP_DATE_INPUT),
            )
            for n in range(1, STEP_SLOTS + 1)
        )
        return EntrySubmission(
            teacher_id=teacher[0] if teacher else None,
            school_id=teacher[1] if teacher else None,
            held_on=self.date(ids.COACHING_DATE_BLOCK, ids.COACHING_DATE_INPUT),
            kind=self.selected(ids.COACHING_KIND_BLOCK, ids.COACHING_KIND_INPUT),
            minutes=self.number(ids.COACHING_MINUTES_BLOCK, ids.COACHING_MINUTES_INPUT),
            cycle=self.cycle(),
            goal=self.text(ids.COACHING_GOAL_BLOCK, ids.COACHING_GOAL_INPUT),
            measure=self.text(ids.COACHING_MEASURE_BLOCK, ids.COACHING_MEASURE_INPUT),
            baseline=self.text(ids.COACHING_BASELINE_BLOCK, ids.COACHING_BASELINE_INPUT),
            expected_weeks=self.number(ids.COACHING_WEEKS_BLOCK, ids.COACHING_WEEKS_INPUT),
            measure_value=self.text(ids.COACHING_MEASURE_VALUE_BLOCK, ids.COACHING_MEASURE_VALUE_INPUT),
            look_for_ids=tuple(
                n for n in (as_int(v) for v in self.many(ids.COACHING_FOCUS_BLOCK, ids.COACHING_FOCUS_INPUT)) if n is not None
            ),
            working=self.text(ids.COACHING_WORKING_BLOCK, ids.COACHING_WORKING_INPUT),
            challenges=self.text(ids.COACHING_CHALLENGES_BLOCK, ids.COACHING_CHALLENGES_INPUT),
            steps=steps,
            needs=tuple(self.many(ids.COACHING_NEEDS_BLOCK, ids.COACHING_NEEDS_INPUT)),
        )

    def coaching_errors(self, errors: dict[str, str]) -> dict[str, str]:
        """Field errors keyed by the input blocks this view really has (Slack refuses unknown ones)."""
        inputs = [b.get("block_id") for b in self.view.get("blocks") or [] if isinstance(b, dict) and b.get("type") == "input"]
        by_field = {
            Field.TEACHER: ids.COACHING_TEACHER_BLOCK,
            Field.HELD_ON: ids.COACHING_DATE_BLOCK,
            Field.KIND: ids.COACHING_KIND_BLOCK,
            Field.MINUTES: ids.COACHING_MINUTES_BLOCK,
            Field.CYCLE: self.cycle_block() or ids.COACHING_CYCLE_BLOCK,
            Field.GOAL: ids.COACHING_GOAL_BLOCK,
            Field.MEASURE: ids.COACHING_MEASURE_BLOCK,
            Field.BASELINE: ids.COACHING_BASELINE_BLOCK,
            Field.WEEKS: ids.COACHING_WEEKS_BLOCK,
            Field.MEASURE_VALUE: ids.COACHING_MEASURE_VALUE_BLOCK,
            Field.LOOK_FORS: ids.COACHING_FOCUS_BLOCK,
            Field.WORKING: ids.COACHING_WORKING_BLOCK,
            Field.CHALLENGES: ids.COACHING_CHALLENGES_BLOCK,
            Field.NEEDS: ids.COACHING_NEEDS_BLOCK,
        }
        for n in range(1, STEP_SLOTS + 1):
            by_field[Field.step_text(n)] = f"{ids.COACHING_STEP_BLOCK_PREFIX}{n}"
            by_field[Field.step_date(n)] = f"{ids.COACHING_STEP_DATE_BLOCK_PREFIX}{n}"
        mapped: dict[str, str] = {}
        for name, message in errors.items():
            block = by_field.get(name)
            if block not in inputs:
                block = ids.COACHING_WORKING_BLOCK if ids.COACHING_WORKING_BLOCK in inputs else next(iter(inputs), None)
            if block is None:
                continue
            mapped[block] = f"{mapped[block]} {message}" if block in mapped else message
        return mapped
