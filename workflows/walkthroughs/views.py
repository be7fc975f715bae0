"""Walkthroughs as people read them: names, school-local times, the framework's own words.

Every reader goes through `workflows.privacy` (directly or via `access`): a teacher reads their own shared
walkthroughs, a leader those at the schools they lead.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from workflows import privacy
from workflows.frameworks.models import FrameworkArea, LookFor
from workflows.frameworks.service import RatingLevel
from workflows.privacy import Viewer
from workflows.reference.cache import FrameworkVersion, LookForRef, SchoolCalendar, look_for_ref, reference_of
from workflows.roster.models import Person, School, SchoolClass
from workflows.walkthroughs import access
from workflows.walkthroughs.models import (
    Conversation,
    ConversationRole,
    Reflection,
    Walkthrough,
    WalkthroughRating,
)


@dataclass(frozen=True)
class RatedLookFor:
    area: str
    text: str
    label: str
    observed: bool


@dataclass(frozen=True)
class ReflectionView:
    text: str
    written_at: datetime  # school-local


@dataclass(frozen=True)
class ConversationView:
    held_on: date
    role: ConversationRole


@dataclass(frozen=True)
class WalkthroughView:
    """One walkthrough as people read it: names, school-local time, the framework's own words."""

    id: int
    revision: int
    school_name: str
    workspace: str
    observer_id: int
    observer_name: str
    observer_slack_id: str | None
    teacher_id: int
    teacher_name: str
    teacher_given_name: str
    teacher_slack_id: str | None
    second_observer_name: str | None
    second_observer_slack_id: str | None
    class_label: str | None
    visited_at: datetime  # school-local
    form_name: str
    ratings: tuple[RatedLookFor, ...]
    evidence: str
    strength: str
    next_step: str
    planned_role: ConversationRole
    shared: bool
    share_requested: bool
    thanked: bool
    talk_requested: bool
    reflections: tuple[ReflectionView, ...]
    conversation: ConversationView | None
    created_at: datetime
    paired_with_id: int | None
    planned_visit_key: str | None

    @property
    def observed(self) -> tuple[RatedLookFor, ...]:
        return tuple(r for r in self.ratings if r.observed)

    @property
    def invites_second_observer(self) -> bool:
        """A paired visit asks the second observer for their own ratings, unless this is those ratings."""
        return bool(self.second_observer_slack_id) and self.paired_with_id is None


def walkthrough_for(session: Session, *, viewer: Viewer, walkthrough_id: int) -> WalkthroughView:
    return view_of(session, access.visible(session, viewer, walkthrough_id))


def teacher_history(session: Session, *, viewer: Viewer, limit: int = 15) -> list[WalkthroughView]:
    """The viewer's own walkthroughs as a teacher, newest first."""
    rows = session.exec(
        privacy.visible_walkthroughs(viewer)
        .where(Walkthrough.teacher_id == viewer.person_id, col(Walkthrough.shared_at).is_not(None))
        .order_by(col(Walkthrough.visited_at).desc(), col(Walkthrough.id).desc())
        .limit(limit)
    ).all()
    return views_of(session, rows)


def observer_recent(session: Session, *, viewer: Viewer, limit: int = 10) -> list[WalkthroughView]:
    """The walkthroughs the viewer logged, at schools they still lead, newest first."""
    rows = session.exec(
        privacy.visible_walkthroughs(viewer)
        .where(Walkthrough.observer_id == viewer.person_id)
        .order_by(col(Walkthrough.visited_at).desc(), col(Walkthrough.id).desc())
        .limit(limit)
    ).all()
    return views_of(session, rows)


def class_label(title: str, period: str | None, room: str | None) -> str:
    """`Grade 3 Math · period 2 · room 12`: how a class reads in the modal and in messages."""
    parts = [title]
    if period:
        parts.append(f"period {period}")
    if room:
        parts.append(room if room.lower().startswith("room") else f"room {room}")
    return " · ".join(parts)


def school_of(session: Session, walkthrough: Walkthrough) -> School:
    school = session.get(School, walkthrough.school_id)
    assert school is not None
    return school


def local_time(moment: datetime, school: School | SchoolCalendar) -> datetime:
    """People read times on the school's clock, wherever the server runs."""
    return moment.astimezone(ZoneInfo(school.timezone))


def view_of(
    session: Session, walkthrough: Walkthrough, *, pending: Mapping[int, RatingLevel] | None = None
) -> WalkthroughView:
    """The walkthrough as people read it; `pending`: its ratings, for one not written yet.

    The school, form and framework come from the reference data held in memory; people and the class
    from the session (found without a query when the request loaded them already)."""
    people = {
        i: session.get(Person, i)
        for i in (walkthrough.observer_id, walkthrough.teacher_id, walkthrough.second_observer_id)
        if i
    }
    school_class = session.get(SchoolClass, walkthrough.class_id) if walkthrough.class_id else None
    fresh = walkthrough.id is None
    conversation = (
        None
        if fresh
        else session.exec(select(Conversation).where(Conversation.walkthrough_id == walkthrough.id)).first()
    )
    if pending is None:
        ratings = session.exec(
            select(WalkthroughRating).where(WalkthroughRating.walkthrough_id == walkthrough.id)
        ).all()
        given = {row.look_for_id: (row.value, row.observed) for row in ratings}
    else:
        given = {look_for_id: (level.value, level.observed) for look_for_id, level in pending.items()}
    return _view(
        session, walkthrough, people=people, school_class=school_class,
        reflections=[] if fresh else _reflections(session, walkthrough.id or 0), conversation=conversation,
        given=given,
    )  # fmt: skip


