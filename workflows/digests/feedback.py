"""Team members' feedback on the walkthrough form (practice 8: teams have a voice in refining it).

Saved per member, team and look-for (saying it again changes the note, never adds a second voice);
leaders see it counted by member, never who said it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from workflows import privacy
from workflows.coaching.reflections import week_of
from workflows.db import insert_once
from workflows.digests.models import FEEDBACK_NOTE_MAX, FeedbackKind, FormFeedback
from workflows.frameworks.models import FrameworkArea, LookFor
from workflows.frameworks.service import current_framework
from workflows.refusals import Refusal
from workflows.roster.models import School, Team, TeamMember
from workflows.walkthroughs.views import local_time

MISSING = "-"  # the modal's "a look-for the form is missing"


class FeedbackRefused(Refusal):
    """Not the viewer's team, or a look-for that is not on the school's form."""


class InvalidFeedback(Refusal):
    """Field-by-field problems with what was submitted; keys: look_for, kind, note."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class FeedbackForm:
    team_id: int
    team_name: str
    look_fors: tuple[tuple[str, str, str], ...]  # (key, area name, text), in the framework's order


@dataclass(frozen=True)
class FeedbackLine:
    look_for: str  # the look-for's words, or "A look-for the form is missing"
    kind: FeedbackKind
    members: int


@dataclass(frozen=True)
class FeedbackCounts:
    school_id: int
    since: date
    lines: tuple[FeedbackLine, ...]


def _team_of(session: Session, *, viewer: privacy.Viewer, team_id: int) -> Team:
    team = session.get(Team, team_id)
    members = (
        set(session.exec(select(TeamMember.person_id).where(TeamMember.team_id == team_id)).all()) if team else set()
    )
    if team is None or team.workspace != viewer.workspace or not privacy.can_give_form_feedback(viewer, members):
        raise FeedbackRefused("Only the team's members give feedback on the form from its digest.")
    return team


def _look_fors(session: Session, *, school_id: int) -> tuple[tuple[str, str, str], ...]:
    school = session.get(School, school_id)
    framework = current_framework(session, district_id=school.district_id if school else None)
    if framework is None:
        return ()
    rows = session.exec(
        select(LookFor.key, FrameworkArea.name, LookFor.text)
        .join(FrameworkArea, col(FrameworkArea.id) == LookFor.area_id)
        .where(LookFor.framework_id == framework.id)
        .order_by(col(FrameworkArea.position), col(LookFor.position))
    ).all()
    return tuple((key, area, text) for key, area, text in rows)


def feedback_form(session: Session, *, viewer: privacy.Viewer, team_id: int) -> FeedbackForm:
    team = _team_of(session, viewer=viewer, team_id=team_id)
    return FeedbackForm(team.id or 0, team.name, _look_fors(session, school_id=team.school_id))


def save_feedback(
    session: Session, *, viewer: privacy.Viewer, team_id: int, look_for: str | None, kind: str | None, note: str,
    now: datetime,
) -> FormFeedback:  # fmt: skip
    """Save one member's word on one look-for, once: a second time updates the note. It counts for the
    week it is on the school's own clock."""
    team = _team_of(session, viewer=viewer, team_id=team_id)
    school = session.get(School, team.school_id)
    today = local_time(now, school).date() if school is not None else now.date()
    errors: dict[str, str] = {}
    keys = {key for key, _, _ in _look_fors(session, school_id=team.school_id)}
    if look_for != MISSING and look_for not in keys:
        errors["look_for"] = "Choose a look-for on the form, or “A look-for the form is missing”."
    try:
        chosen = FeedbackKind(kind or "")
    except ValueError:
        errors["kind"] = "Say whether it is unclear, missing or ready to retire."
        chosen = FeedbackKind.UNCLEAR
    note = (note or "").strip()
    if len(note) > FEEDBACK_NOTE_MAX:
        errors["note"] = f"Keep the note to {FEEDBACK_NOTE_MAX} characters."
    if look_for == MISSING and not note:
        errors["note"] = "Say which look-for is missing."
    if errors:
        raise InvalidFeedback(errors)
    key = "" if look_for == MISSING else str(look_for)
    values = {"team_id": team.id, "person_id": viewer.person_id, "look_for_key": key, "kind": chosen.value}
    fresh = insert_once(
        session, FormFeedback, unique=list(values), **values, school_id=team.school_id, note=note,
        week_of=week_of(today), created_at=now, updated_at=now,
    )  # fmt: skip
    row = session.exec(
        select(FormFeedback).where(*(getattr(FormFeedback, k) == v for k, v in values.items()))
    ).one()
    if not fresh:
        row.note, row.updated_at, row.week_of = note, now, week_of(today)
        session.add(row)
        session.flush()
    return row


def form_feedback_counts(session: Session, *, school_id: int, since: date) -> FeedbackCounts:
    """What the school's teams said about the form since `since`: members per look-for and kind (SQL)."""
    members = func.count(func.distinct(FormFeedback.person_id))
    rows = session.exec(
        select(FormFeedback.look_for_key, FormFeedback.kind, members)
        .where(FormFeedback.school_id == school_id, col(FormFeedback.week_of) >= week_of(since))
        .group_by(FormFeedback.look_for_key, FormFeedback.kind)
    ).all()
    words = {key: text for key, _, text in _look_fors(session, school_id=school_id)}
    lines = [
        FeedbackLine(words.get(key, key) if key else "A look-for the form is missing", FeedbackKind(kind), int(n))
        for key, kind, n in rows
    ]
    lines.sort(key=lambda line: (-line.members, line.look_for, line.kind.value))
    return FeedbackCounts(school_id, since, tuple(lines))
