"""Block Kit for the walkthrough modals: logging or editing a visit, a reflection, a conversation record.

Pure functions from the service's contexts to Slack views. Every choice is an option whose value the
listener parses back (`bot.walkthrough_requests`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from bot import ids
from bot.blocks.elements import OPTION_TEXT_MAX, button, clip, escape, mrkdwn, plain
from bot.blocks.walkthroughs import ROLE_NAMES, about, visit_line
from workflows.privacy import TeacherAtSchool
from workflows.walkthroughs.choices import ClassChoice, FormChoice
from workflows.walkthroughs.modal import ModalContext
from workflows.walkthroughs.models import EVIDENCE_MAX, NOTE_MAX, REFLECTION_MAX, ConversationRole
from workflows.walkthroughs.views import WalkthroughView

ROLE_HINTS = {
    ConversationRole.DIRECTIVE: "Name the next step and show how to take it.",
    ConversationRole.REFLECTIVE: "Ask questions so the teacher finds the next step.",
    ConversationRole.REFLEXIVE: "Think it through together: the practice and its impact on students.",
}


def _option(text: str, value: str, description: str | None = None) -> dict:
    option: dict = {"text": plain(text, OPTION_TEXT_MAX), "value": value}
    if description:
        option["description"] = plain(description, OPTION_TEXT_MAX)
    return option


# ── the modal ────────────────────────────────────────────────────────────────────────────────────────


def teacher_option(teacher: TeacherAtSchool) -> dict:
    return _option(f"{teacher.name} — {teacher.school_name}", f"{teacher.teacher_id}:{teacher.school_id}")


def teacher_options(teachers: Iterable[TeacherAtSchool]) -> list[dict]:
    """The type-ahead's answer: at most 100 options, as Slack allows."""
    return [teacher_option(t) for t in list(teachers)[:100]]


def class_option(choice: ClassChoice) -> dict:
    return _option(choice.label, f"{choice.class_id}:{choice.period or ''}")


def form_option(form: FormChoice) -> dict:
    return _option(form.name, str(form.form_id), form.focus)


def role_option(role: ConversationRole) -> dict:
    return _option(ROLE_NAMES[role], role.value, ROLE_HINTS[role])


def class_block_id(context: ModalContext) -> str:
    """Keyed on the teacher, so choosing another teacher replaces the class choice instead of keeping it."""
    teacher = context.teacher
    return (
        f"{ids.WALKTHROUGH_CLASS_BLOCK}:{teacher.teacher_id}-{teacher.school_id}"
        if teacher
        else ids.WALKTHROUGH_CLASS_BLOCK
    )


def walkthrough_modal(context: ModalContext, *, metadata: str, more: bool = False) -> dict:
    """The modal a leader fills in during or right after a visit, in well under a minute, on a phone too.

    What a short visit needs is on the first screen: teacher, class, form, the look-fors seen (one menu for
    all of them), evidence, the conversation role (preset) and sharing. A strength, a question and a
    second observer wait behind one button (`more`), unless they already hold something (an edit).
    """
    blocks: list[dict] = []
    if context.teacher_note:
        blocks.append({"type": "context", "elements": [mrkdwn(escape(context.teacher_note))]})
    blocks.append(_teacher_block(context))
    blocks.extend(_class_blocks(context))
    blocks.append(
        {
            "type": "input",
            "block_id": ids.WALKTHROUGH_FORM_BLOCK,
            "dispatch_action": True,
            "label": plain("Form (what the class was doing)"),
            "element": {
                "type": "static_select",
                "action_id": ids.WALKTHROUGH_FORM_SELECT,
                "options": [form_option(f) for f in context.forms][:100],
                "initial_option": form_option(context.selected_form),
            },
        }
    )
    blocks.extend(_look_for_blocks(context))
    blocks.extend(_writing_blocks(context, more=more or shows_more(context)))
    editing = context.editing_id is not None
    return {
        "type": "modal",
        "callback_id": ids.WALKTHROUGH_MODAL,
        "title": plain("Edit walkthrough" if editing else "Log a walkthrough"),
        "submit": plain("Save changes" if editing else "Save"),
        "close": plain("Cancel"),
        "private_metadata": metadata,
        "blocks": blocks,
    }


def shows_more(context: ModalContext) -> bool:
    """The optional parts are shown from the start when they already hold something."""
    draft = context.draft
    return bool(draft.strength or draft.next_step or draft.second_observer_slack_id)


def look_fors_block_id(context: ModalContext) -> str:
    """Keyed on the form, so choosing another form starts its look-fors afresh."""
    return f"{ids.WALKTHROUGH_LOOK_FORS_BLOCK_PREFIX}{context.selected_form.form_id}"


