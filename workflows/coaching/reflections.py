"""Coaches' weekly written reflections: the prompt at the end of the school week, the reflection itself
(what went well, what I learned, what I will try next week, what support I need), and the weeks written
and missed. A reflection is private to its author; sharing it with their principal sends a copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, func, select

from workflows import privacy
from workflows.coaching import access
from workflows.coaching.errors import Field, InvalidEntry, NotAllowed, check_key
from workflows.coaching.models import NOTE_MAX, CoachingEntry, CoachReflection
from workflows.privacy import Viewer
from workflows.roster.models import Person, School, StaffRole
from workflows.roster.snapshot import Role
from workflows.walkthroughs.views import local_time

WRITABLE_WEEKS = 8  # a missed week can still be written, for two months
RECORD_WEEKS = 8


def week_of(day: date) -> date:
    """The Monday of the week `day` is in."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Prompt:
    coach_id: int
    slack_user_id: str
    workspace: str
    week_of: date
    written: bool


@dataclass(frozen=True)
class ReflectionView:
    id: int
    coach_id: int
    coach_name: str
    coach_slack_id: str | None
    workspace: str
    week_of: date
    went_well: str
    learned: str
    try_next: str
    support: str
    shared: bool


@dataclass(frozen=True)
class Saved:
    reflection: ReflectionView
    changed: bool


@dataclass(frozen=True)
class Shared:
    reflection: ReflectionView
    leaders: tuple[tuple[int, str], ...]  # (person id, Slack user id)
    first_time: bool


@dataclass(frozen=True)
class WeekRecord:
    week_of: date
    written: bool
    current: bool


def prompts_for(session: Session, *, school_id: int, day: date) -> list[Prompt]:
    """The school's coaches (active, on Slack) to ask for this week's reflection."""
    school = session.get(School, school_id)
    if school is None:
        return []
    week = week_of(day)
    coaches = session.exec(
        select(Person)
        .join(StaffRole, col(StaffRole.person_id) == Person.id)
        .where(StaffRole.school_id == school_id, StaffRole.role == Role.COACH.value, col(Person.active).is_(True))
        .order_by(col(Person.id))
    ).all()
    written = set(
        session.exec(
            select(CoachReflection.coach_id).where(
                CoachReflection.week_of == week, col(CoachReflection.coach_id).in_([c.id for c in coaches])
            )
        ).all()
    )
    return [
        Prompt(c.id or 0, c.slack_user_id, school.workspace, week, c.id in written) for c in coaches if c.slack_user_id
    ]


def today_of(session: Session, viewer: Viewer, now: datetime) -> date:
    """The coach's today, on the clock of the first school they coach at."""
    school = session.get(School, min(viewer.coached_school_ids)) if viewer.coached_school_ids else None
    return local_time(now, school).date() if school is not None else now.date()


def reflection_draft(session: Session, *, viewer: Viewer, week: date | None, now: datetime) -> ReflectionView | None:
    """What the coach wrote for the week so far (None: nothing yet); coaches only."""
    access.require_coach(viewer)
    wanted = _writable_week(session, viewer, week, now)
    row = session.exec(
        select(CoachReflection).where(CoachReflection.coach_id == viewer.person_id, CoachReflection.week_of == wanted)
    ).first()
    return _view(session, row) if row else None


def writable_week(session: Session, *, viewer: Viewer, week: date | None, now: datetime) -> date:
    access.require_coach(viewer)
    return _writable_week(session, viewer, week, now)


