"""Loading coaching for what someone wants to do with it, or refusing with `NotAllowed`.

Who may read, edit or answer is decided in `workflows.privacy`; an unknown id reads the same as a
forbidden one, so a forged request learns nothing.
"""

from __future__ import annotations

from sqlmodel import Session

from workflows import privacy
from workflows.coaching.errors import NotAllowed
from workflows.coaching.models import ActionStep, CoachingCycle, CoachingEntry
from workflows.privacy import Viewer


def require_coach(viewer: Viewer) -> None:
    if not privacy.can_log_coaching(viewer):
        raise NotAllowed("coaching is logged by coaches")


def readable(session: Session, viewer: Viewer, entry_id: int) -> CoachingEntry:
    entry = session.get(CoachingEntry, entry_id)
    if entry is None or not privacy.can_read_coaching_note(
        viewer, coach_id=entry.coach_id, teacher_id=entry.teacher_id
    ):
        raise NotAllowed("no such coaching note for this person")
    return entry


def own(session: Session, viewer: Viewer, entry_id: int) -> CoachingEntry:
    """The entry, if the viewer wrote it (and so may change it)."""
    entry = readable(session, viewer, entry_id)
    if not privacy.can_edit_coaching_note(viewer, coach_id=entry.coach_id):
        raise NotAllowed("only the coach who wrote a note changes it")
    return entry


def answerable(session: Session, viewer: Viewer, entry_id: int) -> CoachingEntry:
    """The entry, if the viewer is the teacher it is about."""
    entry = readable(session, viewer, entry_id)
    if not privacy.can_answer_coaching_note(viewer, teacher_id=entry.teacher_id):
        raise NotAllowed("only the teacher answers a coaching note")
    return entry


def cycle_readable(session: Session, viewer: Viewer, cycle_id: int) -> CoachingCycle:
    cycle = session.get(CoachingCycle, cycle_id)
    if cycle is None or not privacy.can_read_coaching_note(
        viewer, coach_id=cycle.coach_id, teacher_id=cycle.teacher_id
    ):
        raise NotAllowed("no such coaching cycle for this person")
    return cycle


def own_cycle(session: Session, viewer: Viewer, cycle_id: int) -> CoachingCycle:
    """The cycle, if the viewer is its coach: a cycle's phase and status are the coach's to move."""
    cycle = cycle_readable(session, viewer, cycle_id)
    if not privacy.can_edit_coaching_note(viewer, coach_id=cycle.coach_id):
        raise NotAllowed("only the coach moves a cycle on")
    return cycle


def step_of(session: Session, viewer: Viewer, step_id: int) -> tuple[ActionStep, CoachingEntry]:
    """An action step and its entry, for the coach or the teacher (either may mark it done)."""
    step = session.get(ActionStep, step_id)
    if step is None:
        raise NotAllowed("no such action step for this person")
    return step, readable(session, viewer, step.entry_id)
