"""What can go wrong with a walkthrough, in words the modal can show next to the right field."""

from __future__ import annotations

from collections.abc import Mapping

from workflows.refusals import Refusal
from workflows.walkthroughs.models import KEY_MAX


class NotAllowed(Refusal):
    """The viewer may not do this (a teacher logging a walkthrough, someone else's walkthrough...)."""


class TooLate(Refusal):
    """The 24 hours in which a walkthrough can be edited are over."""


class EditedMeanwhile(Refusal):
    """Another edit replaced the revision this one was made from: applying it would overwrite that one."""


class InvalidWalkthrough(Refusal):
    """Field-by-field problems with what was submitted; keys are `Field` names or `look_for:<id>`."""

    def __init__(self, errors: Mapping[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class Field:
    """The names of the modal's fields, as `InvalidWalkthrough.errors` uses them."""

    TEACHER = "teacher"
    CLASS = "class"
    FORM = "form"
    EVIDENCE = "evidence"
    STRENGTH = "strength"
    NEXT_STEP = "next_step"
    ROLE = "role"
    SECOND_OBSERVER = "second_observer"
    REFLECTION = "reflection"
    HELD_ON = "held_on"

    @staticmethod
    def look_for(look_for_id: int) -> str:
        return f"look_for:{look_for_id}"


def check_key(key: str, *, field: str) -> None:
    """A modal's idempotency key, missing or forged, means nothing can be stored exactly once."""
    if not key or len(key) > KEY_MAX:
        raise InvalidWalkthrough({field: "This form is out of date; close it and start again."})
