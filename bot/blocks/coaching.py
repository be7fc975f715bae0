"""Block Kit for coaching messages: the teacher's DM after an entry, the coach's receipt, and the notes each
answer (a reflection, "let's talk again") sends back.

Pure functions from the service's views to Slack dicts; the modals are in `coaching_modals`. A note's text
is shown as plain text, never as markup, and never in a message's notification text: a lock screen is not
the place for it.
"""

from __future__ import annotations

from datetime import date

from bot import ids
from bot.blocks.elements import button, escape, mrkdwn, plain
from bot.blocks.walkthroughs import day, when
from workflows.coaching.cycles import CycleSummary
from workflows.coaching.follow_ups import DueStep, FollowUp
from workflows.coaching.models import CycleStatus
from workflows.coaching.shares import Requested
from workflows.coaching.views import EntryView, StepView
from workflows.walkthroughs.views import WalkthroughView

PRIVATE_NOTE = "Coaching notes are between you and your coach: school leaders never see them."

NOT_A_COACH = (
    "`/coach` is for instructional coaches, to log coaching with the teachers they work with. "
    "Notes from your own coaching arrive in a DM from Rounds and live on the Rounds Home tab, where you "
    "can also ask for coaching."
)
ONLY_THE_TEACHER = "Only the teacher this note is about can answer it."
ONLY_THE_AUTHOR_EDITS = "Only the coach who wrote this note can edit it."
NOT_YOURS = "That coaching note isn't yours to open."
OUT_OF_DATE = "This form is out of date; close it and start again."


def _given(name: str) -> str:
    return escape(name.split(" ")[0])


def step_line(step: StepView) -> str:
    mark = "✓ " if step.done else ""
    return f"• {mark}{escape(step.text)} — check back {day(step.check_back_on)}"


def _heading(view: EntryView) -> str:
    return f"{view.kind_name} · {day(view.held_on)} · {view.minutes} min"


def teacher_message(view: EntryView) -> dict:
    """What was shared with the teacher: the focus, what is working, the challenges, the next steps."""
    blocks: list[dict] = [
        {"type": "header", "text": plain(f"From your coaching with {view.coach_name}", 150)},
        {"type": "section", "text": mrkdwn(f"*{escape(view.coach_name)}* · {_heading(view)}")},
        {
            "type": "context",
            "elements": [
                mrkdwn(f"Cycle: {escape(view.cycle_goal)} · phase: {escape(view.phase)} · {escape(view.school_name)}")
            ],
        },
    ]
    blocks.extend(_note_blocks(view))
    if view.needs:
        needs = ", ".join(escape(n) for n in view.needs)
        blocks.append(
            {
                "type": "context",
                "elements": [
                    mrkdwn(f"Professional-learning areas noted: {needs} (counted for the school's PD plan, never with your name)")
                ],
            }
        )
    buttons = [button("Add a reflection", ids.COACHING_REFLECT, str(view.id), style="primary")]
    if not view.talk_requested:
        buttons.append(button("Let's talk again", ids.COACHING_TALK, str(view.id)))
    blocks.append({"type": "actions", "block_id": ids.COACHING_TEACHER_ACTIONS_BLOCK, "elements": buttons})
    status = _teacher_status(view)
    blocks.append({"type": "context", "elements": [mrkdwn(" · ".join([*status, PRIVATE_NOTE]))]})
    return {"text": f"Notes from your coaching with {view.coach_name}, {day(view.held_on)}.", "blocks": blocks}


def _note_blocks(view: EntryView) -> list[dict]:
    blocks: list[dict] = []
    if view.focus:
        lines = "\n".join(f"• {escape(f.area)} — {escape(f.text)}" for f in view.focus)
        blocks.append({"type": "section", "text": mrkdwn(f"*Focus*\n{lines}"[:3000])})
    if view.working:
        blocks.append({"type": "section", "text": mrkdwn("*What is working*")})
        blocks.append({"type": "section", "text": plain(view.working)})
    if view.challenges:
        blocks.append({"type": "section", "text": mrkdwn("*What we're working through*")})
        blocks.append({"type": "section", "text": plain(view.challenges)})
    if view.steps:
        lines = "\n".join(step_line(s) for s in view.steps)
        blocks.append({"type": "section", "text": mrkdwn(f"*Next steps*\n{lines}"[:3000])})
    if view.measure_value:
        blocks.append({"type": "section", "text": mrkdwn(f"*Goal measure now:* {escape(view.measure_value)}")})
    return blocks


