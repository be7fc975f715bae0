"""Block Kit for walkthroughs: the modal, the teacher's DM, the leader's confirmation and the notices.

Pure functions from the service's views to Slack dicts. Evidence is shown as plain text, so nothing a
leader types is read as markup and a 3,000-character note still fits one section.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from bot import ids
from workflows.privacy import TeacherAtSchool
from workflows.walkthroughs.models import EVIDENCE_MAX, NOTE_MAX, REFLECTION_MAX, ConversationRole
from workflows.walkthroughs.service import ClassChoice, FormChoice, ModalContext, WalkthroughView

OPTION_TEXT_MAX = 75
SECTION_MAX = 3000

ROLE_NAMES = {
    ConversationRole.DIRECTIVE: "Directive (boss)",
    ConversationRole.REFLECTIVE: "Reflective (coach)",
    ConversationRole.REFLEXIVE: "Reflexive (leader)",
}
ROLE_HINTS = {
    ConversationRole.DIRECTIVE: "Name the next step and show how to take it.",
    ConversationRole.REFLECTIVE: "Ask questions so the teacher finds the next step.",
    ConversationRole.REFLEXIVE: "Think it through together: the practice and its impact on students.",
}


# ── small pieces ─────────────────────────────────────────────────────────────────────────────────────


def plain(text: str, limit: int | None = None) -> dict:
    return {"type": "plain_text", "text": clip(text, limit) if limit else text, "emoji": True}


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def escape(text: str) -> str:
    """Slack's three control characters, so names and notes never turn into links or mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def when(moment: datetime) -> str:
    """`Tue 3 Mar, 9:12 AM` in the moment's own (school-local) time zone."""
    hour = moment.hour % 12 or 12
    return f"{moment:%a} {moment.day} {moment:%b}, {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def day(moment: datetime | date) -> str:
    return f"{moment:%a} {moment.day} {moment:%b}"


def _option(text: str, value: str, description: str | None = None) -> dict:
    option: dict = {"text": plain(text, OPTION_TEXT_MAX), "value": value}
    if description:
        option["description"] = plain(description, OPTION_TEXT_MAX)
    return option


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> dict:
    element = {"type": "button", "text": plain(text, OPTION_TEXT_MAX), "action_id": action_id, "value": value}
    if style:
        element["style"] = style
    return element


def _sections(lines: Iterable[str], *, heading: str) -> list[dict]:
    """Lines under a heading, split into as many sections as Slack's 3,000-character limit needs."""
    blocks: list[dict] = []
    current = heading
    for line in lines:
        if len(current) + 1 + len(line) > SECTION_MAX:
            blocks.append({"type": "section", "text": mrkdwn(current)})
            current = line
        else:
            current = f"{current}\n{line}"
    blocks.append({"type": "section", "text": mrkdwn(current)})
    return blocks


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


def walkthrough_modal(context: ModalContext, *, metadata: str) -> dict:
    """The modal a leader fills in during or right after a visit, in well under a minute."""
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
    blocks.append({"type": "context", "elements": [mrkdwn(escape(clip(context.selected_form.focus, 2000)))]})
    blocks.extend(_look_for_blocks(context))
    blocks.extend(_writing_blocks(context))
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
            "hint": plain("Filled in from the bell schedule: the class meeting now."),
            "element": element,
        }
    ]


def _look_for_blocks(context: ModalContext) -> list[dict]:
    levels = [_option(level.label, str(level.value), level.description) for level in context.scale]
    by_value = {level.value: option for level, option in zip(context.scale, levels, strict=True)}
    unseen = context.not_observed
    blocks = []
    for look_for in context.look_fors:
        element: dict = {
            "type": "static_select",
            "action_id": ids.WALKTHROUGH_LOOK_FOR_SELECT,
            "placeholder": plain("Level"),
            "options": levels,
        }
        chosen = context.draft.ratings.get(look_for.look_for_id, unseen.value if unseen else None)
        if chosen in by_value:
            element["initial_option"] = by_value[chosen]
        block: dict = {
            "type": "input",
            "block_id": f"{ids.WALKTHROUGH_LOOK_FOR_BLOCK_PREFIX}{look_for.look_for_id}",
            "optional": True,
            "label": plain(clip(look_for.text, 2000)),
            "element": element,
        }
        if look_for.area:
            block["hint"] = plain(clip(look_for.area, 2000))
        blocks.append(block)
    return blocks


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


