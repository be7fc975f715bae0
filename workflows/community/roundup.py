"""The weekly roundup of a district's community: questions asked and answered, the open ones, successes,
the areas most asked about, and the weekly reflections coaches chose to share with the community.

Counts and the coaches' own words only (what they posted, or the reflection they chose to share).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from workflows import privacy
from workflows.coaching.models import CoachReflection
from workflows.coaching.reflections import ReflectionView, week_of
from workflows.community.models import CommunityPost, CommunityReflectionShare, PostKind, PostStatus
from workflows.community.posts import PostView, _view, framework_areas
from workflows.privacy import Viewer
from workflows.refusals import Refusal

OPEN_SHOWN = 10
TOP_AREAS = 3


@dataclass(frozen=True)
class SharedReflection:
    coach_name: str
    school_name: str
    went_well: str
    learned: str
    try_next: str


@dataclass(frozen=True)
class Roundup:
    district_id: int
    week_of: date
    asked: int
    answered: int  # of this week's questions
    open_questions: tuple[PostView, ...]  # every open question, oldest first
    open_total: int
    successes: tuple[PostView, ...]
    top_areas: tuple[tuple[str, int], ...]
    reflections: tuple[SharedReflection, ...]


def weekly_roundup(session: Session, *, district_id: int, day: date) -> Roundup:
    week = week_of(day)
    end = week + timedelta(days=6)
    posted = session.exec(
        select(CommunityPost).where(
            CommunityPost.district_id == district_id, CommunityPost.status == PostStatus.POSTED.value,
        ).order_by(col(CommunityPost.posted_at), col(CommunityPost.id))
    ).all()  # fmt: skip
    this_week = [p for p in posted if p.posted_on is not None and week <= p.posted_on <= end]
    questions = [p for p in this_week if p.kind == PostKind.QUESTION.value]
    open_rows = [p for p in posted if p.kind == PostKind.QUESTION.value and p.answered_at is None]
    names = {a.key: a.name for a in framework_areas(session, district_id=district_id)}
    areas = Counter(k for q in questions for k in q.areas)
    return Roundup(
        district_id=district_id, week_of=week, asked=len(questions),
        answered=sum(1 for q in questions if q.answered_at is not None),
        open_questions=tuple(_view(session, p) for p in open_rows[:OPEN_SHOWN]), open_total=len(open_rows),
        successes=tuple(_view(session, p) for p in this_week if p.kind == PostKind.SUCCESS.value),
        top_areas=tuple((names.get(k, k), n) for k, n in sorted(areas.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_AREAS]),
        reflections=tuple(_shared_reflections(session, district_id=district_id, week=week)),
    )  # fmt: skip


def _shared_reflections(session: Session, *, district_id: int, week: date) -> list[SharedReflection]:
    from workflows.coaching.reflections import _view as reflection_view

    rows = session.exec(
        select(CoachReflection)
        .join(CommunityReflectionShare, col(CommunityReflectionShare.reflection_id) == CoachReflection.id)
        .where(CommunityReflectionShare.district_id == district_id, CoachReflection.week_of == week)
        .order_by(col(CommunityReflectionShare.shared_at))
    ).all()
    found = []
    for row in rows:
        view = reflection_view(session, row)
        school = _coach_school_name(session, row.coach_id)
        found.append(SharedReflection(view.coach_name, school, view.went_well, view.learned, view.try_next))
    return found


def _coach_school_name(session: Session, coach_id: int) -> str:
    from workflows.roster.models import School, StaffRole
    from workflows.roster.snapshot import Role

    name = session.exec(
        select(School.name).join(StaffRole, col(StaffRole.school_id) == School.id)
        .where(StaffRole.person_id == coach_id, StaffRole.role == Role.COACH.value).order_by(col(School.name))
    ).first()  # fmt: skip
    return name or ""


@dataclass(frozen=True)
class CommunityShare:
    reflection: ReflectionView
    district_id: int
    first_time: bool
    names: tuple[privacy.NamedTeacher, ...]


def share_reflection_with_community(
    session: Session, *, viewer: Viewer, reflection_id: int, anyway: bool, now: datetime
) -> CommunityShare:
    """The author (only) shares a weekly reflection with the coach community: it goes in that week's
    roundup. When it names a teacher, nothing is shared until the author chooses to share it anyway."""
    from workflows.coaching.reflections import _view as reflection_view
    from workflows.community.channels import district_school_ids
    from workflows.community.posts import author_school
    from workflows.db import insert_once

    row = session.get(CoachReflection, reflection_id)
    if row is None or not privacy.can_read_coach_reflection(viewer, author_id=row.coach_id):
        raise Refusal("Only the coach who wrote this reflection can share it.")
    school = author_school(session, viewer=viewer)
    district_id = school.district_id or 0
    text = "\n".join((row.went_well, row.learned, row.try_next))  # what the roundup shows
    names = privacy.teachers_named_in(session, school_ids=district_school_ids(session, district_id=district_id), text=text)
    view = reflection_view(session, row)
    if names and not anyway:
        return CommunityShare(view, district_id, False, tuple(names))
    first = insert_once(session, CommunityReflectionShare, unique=["reflection_id"], reflection_id=reflection_id,
                        district_id=district_id, shared_at=now)  # fmt: skip
    return CommunityShare(view, district_id, first, tuple(names))


def shared_with_community(session: Session, *, reflection_id: int) -> bool:
    return session.get(CommunityReflectionShare, reflection_id) is not None