def _teacher_status(view: EntryView) -> list[str]:
    parts = []
    if view.reflections:
        count = len(view.reflections)
        parts.append(f"✓ {count} reflection{'s' if count > 1 else ''} sent")
    if view.talk_requested:
        parts.append(f"✓ {_given(view.coach_name)} will find a time to talk")
    if view.revision > 1:
        parts.append("edited")
    return parts


def coach_receipt(view: EntryView) -> dict:
    """The coach's receipt: what was logged and shared, with Edit."""
    shared = (
        f"{escape(view.teacher_given_name)} has your notes now."
        if view.shared
        else f"{escape(view.teacher_given_name)} isn't on Slack yet, so the notes weren't sent."
    )
    text = (
        f"Logged your {view.kind_name.lower()} with *{escape(view.teacher_name)}*, {day(view.held_on)} "
        f"({view.minutes} min), in the cycle _{escape(view.cycle_goal)}_ ({escape(view.phase)}). {shared}"
    )
    details = []
    if view.steps:
        first = min(s.check_back_on for s in view.steps)
        details.append(f"{len(view.steps)} next step{'s' if len(view.steps) > 1 else ''}, first check-back {day(first)}")
    if view.reflections:
        details.append(f"✓ {len(view.reflections)} reflection{'s' if len(view.reflections) > 1 else ''}")
    if view.talk_requested:
        details.append("✓ asked to talk again")
    if view.revision > 1:
        details.append("edited")
    blocks: list[dict] = [{"type": "section", "text": mrkdwn(text[:3000])}]
    if details:
        blocks.append({"type": "context", "elements": [mrkdwn(" · ".join(details))]})
    blocks.append(
        {
            "type": "actions",
            "block_id": ids.COACHING_COACH_ACTIONS_BLOCK,
            "elements": [button("Edit", ids.COACHING_EDIT, str(view.id))],
        }
    )
    return {"text": f"Logged your coaching with {view.teacher_name}.", "blocks": blocks}


def about(view: EntryView) -> str:
    return f"your {view.kind_name.lower()} on {day(view.held_on)}"


def reflection_notice(view: EntryView, reflection_text: str) -> dict:
    intro = f"📝 {escape(view.teacher_name)} added a reflection on {about(view)}:"
    return {
        "text": f"{view.teacher_name} added a reflection on your coaching.",
        "blocks": [{"type": "section", "text": mrkdwn(intro)}, {"type": "section", "text": plain(reflection_text)}],
    }


def log_for_value(teacher_id: int, school_id: int) -> str:
    return f"{teacher_id}:{school_id}"


def talk_request(view: EntryView) -> dict:
    text = (
        f"💬 {escape(view.teacher_name)} would like to talk again after {about(view)}. "
        "Find a time with them; afterwards, log it here."
    )
    return {
        "text": f"{view.teacher_name} would like to talk again.",
        "blocks": [
            {"type": "section", "text": mrkdwn(text)},
            {
                "type": "actions",
                "elements": [
                    button("Log coaching", ids.COACHING_LOG_FOR, log_for_value(view.teacher_id, view.school_id))
                ],
            },
        ],
    }


def cycle_moved(cycle: CycleSummary) -> dict:
    """The teacher hears when their cycle moves on: it is their cycle as much as the coach's."""
    goal = escape(cycle.goal)
    if cycle.status == CycleStatus.COMPLETED:
        text = f"✓ {escape(cycle.coach_name)} marked your coaching cycle _{goal}_ complete."
    else:
        text = f"➡️ Your coaching cycle with {escape(cycle.coach_name)}, _{goal}_, moved to *{escape(cycle.phase)}*."
    return {"text": f"Your coaching cycle with {cycle.coach_name} moved on.", "blocks": [{"type": "section", "text": mrkdwn(text[:3000])}]}


FOLLOW_UP_STEPS = 20


def step_done_value(step_id: int, day: date) -> str:
    """A "Done" button names the step and the follow-up it sits in, so that message can be updated."""
    return f"{step_id}:{day.isoformat()}"