def _teacher_block(context: ModalContext) -> dict:
    teacher = context.teacher
    if context.editing_id is not None and teacher is not None:
        return {
            "type": "section",
            "block_id": ids.WALKTHROUGH_TEACHER_BLOCK,
            "text": mrkdwn(f"*Teacher:* {escape(teacher.name)} — {escape(teacher.school_name)}"),
        }
    element: dict = {
        "type": "external_select",
        "action_id": ids.WALKTHROUGH_TEACHER_SELECT,
        "placeholder": plain("Type a teacher's name"),
        "min_query_length": 1,
    }
    if teacher is not None:
        element["initial_option"] = teacher_option(teacher)
    return {
        "type": "input",
        "block_id": ids.WALKTHROUGH_TEACHER_BLOCK,
        "dispatch_action": True,
        "label": plain("Teacher"),
        "element": element,
    }


def _class_blocks(context: ModalContext) -> list[dict]:
    if context.teacher is None:
        return [{"type": "context", "elements": [mrkdwn("Choose a teacher to see their classes.")]}]
    if not context.classes:
        note = (
            f"No classes on the roster for {escape(context.teacher.name)}; the visit is logged without one."
        )
        return [{"type": "context", "elements": [mrkdwn(note)]}]
    element: dict = {
        "type": "static_select",
        "action_id": ids.WALKTHROUGH_CLASS_SELECT,
        "placeholder": plain("Which class and period"),
        "options": [class_option(c) for c in context.classes][:100],
    }
    if context.selected_class is not None:
        element["initial_option"] = class_option(context.selected_class)
    return [
        {
            "type": "input",
            "block_id": class_block_id(context),
            "optional": True,
            "label": plain("Class and period"),
            "element": element,
        }
    ]


def _look_for_blocks(context: ModalContext) -> list[dict]:
    """Every look-for of the form in one menu: a group per look-for, its observed levels as options. A
    look-for left out counts as not observed, so a quick visit rates only what was seen."""
    observed = [level for level in context.scale if level.observed]
    if not context.look_fors or not observed:
        return []
    groups, chosen = [], []
    for look_for in context.look_fors:
        options = []
        for level in observed:
            short = clip(look_for.text, max(10, OPTION_TEXT_MAX - len(level.label) - 3))
            option = _option(f"{level.label} · {short}", f"{look_for.look_for_id}:{level.value}")
            options.append(option)
            if context.draft.ratings.get(look_for.look_for_id) == level.value:
                chosen.append(option)
        groups.append({"label": plain(look_for.text, OPTION_TEXT_MAX), "options": options[:100]})
    element: dict = {
        "type": "multi_static_select",
        "action_id": ids.WALKTHROUGH_LOOK_FORS_SELECT,
        "placeholder": plain("A level for each one you saw"),
        "option_groups": groups[:100],
    }
    if chosen:
        element["initial_options"] = chosen
    return [
        {
            "type": "input",
            "block_id": look_fors_block_id(context),
            "optional": True,
            "label": plain(f"Look-fors you saw (the rest: {_unseen(context)})"),
            "element": element,
        }
    ]


def _unseen(context: ModalContext) -> str:
    unseen = context.not_observed
    return unseen.label.lower() if unseen is not None else "not rated"


def _text_input(
    block_id: str, action_id: str, label: str, *, initial: str, limit: int, optional: bool, placeholder: str
) -> dict:
    element: dict = {
        "type": "plain_text_input",
        "action_id": action_id,
        "multiline": True,
        "max_length": limit,
        "placeholder": plain(placeholder),
    }
    if initial:
        element["initial_value"] = initial
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": plain(label),
        "element": element,
    }


