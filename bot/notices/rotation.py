"""Rotation notices: each leader's morning DM, posted once a day and updated in place after every change.

Key: `reminder:<leader>:<date>:<school>` (the day's `reminder_key`); an update is keyed by the day's
revision, so a retried Skip or Swap queues nothing new.
"""

from __future__ import annotations

from sqlmodel import Session

from bot.blocks.rotation import reminder_message
from workflows.deliveries.service import enqueue, get
from workflows.rotation.days import LeaderDay


def morning_reminder(session: Session, day: LeaderDay) -> bool:
    """Queue the leader's morning DM once; False when it was queued before (or they have no Slack)."""
    if not day.leader_slack_id or get(session, key=day.reminder_key) is not None:
        return False
    enqueue(session, workspace=day.workspace, key=day.reminder_key, method="chat.postMessage",
            args={"channel": day.leader_slack_id, **reminder_message(day)})  # fmt: skip
    return True


def day_changed(session: Session, day: LeaderDay) -> None:
    """Update the morning DM in place for this change; nothing when no DM was sent for the day (changed
    from the Home tab before the reminder time)."""
    if get(session, key=day.reminder_key) is None:
        return
    enqueue(session, workspace=day.workspace, key=f"{day.reminder_key}:r{day.revision}", method="chat.update",
            args=reminder_message(day), update_of=day.reminder_key)  # fmt: skip
