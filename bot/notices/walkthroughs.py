"""Walkthrough notices: the teacher's DM, the observer's receipt, a paired observer's invitation, and the
notes each answer (thanks, reflection, let's talk, the conversation) sends back.

Keys: `walkthrough:<id>:teacher` and `walkthrough:<id>:leader` are the two messages of a visit; every
later change updates one of them in place under a key of its own, so a retried click changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session

from bot.blocks import walkthroughs as blocks
from workflows.deliveries.service import Message, enqueue, enqueue_all, get
from workflows.walkthroughs.views import WalkthroughView


def teacher_key(walkthrough_id: int) -> str:
    return f"walkthrough:{walkthrough_id}:teacher"


def leader_key(walkthrough_id: int) -> str:
    return f"walkthrough:{walkthrough_id}:leader"


# A walkthrough not written yet has no id: its messages are rendered with this one in their buttons, and
# given the real one right after the INSERT (`bind`), so nothing is rendered while the write lock is held.
_UNWRITTEN = -1


def _post(session: Session, view: WalkthroughView, *, key: str, channel: str, message: dict) -> None:
    enqueue(session, workspace=view.workspace, key=key, method="chat.postMessage",
            args={"channel": channel, **message})  # fmt: skip


def _update(session: Session, view: WalkthroughView, *, key: str, of: str, message: dict) -> bool:
    """Update the message under `of` in place, if it was ever queued; False when there is none."""
    if get(session, key=of) is None:
        return False
    enqueue(session, workspace=view.workspace, key=key, method="chat.update", args=message, update_of=of)
    return True


@dataclass(frozen=True)
class LoggedNotices:
    """The messages a new walkthrough sends, rendered before it is written (`prepare_logged`)."""

    view: WalkthroughView
    teacher: dict | None  # the teacher's DM, when the evidence reaches them
    receipt: dict | None  # the observer's receipt
    invitation: dict | None  # the second observer's invitation to log their own ratings

    def messages(self, walkthrough_id: int) -> list[Message]:
        """The outbox rows, for the walkthrough as written."""
        view, found = self.view, []
        if self.teacher is not None and view.teacher_slack_id:
            found.append(_posted(view, teacher_key(walkthrough_id), view.teacher_slack_id, self.teacher))
        if self.receipt is not None and view.observer_slack_id:
            found.append(_posted(view, leader_key(walkthrough_id), view.observer_slack_id, self.receipt))
        if self.invitation is not None and view.second_observer_slack_id:
            key = f"walkthrough:{walkthrough_id}:pair:{view.second_observer_slack_id}"
            found.append(_posted(view, key, view.second_observer_slack_id, self.invitation))
        return [replace(m, args=_bind(m.args, walkthrough_id)) for m in found]


def prepare_logged(view: WalkthroughView) -> LoggedNotices:
    """Render a new walkthrough's messages (the teacher's DM, the receipt, the invitation) before the write."""
    unwritten = replace(view, id=_UNWRITTEN)
    return LoggedNotices(
        view=view,
        teacher=blocks.teacher_message(unwritten) if view.shared and view.teacher_slack_id else None,
        receipt=blocks.leader_confirmation(unwritten) if view.observer_slack_id else None,
        invitation=blocks.pair_invitation(unwritten)
        if view.invites_second_observer and view.second_observer_slack_id
        else None,
    )


def enqueue_logged(session: Session, notices: LoggedNotices, *, walkthrough_id: int) -> None:
    """The new walkthrough's messages into the outbox, in one INSERT."""
    enqueue_all(session, notices.messages(walkthrough_id))


def _posted(view: WalkthroughView, key: str, channel: str, message: dict) -> Message:
    return Message(view.workspace, key, "chat.postMessage", {"channel": channel, **message})


def _bind(node: Any, walkthrough_id: int) -> Any:
    """The message with the walkthrough's id where its buttons carry `_UNWRITTEN`."""
    if isinstance(node, dict):
        if node.get("type") == "button" and node.get("value") == str(_UNWRITTEN):
            return {**node, "value": str(walkthrough_id)}
        return {k: _bind(v, walkthrough_id) for k, v in node.items()}
    if isinstance(node, list):
        return [_bind(v, walkthrough_id) for v in node]
    return node


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
