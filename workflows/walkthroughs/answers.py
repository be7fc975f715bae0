"""After the visit: the teacher's answers (thanks, "let's talk", reflections) and the feedback conversation.

Only the teacher visited answers, and only once the evidence has reached them; only the observer records
the conversation. Each answer is stored once, however often Slack delivers the click.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from workflows.privacy import Viewer
from workflows.walkthroughs import access
from workflows.walkthroughs.capture import conversation_role
from workflows.walkthroughs.errors import Field, InvalidWalkthrough, check_key
from workflows.walkthroughs.models import REFLECTION_MAX, Conversation, Reflection, Walkthrough
from workflows.walkthroughs.views import WalkthroughView, local_time, school_of, view_of


@dataclass(frozen=True)
class Answered:
    """A teacher's answer; `first_time` is False when it was already given (nothing new to tell)."""

    walkthrough: WalkthroughView
    first_time: bool


@dataclass(frozen=True)
class Reflected:
    walkthrough: WalkthroughView
    reflection_id: int
    created: bool


def thank(session: Session, *, viewer: Viewer, walkthrough_id: int, now: datetime) -> Answered:
    walkthrough = access.answerable(session, viewer, walkthrough_id)
    first = walkthrough.thanked_at is None
    if first:
        walkthrough.thanked_at = now
    return _answered(session, walkthrough, first_time=first)


def request_conversation(session: Session, *, viewer: Viewer, walkthrough_id: int, now: datetime) -> Answered:
    walkthrough = access.answerable(session, viewer, walkthrough_id)
    first = walkthrough.talk_requested_at is None
    if first:
        walkthrough.talk_requested_at = now
    return _answered(session, walkthrough, first_time=first)


def reflection_context(session: Session, *, viewer: Viewer, walkthrough_id: int) -> WalkthroughView:
    """The walkthrough a teacher is about to reflect on (that teacher only)."""
    return view_of(session, access.answerable(session, viewer, walkthrough_id))


def add_reflection(
    session: Session, *, viewer: Viewer, walkthrough_id: int, key: str, text: str, now: datetime
) -> Reflected:
    """Store the teacher's reflection once per `key` (the modal it was written in)."""
    existing = session.exec(select(Reflection).where(Reflection.idempotency_key == key)).first()
    walkthrough = access.answerable(session, viewer, walkthrough_id)
    if existing is not None:
        return Reflected(
            walkthrough=view_of(session, walkthrough), reflection_id=existing.id or 0, created=False
        )
    cleaned = text.strip()
    if not cleaned:
        raise InvalidWalkthrough({Field.REFLECTION: "Write a few words before sending."})
    if len(cleaned) > REFLECTION_MAX:
        raise InvalidWalkthrough({Field.REFLECTION: f"Keep it under {REFLECTION_MAX} characters."})
    check_key(key, field=Field.REFLECTION)
    reflection = Reflection(
        idempotency_key=key, walkthrough_id=walkthrough_id, teacher_id=viewer.person_id, text=cleaned,
        created_at=now,
    )  # fmt: skip
    session.add(reflection)
    session.flush()
    return Reflected(
        walkthrough=view_of(session, walkthrough), reflection_id=reflection.id or 0, created=True
    )


@dataclass(frozen=True)
class ConversationContext:
    """The walkthrough a conversation is recorded for, and the school's today (the date offered first)."""

    walkthrough: WalkthroughView
    today: date


def conversation_context(
    session: Session, *, viewer: Viewer, walkthrough_id: int, now: datetime
) -> ConversationContext:
    """The walkthrough a conversation is being recorded for (the observer only)."""
    walkthrough = access.conversation_of(session, viewer, walkthrough_id)
    today = local_time(now, school_of(session, walkthrough)).date()
    return ConversationContext(walkthrough=view_of(session, walkthrough), today=today)


def record_conversation(
    session: Session,
    *,
    viewer: Viewer,
    walkthrough_id: int,
    held_on: date | None,
    role: str | None,
    now: datetime,
) -> WalkthroughView:
    """Record (or correct) the feedback conversation that followed a walkthrough."""
    walkthrough = access.conversation_of(session, viewer, walkthrough_id)
    errors: dict[str, str] = {}
    chosen = conversation_role(role)
    if chosen is None:
        errors[Field.ROLE] = "Choose the role you took in the conversation."
    if held_on is None:
        errors[Field.HELD_ON] = "Choose the day of the conversation."
    elif not walkthrough.visit_date <= held_on <= local_time(now, school_of(session, walkthrough)).date():
        errors[Field.HELD_ON] = "Choose a day between the visit and today."
    if errors:
        raise InvalidWalkthrough(errors)
    assert held_on is not None and chosen is not None
    row = session.exec(select(Conversation).where(Conversation.walkthrough_id == walkthrough_id)).first()
    row = row or Conversation(
        walkthrough_id=walkthrough_id, leader_id=viewer.person_id, teacher_id=walkthrough.teacher_id,
        held_on=held_on, role=chosen, recorded_at=now,
    )  # fmt: skip
    row.held_on, row.role, row.recorded_at = held_on, chosen, now
    session.add(row)
    session.flush()
    return view_of(session, walkthrough)


def _answered(session: Session, walkthrough: Walkthrough, *, first_time: bool) -> Answered:
    if first_time:
        session.add(walkthrough)
        session.flush()
    return Answered(walkthrough=view_of(session, walkthrough), first_time=first_time)
