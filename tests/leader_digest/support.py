"""Hand-built walkthrough histories for the leader digest and roadmap tests: visits written straight to the
database (the walkthrough modal is tested in tests/walkthroughs), on the walkthrough tests' district."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from workflows.frameworks.models import Form, LookFor
from workflows.frameworks.service import ensure_default_framework
from workflows.roster.models import Person, School, SchoolClass
from workflows.walkthroughs.models import Conversation, ConversationRole, Walkthrough, WalkthroughRating

_keys = count(1)
# A period's start, school-local (the walkthrough tests' bells: period 1 at 8:00, period 2 at 9:00).
PERIOD_START = {"1": time(8, 0), "2": time(9, 0)}


def ids(session: Session, model, column, value) -> int:  # type: ignore[no-untyped-def]
    return session.exec(select(model.id).where(column == value)).one()


def person(session: Session, sourced_id: str) -> int:
    return ids(session, Person, Person.sourced_id, sourced_id)


def school(session: Session, sourced_id: str) -> School:
    return session.exec(select(School).where(School.sourced_id == sourced_id)).one()


def visit(
    session: Session,
    *,
    school_ref: str,
    leader: str,
    teacher: str,
    day: date,
    period: str = "1",
    minutes_in: int = 10,
    ratings: dict[str, int] | None = None,
    shared_after: int | None = 5,
    conversation: tuple[ConversationRole, int] | None = None,
    class_ref: str | None = None,
) -> Walkthrough:
    """One visit: `minutes_in` into the period, evidence shared `shared_after` minutes later (None: not
    shared), look-fors rated by key (0: not observed), and a conversation (role, days after)."""
    found = school(session, school_ref)
    zone = ZoneInfo(found.timezone)
    framework = ensure_default_framework(session, now=datetime(2026, 1, 1, tzinfo=UTC))
    form = session.exec(select(Form).where(Form.framework_id == framework.id)).first()
    assert form is not None
    visited = datetime.combine(day, PERIOD_START.get(period, time(10)), tzinfo=zone) + timedelta(minutes=minutes_in)
    class_id = ids(session, SchoolClass, SchoolClass.sourced_id, class_ref) if class_ref else None
    row = Walkthrough(
        idempotency_key=f"test:{next(_keys)}", school_id=found.id or 0, observer_id=person(session, leader),
        teacher_id=person(session, teacher), class_id=class_id, period=period, visited_at=visited, visit_date=day,
        framework_id=framework.id or 0, form_id=form.id or 0, evidence="Students explained their reasoning.",
        planned_role=ConversationRole.REFLECTIVE,
        shared_at=visited + timedelta(minutes=shared_after) if shared_after is not None else None,
        created_at=visited, updated_at=visited,
    )  # fmt: skip
    session.add(row)
    session.flush()
    for key, value in (ratings or {}).items():
        look_for = session.exec(
            select(LookFor).where(LookFor.framework_id == framework.id, LookFor.key == key)
        ).one()
        session.add(WalkthroughRating(walkthrough_id=row.id or 0, look_for_id=look_for.id or 0, value=value,
                                      observed=value > 0))  # fmt: skip
    if conversation is not None:
        role, after = conversation
        session.add(Conversation(walkthrough_id=row.id or 0, leader_id=row.observer_id, teacher_id=row.teacher_id,
                                 held_on=day + timedelta(days=after), role=role, recorded_at=visited))  # fmt: skip
    session.flush()
    return row


def school_days(first: date, count_: int) -> list[date]:
    """`count_` weekdays from `first` (the test district's calendar has no holidays)."""
    days, day = [], first
    while len(days) < count_:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days
