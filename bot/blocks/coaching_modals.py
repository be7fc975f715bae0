"""Block Kit for the coaching modals: the coaching log (new or edited) and a teacher's reflection on it.

Pure functions from the service's contexts to Slack views. Every choice is an option whose value the
listener parses back (`bot.coaching_requests`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import groupby

from bot import ids
from bot.blocks.elements import OPTION_TEXT_MAX, clip, escape, mrkdwn, plain
from bot.blocks.walkthroughs import day
from workflows.coaching.choices import NEW_CYCLE, CycleChoice, LookForOption, NeedOption
from workflows.coaching.modal import STEP_SLOTS, CoachingModalContext
from workflows.coaching.models import (
    BASELINE_MAX,
    GOAL_MAX,
    KIND_NAMES,
    MEASURE_MAX,
    MEASURE_VALUE_MAX,
    NOTE_MAX,
    REFLECTION_MAX,
    REQUEST_MAX,
    STEP_MAX,
    CoachingKind,
    CycleStatus,
)
from workflows.coaching.shares import ShareContext
from workflows.coaching.views import EntryView
from workflows.privacy import TeacherAtSchool

DEFAULT_WEEKS = 6


def _option(text: str, value: str) -> dict:
    return {"text": plain(text, OPTION_TEXT_MAX), "value": value}


def teacher_option(teacher: TeacherAtSchool) -> dict:
    return _option(f"{teacher.name} — {teacher.school_name}", f"{teacher.teacher_id}:{teacher.school_id}")


def teacher_options(teachers: Iterable[TeacherAtSchool]) -> list[dict]:
    """The type-ahead's answer: at most 100 options, as Slack allows."""
    return [teacher_option(t) for t in list(teachers)[:100]]


def kind_option(kind: CoachingKind) -> dict:
    return _option(KIND_NAMES[kind], kind.value)


def cycle_option(cycle: CycleChoice) -> dict:
    paused = ", paused" if cycle.status == CycleStatus.PAUSED else ""
    return _option(f"{clip(cycle.goal, 50)} ({cycle.phase}{paused})", str(cycle.cycle_id))


NEW_CYCLE_OPTION = _option("Start a new cycle", NEW_CYCLE)


def look_for_option(look_for: LookForOption) -> dict:
    return _option(look_for.text, str(look_for.look_for_id))


def need_option(need: NeedOption) -> dict:
    return _option(need.label, need.tag)


def cycle_block_id(context: CoachingModalContext) -> str:
    """Keyed on the teacher, so choosing another teacher replaces the cycle choice instead of keeping it."""
    teacher = context.teacher
    return f"{ids.COACHING_CYCLE_BLOCK}:{teacher.teacher_id}-{teacher.school_id}" if teacher else ids.COACHING_CYCLE_BLOCK


def coaching_modal(context: CoachingModalContext, *, metadata: str) -> dict:
    """The coaching log: who, when, what kind, in which cycle, and what was shared with the teacher."""
    draft = context.draft
    blocks: list[dict] = []
    if context.teacher_note:
        blocks.append({"type": "context", "elements": [mrkdwn(escape(context.teacher_note))]})
    blocks.append(_teacher_block(context))
    blocks.append(
        _input(
            ids.COACHING_DATE_BLOCK,
            "Date",
            {
                "type": "datepicker",
                "action_id": ids.COACHING_DATE_INPUT,
                "initial_date": (draft.held_on or context.today).isoformat(),
            },
        )
    )
    kind: dict = {
        "type": "static_select",
        "action_id": ids.COACHING_KIND_INPUT,
        "placeholder": plain("What kind of coaching"),
        "options": [kind_option(k) for k in CoachingKind],
    }
    if draft.kind is not None:
        kind["initial_option"] = kind_option(draft.kind)
    blocks.append(_input(ids.COACHING_KIND_BLOCK, "Kind", kind))
    minutes: dict = {
        "type": "number_input",
        "action_id": ids.COACHING_MINUTES_INPUT,
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": "480",
    }
    if draft.minutes is not None:
        minutes["initial_value"] = str(draft.minutes)
    blocks.append(_input(ids.COACHING_MINUTES_BLOCK, "Minutes", minutes))
    blocks.extend(_cycle_blocks(context))
    blocks.extend(_focus_blocks(context))
    blocks.append(
        _text(ids.COACHING_WORKING_BLOCK, ids.COACHING_WORKING_INPUT, "What is working", draft.working, NOTE_MAX,
              placeholder="What the teacher is doing well, and what students are doing because of it")
    )  # fmt: skip
    blocks.append(
        _text(ids.COACHING_CHALLENGES_BLOCK, ids.COACHING_CHALLENGES_INPUT, "Challenges", draft.challenges,
              NOTE_MAX, placeholder="What you are working through together")
    )  # fmt: skip
    blocks.extend(_step_blocks(context))
    if context.needs:
        needs: dict = {
            "type": "multi_static_select",
            "action_id": ids.COACHING_NEEDS_INPUT,
            "placeholder": plain("Areas for professional learning"),
            "options": [need_option(n) for n in context.needs][:100],
        }
        chosen = [need_option(n) for n in context.needs if n.tag in draft.needs]
        if chosen:
            needs["initial_options"] = chosen
        block = _input(ids.COACHING_NEEDS_BLOCK, "Professional-learning needs", needs, optional=True)
        block["hint"] = plain("Counted across teachers for the school's PD plan: never shown with a name.")
        blocks.append(block)
    editing = context.editing_id is not None
    return {
        "type": "modal",
        "callback_id": ids.COACHING_MODAL,
        "title": plain("Edit coaching" if editing else "Log coaching"),
        "submit": plain("Save changes" if editing else "Save"),
        "close": plain("Cancel"),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def _input(block_id: str, label: str, element: dict, *, optional: bool = False, dispatch: bool = False) -> dict:
    block: dict = {"type": "input", "block_id": block_id, "optional": optional, "label": plain(label), "element": element}
    if dispatch:
        block["dispatch_action"] = True
    return block


def _text(
    block_id: str, action_id: str, label: str, initial: str, limit: int, *, placeholder: str,
    multiline: bool = True, optional: bool = True,
) -> dict:  # fmt: skip
    element: dict = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": multiline,
        "max_length": limit,
        "placeholder": plain(placeholder),
    }
    if initial:
        element["initial_value"] = initial
    return _input(block_id, label, element, optional=optional)


