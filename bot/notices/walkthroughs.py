"""Walkthrough notices: the teacher's DM, the observer's receipt, a paired observer's invitation, and the
notes each answer (thanks, reflection, let's talk, the conversation) sends back.

Keys: `walkthrough:<id>:teacher` and `walkthrough:<id>:leader` are the two messages of a visit; every
later change updates one of them in place under a key of its own, so a retried click changes nothing.
"""

from __future__ import annotations

from sqlmodel import Session

from bot.blocks import walkthroughs as blocks
from workflows.deliveries.service import enqueue, get
from workflows.walkthroughs.views import WalkthroughView


def teacher_key(walkthrough_id: int) -> str:
    return f"walkthrough:{walkthrough_id}:teacher"


def leader_key(walkthrough_id: int) -> str:
    return f"walkthrough:{walkthrough_id}:leader"


def _post(session: Session, view: WalkthroughView, *, key: str, channel: str, message: dict) -> None:
    enqueue(session, workspace=view.workspace, key=key, method="chat.postMessage",
            args={"channel": channel, **message})  # fmt: skip


def _update(session: Session, view: WalkthroughView, *, key: str, of: str, message: dict) -> bool:
    """Update the message under `of` in place, if it was ever queued; False when there is none."""
    if get(session, key=of) is None:
        return False
    enqueue(session, workspace=view.workspace, key=key, method="chat.update", args=message, update_of=of)
    return True


def walkthrough_logged(session: Session, view: WalkthroughView, *, revision: int, edited: bool) -> None:
    """The teacher's DM (new, or updated in place after an edit), the observer's receipt, and the
    second observer's invitation to log their own ratings."""
    teacher, leader = teacher_key(view.id), leader_key(view.id)
    if view.shared and view.teacher_slack_id:
        message = blocks.teacher_message(view)
        if not (edited and _update(session, view, key=f"{teacher}:r{revision}", of=teacher, message=message)):
            _post(session, view, key=teacher, channel=view.teacher_slack_id, message=message)
    if view.observer_slack_id:
        receipt = blocks.leader_confirmation(view)
        if not (edited and _update(session, view, key=f"{leader}:r{revision}", of=leader, message=receipt)):
            _post(session, view, key=leader, channel=view.observer_slack_id, message=receipt)
    if view.invites_second_observer and view.second_observer_slack_id:
        _post(session, view, key=f"walkthrough:{view.id}:pair:{view.second_observer_slack_id}",
              channel=view.second_observer_slack_id, message=blocks.pair_invitation(view))  # fmt: skip


def teacher_answered(session: Session, view: WalkthroughView, *, suffix: str, notice: dict) -> None:
    """Tell the observer, and update the teacher's message in place to show their answer went."""
    if view.observer_slack_id:
        _post(session, view, key=f"walkthrough:{view.id}:{suffix}", channel=view.observer_slack_id,
              message=notice)  # fmt: skip
    teacher = teacher_key(view.id)
    _update(session, view, key=f"{teacher}:{suffix}", of=teacher, message=blocks.teacher_message(view))


def conversation_recorded(session: Session, view: WalkthroughView, *, change: str) -> None:
    """The observer's receipt shows the conversation; `change` names this recording (one update each)."""
    leader = leader_key(view.id)
    _update(session, view, key=f"{leader}:conversation:{change}", of=leader,
            message=blocks.leader_confirmation(view))  # fmt: skip
