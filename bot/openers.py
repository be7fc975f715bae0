"""Modals more than one listener opens (the walkthrough modal: from `/walkthrough`, the shortcut, the
Home button and the morning DM's "Log visit"). Listeners call these; they never import each other."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.blocks import walkthrough_modals as modals
from bot.blocks import walkthroughs as blocks
from bot.runtime import Runtime
from bot.walkthrough_requests import ModalMeta, new_key
from workflows.db import transaction
from workflows.privacy import Viewer
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
