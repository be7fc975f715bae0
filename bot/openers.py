"""Modals more than one listener opens (the walkthrough modal: from `/walkthrough`, the shortcut, the
Home button and the morning DM's "Log visit"; the coaching log: from the shortcut, the Home tab and the
"Log coaching" buttons on DMs; the weekly reflection: from `/coach reflect`, its prompt and the Home tab). Listeners call these; they never import each other."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

from slack_sdk import WebClient

from bot.blocks import coaching as coaching_blocks
from bot.blocks import coaching_modals, coaching_reflections
from bot.blocks import walkthrough_modals as modals
from bot.blocks import walkthroughs as blocks
from bot.coaching_requests import CoachingMeta
from bot.runtime import Runtime
from bot.walkthrough_requests import ModalMeta, new_key
from workflows.coaching import errors as coaching_errors
from workflows.coaching.modal import start_coaching
from workflows.coaching.reflections import reflection_draft, writable_week
from workflows.db import transaction
from workflows.privacy import Viewer
from workflows.refusals import Refusal
from workflows.walkthroughs.errors import NotAllowed
from workflows.walkthroughs.modal import start_walkthrough


def open_walkthrough_modal(
    runtime: Runtime,
    client: WebClient,
    *,
    trigger_id: str,
    viewer: Viewer,
    teacher_id: int | None = None,
    school_id: int | None = None,
    class_id: int | None = None,
    period: str | None = None,
    planned_visit_key: str | None = None,
) -> bool:
    """Open the walkthrough modal for a leader, prefilled with whatever is known.

    The rotation's morning DM calls this with the planned teacher, class and period and its planned visit's
    key. The key only travels with the modal: what the walkthrough logs is matched again from what is
    submitted (`workflows.rotation.changes.visit_logged`), never taken from the modal.
    Returns False (and opens a short explanation instead) when the person may not log walkthroughs.
    """
    try:
        with transaction(runtime.sessions) as session:
            context = start_walkthrough(
                session, viewer=viewer, now=runtime.clock(), teacher_id=teacher_id, school_id=school_id,
                class_id=class_id, period=period, planned_visit_key=planned_visit_key,
            )  # fmt: skip
    except NotAllowed:
        client.views_open(trigger_id=trigger_id, view=blocks.refusal_modal(blocks.NOT_A_LEADER))
        return False
    meta = ModalMeta(key=new_key(), planned_visit_key=planned_visit_key)
    client.views_open(trigger_id=trigger_id, view=modals.walkthrough_modal(context, metadata=meta.dump()))
    return True


def open_coaching_modal(
    runtime: Runtime,
    client: WebClient,
    *,
    ack: Callable[[], object],
    trigger_id: str,
    viewer: Viewer,
    teacher_id: int | None = None,
    school_id: int | None = None,
) -> None:
    """Open the coaching log for a coach, with the teacher (and their active cycle) when one is named.

    The log is built before the click is acknowledged, so someone who does not coach is refused
    (`Refusal`) in the acknowledgement itself: the error handler explains it in a modal."""
    try:
        with transaction(runtime.sessions) as session:
            context = start_coaching(
                session, viewer=viewer, now=runtime.clock(), teacher_id=teacher_id, school_id=school_id
            )
    except coaching_errors.NotAllowed:
        raise Refusal(coaching_blocks.NOT_A_COACH) from None
    meta = CoachingMeta(key=new_key("co"))
    ack()
    client.views_open(trigger_id=trigger_id, view=coaching_modals.coaching_modal(context, metadata=meta.dump()))


def open_weekly_reflection(
    runtime: Runtime,
    client: WebClient,
    *,
    ack: Callable[[], object],
    trigger_id: str,
    viewer: Viewer,
    week: date | None = None,
) -> None:
    """Open a coach's reflection for the week (this week by default), with what they wrote so far."""
    try:
        with transaction(runtime.sessions) as session:
            chosen = writable_week(session, viewer=viewer, week=week, now=runtime.clock())
            draft = reflection_draft(session, viewer=viewer, week=chosen, now=runtime.clock())
    except coaching_errors.NotAllowed:
        raise Refusal(coaching_blocks.NOT_A_COACH) from None
    except coaching_errors.InvalidEntry as invalid:
        raise Refusal(next(iter(invalid.errors.values()))) from None
    meta = json.dumps({"key": new_key("wr"), "week": chosen.isoformat()})
    ack()
    client.views_open(
        trigger_id=trigger_id, view=coaching_reflections.reflection_modal(chosen, draft, metadata=meta)
    )
