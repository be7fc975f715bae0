"""A teacher's own choices about coaching messages (today: whether to be reminded on check-back days)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from workflows.coaching.models import CoachingPreference
from workflows.privacy import Viewer


def reminds_check_backs(session: Session, *, person_id: int) -> bool:
    row = session.get(CoachingPreference, person_id)
    return bool(row and row.remind_check_backs)


def set_check_back_reminders(session: Session, *, viewer: Viewer, on: bool, now: datetime) -> bool:
    """Turn the viewer's own reminders on or off (no one sets them for someone else); returns the setting."""
    row = session.get(CoachingPreference, viewer.person_id) or CoachingPreference(
        person_id=viewer.person_id, updated_at=now
    )
    row.remind_check_backs, row.updated_at = on, now
    session.add(row)
    session.flush()
    return on
