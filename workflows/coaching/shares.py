"""What teachers choose to open to their coaches: one of their walkthroughs, and a request for coaching.

Until a teacher shares a walkthrough, no coach ever sees its evidence (`workflows.privacy`); a request for
coaching goes to the coaches of the teacher's school, never to its leaders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from workflows import privacy
from workflows.coaching.errors import Field, InvalidEntry, NotAllowed, check_key
from workflows.coaching.models import (
    REQUEST_MAX,
    CoachingCycle,
    CoachingRequest,
    CycleStatus,
    WalkthroughShare,
)
from workflows.db import insert_once
from workflows.privacy import Viewer
from workflows.roster.models import Person, School, StaffRole
from workflows.roster.snapshot import Role
from workflows.walkthroughs.models import Walkthrough
from workflows.walkthroughs.views import WalkthroughView, view_of, views_of


@dataclass(frozen=True)
class CoachChoice:
    coach_id: int
    name: str


@dataclass(frozen=True)
class ShareContext:
    walkthrough: WalkthroughView
    coaches: tuple[CoachChoice, ...]
    preselected: int | None


@dataclass(frozen=True)
class SharedWalkthrough:
    walkthrough: WalkthroughView
    coach_id: int
    coach_slack_id: str | None
    first_time: bool
    school_id: int


@dataclass(frozen=True)
class Requested:
    request_id: int
    school_name: str
    workspace: str
    teacher_id: int
    teacher_name: str
    school_id: int
    text: str
    coaches: tuple[tuple[int, str], ...]  # (person id, Slack user id)
    created: bool


def coaches_at(session: Session, *, school_id: int) -> list[Person]:
    return list(
        session.exec(
            select(Person)
            .join(StaffRole, col(StaffRole.person_id) == Person.id)
            .where(
                StaffRole.school_id == school_id,
                StaffRole.role == Role.COACH.value,
                col(Person.active).is_(True),
            )
            .order_by(col(Person.given_name), col(Person.family_name), col(Person.id))
        ).all()
    )


def _own_walkthrough(session: Session, viewer: Viewer, walkthrough_id: int) -> Walkthrough:
    walkthrough = session.get(Walkthrough, walkthrough_id)
    if walkthrough is None or not privacy.can_share_walkthrough_with_coach(viewer, walkthrough):
        raise NotAllowed("only the teacher visited shares a walkthrough")
    return walkthrough


def share_context(session: Session, *, viewer: Viewer, walkthrough_id: int) -> ShareContext:
    """The teacher's walkthrough and the coaches of its school (the one they have a cycle with first)."""
    walkthrough = _own_walkthrough(session, viewer, walkthrough_id)
    coaches = coaches_at(session, school_id=walkthrough.school_id)
    if not coaches:
        school = session.get(School, walkthrough.school_id)
        raise InvalidEntry({Field.COACH: f"There's no coach at {school.name if school else 'your school'} on Rounds yet."})
    active = session.exec(
        select(CoachingCycle.coach_id).where(
            CoachingCycle.teacher_id == viewer.person_id,
            CoachingCycle.school_id == walkthrough.school_id,
            CoachingCycle.status == CycleStatus.ACTIVE.value,
        )
    ).first()
    return ShareContext(
        walkthrough=view_of(session, walkthrough),
        coaches=tuple(CoachChoice(c.id or 0, c.name) for c in coaches),
        preselected=active if active in {c.id for c in coaches} else None,
    )


def share_walkthrough(
    session: Session, *, viewer: Viewer, walkthrough_id: int, coach_id: int | None, now: datetime
) -> SharedWalkthrough:
    """Let one coach of the walkthrough's school read it; sharing twice changes nothing."""
    walkthrough = _own_walkthrough(session, viewer, walkthrough_id)
    coach = next((c for c in coaches_at(session, school_id=walkthrough.school_id) if c.id == coach_id), None)
    if coach is None:
        raise InvalidEntry({Field.COACH: "Choose one of your school's coaches."})
    first = insert_once(
        session, WalkthroughShare, unique=["walkthrough_id", "coach_id"], walkthrough_id=walkthrough_id,
        coach_id=coach.id, shared_at=now,
    )  # fmt: skip
    return SharedWalkthrough(view_of(session, walkthrough), coach.id or 0, coach.slack_user_id, first, walkthrough.school_id)


def shared_with_me(session: Session, *, viewer: Viewer, limit: int = 5) -> list[WalkthroughView]:
    """The walkthroughs teachers shared with the viewer as their coach, newest first."""
    rows = session.exec(
        privacy.walkthroughs_shared_with(viewer)
        .order_by(col(Walkthrough.visited_at).desc(), col(Walkthrough.id).desc())
        .limit(limit)
    ).all()
    return views_of(session, rows)


def teacher_schools(session: Session, *, viewer: Viewer) -> list[School]:
    """The schools where the viewer teaches: where they may ask for coaching."""
    return list(
        session.exec(
            select(School)
            .join(StaffRole, col(StaffRole.school_id) == School.id)
            .where(StaffRole.person_id == viewer.person_id, StaffRole.role == Role.TEACHER.value)
            .order_by(col(School.name))
        ).all()
    )


def request_coaching(
    session: Session, *, viewer: Viewer, key: str, school_id: int | None, text: str, now: datetime
) -> Requested:
    """A teacher asks the coaches of one of their schools for coaching; stored once per modal."""
    schools = {s.id: s for s in teacher_schools(session, viewer=viewer)}
    school = schools.get(school_id) if school_id is not None else None
    if school is None:
        raise InvalidEntry({Field.REQUEST: "Choose the school where you'd like coaching."})
    coaches = coaches_at(session, school_id=school.id or 0)
    if not coaches:
        raise InvalidEntry({Field.REQUEST: f"There's no coach at {school.name} on Rounds yet."})
    cleaned = text.strip()
    if len(cleaned) > REQUEST_MAX:
        raise InvalidEntry({Field.REQUEST: f"Keep it under {REQUEST_MAX} characters."})
    existing = session.exec(select(CoachingRequest).where(CoachingRequest.idempotency_key == key)).first()
    if existing is None:
        check_key(key, field=Field.REQUEST)
        existing = CoachingRequest(
            idempotency_key=key,
            school_id=school.id or 0,
            teacher_id=viewer.person_id,
            text=cleaned,
            created_at=now,
        )
        session.add(existing)
        session.flush()
        created = True
    else:
        if existing.teacher_id != viewer.person_id:
            raise NotAllowed("that request is someone else's")
        created = False
    teacher = session.get(Person, viewer.person_id)
    assert teacher is not None
    return Requested(
        request_id=existing.id or 0, school_name=school.name, workspace=school.workspace,
        teacher_id=teacher.id or 0, teacher_name=teacher.name, school_id=school.id or 0, text=existing.text,
        coaches=tuple((c.id or 0, c.slack_user_id) for c in coaches if c.slack_user_id), created=created,
    )  # fmt: skip


def latest_request(session: Session, *, viewer: Viewer) -> CoachingRequest | None:
    return session.exec(
        select(CoachingRequest)
        .where(CoachingRequest.teacher_id == viewer.person_id)
        .order_by(col(CoachingRequest.created_at).desc(), col(CoachingRequest.id).desc())
    ).first()
