"""The teacher's side of an entry: their reflection and "let's talk again"; and action steps marked done.

Only the teacher a note is about answers it; the coach and the teacher (the note's two readers) may
mark its steps done. Each answer is stored once, however often Slack delivers the click.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from workflows.coaching import access
from workflows.coaching.errors import Field, InvalidEntry, check_key
from workflows.coaching.models import REFLECTION_MAX, EntryReflection
from workflows.coaching.views import EntryView, entry_view
from workflows.privacy import Viewer


@dataclass(frozen=True)
class Answered:
    """An answer; `first_time` is False when it was already given (nothing new to tell)."""

    entry: EntryView
    first_time: bool


@dataclass(frozen=True)
class Reflected:
    entry: EntryView
    reflection_id: int
    created: bool


def reflection_context(session: Session, *, viewer: Viewer, entry_id: int) -> EntryView:
    """The entry a teacher is about to reflect on (that teacher only)."""
    return entry_view(session, access.answerable(session, viewer, entry_id))


def add_reflection(
    session: Session, *, viewer: Viewer, entry_id: int, key: str, text: str, now: datetime
) -> Reflected:
    """Store the teacher's reflection once per `key` (the modal it was written in)."""
    entry = access.answerable(session, viewer, entry_id)
    existing = session.exec(select(EntryReflection).where(EntryReflection.idempotency_key == key)).first()
    if existing is not None:
        return Reflected(entry=entry_view(session, entry), reflection_id=existing.id or 0, created=False)
    cleaned = text.strip()
    if not cleaned:
        raise InvalidEntry({Field.REFLECTION: "Write a few words before sending."})
    if len(cleaned) > REFLECTION_MAX:
        raise InvalidEntry({Field.REFLECTION: f"Keep it under {REFLECTION_MAX} characters."})
    check_key(key, field=Field.REFLECTION)
    reflection = EntryReflection(
        idempotency_key=key, entry_id=entry_id, teacher_id=viewer.person_id, text=cleaned, created_at=now
    )
    session.add(reflection)
    session.flush()
    return Reflected(entry=entry_view(session, entry), reflection_id=reflection.id or 0, created=True)


def request_talk(session: Session, *, viewer: Viewer, entry_id: int, now: datetime) -> Answered:
    """The teacher asks for the next conversation; the coach is told once."""
    entry = access.answerable(session, viewer, entry_id)
    first = entry.talk_requested_at is None
    if first:
        entry.talk_requested_at = now
        session.add(entry)
        session.flush()
    return Answered(entry=entry_view(session, entry), first_time=first)


def mark_step_done(session: Session, *, viewer: Viewer, step_id: int, now: datetime) -> Answered:
    """An action step done, by the coach or the teacher; `first_time` False when it already was."""
    step, entry = access.step_of(session, viewer, step_id)
    first = step.done_at is None
    if first:
        step.done_at = now
        session.add(step)
        session.flush()
    return Answered(entry=entry_view(session, entry), first_time=first)
