"""A small framework file whose line numbers the tests can point at, and the shipped starter file."""

from __future__ import annotations

from pathlib import Path

import workflows.frameworks

STARTER = Path(workflows.frameworks.__file__).with_name("default.yml")
STARTER_TEXT = STARTER.read_text(encoding="utf-8")

# Line numbers matter: the tests assert problems at exact lines of this text.
SMALL = """\
key: test-district
name: Test district framework
rating_scale:
  - label: Not observed
    observed: false
  - label: Beginning
  - label: Proficient
areas:
  - key: discussion
    name: Academic discussion
  - key: assessment
    name: Checks for understanding
look_fors:
  - key: discussion
    area: discussion
    text: Students explain their reasoning to a partner.
  - key: checks
    area: assessment
    text: The teacher checks every student's understanding.
forms:
  - key: talk
    name: Discussion
    focus: Whole-class talk.
    look_fors: [discussion, checks]
"""


def edited(text: str, old: str, new: str) -> str:
    """`text` with exactly one occurrence of `old` replaced (fails loudly if the fixture drifted)."""
    assert text.count(old) == 1, f"expected one {old!r} in the fixture"
    return text.replace(old, new)


def starter_changed() -> str:
    """The starter file after a year: one look-for reworded, one implemented and dropped, a new form."""
    text = edited(
        STARTER_TEXT,
        "text: The teacher checks for understanding of every student before moving on.",
        "text: Before moving on, the teacher checks what every student understands (whiteboards, exit tickets).",
    )
    text = edited(
        text,
        "  - key: smooth-routines\n    area: environment\n"
        "    text: Routines and transitions run smoothly, and little learning time is lost.\n",
        "",
    )
    text = edited(text, "      - on-task\n      - smooth-routines\n", "      - on-task\n")
    return text + (
        "\n  - key: writing-block\n"
        "    name: Writing block\n"
        "    focus: Students are drafting or revising their own writing.\n"
        "    look_fors: [specific-feedback, grade-level-task, on-task]\n"
    )