def _due_block(step: DueStep, follow_up: FollowUp) -> dict:
    who = step.teacher_name if follow_up.role == "coach" else step.coach_name
    when = "" if step.check_back_on == follow_up.day else f" _(check-back {day(step.check_back_on)})_"
    mark = "✓ " if step.done else ""
    block: dict = {"type": "section", "text": mrkdwn(f"{mark}*{escape(who)}* — {escape(step.text)}{when}"[:3000])}
    if not step.done:
        block["accessory"] = button("Done", ids.COACHING_STEP_DONE, step_done_value(step.id, follow_up.day))
    return block


def follow_up_message(follow_up: FollowUp) -> dict:
    """The morning of a check-back date: the steps due, each with Done; for a coach, earlier ones still open."""
    today, earlier = follow_up.due_today, follow_up.earlier
    count = len(today)
    if follow_up.role == "coach":
        intro = f"Today you planned to check back on {count} step{'s' if count != 1 else ''} at {escape(follow_up.school_name)}:"
    else:
        intro = "Today you and your coach planned to check back on:"
    blocks: list[dict] = [
        {"type": "header", "text": plain("Coaching check-backs today")},
        {"type": "section", "text": mrkdwn(intro)},
    ]
    shown = 0
    for step in today:
        if shown < FOLLOW_UP_STEPS:
            blocks.append(_due_block(step, follow_up))
            shown += 1
    if earlier and follow_up.role == "coach":
        blocks.append({"type": "section", "text": mrkdwn("*Still open from earlier check-backs*")})
        for step in earlier:
            if shown < FOLLOW_UP_STEPS:
                blocks.append(_due_block(step, follow_up))
                shown += 1
    if len(follow_up.steps) > shown:
        blocks.append({"type": "context", "elements": [mrkdwn(f"…and {len(follow_up.steps) - shown} more on your Home tab.")]})
    blocks.append({"type": "context", "elements": [mrkdwn(PRIVATE_NOTE)]})
    return {"text": f"You have {count} coaching check-back{'s' if count != 1 else ''} today.", "blocks": blocks}


def shared_walkthrough(view: WalkthroughView, *, school_id: int) -> dict:
    """For the coach a teacher chose: the walkthrough's evidence, in the framework's words."""
    intro = (
        f"👀 {escape(view.teacher_name)} shared a walkthrough with you: {escape(view.observer_name)} visited"
        f"{f' {escape(view.class_label)}' if view.class_label else ''} on {when(view.visited_at)}."
    )
    blocks: list[dict] = [
        {"type": "section", "text": mrkdwn(intro)},
        {"type": "section", "text": plain(view.evidence)},
    ]
    observed = [f"• *{escape(r.label)}* — {escape(r.text)}" for r in view.observed]
    if observed:
        blocks.append({"type": "section", "text": mrkdwn(("*In the framework's words*\n" + "\n".join(observed))[:3000])})
    if view.strength:
        blocks.append({"type": "section", "text": mrkdwn(f"*A strength:* {escape(view.strength)}")})
    if view.next_step:
        blocks.append({"type": "section", "text": mrkdwn(f"*A question or next step:* {escape(view.next_step)}")})
    blocks.append(
        {
            "type": "actions",
            "elements": [button("Log coaching", ids.COACHING_LOG_FOR, log_for_value(view.teacher_id, school_id))],
        }
    )
    blocks.append({"type": "context", "elements": [mrkdwn(f"Shared by {escape(view.teacher_given_name)} for your coaching: it stays between you.")]})
    return {"text": f"{view.teacher_name} shared a walkthrough with you.", "blocks": blocks}


def coaching_requested(requested: Requested) -> dict:
    text = f"🙋 {escape(requested.teacher_name)} ({escape(requested.school_name)}) would like coaching."
    blocks: list[dict] = [{"type": "section", "text": mrkdwn(text)}]
    if requested.text:
        blocks.append({"type": "section", "text": plain(requested.text)})
    blocks.append(
        {
            "type": "actions",
            "elements": [button("Log coaching", ids.COACHING_LOG_FOR, log_for_value(requested.teacher_id, requested.school_id))],
        }
    )
    return {"text": f"{requested.teacher_name} would like coaching.", "blocks": blocks}
