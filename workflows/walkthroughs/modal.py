"""What the walkthrough modal shows: a fresh visit, a paired visit, an edit, or the same modal rebuilt.

Every context is already filtered by what the leader may see (`workflows.privacy`); the Slack side only
renders it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlmodel import Session

from workflows import privacy
from workflows.frameworks.service import RatingLevel
from workflows.privacy import TeacherAtSchool, Viewer
from workflows.reference.cache import reference_of
from workflows.roster.models import Person
from workflows.walkthroughs import access
from workflows.walkthroughs.choices import (
    ClassChoice,
    FormChoice,
    LookForChoice,
    class_choices,
    form_choices,
    framework_for,
    look_for_choices,
    ratings_of,
    usual_role,
)
from workflows.walkthroughs.models import ConversationRole


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
    """A fresh modal: the teacher named (if exactly one matches), the class meeting now, the first form, and
    the conversation role the leader usually plans with this teacher (`usual_role`)."""
    access.require_leader(viewer)
    teacher, note = _pick_teacher(
        session, viewer=viewer, query=query, slack_user_id=slack_user_id, teacher_id=teacher_id,
        school_id=school_id,
    )  # fmt: skip
    framework = framework_for(session, school_id=teacher.school_id if teacher else None, now=now)
    forms = form_choices(framework)
    selected_form = _choose_form(forms, form_id) or forms[0]
    classes, selected = class_choices(session, teacher=teacher, now=now, class_id=class_id, period=period)
    draft = draft or Draft()
    if draft.role is None:
        usual = usual_role(
            session, observer_id=viewer.person_id, teacher_id=teacher.teacher_id if teacher else None
        )
        draft = replace(draft, role=usual)
    return ModalContext(
        teacher=teacher,
        teacher_note=note,
        classes=classes,
        selected_class=selected,
        forms=forms,
        selected_form=selected_form,
        look_fors=look_for_choices(session, selected_form.form_id, framework=framework),
        scale=framework.scale,
        draft=draft,
        planned_visit_key=planned_visit_key,
        paired_with_id=paired_with_id,
    )


def start_paired_walkthrough(
    session: Session, *, viewer: Viewer, walkthrough_id: int, now: datetime
) -> ModalContext:
    """The second observer's modal: same teacher, class, period and form, their own ratings to give."""
    partner = access.paired_partner(session, viewer, walkthrough_id)
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
    walkthrough = access.editable(session, viewer, walkthrough_id, now)
    found = privacy.teachers_visible_to(
        session, viewer=viewer, teacher_id=walkthrough.teacher_id, school_id=walkthrough.school_id
    )
    teacher = found[0] if found else None
    reference = reference_of(session)
    framework = reference.framework(walkthrough.framework_id)
    assert framework is not None
    form = framework.form(walkthrough.form_id)
    assert form is not None
    forms = form_choices(framework)
    own = FormChoice(form_id=form.id, name=form.name, focus=form.focus)
    if own not in forms:  # retired since: the edit keeps the form it was logged on
        forms = (own, *forms)
    classes, selected = class_choices(
        session, teacher=teacher, now=now, class_id=walkthrough.class_id, period=walkthrough.period
    )
    second = session.get(Person, walkthrough.second_observer_id) if walkthrough.second_observer_id else None
    return ModalContext(
        teacher=teacher,
        teacher_note=None,
        classes=classes,
        selected_class=selected,
        forms=forms,
        selected_form=own,
        look_fors=look_for_choices(session, own.form_id, rated_in=walkthrough.id),
        scale=framework.scale,
        draft=Draft(
            evidence=walkthrough.evidence,
            strength=walkthrough.strength,
            next_step=walkthrough.next_step,
            role=ConversationRole(walkthrough.planned_role),
            ratings=ratings_of(session, walkthrough.id or 0),
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
        classes, selected = class_choices(
            session, teacher=edit.teacher, now=now, class_id=class_id, period=period
        )
        return replace(
            edit,
            selected_form=form,
            look_fors=look_for_choices(session, form.form_id),
            classes=classes,
            selected_class=selected,
        )
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


def _pick_teacher(
    session: Session,
    *,
    viewer: Viewer,
    query: str,
    slack_user_id: str | None,
    teacher_id: int | None,
    school_id: int | None,
) -> tuple[TeacherAtSchool | None, str | None]:
    """The teacher asked for, if exactly one matches, else a note that says why the field is empty."""
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


def _choose_form(forms: tuple[FormChoice, ...], form_id: int | None) -> FormChoice | None:
    return next((f for f in forms if f.form_id == form_id), None)