def _teacher_block(context: CoachingModalContext) -> dict:
    teacher = context.teacher
    if context.editing_id is not None and teacher is not None:
        return {
            "type": "section",
            "block_id": ids.COACHING_TEACHER_BLOCK,
            "text": mrkdwn(f"*Teacher:* {escape(teacher.name)} — {escape(teacher.school_name)}"),
        }
    element: dict = {
        "type": "external_select",
        "action_id": ids.COACHING_TEACHER_SELECT,
        "placeholder": plain("Type a teacher's name"),
        "min_query_length": 1,
    }
    if teacher is not None:
        element["initial_option"] = teacher_option(teacher)
    return _input(ids.COACHING_TEACHER_BLOCK, "Teacher", element, dispatch=True)


def _cycle_blocks(context: CoachingModalContext) -> list[dict]:
    if context.teacher is None:
        return [{"type": "context", "elements": [mrkdwn("Choose a teacher to see your cycles with them.")]}]
    selected = context.selected_cycle
    if context.editing_id is not None and selected is not None:
        text = f"*Cycle:* {escape(selected.goal)} _({escape(selected.phase)})_"
        return [{"type": "section", "text": mrkdwn(clip(text, 3000))}, _measure_value(context, selected)]
    options = [*[cycle_option(c) for c in context.cycles][:99], NEW_CYCLE_OPTION]
    element: dict = {"type": "static_select", "action_id": ids.COACHING_CYCLE_SELECT, "options": options}
    element["initial_option"] = cycle_option(selected) if selected is not None else NEW_CYCLE_OPTION
    blocks = [_input(cycle_block_id(context), "Coaching cycle", element, dispatch=True)]
    if selected is not None:
        return [*blocks, _measure_value(context, selected)]
    blocks[0]["hint"] = plain(f"A new cycle starts today in its first phase, {context.first_phase}.")
    weeks = {
        "type": "number_input",
        "action_id": ids.COACHING_WEEKS_INPUT,
        "is_decimal_allowed": False,
        "min_value": "1",
        "max_value": "40",
        "initial_value": str(DEFAULT_WEEKS),
    }
    return [
        *blocks,
        _text(ids.COACHING_GOAL_BLOCK, ids.COACHING_GOAL_INPUT, "Goal, in student terms", "", GOAL_MAX,
              placeholder="e.g. Every student explains their reasoning to a partner", optional=False),
        _text(ids.COACHING_MEASURE_BLOCK, ids.COACHING_MEASURE_INPUT, "How it will be measured", "", MEASURE_MAX,
              placeholder="e.g. share of students explaining, from a 10-minute tally", optional=False),
        _text(ids.COACHING_BASELINE_BLOCK, ids.COACHING_BASELINE_INPUT, "Baseline", "", BASELINE_MAX,
              placeholder="Where it stands today, e.g. 4 of 24", multiline=False),
        _input(ids.COACHING_WEEKS_BLOCK, "Expected length (weeks)", weeks),
    ]  # fmt: skip


def _measure_value(context: CoachingModalContext, cycle: CycleChoice) -> dict:
    block = _text(
        ids.COACHING_MEASURE_VALUE_BLOCK, ids.COACHING_MEASURE_VALUE_INPUT, "Goal measure now",
        context.draft.measure_value, MEASURE_VALUE_MAX, placeholder="e.g. 11 of 24", multiline=False,
    )  # fmt: skip
    if cycle.measure:
        block["hint"] = plain(clip(f"Measured as: {cycle.measure}", 150))
    return block