def _writing_blocks(context: ModalContext, *, more: bool) -> list[dict]:
    draft = context.draft
    blocks = [
        _text_input(
            ids.WALKTHROUGH_EVIDENCE_BLOCK,
            ids.WALKTHROUGH_EVIDENCE_INPUT,
            "Evidence: what you saw and heard",
            initial=draft.evidence,
            limit=EVIDENCE_MAX,
            optional=False,
            placeholder="What the teacher and students did and said, in the framework's words",
        )
    ]
    if more:
        blocks += [
            _text_input(
                ids.WALKTHROUGH_STRENGTH_BLOCK,
                ids.WALKTHROUGH_STRENGTH_INPUT,
                "One strength",
                initial=draft.strength,
                limit=NOTE_MAX,
                optional=True,
                placeholder="Something to keep doing",
            ),
            _text_input(
                ids.WALKTHROUGH_NEXT_STEP_BLOCK,
                ids.WALKTHROUGH_NEXT_STEP_INPUT,
                "One question or next step",
                initial=draft.next_step,
                limit=NOTE_MAX,
                optional=True,
                placeholder="A question to think about, or a next step to try",
            ),
        ]
    else:
        what = (
            "a strength, a question or a second observer"
            if context.paired_with_id is None
            else "a strength or a question"
        )
        blocks.append({"type": "actions", "elements": [button(f"Add {what}", ids.WALKTHROUGH_MORE, "more")]})
    role: dict = {
        "type": "static_select",
        "action_id": ids.WALKTHROUGH_ROLE_INPUT,
        "placeholder": plain("Directive, reflective or reflexive"),
        "options": [role_option(r) for r in ConversationRole],
    }
    if draft.role is not None:
        role["initial_option"] = role_option(draft.role)
    blocks.append(
        {
            "type": "input",
            "block_id": ids.WALKTHROUGH_ROLE_BLOCK,
            "label": plain("Your role in the feedback conversation"),
            "element": role,
        }
    )
    if context.share_locked:
        blocks.append(
            {"type": "context", "elements": [mrkdwn("Already shared: saving updates the teacher's message.")]}
        )
    else:
        share_option = _option("Share the evidence with the teacher now", ids.WALKTHROUGH_SHARE_VALUE)
        share: dict = {
            "type": "checkboxes",
            "action_id": ids.WALKTHROUGH_SHARE_INPUT,
            "options": [share_option],
        }
        if draft.share_with_teacher:
            share["initial_options"] = [share_option]
        blocks.append(
            {
                "type": "input",
                "block_id": ids.WALKTHROUGH_SHARE_BLOCK,
                "optional": True,
                "label": plain("Sharing"),
                "element": share,
            }
        )
    if more and context.paired_with_id is None:
        observer: dict = {
            "type": "users_select",
            "action_id": ids.WALKTHROUGH_SECOND_OBSERVER_INPUT,
            "placeholder": plain("Another leader who visited with you"),
        }
        if draft.second_observer_slack_id:
            observer["initial_user"] = draft.second_observer_slack_id
        blocks.append(
            {
                "type": "input",
                "block_id": ids.WALKTHROUGH_SECOND_OBSERVER_BLOCK,
                "optional": True,
                "label": plain("Second observer (paired visit)"),
                "hint": plain("They get a message to log their own ratings of the same visit, to calibrate."),
                "element": observer,
            }
        )
    return blocks


# ── small modals ─────────────────────────────────────────────────────────────────────────────────────


def reflection_modal(view: WalkthroughView, *, metadata: str) -> dict:
    return {
        "type": "modal",
        "callback_id": ids.REFLECTION_MODAL,
        "title": plain("Add a reflection"),
        "submit": plain("Send"),
        "close": plain("Cancel"),
        "private_metadata": metadata,
        "blocks": [
            {"type": "context", "elements": [mrkdwn(f"On {visit_line(view)}")]},
            _text_input(
                ids.REFLECTION_BLOCK,
                ids.REFLECTION_INPUT,
                "Your reflection",
                initial="",
                limit=REFLECTION_MAX,
                optional=False,
                placeholder="What you noticed, what you'd like to try, what you'd like help with",
            ),
        ],
    }


def conversation_modal(view: WalkthroughView, *, today: date, metadata: str) -> dict:
    role = view.conversation.role if view.conversation else view.planned_role
    held_on = view.conversation.held_on if view.conversation else today
    return {
        "type": "modal",
        "callback_id": ids.CONVERSATION_MODAL,
        "title": plain("Feedback conversation"),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "private_metadata": metadata,
        "blocks": [
            {
                "type": "context",
                "elements": [mrkdwn(f"With {escape(view.teacher_name)}, about {about(view)}.")],
            },
            {
                "type": "input",
                "block_id": ids.CONVERSATION_DATE_BLOCK,
                "label": plain("When did you talk?"),
                "element": {
                    "type": "datepicker",
                    "action_id": ids.CONVERSATION_DATE_INPUT,
                    "initial_date": held_on.isoformat(),
                },
            },
            {
                "type": "input",
                "block_id": ids.CONVERSATION_ROLE_BLOCK,
                "label": plain("The role you took"),
                "element": {
                    "type": "radio_buttons",
                    "action_id": ids.CONVERSATION_ROLE_INPUT,
                    "options": [role_option(r) for r in ConversationRole],
                    "initial_option": role_option(role),
                },
            },
        ],
    }
