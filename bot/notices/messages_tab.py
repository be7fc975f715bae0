"""The answer to a message typed in Rounds' Messages tab: what the person can do, given their roles.

Key: `im-help:<workspace>:<user>:<message id>` (Slack's `client_msg_id`, else the message's `ts`), so a
retried event, or the same event delivered to two processes, answers once.
"""

from __future__ import annotations

from sqlmodel import Session

from bot.blocks import help as help_blocks
from workflows.deliveries.service import enqueue
from workflows.roster.service import StaffProfile


def help_key(workspace: str, slack_user_id: str, message_id: str) -> str:
    return f"im-help:{workspace}:{slack_user_id}:{message_id}"


def answer_typed_message(
    session: Session, *, workspace: str, slack_user_id: str, message_id: str, profile: StaffProfile | None
) -> None:
    """Queue the help reply in the person's DM with Rounds (help by role, or how to get on the roster)."""
    reply = help_blocks.typed_message_reply(profile)
    enqueue(
        session,
        workspace=workspace,
        key=help_key(workspace, slack_user_id, message_id),
        method="chat.postMessage",
        args={"channel": slack_user_id, **reply},
    )