def _focus_blocks(context: CoachingModalContext) -> list[dict]:
    if not context.look_fors:
        return []
    groups = [
        {"label": plain(area, OPTION_TEXT_MAX), "options": [look_for_option(lf) for lf in items][:100]}
        for area, items in ((a, list(g)) for a, g in groupby(context.look_fors, key=lambda lf: lf.area))
    ][:100]
    element: dict = {
        "type": "multi_static_select",
        "action_id": ids.COACHING_FOCUS_INPUT,
        "placeholder": plain("Look-fors from the framework"),
        "option_groups": groups,
    }
    chosen = [look_for_option(lf) for lf in context.look_fors if lf.look_for_id in context.draft.look_for_ids]
    if chosen:
        element["initial_options"] = chosen
    return [_input(ids.COACHING_FOCUS_BLOCK, "Focus", element, optional=True)]


def _step_blocks(context: CoachingModalContext) -> list[dict]:
    blocks = []
    steps = context.draft.steps
    for position in range(1, STEP_SLOTS + 1):
        draft = steps[position - 1] if position <= len(steps) else None
        label = "Next step" if position == 1 else f"Next step {position}"
        blocks.append(
            _text(f"{ids.COACHING_STEP_BLOCK_PREFIX}{position}", ids.COACHING_STEP_INPUT, label,
                  draft.text if draft else "", STEP_MAX, placeholder="An action step the teacher will take",
                  multiline=False)
        )  # fmt: skip
        date_element: dict = {"type": "datepicker", "action_id": ids.COACHING_STEP_DATE_INPUT}
        if draft and draft.check_back_on:
            date_element["initial_date"] = draft.check_back_on.isoformat()
        blocks.append(
            _input(f"{ids.COACHING_STEP_DATE_BLOCK_PREFIX}{position}", "Check back on", date_element, optional=True)
        )
    return blocks


# ── the teacher's reflection ─────────────────────────────────────────────────────────────────────────


def reflection_modal(view: EntryView, *, metadata: str) -> dict:
    about = f"On your {view.kind_name.lower()} with {escape(view.coach_name)}, {day(view.held_on)}."
    return {
        "type": "modal",
        "callback_id": ids.COACHING_REFLECTION_MODAL,
        "title": plain("Add a reflection"),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "private_metadata": metadata,
        "blocks": [
            {"type": "context", "elements": [mrkdwn(about)]},
            _text(ids.COACHING_REFLECTION_BLOCK, ids.COACHING_REFLECTION_INPUT, "Your reflection", "",
                  REFLECTION_MAX, placeholder="What you tried, what you noticed, what you'd like help with",
                  optional=False),
        ],
    }  # fmt: skip


# ── what a teacher opens to coaches ──────────────────────────────────────────────────────────────────


def share_modal(context: ShareContext, *, metadata: str) -> dict:
    """A teacher lets one coach read one walkthrough: until then no coach sees its evidence."""
    options = [_option(c.name, str(c.coach_id)) for c in context.coaches][:100]
    element: dict = {"type": "static_select", "action_id": ids.WALKTHROUGH_SHARE_COACH_INPUT, "options": options}
    chosen = next((o for o, c in zip(options, context.coaches, strict=False) if c.coach_id == context.preselected), None)
    if chosen is not None or len(options) == 1:
        element["initial_option"] = chosen or options[0]
    about = (
        f"Your walkthrough with {escape(context.walkthrough.observer_name)} on {day(context.walkthrough.visited_at)}: "
        "the coach you choose can read its evidence, to plan your coaching with it. Coaching stays apart from "
        "evaluation: your coach's notes are never shared with leaders."
    )
    return {
        "type": "modal",
        "callback_id": ids.WALKTHROUGH_SHARE_MODAL,
        "title": plain("Share with my coach"),
        "submit": plain("Share"),
        "close": plain("Cancel"),
        "private_metadata": metadata,
        "blocks": [
            {"type": "context", "elements": [mrkdwn(about)]},
            _input(ids.WALKTHROUGH_SHARE_COACH_BLOCK, "Coach", element),
        ],
    }


def request_modal(schools: Sequence[tuple[int, str]], *, metadata: str) -> dict:
    """A teacher asks for coaching: what they would like to work on, and where if they teach at several."""
    blocks: list[dict] = [
        {"type": "context", "elements": [mrkdwn("Your school's coaches get your request. Leaders don't.")]}
    ]
    if len(schools) > 1:
        options = [_option(name, str(school_id)) for school_id, name in schools][:100]
        blocks.append(
            _input(ids.COACHING_REQUEST_SCHOOL_BLOCK, "School",
                   {"type": "static_select", "action_id": ids.COACHING_REQUEST_SCHOOL_INPUT, "options": options})
        )  # fmt: skip
    blocks.append(
        _text(ids.COACHING_REQUEST_BLOCK, ids.COACHING_REQUEST_INPUT, "What would you like to work on?", "",
              REQUEST_MAX, placeholder="e.g. getting every student talking in math discussions")
    )  # fmt: skip
    return {
        "type": "modal",
        "callback_id": ids.COACHING_REQUEST_MODAL,
        "title": plain("Ask for coaching"),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "private_metadata": metadata,
        "blocks": blocks,
    }
