"""Follow-ups: a check-back date becomes a DM on that morning, at the school's reminder time.

The coach hears of every step due that day (and of earlier ones still open); the teacher is reminded of
their own steps only if they turned reminders on. Each person's follow-up for a school and a day is one
message, built from the same query when it is sent and when a step in it is marked done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from workflows.coaching.models import (
    ActionStep,
    CoachingCycle,
    CoachingEntry,
    CoachingPreference,
    CycleStatus,
)
from workflows.roster.models import Person, School

STILL_OPEN_FOR = timedelta(days=21)  # earlier check-backs still open are listed for three weeks


@dataclass(frozen=True)
class DueStep:
    id: int
    text: str
    check_back_on: date
    done: bool
    teacher_name: str
    coach_name: str
    teacher_id: int
    school_id: int


@dataclass(frozen=True)
class FollowUp:
    """One person's check-backs at one school on one day: `coach` or `teacher`."""

    person_id: int
    slack_user_id: str
    workspace: str
    school_id: int
    school_name: str
    day: date
    role: str
    steps: tuple[DueStep, ...]

    @property
    def due_today(self) -> tuple[DueStep, ...]:
        return tuple(s for s in self.steps if s.check_back_on == self.day)

    @property
    def earlier(self) -> tuple[DueStep, ...]:
        return tuple(s for s in self.steps if s.check_back_on < self.day)


def follow_ups(session: Session, *, school_id: int, day: date) -> list[FollowUp]:
    """Everyone to tell at the school on `day`: each coach with an open step due then, and each teacher
    with one who asked to be reminded. Ordered coaches first, then by person."""
    due = _steps(session, school_id=school_id, day=day)
    wanted = {(s.coach_id, "coach") for s in due if s.check_back_on == day and s.done_at is None}
    reminded = set(
        session.exec(
            select(CoachingPreference.person_id).where(
                col(CoachingPreference.person_id).in_({s.teacher_id for s in due}),
                col(CoachingPreference.remind_check_backs).is_(True),
            )
        ).all()
    )
    wanted |= {
        (s.teacher_id, "teacher")
        for s in due
        if s.check_back_on == day and s.done_at is None and s.teacher_id in reminded
    }
    found = [
        follow_up_for(session, person_id=person, role=role, school_id=school_id, day=day, rows=due)
        for person, role in sorted(wanted, key=lambda w: (w[1] != "coach", w[0]))
    ]
    return [f for f in found if f is not None]


def follow_up_for(
    session: Session, *, person_id: int, role: str, school_id: int, day: date, rows: list | None = None
) -> FollowUp | None:
    """One person's follow-up (as sent, or as it reads after a step in it was marked done)."""
    rows = rows if rows is not None else _steps(session, school_id=school_id, day=day)
    mine = [r for r in rows if (r.coach_id if role == "coach" else r.teacher_id) == person_id]
    if role == "teacher":
        mine = [r for r in mine if r.check_back_on == day]
    person = session.get(Person, person_id)
    school = session.get(School, school_id)
    if not mine or person is None or school is None or not person.slack_user_id or not person.active:
        return None
    steps = tuple(
        DueStep(
            r.id,
            r.text,
            r.check_back_on,
            r.done_at is not None,
            r.teacher_name,
            r.coach_name,
            r.teacher_id,
            school_id,
        )
        for r in sorted(mine, key=lambda r: (r.check_back_on != day, r.teacher_name, r.check_back_on, r.id))
    )
    return FollowUp(
        person_id, person.slack_user_id, school.workspace, school_id, school.name, day, role, steps
    )


@dataclass(frozen=True)
class _Row:
    id: int
    text: str
    check_back_on: date
    done_at: datetime | None
    coach_id: int
    teacher_id: int
    coach_name: str
    teacher_name: str


def _steps(session: Session, *, school_id: int, day: date) -> list[_Row]:
    """Steps of the school's open cycles due on `day`, and earlier ones still open."""
    rows = session.exec(
        select(ActionStep, CoachingEntry.coach_id, CoachingEntry.teacher_id)
        .join(CoachingEntry, col(CoachingEntry.id) == ActionStep.entry_id)
        .join(CoachingCycle, col(CoachingCycle.id) == ActionStep.cycle_id)
        .where(
            CoachingEntry.school_id == school_id,
            col(CoachingCycle.status) != CycleStatus.COMPLETED.value,
            col(ActionStep.check_back_on) <= day,
            col(ActionStep.check_back_on) >= day - STILL_OPEN_FOR,
        )
    ).all()
    kept = [(s, c, t) for s, c, t in rows if s.check_back_on == day or s.done_at is None]
    names = {
        p.id: p.name
        for p in session.exec(
            select(Person).where(col(Person.id).in_({c for _, c, _ in kept} | {t for *_, t in kept}))
        )
    }
    return [
        _Row(s.id or 0, s.text, s.check_back_on, s.done_at, c, t, names.get(c, ""), names.get(t, ""))
        for s, c, t in kept
    ]
