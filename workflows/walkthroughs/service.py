"""Walkthroughs: what the modal offers, logging a visit exactly once, edits, and the teacher's answers.

Every function takes the `Viewer` and asks `workflows.privacy` before reading or writing anything about a
person. Functions return plain views (`WalkthroughView`) that the Slack side renders; nothing here sends.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from workflows import privacy
from workflows.db import Sessions, transaction
from workflows.frameworks.models import Form, FormLookFor, Framework, FrameworkArea, LookFor
from workflows.frameworks.service import (
    RatingLevel,
    active_forms,
    current_framework,
    ensure_default_framework,
    form_look_fors,
    rating_scale,
)
from workflows.privacy import TeacherAtSchool, Viewer
from workflows.roster.models import BellPeriod, CalendarDay, ClassTeacher, Person, School, SchoolClass
from workflows.walkthroughs.models import (
    EVIDENCE_MAX,
    NOTE_MAX,
    REFLECTION_MAX,
    Conversation,
    ConversationRole,
    Reflection,
    Walkthrough,
    WalkthroughRating,
)

EDIT_WINDOW = timedelta(hours=24)
KEY_MAX = 128
T = TypeVar("T")


# ── errors ───────────────────────────────────────────────────────────────────────────────────────────


class NotAllowed(Exception):
    """The viewer may not do this (a teacher logging a walkthrough, someone else's walkthrough...)."""


class TooLate(Exception):
    """The 24 hours in which a walkthrough can be edited are over."""


class InvalidWalkthrough(Exception):
    """Field-by-field problems with what was submitted; keys are `Field` names or `look_for:<id>`."""

    def __init__(self, errors: Mapping[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)


class Field:
    """The names of the modal's fields, as `InvalidWalkthrough.errors` uses them."""

    TEACHER = "teacher"
    CLASS = "class"
    FORM = "form"
    EVIDENCE = "evidence"
    STRENGTH = "strength"
    NEXT_STEP = "next_step"
    ROLE = "role"
    SECOND_OBSERVER = "second_observer"
    REFLECTION = "reflection"
    HELD_ON = "held_on"

    @staticmethod
    def look_for(look_for_id: int) -> str:
        return f"look_for:{look_for_id}"


# ── what the modal offers ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ClassChoice:
    class_id: int
    period: str | None
    title: str
    room: str | None

    @property
    def label(self) -> str:
        parts = [self.title]
        if self.period:
            parts.append(f"period {self.period}")
        if self.room:
            parts.append(self.room if self.room.lower().startswith("room") else f"room {self.room}")
        return " · ".join(parts)


@dataclass(frozen=True)
class FormChoice:
    form_id: int
    name: str
    focus: str


@dataclass(frozen=True)
class LookForChoice:
    look_for_id: int
    text: str
    area: str


@dataclass(frozen=True)
class Draft:
    """Values already filled in: an edit, or a paired visit copying its partner's class and form."""

    evidence: str = ""
    strength: str = ""
    next_step: str = ""
    role: ConversationRole | None = None
    ratings: Mapping[int, int] = field(default_factory=dict)
    share_with_teacher: bool = True
    second_observer_slack_id: str | None = None


@dataclass(frozen=True)
class ModalContext:
    """Everything the walkthrough modal shows, already filtered by what the leader may see."""

    teacher: TeacherAtSchool | None
    teacher_note: str | None
    classes: tuple[ClassChoice, ...]
    selected_class: ClassChoice | None
    forms: tuple[FormChoice, ...]
    selected_form: FormChoice
    look_fors: tuple[LookForChoice, ...]
    scale: tuple[RatingLevel, ...]
    draft: Draft = Draft()
    editing_id: int | None = None
    revision: int | None = None
    share_locked: bool = False
    paired_with_id: int | None = None
    planned_visit_key: str | None = None

    @property
    def not_observed(self) -> RatingLevel | None:
        return next((level for level in self.scale if not level.observed), None)


def start_walkthrough(
    session: Session,
    *,
    viewer: Viewer,
    now: datetime,
    query: str = "",
    slack_user_id: str | None = None,
    teacher_id: int | None = None,
    school_id: int | None = None,
    class_id: int | None = None,
    period: str | None = None,
    form_id: int | None = None,
    planned_visit_key: str | None = None,
    paired_with_id: int | None = None,
    draft: Draft | None = None,
) -> ModalContext:
    """A fresh modal: the teacher named (if exactly one matches), the class meeting now, the first form."""
    _require_leader(viewer)
    teacher, note = _pick_teacher(
        session, viewer=viewer, query=query, slack_user_id=slack_user_id, teacher_id=teacher_id,
        school_id=school_id,
    )  # fmt: skip
    framework = _framework_for(session, school_id=teacher.school_id if teacher else None, now=now)
    forms = _form_choices(session, framework)
    selected_form = next((f for f in forms if f.form_id == form_id), forms[0])
    classes, selected = _class_choices(session, teacher=teacher, now=now, class_id=class_id, period=period)
    return ModalContext(
        teacher=teacher,
        teacher_note=note,
        classes=classes,
        selected_class=selected,
        forms=forms,
        selected_form=selected_form,
        look_fors=_look_for_choices(session, selected_form.form_id),
        scale=tuple(rating_scale(framework)),
        draft=draft or Draft(),
        planned_visit_key=planned_visit_key,
        paired_with_id=paired_with_id,
    )


def start_paired_walkthrough(
    session: Session, *, viewer: Viewer, walkthrough_id: int, now: datetime
) -> ModalContext:
    """The second observer's modal: same teacher, class, period and form, their own ratings to give."""
    partner = _visible(session, viewer, walkthrough_id)
    if partner.second_observer_id != viewer.person_id:
        raise NotAllowed("only the second observer logs the paired ratings")
    return start_walkthrough(
        session,
        viewer=viewer,
        now=now,
        teacher_id=partner.teacher_id,
        school_id=partner.school_id,
        class_id=partner.class_id,
        period=partner.period,
        form_id=partner.form_id,
        paired_with_id=partner.id,
        draft=Draft(share_with_teacher=False),
    )


def edit_context(session: Session, *, viewer: Viewer, walkthrough_id: int, now: datetime) -> ModalContext:
    """The modal for an edit: the walkthrough as it stands, while the 24 hours last."""
    walkthrough = _editable(session, viewer, walkthrough_id, now)
    teacher = privacy.teachers_visible_to(
        session, viewer=viewer, teacher_id=walkthrough.teacher_id, school_id=walkthrough.school_id
    )
    framework = session.get(Framework, walkthrough.framework_id)
    form = session.get(Form, walkthrough.form_id)
    assert framework is not None and form is not None
    forms = _form_choices(session, framework)
    own = FormChoice(form_id=form.id or 0, name=form.name, focus=form.focus)
    if own not in forms:
        forms = (own, *forms)
    classes, selected = _class_choices(
        session,
        teacher=teacher[0] if teacher else None,
        now=now,
        class_id=walkthrough.class_id,
        period=walkthrough.period,
    )
    second = session.get(Person, walkthrough.second_observer_id) if walkthrough.second_observer_id else None
    return ModalContext(
        teacher=teacher[0] if teacher else None,
        teacher_note=None,
        classes=classes,
        selected_class=selected,
        forms=forms,
        selected_form=own,
        look_fors=_look_for_choices(session, own.form_id, rated_in=walkthrough.id),
        scale=tuple(rating_scale(framework)),
        draft=Draft(
            evidence=walkthrough.evidence,
            strength=walkthrough.strength,
            next_step=walkthrough.next_step,
            role=ConversationRole(walkthrough.planned_role),
            ratings=_ratings_of(session, walkthrough.id or 0),
            share_with_teacher=walkthrough.share_with_teacher,
            second_observer_slack_id=second.slack_user_id if second else None,
        ),
        editing_id=walkthrough.id,
        revision=walkthrough.revision,
        share_locked=walkthrough.shared_at is not None,
        paired_with_id=walkthrough.paired_with_id,
        planned_visit_key=walkthrough.planned_visit_key,
    )


def rebuild_context(
    session: Session,
    *,
    viewer: Viewer,
    now: datetime,
    teacher_id: int | None,
    school_id: int | None,
    class_id: int | None,
    period: str | None,
    form_id: int | None,
    editing_id: int | None,
    planned_visit_key: str | None,
    paired_with_id: int | None,
) -> ModalContext:
    """The modal again after the leader changed the teacher or the form (`views.update` in place)."""
    if editing_id is not None:
        edit = edit_context(session, viewer=viewer, walkthrough_id=editing_id, now=now)
        form = _choose_form(edit.forms, form_id) or edit.selected_form
        classes, selected = _class_choices(
            session, teacher=edit.teacher, now=now, class_id=class_id, period=period
        )
        return _with_form(session, edit, form, classes=classes, selected=selected)
    return start_walkthrough(
        session,
        viewer=viewer,
        now=now,
        teacher_id=teacher_id,
        school_id=school_id,
        class_id=class_id,
        period=period,
        form_id=form_id,
        planned_visit_key=planned_visit_key,
        paired_with_id=paired_with_id,
    )


def find_teachers(session: Session, *, viewer: Viewer, query: str, limit: int = 100) -> list[TeacherAtSchool]:
    """The type-ahead: teachers at the viewer's schools whose names match what was typed."""
    if not privacy.can_log_walkthroughs(viewer):
        return []
    return privacy.teachers_visible_to(session, viewer=viewer, query=query, limit=limit)


# ── logging and editing ──────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class WalkthroughEntry:
    """What the leader submitted, parsed from the modal but not yet trusted."""

    teacher_id: int | None
    school_id: int | None
    class_id: int | None
    period: str | None
    form_id: int | None
    ratings: Mapping[int, int | None]
    evidence: str
    strength: str
    next_step: str
    role: str | None
    share_with_teacher: bool
    second_observer_slack_id: str | None = None
    planned_visit_key: str | None = None
    paired_with_id: int | None = None


@dataclass(frozen=True)
class Logged:
    """A walkthrough after a submission; `changed` is False when a retry found the work already done."""

    walkthrough: WalkthroughView
    changed: bool
    revision: int


def log_walkthrough(
    session: Session, *, viewer: Viewer, key: str, entry: WalkthroughEntry, now: datetime
) -> Logged:
    """Store a visit once per `key`: Slack retries and double submits find the first one and change nothing."""
    _require_leader(viewer)
    existing = session.exec(select(Walkthrough).where(Walkthrough.idempotency_key == key)).first()
    if existing is not None:
        if existing.observer_id != viewer.person_id:
            raise NotAllowed("that walkthrough was logged by someone else")
        return Logged(walkthrough=_view(session, existing), changed=False, revision=existing.revision)
    if not key or len(key) > KEY_MAX:
        raise InvalidWalkthrough({Field.EVIDENCE: "This form is out of date; close it and start again."})
    checked = _check(session, viewer=viewer, entry=entry, now=now, editing=None)
    school = session.get(School, checked.school_id)
    assert school is not None
    local = now.astimezone(ZoneInfo(school.timezone))
    walkthrough = Walkthrough(
        idempotency_key=key,
        school_id=checked.school_id,
        observer_id=viewer.person_id,
        teacher_id=checked.teacher_id,
        class_id=entry.class_id,
        period=entry.period,
        visited_at=now,
        visit_date=local.date(),
        framework_id=checked.framework_id,
        form_id=checked.form_id,
        evidence=entry.evidence.strip(),
        strength=entry.strength.strip(),
        next_step=entry.next_step.strip(),
        planned_role=checked.role,
        share_with_teacher=entry.share_with_teacher,
        second_observer_id=checked.second_observer_id,
        paired_with_id=checked.paired_with_id,
        planned_visit_key=entry.planned_visit_key or None,
        created_at=now,
        updated_at=now,
    )
    if walkthrough.share_with_teacher and _teacher_slack_id(session, walkthrough):
        walkthrough.shared_at = now
    # Everything is read before the first write: on SQLite the write lock is then held only briefly.
    preview = _view(session, walkthrough, pending=checked.ratings)
    session.add(walkthrough)
    session.flush()
    _write_ratings(session, walkthrough.id or 0, checked.ratings)
    session.flush()
    return Logged(
        walkthrough=replace(preview, id=walkthrough.id or 0), changed=True, revision=walkthrough.revision
    )


def edit_walkthrough(
    session: Session,
    *,
    viewer: Viewer,
    walkthrough_id: int,
    base_revision: int,
    entry: WalkthroughEntry,
    now: datetime,
) -> Logged:
    """Apply an edit made from revision `base_revision`; a retry of an applied edit changes nothing."""
    walkthrough = _visible(session, viewer, walkthrough_id)
    if not privacy.can_edit_walkthrough(viewer, walkthrough):
        raise NotAllowed("only the observer edits a walkthrough")
    if walkthrough.revision != base_revision:
        return Logged(walkthrough=_view(session, walkthrough), changed=False, revision=walkthrough.revision)
    if now - walkthrough.created_at > EDIT_WINDOW:
        raise TooLate()
    fixed = WalkthroughEntry(
        **{
            **entry.__dict__,
            "teacher_id": walkthrough.teacher_id,
            "school_id": walkthrough.school_id,
            "paired_with_id": walkthrough.paired_with_id,
        }
    )
    checked = _check(session, viewer=viewer, entry=fixed, now=now, editing=walkthrough)
    walkthrough.class_id = entry.class_id
    walkthrough.period = entry.period
    walkthrough.framework_id = checked.framework_id
    walkthrough.form_id = checked.form_id
    walkthrough.evidence = entry.evidence.strip()
    walkthrough.strength = entry.strength.strip()
    walkthrough.next_step = entry.next_step.strip()
    walkthrough.planned_role = checked.role
    walkthrough.second_observer_id = checked.second_observer_id
    if walkthrough.shared_at is None and entry.share_with_teacher:
        walkthrough.share_with_teacher = True
        if _teacher_slack_id(session, walkthrough):
            walkthrough.shared_at = now
    walkthrough.revision += 1
    walkthrough.updated_at = now
    session.add(walkthrough)
    for old in session.exec(
        select(WalkthroughRating).where(WalkthroughRating.walkthrough_id == walkthrough_id)
    ):
        session.delete(old)
    session.flush()
    _write_ratings(session, walkthrough_id, checked.ratings)
    session.flush()
    return Logged(walkthrough=_view(session, walkthrough), changed=True, revision=walkthrough.revision)


def edit_deadline(walkthrough: WalkthroughView) -> datetime:
    return walkthrough.created_at + EDIT_WINDOW


# ── the teacher's answers and the conversation ───────────────────────────────────────────────────────


@dataclass(frozen=True)
class Answered:
    """A teacher's answer; `first_time` is False when it was already given (nothing new to tell)."""

    walkthrough: WalkthroughView
    first_time: bool


def thank(session: Session, *, viewer: Viewer, walkthrough_id: int, now: datetime) -> Answered:
    walkthrough = _answerable(session, viewer, walkthrough_id)
    first = walkthrough.thanked_at is None
    if first:
        walkthrough.thanked_at = now
        session.add(walkthrough)
        session.flush()
    return Answered(walkthrough=_view(session, walkthrough), first_time=first)


def request_conversation(session: Session, *, viewer: Viewer, walkthrough_id: int, now: datetime) -> Answered:
    walkthrough = _answerable(session, viewer, walkthrough_id)
    first = walkthrough.talk_requested_at is None
    if first:
        walkthrough.talk_requested_at = now
        session.add(walkthrough)
        session.flush()
    return Answered(walkthrough=_view(session, walkthrough), first_time=first)


@dataclass(frozen=True)
class Reflected:
    walkthrough: WalkthroughView
    reflection_id: int
    created: bool


def add_reflection(
    session: Session, *, viewer: Viewer, walkthrough_id: int, key: str, text: str, now: datetime
) -> Reflected:
    """Store the teacher's reflection once per `key` (the modal it was written in)."""
    existing = session.exec(select(Reflection).where(Reflection.idempotency_key == key)).first()
    walkthrough = _answerable(session, viewer, walkthrough_id)
    if existing is not None:
        return Reflected(
            walkthrough=_view(session, walkthrough), reflection_id=existing.id or 0, created=False
        )
    cleaned = text.strip()
    if not cleaned:
        raise InvalidWalkthrough({Field.REFLECTION: "Write a few words before sending."})
    if len(cleaned) > REFLECTION_MAX:
        raise InvalidWalkthrough({Field.REFLECTION: f"Keep it under {REFLECTION_MAX} characters."})
    if not key or len(key) > KEY_MAX:
        raise InvalidWalkthrough({Field.REFLECTION: "This form is out of date; close it and start again."})
    reflection = Reflection(
        idempotency_key=key, walkthrough_id=walkthrough_id, teacher_id=viewer.person_id, text=cleaned,
        created_at=now,
    )  # fmt: skip
    session.add(reflection)
    session.flush()
    return Reflected(walkthrough=_view(session, walkthrough), reflection_id=reflection.id or 0, created=True)


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
    walkthrough = _visible(session, viewer, walkthrough_id)
    if walkthrough.observer_id != viewer.person_id:
        raise NotAllowed("only the observer records the conversation")
    errors: dict[str, str] = {}
    chosen = _role(role)
    if chosen is None:
        errors[Field.ROLE] = "Choose the role you took in the conversation."
    if held_on is None:
        errors[Field.HELD_ON] = "Choose the day of the conversation."
    elif held_on < walkthrough.visit_date or held_on > _local(now, _school(session, walkthrough)).date():
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
    return _view(session, walkthrough)


def conversation_context(session: Session, *, viewer: Viewer, walkthrough_id: int) -> WalkthroughView:
    """The walkthrough a conversation is being recorded for (the observer only)."""
    walkthrough = _visible(session, viewer, walkthrough_id)
    if walkthrough.observer_id != viewer.person_id:
        raise NotAllowed("only the observer records the conversation")
    return _view(session, walkthrough)


def reflection_context(session: Session, *, viewer: Viewer, walkthrough_id: int) -> WalkthroughView:
    """The walkthrough a teacher is about to reflect on (that teacher only)."""
    return _view(session, _answerable(session, viewer, walkthrough_id))


# ── reading ──────────────────────────────────────────────────────────────────────────────────────────


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


def walkthrough_for(session: Session, *, viewer: Viewer, walkthrough_id: int) -> WalkthroughView:
    return _view(session, _visible(session, viewer, walkthrough_id))


def teacher_history(session: Session, *, viewer: Viewer, limit: int = 15) -> list[WalkthroughView]:
    """The viewer's own walkthroughs as a teacher, newest first."""
    rows = session.exec(
        privacy.visible_walkthroughs(viewer)
        .where(Walkthrough.teacher_id == viewer.person_id, col(Walkthrough.shared_at).is_not(None))
        .order_by(col(Walkthrough.visited_at).desc(), col(Walkthrough.id).desc())
        .limit(limit)
    ).all()
    return [_view(session, row) for row in rows]


def observer_recent(session: Session, *, viewer: Viewer, limit: int = 10) -> list[WalkthroughView]:
    """The walkthroughs the viewer logged, at schools they still lead, newest first."""
    rows = session.exec(
        privacy.visible_walkthroughs(viewer)
        .where(Walkthrough.observer_id == viewer.person_id)
        .order_by(col(Walkthrough.visited_at).desc(), col(Walkthrough.id).desc())
        .limit(limit)
    ).all()
    return [_view(session, row) for row in rows]


def in_transaction(sessions: Sessions, work: Callable[[Session], T]) -> T:
    """Run `work` in a transaction; when a concurrent duplicate wins the race, run it once more.

    The second run finds the row the other request wrote (by its idempotency key) and changes nothing.
    """
    try:
        with transaction(sessions) as session:
            return work(session)
    except (IntegrityError, OperationalError):
        with transaction(sessions) as session:
            return work(session)


# ── checks ───────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _Checked:
    teacher_id: int
    school_id: int
    framework_id: int
    form_id: int
    role: ConversationRole
    ratings: dict[int, RatingLevel]
    second_observer_id: int | None
    paired_with_id: int | None


def _check(
    session: Session, *, viewer: Viewer, entry: WalkthroughEntry, now: datetime, editing: Walkthrough | None
) -> _Checked:
    """Every rule a submission must pass, reported field by field. Forged payloads end here too."""
    errors: dict[str, str] = {}
    teacher_ok = (
        entry.teacher_id is not None
        and entry.school_id is not None
        and privacy.can_observe(
            session, viewer=viewer, teacher_id=entry.teacher_id, school_id=entry.school_id
        )
    )
    if entry.teacher_id is None:
        errors[Field.TEACHER] = "Choose the teacher you visited."
    elif not teacher_ok:
        errors[Field.TEACHER] = "You can log walkthroughs only for teachers at the schools you lead."
    if (
        teacher_ok
        and entry.class_id is not None
        and not _teaches(session, entry.teacher_id or 0, entry.school_id or 0, entry.class_id, entry.period)
    ):
        errors[Field.CLASS] = "That class isn't one this teacher teaches; choose it again."

    framework, form, look_fors, scale = _form_for(session, entry.form_id, entry.school_id, now, editing)
    if form is None:
        errors[Field.FORM] = "This form was retired after you opened the walkthrough; choose another."
    ratings: dict[int, RatingLevel] = {}
    by_value = {level.value: level for level in scale}
    not_observed = next((level for level in scale if not level.observed), None)
    for look_for in look_fors:
        value = entry.ratings.get(look_for.id or 0)
        if value is None:
            if not_observed is not None:
                ratings[look_for.id or 0] = not_observed
        elif value in by_value:
            ratings[look_for.id or 0] = by_value[value]
        else:
            errors[Field.look_for(look_for.id or 0)] = "Choose a level from the list."

    if not entry.evidence.strip():
        errors[Field.EVIDENCE] = "Write down what you saw and heard: the teacher reads this first."
    elif len(entry.evidence.strip()) > EVIDENCE_MAX:
        errors[Field.EVIDENCE] = f"Keep the evidence under {EVIDENCE_MAX} characters."
    for name, text in ((Field.STRENGTH, entry.strength), (Field.NEXT_STEP, entry.next_step)):
        if len(text.strip()) > NOTE_MAX:
            errors[name] = f"Keep this under {NOTE_MAX} characters."
    role = _role(entry.role)
    if role is None:
        errors[Field.ROLE] = "Choose the role you plan for the feedback conversation."

    second_id = None
    if entry.second_observer_slack_id:
        second = session.exec(
            select(Person).where(Person.slack_user_id == entry.second_observer_slack_id, Person.active)
        ).first()
        if second is None or second.id == viewer.person_id or not teacher_ok:
            if second is not None and second.id == viewer.person_id:
                errors[Field.SECOND_OBSERVER] = "The second observer is someone other than you."
            elif teacher_ok:
                errors[Field.SECOND_OBSERVER] = "The second observer must be a leader on the roster."
        elif not privacy.leads_school(session, person_id=second.id or 0, school_id=entry.school_id or 0):
            errors[Field.SECOND_OBSERVER] = "The second observer must be a leader at this teacher's school."
        else:
            second_id = second.id

    paired_id = None
    if entry.paired_with_id is not None and editing is None:
        partner = session.get(Walkthrough, entry.paired_with_id)
        if (
            partner is None
            or partner.second_observer_id != viewer.person_id
            or partner.teacher_id != entry.teacher_id
        ):
            errors[Field.TEACHER] = "This paired visit doesn't match the one you were invited to."
        else:
            paired_id = partner.id
    elif editing is not None:
        paired_id = editing.paired_with_id

    if errors:
        raise InvalidWalkthrough(errors)
    assert framework is not None and form is not None and role is not None
    return _Checked(
        teacher_id=entry.teacher_id or 0,
        school_id=entry.school_id or 0,
        framework_id=framework.id or 0,
        form_id=form.id or 0,
        role=role,
        ratings=ratings,
        second_observer_id=second_id,
        paired_with_id=paired_id,
    )


def _form_for(
    session: Session, form_id: int | None, school_id: int | None, now: datetime, editing: Walkthrough | None
) -> tuple[Framework | None, Form | None, list[LookFor], list[RatingLevel]]:
    """The form if it may be used now: an active form of the current framework (or the edited one's own)."""
    form = session.get(Form, form_id) if form_id is not None else None
    if form is None:
        return None, None, [], []
    framework = session.get(Framework, form.framework_id)
    assert framework is not None
    if editing is not None and editing.form_id == form.id:
        return (
            framework,
            form,
            _look_fors_rated_or_on(session, form.id or 0, editing.id or 0),
            rating_scale(framework),
        )
    current = _framework_for(session, school_id=school_id, now=now, create=False)
    if form.retired or current is None or framework.id != current.id:
        return None, None, [], []
    return framework, form, form_look_fors(session, form_id=form.id or 0), rating_scale(framework)


def _look_fors_rated_or_on(session: Session, form_id: int, walkthrough_id: int) -> list[LookFor]:
    on_form = form_look_fors(session, form_id=form_id)
    rated_ids = set(_ratings_of(session, walkthrough_id))
    extra = [
        lf
        for lf in session.exec(select(LookFor).where(col(LookFor.id).in_(sorted(rated_ids)))).all()
        if lf not in on_form
    ]
    return on_form + extra


def _teaches(session: Session, teacher_id: int, school_id: int, class_id: int, period: str | None) -> bool:
    school_class = session.exec(
        select(SchoolClass)
        .join(ClassTeacher, col(ClassTeacher.class_id) == SchoolClass.id)
        .where(
            SchoolClass.id == class_id,
            SchoolClass.school_id == school_id,
            ClassTeacher.person_id == teacher_id,
        )
    ).first()
    if school_class is None:
        return False
    return period in school_class.periods if school_class.periods else period is None


def _role(value: str | None) -> ConversationRole | None:
    try:
        return ConversationRole(value) if value else None
    except ValueError:
        return None


def _require_leader(viewer: Viewer) -> None:
    if not privacy.can_log_walkthroughs(viewer):
        raise NotAllowed("walkthroughs are logged by leaders")


def _visible(session: Session, viewer: Viewer, walkthrough_id: int) -> Walkthrough:
    walkthrough = session.get(Walkthrough, walkthrough_id)
    if walkthrough is None or not privacy.can_see_walkthrough(viewer, walkthrough):
        raise NotAllowed("no such walkthrough for this person")
    return walkthrough


def _editable(session: Session, viewer: Viewer, walkthrough_id: int, now: datetime) -> Walkthrough:
    walkthrough = _visible(session, viewer, walkthrough_id)
    if not privacy.can_edit_walkthrough(viewer, walkthrough):
        raise NotAllowed("only the observer edits a walkthrough")
    if now - walkthrough.created_at > EDIT_WINDOW:
        raise TooLate()
    return walkthrough


def _answerable(session: Session, viewer: Viewer, walkthrough_id: int) -> Walkthrough:
    walkthrough = _visible(session, viewer, walkthrough_id)
    if not privacy.can_respond_as_teacher(viewer, walkthrough) or walkthrough.shared_at is None:
        raise NotAllowed("only the teacher who was visited answers a walkthrough")
    return walkthrough


# ── choices ──────────────────────────────────────────────────────────────────────────────────────────


def _pick_teacher(
    session: Session,
    *,
    viewer: Viewer,
    query: str,
    slack_user_id: str | None,
    teacher_id: int | None,
    school_id: int | None,
) -> tuple[TeacherAtSchool | None, str | None]:
    if teacher_id is not None:
        found = privacy.teachers_visible_to(
            session, viewer=viewer, teacher_id=teacher_id, school_id=school_id
        )
        return (found[0], None) if found else (None, None)
    if not query and slack_user_id is None:
        return None, None
    found = privacy.teachers_visible_to(
        session, viewer=viewer, query=query if slack_user_id is None else "", slack_user_id=slack_user_id,
        limit=2,
    )  # fmt: skip
    if len(found) == 1:
        return found[0], None
    what = "that person" if slack_user_id else f"“{query}”"
    if not found:
        return None, f"No teacher at the schools you lead matches {what}; search for them below."
    return None, f"More than one teacher matches {what}; choose below."


def _framework_for(
    session: Session, *, school_id: int | None, now: datetime, create: bool = True
) -> Framework:
    district_id = None
    if school_id is not None:
        school = session.get(School, school_id)
        district_id = school.district_id if school else None
    framework = current_framework(session, district_id=district_id)
    if framework is None and create:
        framework = ensure_default_framework(session, now=now)
    return framework  # type: ignore[return-value]


def _form_choices(session: Session, framework: Framework) -> tuple[FormChoice, ...]:
    forms = active_forms(session, framework_id=framework.id or 0)
    return tuple(FormChoice(form_id=f.id or 0, name=f.name, focus=f.focus) for f in forms)


def _choose_form(forms: tuple[FormChoice, ...], form_id: int | None) -> FormChoice | None:
    return next((f for f in forms if f.form_id == form_id), None)


def _with_form(
    session: Session,
    context: ModalContext,
    form: FormChoice,
    *,
    classes: tuple[ClassChoice, ...],
    selected: ClassChoice | None,
) -> ModalContext:
    return replace(
        context,
        selected_form=form,
        look_fors=_look_for_choices(session, form.form_id),
        classes=classes,
        selected_class=selected,
    )


def _look_for_choices(
    session: Session, form_id: int, *, rated_in: int | None = None
) -> tuple[LookForChoice, ...]:
    """The form's look-fors, in its order; for an edit (`rated_in`), also those rated then and retired since."""
    if rated_in is not None:
        look_fors = _look_fors_rated_or_on(session, form_id, rated_in)
        areas = {
            area.id: area.name
            for area in session.exec(
                select(FrameworkArea).where(
                    col(FrameworkArea.id).in_(sorted({lf.area_id for lf in look_fors}))
                )
            ).all()
        }
        named = [(lf, areas.get(lf.area_id, "")) for lf in look_fors]
    else:
        named = list(
            session.exec(
                select(LookFor, FrameworkArea.name)
                .join(FormLookFor, col(FormLookFor.look_for_id) == LookFor.id)
                .join(FrameworkArea, col(FrameworkArea.id) == LookFor.area_id)
                .where(FormLookFor.form_id == form_id, col(LookFor.retired).is_(False))
                .order_by(col(FormLookFor.position))
            ).all()
        )
    return tuple(LookForChoice(look_for_id=lf.id or 0, text=lf.text, area=area) for lf, area in named)


def _class_choices(
    session: Session,
    *,
    teacher: TeacherAtSchool | None,
    now: datetime,
    class_id: int | None,
    period: str | None,
) -> tuple[tuple[ClassChoice, ...], ClassChoice | None]:
    """The teacher's classes at that school, one choice per period, and the one to preselect.

    Preselected: the class asked for, else the one meeting now by the school's bell schedule.
    """
    if teacher is None:
        return (), None
    classes = session.exec(
        select(SchoolClass)
        .join(ClassTeacher, col(ClassTeacher.class_id) == SchoolClass.id)
        .where(
            ClassTeacher.person_id == teacher.teacher_id,
            SchoolClass.school_id == teacher.school_id,
            col(SchoolClass.active).is_(True),
        )
    ).all()
    school = session.get(School, teacher.school_id)
    assert school is not None
    bells = _bells(session, school.id or 0)
    order = {p.period: i for i, p in enumerate(b for b in bells if b.day_type == "regular")}
    choices = sorted(
        (
            ClassChoice(class_id=c.id or 0, period=p, title=c.title, room=c.room)
            for c in classes
            for p in (c.periods or [None])
        ),
        key=lambda c: (order.get(c.period or "", len(order)), c.period or "", c.title, c.class_id),
    )
    wanted = next(
        (c for c in choices if c.class_id == class_id and (period is None or c.period == period)), None
    )
    if wanted is None and class_id is None:
        now_period = period or period_now(session, school=school, now=now, bells=bells)
        wanted = next((c for c in choices if now_period is not None and c.period == now_period), None)
    return tuple(choices), wanted


def period_now(
    session: Session, *, school: School, now: datetime, bells: list[BellPeriod] | None = None
) -> str | None:
    """The period under way at the school now (or the one that ended last today), by its bell schedule."""
    local = _local(now, school)
    day_type = _day_type(session, school.id or 0, local.date())
    if day_type is None:
        return None
    periods = [
        p for p in (bells if bells is not None else _bells(session, school.id or 0)) if p.day_type == day_type
    ]
    moment = local.time()
    started = [p for p in periods if p.start <= moment]
    current = next((p for p in started if moment < p.end), None)
    if current is not None:
        return current.period
    latest = max(started, key=lambda p: p.start, default=None)
    return latest.period if latest is not None else None


def _day_type(session: Session, school_id: int, day: date) -> str | None:
    exception = session.exec(
        select(CalendarDay).where(CalendarDay.school_id == school_id, CalendarDay.day == day)
    ).first()
    if exception is not None:
        return None if exception.day_type == "none" else exception.day_type
    return "regular" if day.weekday() < 5 else None


def _bells(session: Session, school_id: int) -> list[BellPeriod]:
    """Every bell period of the school, all kinds of day, earliest first."""
    return list(
        session.exec(
            select(BellPeriod).where(BellPeriod.school_id == school_id).order_by(col(BellPeriod.start))
        ).all()
    )


# ── rows to views ────────────────────────────────────────────────────────────────────────────────────


def _write_ratings(session: Session, walkthrough_id: int, ratings: Mapping[int, RatingLevel]) -> None:
    session.add_all(
        WalkthroughRating(
            walkthrough_id=walkthrough_id, look_for_id=lf, value=level.value, observed=level.observed
        )
        for lf, level in ratings.items()
    )


def _ratings_of(session: Session, walkthrough_id: int) -> dict[int, int]:
    rows = session.exec(
        select(WalkthroughRating).where(WalkthroughRating.walkthrough_id == walkthrough_id)
    ).all()
    return {row.look_for_id: row.value for row in rows}


def _teacher_slack_id(session: Session, walkthrough: Walkthrough) -> str | None:
    teacher = session.get(Person, walkthrough.teacher_id)
    return teacher.slack_user_id if teacher and teacher.active else None


def _school(session: Session, walkthrough: Walkthrough) -> School:
    school = session.get(School, walkthrough.school_id)
    assert school is not None
    return school


def _local(moment: datetime, school: School) -> datetime:
    return moment.astimezone(ZoneInfo(school.timezone))


def _view(
    session: Session, walkthrough: Walkthrough, *, pending: Mapping[int, RatingLevel] | None = None
) -> WalkthroughView:
    """The walkthrough as people read it; `pending`: its ratings, for one not written yet."""
    school = _school(session, walkthrough)
    observer = session.get(Person, walkthrough.observer_id)
    teacher = session.get(Person, walkthrough.teacher_id)
    second = session.get(Person, walkthrough.second_observer_id) if walkthrough.second_observer_id else None
    form = session.get(Form, walkthrough.form_id)
    framework = session.get(Framework, walkthrough.framework_id)
    assert observer is not None and teacher is not None and form is not None and framework is not None
    school_class = session.get(SchoolClass, walkthrough.class_id) if walkthrough.class_id else None
    class_label = None
    if school_class is not None:
        class_label = ClassChoice(
            class_id=school_class.id or 0,
            period=walkthrough.period,
            title=school_class.title,
            room=school_class.room,
        ).label
    labels = {level.value: level for level in rating_scale(framework)}
    if pending is None:
        rows = session.exec(
            select(WalkthroughRating, LookFor, FrameworkArea)
            .join(LookFor, col(LookFor.id) == WalkthroughRating.look_for_id)
            .join(FrameworkArea, col(FrameworkArea.id) == LookFor.area_id)
            .where(WalkthroughRating.walkthrough_id == walkthrough.id)
            .order_by(col(FrameworkArea.position), col(LookFor.position))
        ).all()
        rated = [(rating.value, rating.observed, look_for, area) for rating, look_for, area in rows]
    else:
        rows = session.exec(
            select(LookFor, FrameworkArea)
            .join(FrameworkArea, col(FrameworkArea.id) == LookFor.area_id)
            .where(col(LookFor.id).in_(sorted(pending)))
            .order_by(col(FrameworkArea.position), col(LookFor.position))
        ).all()
        rated = [(pending[lf.id or 0].value, pending[lf.id or 0].observed, lf, area) for lf, area in rows]
    ratings = tuple(
        RatedLookFor(
            area=area.name,
            text=look_for.text,
            label=labels[value].label if value in labels else str(value),
            observed=observed,
        )
        for value, observed, look_for, area in rated
    )
    fresh = walkthrough.id is None
    reflections = (
        []
        if fresh
        else session.exec(
            select(Reflection)
            .where(Reflection.walkthrough_id == walkthrough.id)
            .order_by(col(Reflection.created_at))
        ).all()
    )
    conversation = (
        None
        if fresh
        else session.exec(select(Conversation).where(Conversation.walkthrough_id == walkthrough.id)).first()
    )
    return WalkthroughView(
        id=walkthrough.id or 0,
        revision=walkthrough.revision,
        school_name=school.name,
        observer_id=observer.id or 0,
        observer_name=observer.name,
        observer_slack_id=observer.slack_user_id,
        teacher_id=teacher.id or 0,
        teacher_name=teacher.name,
        teacher_given_name=teacher.given_name,
        teacher_slack_id=teacher.slack_user_id if teacher.active else None,
        second_observer_name=second.name if second else None,
        second_observer_slack_id=second.slack_user_id if second else None,
        class_label=class_label,
        visited_at=_local(walkthrough.visited_at, school),
        form_name=form.name,
        ratings=ratings,
        evidence=walkthrough.evidence,
        strength=walkthrough.strength,
        next_step=walkthrough.next_step,
        planned_role=ConversationRole(walkthrough.planned_role),
        shared=walkthrough.shared_at is not None,
        share_requested=walkthrough.share_with_teacher,
        thanked=walkthrough.thanked_at is not None,
        talk_requested=walkthrough.talk_requested_at is not None,
        reflections=tuple(
            ReflectionView(text=r.text, written_at=_local(r.created_at, school)) for r in reflections
        ),
        conversation=ConversationView(held_on=conversation.held_on, role=ConversationRole(conversation.role))
        if conversation
        else None,
        created_at=walkthrough.created_at,
        paired_with_id=walkthrough.paired_with_id,
        planned_visit_key=walkthrough.planned_visit_key,
    )


__all__ = [
    "EDIT_WINDOW",
    "Answered",
    "ClassChoice",
    "Draft",
    "Field",
    "FormChoice",
    "InvalidWalkthrough",
    "Logged",
    "LookForChoice",
    "ModalContext",
    "NotAllowed",
    "Reflected",
    "TooLate",
    "WalkthroughEntry",
    "WalkthroughView",
]
