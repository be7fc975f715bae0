"""Logging a visit exactly once, and editing it within the day.

A submission is checked field by field (`_check`) before anything is written; the teacher's copy is marked
shared only when it can reach them (they are active and on Slack).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from workflows import privacy
from workflows.frameworks.models import LookFor
from workflows.frameworks.service import RatingLevel
from workflows.privacy import Viewer
from workflows.reference.cache import FormRef, FrameworkVersion, LookForRef, reference_of
from workflows.roster.models import ClassTeacher, Person, SchoolClass
from workflows.walkthroughs import access
from workflows.walkthroughs.choices import framework_for, look_fors_rated_or_on
from workflows.walkthroughs.errors import EditedMeanwhile, Field, InvalidWalkthrough, NotAllowed, check_key
from workflows.walkthroughs.models import (
    EVIDENCE_MAX,
    NOTE_MAX,
    ConversationRole,
    Walkthrough,
    WalkthroughRating,
)
from workflows.walkthroughs.views import WalkthroughView, local_time, view_of


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
    paired_with_id: int | None = None
    doubled: frozenset[int] = frozenset()  # look-fors given more than one level


@dataclass(frozen=True)
class Logged:
    """A walkthrough after a submission; `changed` is False when a retry found the work already done."""

    walkthrough: WalkthroughView
    changed: bool
    revision: int


@dataclass(frozen=True)
class Prepared:
    """A new walkthrough checked and shown as it will read, not written yet: everything is read before
    the write, so the write transaction (on SQLite, the write lock) lasts only for its INSERTs."""

    row: Walkthrough
    ratings: dict[int, RatingLevel]
    preview: WalkthroughView  # its id is not known before the INSERT: 0


def log_walkthrough(
    session: Session, *, viewer: Viewer, key: str, entry: WalkthroughEntry, now: datetime
) -> Logged:
    """Store a visit once per `key`: Slack retries and double submits find the first one and change nothing."""
    prepared = prepare_walkthrough(session, viewer=viewer, key=key, entry=entry, now=now)
    return prepared if isinstance(prepared, Logged) else write_walkthrough(session, prepared)


def prepare_walkthrough(
    session: Session, *, viewer: Viewer, key: str, entry: WalkthroughEntry, now: datetime
) -> Logged | Prepared:
    """Check a new visit and build it, reading all there is to read; `Logged` (unchanged) when this
    submission was stored already."""
    access.require_leader(viewer)
    existing = session.exec(_by_key_statement(), params={"key": key}).first()
    if existing is not None:
        if existing.observer_id != viewer.person_id:
            raise NotAllowed("that walkthrough was logged by someone else")
        return Logged(walkthrough=view_of(session, existing), changed=False, revision=existing.revision)
    check_key(key, field=Field.EVIDENCE)
    checked = _check(session, viewer=viewer, entry=entry, now=now, editing=None)
    school = reference_of(session).school(checked.school_id)
    assert school is not None
    walkthrough = Walkthrough(
        idempotency_key=key,
        school_id=checked.school_id,
        observer_id=viewer.person_id,
        teacher_id=checked.teacher_id,
        class_id=entry.class_id,
        period=entry.period,
        visited_at=now,
        visit_date=local_time(now, school).date(),
        framework_id=checked.framework_id,
        form_id=checked.form_id,
        evidence=entry.evidence.strip(),
        strength=entry.strength.strip(),
        next_step=entry.next_step.strip(),
        planned_role=checked.role,
        share_with_teacher=entry.share_with_teacher,
        second_observer_id=checked.second_observer_id,
        paired_with_id=checked.paired_with_id,
        created_at=now,
        updated_at=now,
    )
    if walkthrough.share_with_teacher and _reaches_teacher(session, walkthrough):
        walkthrough.shared_at = now
    preview = view_of(session, walkthrough, pending=checked.ratings)
    return Prepared(row=walkthrough, ratings=checked.ratings, preview=preview)


def write_walkthrough(session: Session, prepared: Prepared) -> Logged:
    """The INSERTs of a prepared walkthrough: its row (the id comes back with it), then its ratings."""
    walkthrough = prepared.row
    session.add(walkthrough)
    session.flush()
    _write_ratings(session, walkthrough.id or 0, prepared.ratings)
    return Logged(
        walkthrough=replace(prepared.preview, id=walkthrough.id or 0),
        changed=True,
        revision=walkthrough.revision,
    )


def edit_walkthrough(
    session: Session,
    *,
    viewer: Viewer,
    walkthrough_id: int,
    base_revision: int,
    key: str,
    entry: WalkthroughEntry,
    now: datetime,
) -> Logged:
    """Apply an edit made from revision `base_revision` in the modal `key`.

    A retry of an applied edit (the same modal) changes nothing. An edit from a revision that another
    edit has replaced meanwhile (a second modal opened from the same revision, or two submits at once) is
    refused (`EditedMeanwhile`), so neither overwrites the other. The revision is claimed by a conditional
    update before anything else is written.
    """
    walkthrough = access.own(session, viewer, walkthrough_id)
    if walkthrough.revision != base_revision:
        return _already_edited(session, walkthrough, key)
    access.require_in_edit_window(walkthrough, now)
    # The teacher and the pairing are what the walkthrough is about: an edit never changes them.
    fixed = replace(
        entry,
        teacher_id=walkthrough.teacher_id,
        school_id=walkthrough.school_id,
        paired_with_id=walkthrough.paired_with_id,
    )
    checked = _check(session, viewer=viewer, entry=fixed, now=now, editing=walkthrough)
    claimed = session.execute(
        update(Walkthrough)
        .where(col(Walkthrough.id) == walkthrough_id, col(Walkthrough.revision) == base_revision)
        .values(revision=base_revision + 1, edit_key=key)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(walkthrough)
        return _already_edited(session, walkthrough, key)
    session.refresh(walkthrough)
    walkthrough.class_id = entry.class_id
    walkthrough.period = entry.period
    walkthrough.framework_id = checked.framework_id
    walkthrough.form_id = checked.form_id
    walkthrough.evidence = entry.evidence.strip()
    walkthrough.strength = entry.strength.strip()
    walkthrough.next_step = entry.next_step.strip()
    walkthrough.planned_role = checked.role
    walkthrough.second_observer_id = checked.second_observer_id
    if walkthrough.shared_at is None and entry.share_with_teacher:  # sharing can't be taken back
        walkthrough.share_with_teacher = True
        if _reaches_teacher(session, walkthrough):
            walkthrough.shared_at = now
    walkthrough.updated_at = now
    session.add(walkthrough)
    for old in session.exec(
        select(WalkthroughRating).where(WalkthroughRating.walkthrough_id == walkthrough_id)
    ):
        session.delete(old)
    session.flush()
    _write_ratings(session, walkthrough_id, checked.ratings)
    return Logged(walkthrough=view_of(session, walkthrough), changed=True, revision=walkthrough.revision)


def _already_edited(session: Session, walkthrough: Walkthrough, key: str) -> Logged:
    """This modal's own edit, retried: nothing changes. Anyone else's: this one is refused."""
    if walkthrough.edit_key != key:
        raise EditedMeanwhile()
    return Logged(walkthrough=view_of(session, walkthrough), changed=False, revision=walkthrough.revision)


def conversation_role(value: str | None) -> ConversationRole | None:
    """The role chosen in a modal, or None when none (or a forged one) was sent."""
    try:
        return ConversationRole(value) if value else None
    except ValueError:
        return None


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
    ratings = _ratings(entry.ratings, look_fors, scale, errors, doubled=entry.doubled)

    if not entry.evidence.strip():
        errors[Field.EVIDENCE] = "Write down what you saw and heard: the teacher reads this first."
    elif len(entry.evidence.strip()) > EVIDENCE_MAX:
        errors[Field.EVIDENCE] = f"Keep the evidence under {EVIDENCE_MAX} characters."
    for name, text in ((Field.STRENGTH, entry.strength), (Field.NEXT_STEP, entry.next_step)):
        if len(text.strip()) > NOTE_MAX:
            errors[name] = f"Keep this under {NOTE_MAX} characters."
    role = conversation_role(entry.role)
    if role is None:
        errors[Field.ROLE] = "Choose the role you plan for the feedback conversation."

    second_id, problem = _second_observer(
        session, viewer=viewer, slack_user_id=entry.second_observer_slack_id,
        school_id=entry.school_id if teacher_ok else None,
    )  # fmt: skip
    if problem:
        errors[Field.SECOND_OBSERVER] = problem

    paired_id = editing.paired_with_id if editing is not None else None
    if entry.paired_with_id is not None and editing is None:
        partner = session.get(Walkthrough, entry.paired_with_id)
        if (
            partner is None
            or not privacy.can_log_paired_visit(viewer, partner)
            or partner.teacher_id != entry.teacher_id
        ):
            errors[Field.TEACHER] = "This paired visit doesn't match the one you were invited to."
        else:
            paired_id = partner.id

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


def _ratings(
    submitted: Mapping[int, int | None],
    look_fors: list[LookForRef] | list[LookFor],
    scale: list[RatingLevel],
    errors: dict[str, str],
    *,
    doubled: frozenset[int] = frozenset(),
) -> dict[int, RatingLevel]:
    """A level for every look-for on the form; one left empty counts as "not observed"."""
    by_value = {level.value: level for level in scale}
    not_observed = next((level for level in scale if not level.observed), None)
    ratings: dict[int, RatingLevel] = {}
    for look_for in look_fors:
        value = submitted.get(look_for.id or 0)
        if look_for.id in doubled:
            short = look_for.text if len(look_for.text) <= 60 else look_for.text[:59].rstrip() + "…"
            errors[Field.look_for(look_for.id or 0)] = f"Choose one level for “{short}”, not two."
        elif value is None:
            if not_observed is not None:
                ratings[look_for.id or 0] = not_observed
        elif value in by_value:
            ratings[look_for.id or 0] = by_value[value]
        else:
            errors[Field.look_for(look_for.id or 0)] = "Choose a level from the list."
    return ratings


def _second_observer(
    session: Session, *, viewer: Viewer, slack_user_id: str | None, school_id: int | None
) -> tuple[int | None, str | None]:
    """The second observer's person id, or what is wrong with them.

    `school_id` is None when the teacher was refused: then only naming yourself is worth reporting.
    """
    if not slack_user_id:
        return None, None
    second = session.exec(
        select(Person).where(
            Person.workspace == viewer.workspace, Person.slack_user_id == slack_user_id, Person.active
        )
    ).first()
    if second is not None and second.id == viewer.person_id:
        return None, "The second observer is someone other than you."
    if school_id is None:
        return None, None
    if second is None:
        return None, "The second observer must be a leader on the roster."
    if not privacy.leads_school(session, person_id=second.id or 0, school_id=school_id):
        return None, "The second observer must be a leader at this teacher's school."
    return second.id, None


def _form_for(
    session: Session, form_id: int | None, school_id: int | None, now: datetime, editing: Walkthrough | None
) -> tuple[FrameworkVersion | None, FormRef | None, list[LookForRef] | list[LookFor], list[RatingLevel]]:
    """The form if it may be used now: an active form of the current framework (or the edited one's own)."""
    reference = reference_of(session)
    if editing is not None and editing.form_id == form_id:
        framework = reference.framework(editing.framework_id)
        form = framework.form(form_id) if framework is not None else None
        if framework is None or form is None:
            return None, None, [], []
        look_fors = look_fors_rated_or_on(session, form.id, editing.id or 0)
        return framework, form, look_fors, list(framework.scale)
    current = framework_for(session, school_id=school_id, now=now, create=False)
    form = current.form(form_id) if current is not None and form_id is not None else None
    if current is None or form is None or form.retired:
        return None, None, [], []
    return current, form, list(current.look_fors_on(form.id)), list(current.scale)


def _teaches(session: Session, teacher_id: int, school_id: int, class_id: int, period: str | None) -> bool:
    params = {"class_id": class_id, "school_id": school_id, "teacher_id": teacher_id}
    school_class = session.exec(_taught_statement(), params=params).first()
    if school_class is None:
        return False
    return period in school_class.periods if school_class.periods else period is None


@cache
def _by_key_statement() -> SelectOfScalar[Walkthrough]:
    """The walkthrough stored under a submission's idempotency key; built once (see `workflows.db`)."""
    return select(Walkthrough).where(Walkthrough.idempotency_key == bindparam("key"))


@cache
def _taught_statement() -> SelectOfScalar[SchoolClass]:
    """A class of the school's that the teacher teaches; built once."""
    return (
        select(SchoolClass)
        .join(ClassTeacher, col(ClassTeacher.class_id) == SchoolClass.id)
        .where(
            SchoolClass.id == bindparam("class_id"),
            SchoolClass.school_id == bindparam("school_id"),
            ClassTeacher.person_id == bindparam("teacher_id"),
        )
    )


def _reaches_teacher(session: Session, walkthrough: Walkthrough) -> bool:
    """Evidence counts as shared only once it can reach the teacher: active, and on Slack."""
    teacher = session.get(Person, walkthrough.teacher_id)
    return bool(teacher and teacher.active and teacher.slack_user_id)


def _write_ratings(session: Session, walkthrough_id: int, ratings: Mapping[int, RatingLevel]) -> None:
    """One INSERT for all of them, without an object each: nothing reads them back in this session."""
    rows = [
        {"walkthrough_id": walkthrough_id, "look_for_id": lf, "value": level.value, "observed": level.observed}
        for lf, level in ratings.items()
    ]
    if rows:
        session.execute(insert(WalkthroughRating), rows)
