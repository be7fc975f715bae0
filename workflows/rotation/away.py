"""Days without walkthroughs: a leader's days away, and a school's days off from walkthroughs.

A leader marks their own days away (out of office, a conference); a school admin marks days when no one
at the school should be visiting classrooms (a testing week). The planner plans no visits for an away
leader (and Rounds sends them no morning DM on those days), and nothing at all at a school on its days
without walkthroughs, which also do not count as days of a cycle. Days already planned keep their plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from workflows.privacy import led_school_ids
from workflows.roster.models import School
from workflows.roster.snapshot import Role
from workflows.rotation.leaders import RotationError
from workflows.rotation.models import AWAY_NOTE_MAX, TimeAway

MAX_SPAN = timedelta(days=92)  # a school term; longer absences are a roster change, not days away


class AwayProblem(RotationError):
    """A day range that cannot be stored; `field` says which input is wrong ("first", "last", "school")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class AwaySpan:
    id: int
    first_day: date
    last_day: date
    note: str | None
    school_name: str | None  # set for a school's days without walkthroughs


def _checked(
    first: date | None, last: date | None, note: str | None, today: date
) -> tuple[date, date, str | None]:
    if first is None:
        raise AwayProblem("first", "Pick the first day.")
    last = last or first
    if first < today:
        raise AwayProblem("first", "Pick today or a later day: past days can't be changed.")
    if last < first:
        raise AwayProblem("last", "The last day can't be before the first.")
    if last - first > MAX_SPAN:
        raise AwayProblem("last", "Mark at most three months at a time.")
    text = (note or "").strip()[:AWAY_NOTE_MAX] or None
    return first, last, text


def mark_days_away(
    session: Session,
    *,
    leader_id: int,
    first: date | None,
    last: date | None,
    note: str | None,
    today: date,
    now: datetime,
) -> TimeAway:
    """Store a leader's days away (the same range twice is stored once: a retried submission)."""
    if not led_school_ids(session, person_id=leader_id, roles=frozenset({Role.LEADER})):
        raise AwayProblem("first", "Only school leaders have visits to pause.")
    first_day, last_day, text = _checked(first, last, note, today)
    return _store(session, person_id=leader_id, school_id=None, first=first_day, last=last_day,
                  note=text, by=leader_id, now=now)  # fmt: skip


def mark_school_days_off(
    session: Session,
    *,
    admin_id: int,
    school_id: int | None,
    first: date | None,
    last: date | None,
    note: str | None,
    today: date,
    now: datetime,
) -> TimeAway:
    """Store days without walkthroughs at a school; only the school's admins may."""
    admin_of = led_school_ids(session, person_id=admin_id, roles=frozenset({Role.ADMIN}))
    if school_id is None or school_id not in admin_of:
        raise AwayProblem("school", "Only a school's Rounds admin can mark its days without walkthroughs.")
    first_day, last_day, text = _checked(first, last, note, today)
    return _store(session, person_id=None, school_id=school_id, first=first_day, last=last_day,
                  note=text, by=admin_id, now=now)  # fmt: skip


def _store(
    session: Session, *, person_id: int | None, school_id: int | None, first: date, last: date,
    note: str | None, by: int, now: datetime,
) -> TimeAway:  # fmt: skip
    same = session.exec(
        select(TimeAway).where(
            TimeAway.person_id == person_id if person_id is not None else col(TimeAway.person_id).is_(None),
            TimeAway.school_id == school_id if school_id is not None else col(TimeAway.school_id).is_(None),
            TimeAway.first_day == first,
            TimeAway.last_day == last,
        )
    ).first()
    if same is not None:
        return same
    row = TimeAway(person_id=person_id, school_id=school_id, first_day=first, last_day=last, note=note,
                   created_by_id=by, created_at=now)  # fmt: skip
    session.add(row)
    session.flush()
    return row


def cancel(session: Session, *, person_id: int, away_id: int | None, today: date) -> None:
    """Take back days away (the leader's own) or a school's days off (its admins'); past days stay."""
    row = session.get(TimeAway, away_id) if away_id is not None else None
    admin_of = led_school_ids(session, person_id=person_id, roles=frozenset({Role.ADMIN}))
    if row is None or not (
        row.person_id == person_id or (row.school_id is not None and row.school_id in admin_of)
    ):
        raise RotationError("Those days aren't yours to change.")
    if row.first_day < today:
        row.last_day = max(row.first_day, today - timedelta(days=1))
        session.add(row)
    else:
        session.delete(row)
    session.flush()


def leader_away(session: Session, *, leader_ids: list[int], day: date) -> dict[int, str | None]:
    """Of these leaders, those away on `day`, with their note."""
    if not leader_ids:
        return {}
    rows = session.exec(
        select(TimeAway).where(
            col(TimeAway.person_id).in_(leader_ids), TimeAway.first_day <= day, TimeAway.last_day >= day
        )
    ).all()
    return {row.person_id: row.note for row in rows if row.person_id is not None}


def school_days_off(session: Session, *, school_id: int, start: date, end: date) -> dict[date, str | None]:
    """The school's days without walkthroughs between `start` and `end`, each with its note."""
    rows = session.exec(
        select(TimeAway).where(
            TimeAway.school_id == school_id, TimeAway.first_day <= end, TimeAway.last_day >= start
        )
    ).all()
    days: dict[date, str | None] = {}
    for row in rows:
        day = max(row.first_day, start)
        while day <= min(row.last_day, end):
            days[day] = row.note
            day += timedelta(days=1)
    return days


def upcoming(session: Session, *, person_id: int, today: date) -> tuple[list[AwaySpan], list[AwaySpan]]:
    """What the person can see and take back: their own days away, and the days without walkthroughs of
    the schools they are admin of, from today on."""
    own = session.exec(
        select(TimeAway)
        .where(TimeAway.person_id == person_id, TimeAway.last_day >= today)
        .order_by(col(TimeAway.first_day))
    ).all()
    admin_of = sorted(led_school_ids(session, person_id=person_id, roles=frozenset({Role.ADMIN})))
    schools = session.exec(
        select(TimeAway, School)
        .join(School, col(School.id) == TimeAway.school_id)
        .where(col(TimeAway.school_id).in_(admin_of), TimeAway.last_day >= today)
        .order_by(col(TimeAway.first_day))
    ).all()
    return (
        [AwaySpan(r.id or 0, r.first_day, r.last_day, r.note, None) for r in own],
        [AwaySpan(r.id or 0, r.first_day, r.last_day, r.note, s.name) for r, s in schools],
    )


def admin_schools(session: Session, *, person_id: int) -> list[School]:
    """The schools where the person is admin, by name."""
    ids = led_school_ids(session, person_id=person_id, roles=frozenset({Role.ADMIN}))
    return list(session.exec(select(School).where(col(School.id).in_(ids)).order_by(col(School.name))).all())
