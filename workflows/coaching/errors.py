"""What can go wrong with coaching, in words a modal can show next to the right field."""

from __future__ import annotations

from collections.abc import Mapping

from workflows.coaching.models import KEY_MAX
from workflows.refusals import Refusal


class NotAllowed(Refusal):
    """The viewer may not do this (a leader opening a note, a coach editing another coach's note, …)."""


class InvalidEntry(Refusal):
    """Field-by-field problems with what was submitted; keys are `Field` names."""

    def __init__(self, errors: Mapping[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class Field:
    """The names of the coaching modals' fields, as `InvalidEntry.errors` uses them."""

    TEACHER = "teacher"
    HELD_ON = "held_on"
    KIND = "kind"
    MINUTES = "minutes"
    CYCLE = "cycle"
    GOAL = "goal"
    MEASURE = "measure"
    BASELINE = "baseline"
    WEEKS = "weeks"
    MEASURE_VALUE = "measure_value"
    LOOK_FORS = "look_fors"
    WORKING = "working"
    CHALLENGES = "challenges"
    NEEDS = "needs"
    REFLECTION = "reflection"
    REQUEST = "request"
    WENT_WELL = "went_well"
    LEARNED = "learned"
    TRY_NEXT = "try_next"
    SUPPORT = "support"
    COACH = "coach"

    @staticmethod
    def step_text(position: int) -> str:
        return f"step:{position}:text"

    @staticmethod
    def step_date(position: int) -> str:
        return f"step:{position}:date"


def check_key(key: str, *, field: str) -> None:
    """A modal's idempotency key, missing or forged, means nothing can be stored exactly once."""
    if not key or len(key) > KEY_MAX:
        raise InvalidEntry({field: "This form is out of date; close it and start again."})
