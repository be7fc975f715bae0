"""What the walkthrough modal lets a leader choose: the teacher's classes, the forms and their look-fors.

The class preselected is the one meeting now by the school's bell schedule, so a leader standing in a
classroom rarely has to pick it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, case
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from workflows.frameworks.models import FormLookFor, FrameworkArea, LookFor
from workflows.frameworks.service import ensure_default_framework, form_look_fors
from workflows.privacy import TeacherAtSchool
from workflows.reference.cache import FrameworkVersion, SchoolCalendar, reference_of
from workflows.roster.models import ClassTeacher, SchoolClass
from workflows.walkthroughs.models import ConversationRole, Walkthrough, WalkthroughRating
from workflows.walkthroughs.views import class_label, local_time


@dataclass(frozen=True)
class ClassChoice:
    class_id: int
    period: str | None
    title: str
    room: str | None

    @property
    def label(self) -> str:
        return class_label(self.title, self.period, self.room)


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


def framework_for(
    session: Session, *, school_id: int | None, now: datetime, create: bool = True
) -> FrameworkVersion:
    """The framework the school's district uses now; the default one is created on first need."""
    reference = reference_of(session)
    district_id = None
    if school_id is not None:
        school = reference.school(school_id)
        district_id = school.district_id if school else None
    framework = reference.current_framework(district_id)
    if framework is None and create:
        created = ensure_default_framework(session, now=now)
        framework = reference_of(session).framework(created.id or 0)
    return framework  # type: ignore[return-value]


def form_choices(framework: FrameworkVersion) -> tuple[FormChoice, ...]:
    """The forms a leader can choose from, in the framework's order."""
    return tuple(FormChoice(form_id=f.id, name=f.name, focus=f.focus) for f in framework.active_forms)


def look_for_choices(
    session: Session,
    form_id: int,
    *,
    rated_in: int | None = None,
    framework: FrameworkVersion | None = None,
) -> tuple[LookForChoice, ...]:
    """The form's look-fors, in its order; for an edit (`rated_in`), also those rated then and retired since.

    With the `framework` the form belongs to, read from the reference data held in memory."""
    if rated_in is None and framework is not None and framework.form(form_id) is not None:
        return tuple(
            LookForChoice(look_for_id=lf.id, text=lf.text, area=lf.area) for lf in framework.look_fors_on(form_id)
        )
    if rated_in is not None:
        look_fors = look_fors_rated_or_on(session, form_id, rated_in)
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


def look_fors_rated_or_on(session: Session, form_id: int, walkthrough_id: int) -> list[LookFor]:
    """An edit keeps every look-for it rated, even one retired from the form since."""
    on_form = form_look_fors(session, form_id=form_id)
    rated_ids = set(ratings_of(session, walkthrough_id))
    extra = [
        lf
        for lf in session.exec(select(LookFor).where(col(LookFor.id).in_(sorted(rated_ids)))).all()
        if lf not in on_form
    ]
    return on_form + extra


def ratings_of(session: Session, walkthrough_id: int) -> dict[int, int]:
    """look-for id → level value, as the walkthrough was rated."""
    rows = session.exec(
        select(WalkthroughRating).where(WalkthroughRating.walkthrough_id == walkthrough_id)
    ).all()
    return {row.look_for_id: row.value for row in rows}


def class_choices(
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
        _classes_statement(), params={"teacher_id": teacher.teacher_id, "school_id": teacher.school_id}
    ).all()
    school = reference_of(session).school(teacher.school_id)
    assert school is not None
    order = {p.period: i for i, p in enumerate(b for b in school.bells if b.day_type == "regular")}
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
        now_period = period or period_now(school=school, now=now)
        wanted = next((c for c in choices if now_period is not None and c.period == now_period), None)
    return tuple(choices), wanted


@cache
def _classes_statement() -> SelectOfScalar[SchoolClass]:
    """A teacher's active classes at one school; built once (see `workflows.db`)."""
    return (
        select(SchoolClass)
        .join(ClassTeacher, col(ClassTeacher.class_id) == SchoolClass.id)
        .where(
            ClassTeacher.person_id == bindparam("teacher_id"),
            SchoolClass.school_id == bindparam("school_id"),
            col(SchoolClass.active).is_(True),
        )
    )


def period_now(*, school: SchoolCalendar, now: datetime) -> str | None:
    """The period under way at the school now (or the one that ended last today), by its bell schedule."""
    local = local_time(now, school)
    day_type = school.day_type(local.date())
    if day_type is None:
        return None
    periods = [p for p in school.bells if p.day_type == day_type]
    moment = local.time()
    started = [p for p in periods if p.start <= moment]
    current = next((p for p in started if moment < p.end), None)
    if current is not None:
        return current.period
    latest = max(started, key=lambda p: p.start, default=None)
    return latest.period if latest is not None else None


def usual_role(session: Session, *, observer_id: int, teacher_id: int | None) -> ConversationRole:
    """The conversation role to preset: the one the leader planned last time with this teacher, else their
    last one with anyone, else reflective (the coach's stance, the roadmap's usual start)."""
    statement = _last_role_statement(this_teacher_first=teacher_id is not None)
    last = session.exec(statement, params={"observer_id": observer_id, "teacher_id": teacher_id}).first()
    return ConversationRole(last) if last is not None else ConversationRole.REFLECTIVE


@cache
def _last_role_statement(*, this_teacher_first: bool) -> SelectOfScalar[str]:
    """The observer's latest planned role (with one teacher's first, in one query); built once."""
    latest = [col(Walkthrough.visited_at).desc(), col(Walkthrough.id).desc()]
    if this_teacher_first:
        latest.insert(0, case((col(Walkthrough.teacher_id) == bindparam("teacher_id"), 0), else_=1))
    mine = select(Walkthrough.planned_role).where(Walkthrough.observer_id == bindparam("observer_id"))
    return mine.order_by(*latest).limit(1)