def save_reflection(
    session: Session,
    *,
    viewer: Viewer,
    key: str,
    week: date | None,
    went_well: str,
    learned: str,
    try_next: str,
    support: str,
    now: datetime,
) -> Saved:
    """Write the week's reflection (or rewrite it from a new modal); a retried submission changes nothing."""
    access.require_coach(viewer)
    wanted = _writable_week(session, viewer, week, now)
    texts = {
        Field.WENT_WELL: went_well.strip(),
        Field.LEARNED: learned.strip(),
        Field.TRY_NEXT: try_next.strip(),
        Field.SUPPORT: support.strip(),
    }
    row = session.exec(
        select(CoachReflection).where(CoachReflection.coach_id == viewer.person_id, CoachReflection.week_of == wanted)
    ).first()
    if row is not None and row.idempotency_key == key:
        return Saved(_view(session, row), changed=False)
    errors = {name: f"Keep this under {NOTE_MAX} characters." for name, text in texts.items() if len(text) > NOTE_MAX}
    if not any(texts.values()):
        errors[Field.WENT_WELL] = "Write at least a line: this is your record of the week."
    if errors:
        raise InvalidEntry(errors)
    check_key(key, field=Field.WENT_WELL)
    row = row or CoachReflection(idempotency_key=key, coach_id=viewer.person_id, week_of=wanted, created_at=now,
                                 updated_at=now)  # fmt: skip
    row.idempotency_key, row.updated_at = key, now
    row.went_well, row.learned = texts[Field.WENT_WELL], texts[Field.LEARNED]
    row.try_next, row.support = texts[Field.TRY_NEXT], texts[Field.SUPPORT]
    session.add(row)
    session.flush()
    return Saved(_view(session, row), changed=True)


def share_with_principal(session: Session, *, viewer: Viewer, reflection_id: int, now: datetime) -> Shared:
    """The author sends a copy to the leaders of the schools where they coach. Only the author may."""
    row = session.get(CoachReflection, reflection_id)
    if row is None or not privacy.can_read_coach_reflection(viewer, author_id=row.coach_id):
        raise NotAllowed("only its author shares a reflection")
    leaders = session.exec(
        select(Person.id, Person.slack_user_id)
        .join(StaffRole, col(StaffRole.person_id) == Person.id)
        .where(
            col(StaffRole.school_id).in_(sorted(viewer.coached_school_ids)),
            StaffRole.role == Role.LEADER.value,
            col(Person.active).is_(True),
            col(Person.slack_user_id).is_not(None),
            Person.id != viewer.person_id,
        )
        .distinct()
        .order_by(col(Person.id))
    ).all()
    first = row.shared_with_principal_at is None
    if first:
        row.shared_with_principal_at = now
        session.add(row)
        session.flush()
    return Shared(_view(session, row), tuple((pid or 0, slack or "") for pid, slack in leaders), first)


def weeks_record(session: Session, *, viewer: Viewer, now: datetime) -> list[WeekRecord]:
    """The coach's last weeks, newest first: written or missed, from the week they began coaching here."""
    today = today_of(session, viewer, now)
    current = week_of(today)
    written = set(
        session.exec(select(CoachReflection.week_of).where(CoachReflection.coach_id == viewer.person_id)).all()
    )
    first_entry = session.exec(
        select(func.min(CoachingEntry.held_on)).where(CoachingEntry.coach_id == viewer.person_id)
    ).one()
    began = min([week_of(d) for d in (first_entry, *written) if d is not None], default=current)
    weeks = [current - timedelta(weeks=n) for n in range(RECORD_WEEKS)]
    return [WeekRecord(w, w in written, w == current) for w in weeks if w >= began]


def _writable_week(session: Session, viewer: Viewer, week: date | None, now: datetime) -> date:
    current = week_of(today_of(session, viewer, now))
    wanted = week_of(week) if week is not None else current
    if wanted > current or wanted < current - timedelta(weeks=WRITABLE_WEEKS):
        raise InvalidEntry({Field.WENT_WELL: "Reflections are written for this week or one of the last eight."})
    return wanted


def _view(session: Session, row: CoachReflection) -> ReflectionView:
    coach = session.get(Person, row.coach_id)
    assert coach is not None
    return ReflectionView(
        id=row.id or 0, coach_id=coach.id or 0, coach_name=coach.name,
        coach_slack_id=coach.slack_user_id if coach.active else None, workspace=coach.workspace,
        week_of=row.week_of, went_well=row.went_well, learned=row.learned, try_next=row.try_next,
        support=row.support, shared=row.shared_with_principal_at is not None,
    )  # fmt: skip