def views_of(session: Session, walkthroughs: Sequence[Walkthrough]) -> list[WalkthroughView]:
    """Several stored walkthroughs as people read them (a history, a Home), in a few queries for them all."""
    if not walkthroughs:
        return []
    ids = [w.id for w in walkthroughs]
    person_ids = {i for w in walkthroughs for i in (w.observer_id, w.teacher_id, w.second_observer_id) if i}
    people = {p.id: p for p in session.exec(select(Person).where(col(Person.id).in_(sorted(person_ids))))}
    class_ids = sorted({w.class_id for w in walkthroughs if w.class_id})
    classes = (
        {c.id: c for c in session.exec(select(SchoolClass).where(col(SchoolClass.id).in_(class_ids)))}
        if class_ids
        else {}
    )
    reflections: dict[int, list[Reflection]] = {}
    for r in session.exec(
        select(Reflection).where(col(Reflection.walkthrough_id).in_(ids)).order_by(col(Reflection.created_at))
    ):
        reflections.setdefault(r.walkthrough_id, []).append(r)
    conversations: dict[int, Conversation] = {}
    for c in session.exec(select(Conversation).where(col(Conversation.walkthrough_id).in_(ids))):
        conversations.setdefault(c.walkthrough_id, c)
    given: dict[int, dict[int, tuple[int, bool]]] = {}
    for row in session.exec(select(WalkthroughRating).where(col(WalkthroughRating.walkthrough_id).in_(ids))):
        given.setdefault(row.walkthrough_id, {})[row.look_for_id] = (row.value, row.observed)
    return [
        _view(
            session, w, people=people, school_class=classes.get(w.class_id or 0),
            reflections=reflections.get(w.id or 0, []), conversation=conversations.get(w.id or 0),
            given=given.get(w.id or 0, {}),
        )
        for w in walkthroughs
    ]


def _view(
    session: Session,
    walkthrough: Walkthrough,
    *,
    people: Mapping[int, Person | None],
    school_class: SchoolClass | None,
    reflections: Sequence[Reflection],
    conversation: Conversation | None,
    given: Mapping[int, tuple[int, bool]],
) -> WalkthroughView:
    reference = reference_of(session)
    school = reference.school(walkthrough.school_id)
    framework = reference.framework(walkthrough.framework_id)
    form = framework.form(walkthrough.form_id) if framework is not None else None
    observer = people.get(walkthrough.observer_id)
    teacher = people.get(walkthrough.teacher_id)
    second = people.get(walkthrough.second_observer_id) if walkthrough.second_observer_id else None
    assert school is not None and observer is not None and teacher is not None
    assert form is not None and framework is not None
    return WalkthroughView(
        id=walkthrough.id or 0,
        revision=walkthrough.revision,
        school_name=school.name,
        workspace=school.workspace,
        observer_id=observer.id or 0,
        observer_name=observer.name,
        observer_slack_id=observer.slack_user_id,
        teacher_id=teacher.id or 0,
        teacher_name=teacher.name,
        teacher_given_name=teacher.given_name,
        teacher_slack_id=teacher.slack_user_id if teacher.active else None,
        second_observer_name=second.name if second else None,
        second_observer_slack_id=second.slack_user_id if second else None,
        class_label=class_label(school_class.title, walkthrough.period, school_class.room)
        if school_class is not None
        else None,
        visited_at=local_time(walkthrough.visited_at, school),
        form_name=form.name,
        ratings=_rated_look_fors(session, framework, given),
        evidence=walkthrough.evidence,
        strength=walkthrough.strength,
        next_step=walkthrough.next_step,
        planned_role=ConversationRole(walkthrough.planned_role),
        shared=walkthrough.shared_at is not None,
        share_requested=walkthrough.share_with_teacher,
        thanked=walkthrough.thanked_at is not None,
        talk_requested=walkthrough.talk_requested_at is not None,
        reflections=tuple(
            ReflectionView(text=r.text, written_at=local_time(r.created_at, school)) for r in reflections
        ),
        conversation=ConversationView(held_on=conversation.held_on, role=ConversationRole(conversation.role))
        if conversation
        else None,
        created_at=walkthrough.created_at,
        paired_with_id=walkthrough.paired_with_id,
        planned_visit_key=walkthrough.planned_visit_key,
    )


def _rated_look_fors(
    session: Session, framework: FrameworkVersion, given: Mapping[int, tuple[int, bool]]
) -> tuple[RatedLookFor, ...]:
    """The ratings in the framework's order (area, then look-for), each with its level's label."""
    labels = {level.value: level for level in framework.scale}
    look_fors = [framework.look_fors[i] for i in given if i in framework.look_fors]
    if len(look_fors) < len(given):  # rated on look-fors of another version: read them as stored
        look_fors = _look_fors_of(session, given)
    look_fors.sort(key=lambda lf: (lf.area_position, lf.position))
    return tuple(
        RatedLookFor(
            area=lf.area,
            text=lf.text,
            label=labels[given[lf.id][0]].label if given[lf.id][0] in labels else str(given[lf.id][0]),
            observed=given[lf.id][1],
        )
        for lf in look_fors
    )


def _look_fors_of(session: Session, look_for_ids: Collection[int]) -> list[LookForRef]:
    rows = session.exec(
        select(LookFor, FrameworkArea)
        .join(FrameworkArea, col(FrameworkArea.id) == LookFor.area_id)
        .where(col(LookFor.id).in_(sorted(look_for_ids)))
    ).all()
    return [look_for_ref(lf, area) for lf, area in rows]


def _reflections(session: Session, walkthrough_id: int) -> list[Reflection]:
    return list(
        session.exec(
            select(Reflection)
            .where(Reflection.walkthrough_id == walkthrough_id)
            .order_by(col(Reflection.created_at))
        ).all()
    )
