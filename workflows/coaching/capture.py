"""Logging coaching exactly once, and its author's edits.

A submission is checked field by field (`_check`) before anything is written. The teacher's copy is
marked shared when it can reach them (they are active and on Slack): a coaching note is always theirs
to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, insert
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from workflows import privacy
from workflows.coaching import access
from workflows.coaching.choices import (
    NEW_CYCLE,
    coaching_framework,
    look_for_options,
    need_options,
    open_cycles,
)
from workflows.coaching.errors import Field, InvalidEntry, NotAllowed, check_key
from workflows.coaching.modal import StepDraft
from workflows.coaching.models import (
    BASELINE_MAX,
    GOAL_MAX,
    MEASURE_MAX,
    MEASURE_VALUE_MAX,
    NOTE_MAX,
    STEP_MAX,
    ActionStep,
    CoachingCycle,
    CoachingEntry,
    CoachingKind,
    CycleStatus,
    EntryLookFor,
    NeedsTag,
)
from workflows.coaching.settings import coaching_settings
from workflows.coaching.views import EntryView, WrittenParts, entry_view
from workflows.privacy import Viewer
from workflows.roster.models import Person, School
from workflows.walkthroughs.views import local_time

MINUTES_MAX = 480
WEEKS_MAX = 40
CHECK_BACK_HORIZON = timedelta(days=183)
PAST_HORIZON = timedelta(days=366)


@dataclass(frozen=True)
class EntrySubmission:
    """What the coach submitted, parsed from the modal but not yet trusted."""

    teacher_id: int | None
    school_id: int | None
    held_on: date | None
    kind: str | None
    minutes: str | None
    cycle: str | None  # a cycle id, or NEW_CYCLE
    goal: str = ""
    measure: str = ""
    baseline: str = ""
    expected_weeks: str | None = None
    measure_value: str = ""
    look_for_ids: tuple[int, ...] = ()
    working: str = ""
    challenges: str = ""
    steps: tuple[StepDraft, ...] = ()
    needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Logged:
    """An entry after a submission; `changed` is False when a retry found the work already done."""

    entry: EntryView
    changed: bool
    revision: int
    new_cycle: bool = False


def log_entry(session: Session, *, viewer: Viewer, key: str, entry: EntrySubmission, now: datetime) -> Logged:
    """Store an entry once per `key`: Slack retries and double submits find the first and change nothing."""
    access.require_coach(viewer)
    existing = session.exec(_by_key_statement(), params={"key": key}).first()
    if existing is not None:
        if existing.coach_id != viewer.person_id:
            raise NotAllowed("that entry was logged by someone else")
        return Logged(entry=entry_view(session, existing), changed=False, revision=existing.revision)
    check_key(key, field=Field.WORKING)
    checked = _check(session, viewer=viewer, entry=entry, now=now, editing=None)
    cycle = checked.cycle
    if cycle is None:
        cycle = CoachingCycle(
            idempotency_key=key, school_id=checked.school_id, coach_id=viewer.person_id,
            teacher_id=checked.teacher_id, goal=entry.goal.strip(), measure=entry.measure.strip(),
            baseline=entry.baseline.strip(), started_on=checked.held_on, expected_weeks=checked.weeks,
            status=CycleStatus.ACTIVE, phases=list(checked.phases), phase_index=0,
            phase_started_on=checked.held_on, created_at=now, updated_at=now,
        )  # fmt: skip
    elif cycle.status == CycleStatus.PAUSED:  # coaching again resumes a paused cycle
        cycle.status, cycle.updated_at = CycleStatus.ACTIVE, now
    session.add(cycle)
    session.flush()
    row = CoachingEntry(
        idempotency_key=key, school_id=checked.school_id, coach_id=viewer.person_id,
        teacher_id=checked.teacher_id, cycle_id=cycle.id or 0, phase=cycle.phase, held_on=checked.held_on,
        kind=checked.kind, minutes=checked.minutes, working=entry.working.strip(),
        challenges=entry.challenges.strip(), measure_value=entry.measure_value.strip(), created_at=now,
        updated_at=now, shared_at=now if _reaches(session, checked.teacher_id) else None,
    )  # fmt: skip
    session.add(row)
    session.flush()
    written = _write_parts(session, row, checked, kept_done={})
    return Logged(
        entry=entry_view(session, row, written=written), changed=True, revision=row.revision,
        new_cycle=checked.cycle is None,
    )  # fmt: skip


def edit_entry(
    session: Session,
    *,
    viewer: Viewer,
    entry_id: int,
    base_revision: int,
    entry: EntrySubmission,
    now: datetime,
) -> Logged:
    """Apply an edit made from revision `base_revision`; a retry of an applied edit changes nothing.

    The teacher and the cycle are what the entry is about: an edit never changes them."""
    row = access.own(session, viewer, entry_id)
    if row.revision != base_revision:
        return Logged(entry=entry_view(session, row), changed=False, revision=row.revision)
    fixed = EntrySubmission(**{
        **entry.__dict__, "teacher_id": row.teacher_id, "school_id": row.school_id, "cycle": str(row.cycle_id)
    })  # fmt: skip
    checked = _check(session, viewer=viewer, entry=fixed, now=now, editing=row)
    row.held_on, row.kind, row.minutes = checked.held_on, checked.kind, checked.minutes
    row.working, row.challenges = entry.working.strip(), entry.challenges.strip()
    row.measure_value = entry.measure_value.strip()
    row.revision += 1
    row.updated_at = now
    if row.shared_at is None and _reaches(session, row.teacher_id):
        row.shared_at = now
    session.add(row)
    old_steps = session.exec(select(ActionStep).where(ActionStep.entry_id == entry_id)).all()
    kept_done = {(s.text, s.check_back_on): s.done_at for s in old_steps if s.done_at is not None}
    for old in (
        *old_steps,
        *session.exec(select(EntryLookFor).where(EntryLookFor.entry_id == entry_id)).all(),
        *session.exec(select(NeedsTag).where(NeedsTag.entry_id == entry_id)).all(),
    ):
        session.delete(old)
    session.flush()
    _write_parts(session, row, checked, kept_done=kept_done)
    return Logged(entry=entry_view(session, row), changed=True, revision=row.revision)


# ── checks ───────────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class _Checked:
    teacher_id: int
    school_id: int
    held_on: date
    kind: CoachingKind
    minutes: int
    cycle: CoachingCycle | None  # None: start one
    phases: tuple[str, ...]
    weeks: int
    look_for_ids: tuple[int, ...]
    steps: tuple[tuple[str, date], ...]
    needs: tuple[tuple[str, str], ...]


def _check(
    session: Session, *, viewer: Viewer, entry: EntrySubmission, now: datetime, editing: CoachingEntry | None
) -> _Checked:
    """Every rule a submission must pass, reported field by field. Forged payloads end here too."""
    errors: dict[str, str] = {}
    teacher_ok = (
        entry.teacher_id is not None
        and entry.school_id is not None
        and privacy.can_coach_teacher(
            session, viewer=viewer, teacher_id=entry.teacher_id, school_id=entry.school_id
        )
    )
    if entry.teacher_id is None:
        errors[Field.TEACHER] = "Choose the teacher you coached."
    elif not teacher_ok:
        errors[Field.TEACHER] = "You can log coaching only for teachers at the schools where you coach."
    school = session.get(School, entry.school_id) if teacher_ok and entry.school_id is not None else None
    today = local_time(now, school).date() if school is not None else now.date()

    if entry.held_on is None:
        errors[Field.HELD_ON] = "Choose the day of the coaching."
    elif entry.held_on > today:
        errors[Field.HELD_ON] = "Choose today or a day before: log coaching once it has happened."
    elif entry.held_on < today - PAST_HORIZON:
        errors[Field.HELD_ON] = "Choose a day in the last year."
    kind = _kind(entry.kind)
    if kind is None:
        errors[Field.KIND] = "Choose what kind of coaching this was."
    minutes = _number(entry.minutes)
    if minutes is None or not 1 <= minutes <= MINUTES_MAX:
        errors[Field.MINUTES] = f"How many minutes? A whole number from 1 to {MINUTES_MAX}."

    cycle, phases, weeks = _cycle(
        session, viewer=viewer, entry=entry, school=school, editing=editing, errors=errors
    )
    if len(entry.measure_value.strip()) > MEASURE_VALUE_MAX:
        errors[Field.MEASURE_VALUE] = f"Keep the measure under {MEASURE_VALUE_MAX} characters."

    framework = (
        coaching_framework(session, school_id=school.id if school else None, now=now) if school else None
    )
    look_fors: tuple[int, ...] = ()
    needs: tuple[tuple[str, str], ...] = ()
    if framework is not None and school is not None:
        offered = {o.look_for_id for o in look_for_options(session, framework)}
        offered_needs = {
            o.tag: o.label
            for o in need_options(session, framework, coaching_settings(session, school_id=school.id or 0))
        }
        if editing is not None:  # an edit keeps what it had, even if retired since
            offered |= set(
                session.exec(
                    select(EntryLookFor.look_for_id).where(EntryLookFor.entry_id == editing.id)
                ).all()
            )
            offered_needs |= {
                n.tag: n.label for n in session.exec(select(NeedsTag).where(NeedsTag.entry_id == editing.id))
            }
        if set(entry.look_for_ids) - offered:
            errors[Field.LOOK_FORS] = "Choose look-fors from the list."
        if set(entry.needs) - offered_needs.keys():
            errors[Field.NEEDS] = "Choose needs from the list."
        look_fors = tuple(dict.fromkeys(entry.look_for_ids))
        needs = tuple((tag, offered_needs[tag]) for tag in dict.fromkeys(entry.needs) if tag in offered_needs)

    for name, text in ((Field.WORKING, entry.working), (Field.CHALLENGES, entry.challenges)):
        if len(text.strip()) > NOTE_MAX:
            errors[name] = f"Keep this under {NOTE_MAX} characters."
    steps = _steps(entry, errors)
    if not (entry.working.strip() or entry.challenges.strip() or steps) and Field.WORKING not in errors:
        errors[Field.WORKING] = "Write what is working, a challenge, or a next step: the teacher reads this."

    if errors:
        raise InvalidEntry(errors)
    assert entry.held_on is not None and kind is not None and minutes is not None
    return _Checked(
        teacher_id=entry.teacher_id or 0, school_id=entry.school_id or 0, held_on=entry.held_on, kind=kind,
        minutes=minutes, cycle=cycle, phases=phases, weeks=weeks, look_for_ids=look_fors, steps=steps, needs=needs,
    )  # fmt: skip


def _cycle(
    session: Session,
    *,
    viewer: Viewer,
    entry: EntrySubmission,
    school: School | None,
    editing: CoachingEntry | None,
    errors: dict[str, str],
) -> tuple[CoachingCycle | None, tuple[str, ...], int]:
    """The cycle the entry belongs to, or (None, phases, weeks) for a new one: checked either way."""
    if school is None:
        return None, (), 0
    if editing is not None:
        return session.get(CoachingCycle, editing.cycle_id), (), 0
    cycles = open_cycles(
        session, coach_id=viewer.person_id, teacher_id=entry.teacher_id or 0, school_id=school.id or 0
    )
    if entry.cycle != NEW_CYCLE:
        chosen = next((c for c in cycles if str(c.id) == entry.cycle), None)
        if chosen is None:
            errors[Field.CYCLE] = "Choose one of this teacher's cycles with you, or start a new one."
        return chosen, (), 0
    active = next((c for c in cycles if c.status == CycleStatus.ACTIVE), None)
    if active is not None:
        errors[Field.CYCLE] = (
            "This teacher already has an active cycle with you: log this in it, or complete it from "
            "your Home tab before starting another."
        )
    goal, measure = entry.goal.strip(), entry.measure.strip()
    if not goal:
        errors[Field.GOAL] = "State the goal in terms of what students will do or learn."
    elif len(goal) > GOAL_MAX:
        errors[Field.GOAL] = f"Keep the goal under {GOAL_MAX} characters."
    if not measure:
        errors[Field.MEASURE] = "Say how you'll know: what you will measure, and how."
    elif len(measure) > MEASURE_MAX:
        errors[Field.MEASURE] = f"Keep this under {MEASURE_MAX} characters."
    if len(entry.baseline.strip()) > BASELINE_MAX:
        errors[Field.BASELINE] = f"Keep the baseline under {BASELINE_MAX} characters."
    weeks = _number(entry.expected_weeks)
    if weeks is None or not 1 <= weeks <= WEEKS_MAX:
        errors[Field.WEEKS] = f"The expected length in weeks: a whole number from 1 to {WEEKS_MAX}."
    return None, coaching_settings(session, school_id=school.id or 0).phases, weeks or 0


def _steps(entry: EntrySubmission, errors: dict[str, str]) -> tuple[tuple[str, date], ...]:
    steps = []
    for position, step in enumerate(entry.steps, start=1):
        text = step.text.strip()
        if not text and step.check_back_on is None:
            continue
        if not text:
            errors[Field.step_text(position)] = "Write the step, or clear its check-back date."
        elif len(text) > STEP_MAX:
            errors[Field.step_text(position)] = f"Keep a step under {STEP_MAX} characters."
        if step.check_back_on is None:
            errors[Field.step_date(position)] = "When will you check back on this step?"
        elif entry.held_on is not None and step.check_back_on < entry.held_on:
            errors[Field.step_date(position)] = "Check back on or after the day of the coaching."
        elif entry.held_on is not None and step.check_back_on > entry.held_on + CHECK_BACK_HORIZON:
            errors[Field.step_date(position)] = "Choose a check-back date within six months."
        if text and step.check_back_on is not None:
            steps.append((text, step.check_back_on))
    return tuple(steps)


def _write_parts(
    session: Session, row: CoachingEntry, checked: _Checked, *, kept_done: dict[tuple[str, date], datetime]
) -> WrittenParts:
    entry_id = row.id or 0
    steps = tuple(
        ActionStep(
            entry_id=entry_id,
            cycle_id=row.cycle_id,
            position=position,
            text=text,
            check_back_on=on,
            done_at=kept_done.get((text, on)),
        )
        for position, (text, on) in enumerate(checked.steps, start=1)
    )
    if checked.look_for_ids:  # one INSERT each, without an object per row: nothing reads them back here
        look_fors = [{"entry_id": entry_id, "look_for_id": lf} for lf in checked.look_for_ids]
        session.execute(insert(EntryLookFor), look_fors)
    if checked.needs:
        session.execute(
            insert(NeedsTag), [{"entry_id": entry_id, "tag": tag, "label": label} for tag, label in checked.needs]
        )
    session.add_all(steps)
    session.flush()
    return WrittenParts(
        look_for_ids=tuple(checked.look_for_ids), steps=steps, needs=tuple(label for _, label in checked.needs)
    )


@cache
def _by_key_statement() -> SelectOfScalar[CoachingEntry]:
    """The entry stored under a submission's idempotency key; built once (see `workflows.db`)."""
    return select(CoachingEntry).where(CoachingEntry.idempotency_key == bindparam("key"))


def _kind(value: str | None) -> CoachingKind | None:
    try:
        return CoachingKind(value) if value else None
    except ValueError:
        return None


def _number(text: str | None) -> int | None:
    try:
        return int(str(text).strip()) if text is not None and str(text).strip() else None
    except ValueError:
        return None


def _reaches(session: Session, teacher_id: int) -> bool:
    teacher = session.get(Person, teacher_id)
    return bool(teacher and teacher.active and teacher.slack_user_id)
