"""Data reviews (seed 001, practice 5): a school's leaders review its walkthrough data "once a month or when
at least 30 observations have been collected", note strengths, and record the decisions they take; the
decisions of one review are shown again at the next (practice 6a: "decisions based on past monitoring
reviews are revisited with each subsequent review").
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from workflows import privacy
from workflows.db import insert_once
from workflows.digests.leader_models import DECISIONS_MAX, REVIEW_KEY_MAX, STRENGTHS_MAX, DataReview
from workflows.privacy import Viewer
from workflows.refusals import Refusal
from workflows.roster.models import Person, School
from workflows.rotation.inputs import local_today
from workflows.walkthroughs.models import Walkthrough

NEW_OBSERVATIONS = 30


class ReviewRefused(Refusal):
    """A data review that cannot be recorded; `field` names the modal field it belongs next to."""

    def __init__(self, message: str, field: str = "decisions"):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PastReview:
    sequence: int
    reviewed_on: date
    leader_name: str
    observations: int
    strengths: str
    decisions: str


@dataclass(frozen=True)
class ReviewDue:
    """Why a school's data review is due now, and what the last one decided."""

    school_id: int
    school_name: str
    sequence: int  # the number the review will have
    new_observations: int
    since: date | None  # the last review's day (None: no review yet)
    month_passed: bool
    previous: PastReview | None

    @property
    def reason(self) -> str:
        if self.new_observations >= NEW_OBSERVATIONS:
            return f"{self.new_observations} new observations since the last review"
        return "a month since the last review" if self.since else "a month since the first walkthrough"


@dataclass(frozen=True)
class Recorded:
    review: PastReview
    school_id: int
    created: bool


def add_month(day: date) -> date:
    """The same day next month (the month's last day when it has fewer days)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_review(session: Session, *, school_id: int) -> DataReview | None:
    return session.exec(
        select(DataReview).where(DataReview.school_id == school_id).order_by(col(DataReview.sequence).desc())
    ).first()


def _observations(
    session: Session, school_id: int, after: datetime | None, until: date
) -> tuple[int, date | None]:
    """Walkthroughs at the school logged after `after` (all when None), on or before `until`; the first day."""
    query = select(func.count(col(Walkthrough.id)), func.min(Walkthrough.visit_date)).where(
        Walkthrough.school_id == school_id, Walkthrough.visit_date <= until
    )
    if after is not None:
        query = query.where(col(Walkthrough.created_at) > after)
    count, first = session.exec(query).one()
    return int(count or 0), first


def review_due(session: Session, *, school_id: int, today: date) -> ReviewDue | None:
    """The school's next review when a month has passed or 30 observations are in since the last; else None."""
    school = session.get(School, school_id)
    if school is None:
        return None
    last = last_review(session, school_id=school_id)
    new, first = _observations(session, school_id, last.created_at if last else None, today)
    if new == 0:
        return None
    start = last.reviewed_on if last else first
    month = start is not None and today >= add_month(start)
    if new < NEW_OBSERVATIONS and not month:
        return None
    return ReviewDue(
        school_id, school.name, (last.sequence if last else 0) + 1, new, last.reviewed_on if last else None,
        month, _past(session, last) if last else None,
    )  # fmt: skip


def review_to_record(
    session: Session, *, viewer: Viewer, school_id: int, sequence: int, now: datetime
) -> ReviewDue | None:
    """The due review a leader asked to record (from a digest's button); None when it was recorded already
    or none is due any more."""
    if not privacy.can_record_data_review(viewer, school_id=school_id):
        raise ReviewRefused("Only the school's leaders record its data reviews.")
    school = session.get(School, school_id)
    if school is None:
        return None
    due = review_due(session, school_id=school_id, today=local_today(school, now))
    return due if due is not None and due.sequence == sequence else None


def previous_review(session: Session, *, school_id: int) -> PastReview | None:
    last = last_review(session, school_id=school_id)
    return _past(session, last) if last else None


def record_review(
    session: Session,
    *,
    viewer: Viewer,
    school_id: int,
    sequence: int,
    key: str,
    strengths: str,
    decisions: str,
    now: datetime,
) -> Recorded:
    """Record review number `sequence` of the school, once: a retry of the same modal returns it; a second
    leader recording the same review is told who recorded it first."""
    if not privacy.can_record_data_review(viewer, school_id=school_id):
        raise ReviewRefused("Only the school's leaders record its data reviews.")
    school = session.get(School, school_id)
    assert school is not None
    today = local_today(school, now)
    if not key or len(key) > REVIEW_KEY_MAX:
        raise ReviewRefused("This form can't be read; open the data review again.")
    same = session.exec(select(DataReview).where(DataReview.idempotency_key == key)).first()
    if same is not None:
        return Recorded(_past(session, same), school_id, created=False)
    decisions, strengths = decisions.strip(), strengths.strip()
    if not decisions:
        raise ReviewRefused("Write the decisions this review took (what you will do, and with whom).")
    if len(decisions) > DECISIONS_MAX:
        raise ReviewRefused(f"Decisions can be at most {DECISIONS_MAX} characters.")
    if len(strengths) > STRENGTHS_MAX:
        raise ReviewRefused(f"Strengths can be at most {STRENGTHS_MAX} characters.", "strengths")
    last = last_review(session, school_id=school_id)
    expected = (last.sequence if last else 0) + 1
    if sequence != expected and last is not None and last.sequence >= sequence:
        raise ReviewRefused(_taken(session, last))
    observations, _ = _observations(session, school_id, None, today)
    created = insert_once(
        session, DataReview, unique=["school_id", "sequence"], idempotency_key=key, school_id=school_id,
        sequence=expected, leader_id=viewer.person_id, reviewed_on=today, observations=observations,
        strengths=strengths, decisions=decisions, created_at=now,
    )  # fmt: skip
    row = session.exec(
        select(DataReview).where(DataReview.school_id == school_id, DataReview.sequence == expected)
    ).one()
    if not created and row.idempotency_key != key:
        raise ReviewRefused(_taken(session, row))
    return Recorded(_past(session, row), school_id, created=created)


def _taken(session: Session, row: DataReview) -> str:
    who = session.get(Person, row.leader_id)
    name = who.name if who else "Another leader"
    return (
        f"{name} already recorded this data review on {row.reviewed_on:%a %-d %b}; it shows in your digest."
    )


def _past(session: Session, row: DataReview) -> PastReview:
    who = session.get(Person, row.leader_id)
    return PastReview(
        row.sequence, row.reviewed_on, who.name if who else "", row.observations, row.strengths, row.decisions
    )
