"""Questions still waiting: raised once, two school days after they were asked with no reply (on the
calendar of the asker's school), to the coaches who answered questions in the same areas before; and the
community activity a coach sees on their Home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select, update

from workflows.community.channels import Member
from workflows.community.models import CommunityPost, CommunityReply, PostKind, PostStatus
from workflows.community.posts import PostView, _view
from workflows.privacy import Viewer
from workflows.roster.models import Person, School
from workflows.rotation.calendars import RotationCalendars
from workflows.rotation.inputs import school_calendar

SCHOOL_DAYS_WAITING = 2
LOOK_BACK = timedelta(days=45)
HOME_SHOWN = 5


@dataclass(frozen=True)
class Waiting:
    post: PostView
    helpers: tuple[Member, ...]


def school_days_since(session: Session, *, school: School, asked_on: date, today: date,
                      calendars: RotationCalendars) -> int:  # fmt: skip
    """School days after the day it was asked, up to and including today."""
    if today <= asked_on:
        return 0
    cal = school_calendar(session, school=school, start=asked_on + timedelta(days=1), end=today, calendars=calendars)
    return len(cal.school_days())


def questions_to_raise(
    session: Session, *, school_id: int, today: date, calendars: RotationCalendars
) -> list[Waiting]:
    """Open questions from the school's coaches with no reply, asked two school days ago or more, never raised."""
    school = session.get(School, school_id)
    if school is None:
        return []
    rows = session.exec(
        select(CommunityPost).where(
            CommunityPost.school_id == school_id, CommunityPost.kind == PostKind.QUESTION.value,
            CommunityPost.status == PostStatus.POSTED.value, col(CommunityPost.answered_at).is_(None),
            CommunityPost.replies == 0, col(CommunityPost.nudged_at).is_(None),
            col(CommunityPost.posted_on).is_not(None), col(CommunityPost.posted_on) >= today - LOOK_BACK,
        ).order_by(col(CommunityPost.id))
    ).all()  # fmt: skip
    found = []
    for row in rows:
        assert row.posted_on is not None
        if school_days_since(session, school=school, asked_on=row.posted_on, today=today, calendars=calendars) < SCHOOL_DAYS_WAITING:
            continue
        found.append(Waiting(_view(session, row), tuple(_helpers(session, row))))
    return found


def mark_raised(session: Session, *, post_id: int, now: datetime) -> bool:
    """Raised once: True for the one run that marks it."""
    result = session.execute(
        update(CommunityPost).where(col(CommunityPost.id) == post_id, col(CommunityPost.nudged_at).is_(None))
        .values(nudged_at=now)
    )  # fmt: skip
    return result.rowcount == 1  # type: ignore[attr-defined]


def _helpers(session: Session, row: CommunityPost) -> list[Member]:
    """Coaches of the district who replied to questions sharing an area with this one before (not the asker)."""
    if not row.areas:
        return []
    wanted = set(row.areas)
    replies = session.exec(
        select(CommunityReply.person_id, CommunityPost.areas, CommunityPost.author_id)
        .join(CommunityPost, col(CommunityPost.id) == CommunityReply.post_id)
        .where(CommunityPost.district_id == row.district_id, CommunityPost.id != row.id,
               CommunityPost.kind == PostKind.QUESTION.value, col(CommunityReply.person_id).is_not(None))
    ).all()  # fmt: skip
    people = sorted({pid for pid, areas, author in replies if pid != author and pid != row.author_id and wanted & set(areas)})
    found = []
    for pid in people:
        person = session.get(Person, pid)
        if person is not None and person.active and person.slack_user_id:
            found.append(Member(pid, person.slack_user_id, person.name))
    return found


@dataclass(frozen=True)
class Activity:
    open_questions: tuple[PostView, ...]
    answered: tuple[PostView, ...]  # questions the coach replied to
    waiting: tuple[PostView, ...]  # open questions in the coach's areas with no reply yet


def activity(session: Session, *, viewer: Viewer, district_id: int) -> Activity:
    posted = session.exec(
        select(CommunityPost).where(CommunityPost.district_id == district_id, CommunityPost.status == PostStatus.POSTED.value)
        .order_by(col(CommunityPost.id).desc())
    ).all()  # fmt: skip
    questions = [p for p in posted if p.kind == PostKind.QUESTION.value]
    replied = set(session.exec(select(CommunityReply.post_id).where(CommunityReply.person_id == viewer.person_id)).all())
    mine = [p for p in questions if p.author_id == viewer.person_id]
    answered = [p for p in questions if p.id in replied and p.author_id != viewer.person_id]
    areas = {a for p in mine + answered for a in p.areas}
    waiting = [p for p in questions if p.answered_at is None and p.replies == 0 and p.author_id != viewer.person_id
               and (not areas or areas & set(p.areas))]  # fmt: skip
    return Activity(
        tuple(_view(session, p) for p in mine if p.answered_at is None)[:HOME_SHOWN],
        tuple(_view(session, p) for p in answered[:HOME_SHOWN]),
        tuple(_view(session, p) for p in waiting[:HOME_SHOWN]),
    )