def _writing_blocks(context: ModalContext) -> list[dict]:
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
        ),
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
    role: dict = {
        "type": "radio_buttons",
        "action_id": ids.WALKTHROUGH_ROLE_INPUT,
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
    if context.paired_with_id is None:
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


def refusal_modal(text: str) -> dict:
    """A modal that only explains (a global shortcut has no channel for an ephemeral reply)."""
    return {
        "type": "modal",
        "title": plain("Rounds"),
        "close": plain("OK"),
        "blocks": [{"type": "section", "text": mrkdwn(text)}],
    }


NOT_A_LEADER = (
    "Walkthroughs are logged by school leaders, so `/walkthrough` isn't for you. "
    "The notes from visits to your class arrive in a DM from Rounds and live on the Rounds Home tab."
)


# ── the teacher's DM ─────────────────────────────────────────────────────────────────────────────────


def _visit_line(view: WalkthroughView) -> str:
    where = f" in *{escape(view.class_label)}*" if view.class_label else ""
    return f"*{escape(view.observer_name)}* visited{where} on {when(view.visited_at)}."


def _framework_blocks(view: WalkthroughView) -> list[dict]:
    observed = view.observed
    if not observed:
        return []
    lines = [f"• *{escape(r.label)}* — {escape(r.text)}" for r in observed]
    return _sections(lines, heading="*In our framework's words*")


def teacher_message(view: WalkthroughView) -> dict:
    """The evidence from one visit, for the teacher visited: who, when, what, and three ways to answer."""
    blocks: list[dict] = [
        {"type": "header", "text": plain("Notes from a walkthrough of your class", 150)},
        {"type": "section", "text": mrkdwn(_visit_line(view))},
        {
            "type": "context",
            "elements": [mrkdwn(f"Form: {escape(view.form_name)} · {escape(view.school_name)}")],
        },
        {"type": "section", "text": mrkdwn("*What I saw and heard*")},
        {"type": "section", "text": plain(view.evidence)},
        *_framework_blocks(view),
    ]
    if view.strength:
        blocks.append({"type": "section", "text": mrkdwn(f"*A strength:* {escape(view.strength)}")})
    if view.next_step:
        blocks.append(
            {"type": "section", "text": mrkdwn(f"*A question or next step:* {escape(view.next_step)}")}
        )
    buttons = []
    if not view.thanked:
        buttons.append(button("Thanks", ids.WALKTHROUGH_THANKS, str(view.id), style="primary"))
    buttons.append(button("Add a reflection", ids.WALKTHROUGH_REFLECT, str(view.id)))
    if not view.talk_requested:
        buttons.append(button("Let's talk", ids.WALKTHROUGH_TALK, str(view.id)))
    blocks.append({"type": "actions", "block_id": ids.WALKTHROUGH_TEACHER_ACTIONS_BLOCK, "elements": buttons})
    status = _teacher_status(view)
    if status:
        blocks.append({"type": "context", "elements": [mrkdwn(status)]})
    text = f"Notes from {view.observer_name}'s walkthrough on {when(view.visited_at)}: {clip(view.evidence, 300)}"
    return {"text": text, "blocks": blocks}


def _teacher_status(view: WalkthroughView) -> str:
    given = escape(view.observer_name.split(" ")[0])
    parts = []
    if view.thanked:
        parts.append(f"✓ Thanks sent to {given}")
    if view.talk_requested:
        parts.append(f"✓ {given} will find a time to talk")
    if view.reflections:
        count = len(view.reflections)
        parts.append(f"✓ {count} reflection{'s' if count > 1 else ''} sent")
    if view.revision > 1:
        parts.append("edited")
    return " · ".join(parts)


# ── the leader's side ────────────────────────────────────────────────────────────────────────────────


def _share_line(view: WalkthroughView) -> str:
    given = escape(view.teacher_given_name)
    if view.shared:
        return f"The evidence is with {given} now."
    if view.share_requested:
        return f"{given} isn't on Slack yet, so the evidence wasn't sent."
    return f"Not shared with {given}."


def leader_confirmation(view: WalkthroughView, *, editable: bool = True) -> dict:
    """The observer's receipt, with Edit (for 24 hours) and a way to record the conversation."""
    where = f" ({escape(view.class_label)})" if view.class_label else ""
    lines = [
        f"Logged your walkthrough of *{escape(view.teacher_name)}*{where}, {when(view.visited_at)}. "
        + _share_line(view)
    ]
    details = [
        f"Form: {escape(view.form_name)}",
        f"{len(view.observed)} look-for{'s' if len(view.observed) != 1 else ''} observed",
        f"planned role: {ROLE_NAMES[view.planned_role]}",
    ]
    if view.second_observer_name:
        details.append(f"paired with {escape(view.second_observer_name)}")
    status = []
    if view.thanked:
        status.append("✓ thanked you")
    if view.reflections:
        status.append(f"✓ {len(view.reflections)} reflection{'s' if len(view.reflections) > 1 else ''}")
    if view.talk_requested:
        status.append("✓ asked to talk")
    if view.conversation:
        status.append(
            f"✓ conversation on {day(view.conversation.held_on)} ({ROLE_NAMES[view.conversation.role]})"
        )
    blocks: list[dict] = [
        {"type": "section", "text": mrkdwn(lines[0])},
        {"type": "context", "elements": [mrkdwn(" · ".join(details))]},
    ]
    if status:
        blocks.append({"type": "context", "elements": [mrkdwn(" · ".join(status))]})
    buttons = []
    if editable:
        buttons.append(button("Edit", ids.WALKTHROUGH_EDIT, str(view.id)))
    record = "Change the conversation" if view.conversation else "Record the conversation"
    buttons.append(button(record, ids.WALKTHROUGH_RECORD_CONVERSATION, str(view.id)))
    blocks.append({"type": "actions", "block_id": ids.WALKTHROUGH_LEADER_ACTIONS_BLOCK, "elements": buttons})
    return {"text": f"Logged your walkthrough of {view.teacher_name}.", "blocks": blocks}


def _about(view: WalkthroughView) -> str:
    where = f", {escape(view.class_label)}" if view.class_label else ""
    return f"your walkthrough on {day(view.visited_at)}{where}"


def thanks_notice(view: WalkthroughView) -> dict:
    text = f"🙏 {escape(view.teacher_name)} said thanks for {_about(view)}."
    return {"text": text, "blocks": [{"type": "section", "text": mrkdwn(text)}]}


def reflection_notice(view: WalkthroughView, reflection_text: str) -> dict:
    intro = f"📝 {escape(view.teacher_name)} added a reflection on {_about(view)}:"
    return {
        "text": f"{view.teacher_name} added a reflection on your walkthrough.",
        "blocks": [
            {"type": "section", "text": mrkdwn(intro)},
            {"type": "section", "text": plain(reflection_text)},
        ],
    }


def talk_request(view: WalkthroughView) -> dict:
    text = (
        f"💬 {escape(view.teacher_name)} would like to talk about {_about(view)}. "
        "Find a time with them; afterwards, record the conversation here."
    )
    return {
        "text": f"{view.teacher_name} would like to talk about your walkthrough.",
        "blocks": [
            {"type": "section", "text": mrkdwn(text)},
            {
                "type": "actions",
                "elements": [
                    button("Record the conversation", ids.WALKTHROUGH_RECORD_CONVERSATION, str(view.id))
                ],
            },
        ],
    }


def pair_invitation(view: WalkthroughView) -> dict:
    where = f" ({escape(view.class_label)})" if view.class_label else ""
    text = (
        f"{escape(view.observer_name)} logged a paired walkthrough of *{escape(view.teacher_name)}*{where} "
        f"with you, {when(view.visited_at)}. Log your own ratings of the same visit so you can compare them."
    )
    return {
        "text": f"{view.observer_name} logged a paired walkthrough with you.",
        "blocks": [
            {"type": "section", "text": mrkdwn(text)},
            {
                "type": "actions",
                "elements": [
                    button("Log my ratings", ids.WALKTHROUGH_LOG_PAIRED, str(view.id), style="primary")
                ],
            },
        ],
    }


def too_late(view: WalkthroughView) -> str:
    return (
        f"A walkthrough can be edited for 24 hours after it is logged; this one was logged "
        f"{when(view.visited_at)}. Add anything new in your next visit's notes."
    )


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
            {"type": "context", "elements": [mrkdwn(f"On {_visit_line(view)}")]},
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
                "elements": [mrkdwn(f"With {escape(view.teacher_name)}, about {_about(view)}.")],
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
