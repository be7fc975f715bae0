"""Roster service: apply an imported snapshot (idempotently, keyed on sourcedId) and link Slack users."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, delete, select

from workflows.reference.cache import bump_generation, generation_column
from workflows.roster.models import (
    BellPeriod,
    CalendarDay,
    Caseload,
    ClassTeacher,
    District,
    Person,
    School,
    SchoolClass,
    StaffRole,
    Team,
    TeamMember,
)
from workflows.roster.snapshot import Role, RosterSnapshot
from workflows.workspaces.models import DEFAULT_WORKSPACE

Row = TypeVar("Row", bound=SQLModel)


class SlackDirectory(Protocol):
    """Finds a Slack user by email. Implemented in bot/ with users.lookupByEmail."""

    def user_id_for_email(self, email: str) -> str | None: ...


@dataclass
class ImportSummary:
    """What an import did, per kind of record: created / updated / unchanged / deactivated."""

    counts: dict[str, Counter[str]] = field(default_factory=dict)
    skipped_students: int = 0

    def note(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += n

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] or c["deactivated"] for c in self.counts.values())


@dataclass(frozen=True)
class LinkSummary:
    matched: list[Person]
    unmatched: list[Person]


def apply_roster(
    session: Session, *, snapshot: RosterSnapshot, workspace: str = DEFAULT_WORKSPACE
) -> ImportSummary:
    """Write a snapshot into the roster of one workspace. Running it twice with the same snapshot changes
    nothing. SourcedIds are matched within the workspace only: two districts may reuse the same ids.

    The caller owns the transaction, so a failure anywhere leaves the database as it was. A bulk snapshot
    is the whole truth for what it names (roles, class teachers, team members, bell schedules and calendars
    of its schools are replaced); a delta only adds and updates.
    """
    summary = ImportSummary(skipped_students=snapshot.skipped_students)
    prune = not snapshot.is_delta
    upsert = partial(_upsert_all, session, workspace=workspace, summary=summary)
    districts = upsert(
        District,
        "districts",
        ((d.sourced_id, {"name": d.name}) for d in snapshot.districts),
    )
    schools = upsert(
        School,
        "schools",
        (
            (
                s.sourced_id,
                {
                    "name": s.name,
                    "timezone": s.timezone,
                    "district_id": districts[s.district_sourced_id].id if s.district_sourced_id else None,
                    **s.routine.given(),
                },
            )
            for s in snapshot.schools
        ),
    )
    people = upsert(
        Person,
        "staff",
        (
            (
                p.sourced_id,
                {
                    "given_name": p.given_name,
                    "family_name": p.family_name,
                    "email": _email(p.email),
                    **({"calendar_url": p.calendar_url} if p.calendar_url else {}),
                },
            )
            for p in snapshot.staff
        ),
    )
    for member in snapshot.staff:
        roles = {(schools[s].id, role) for s, role in member.roles}
        _replace_roles(session, summary, people[member.sourced_id].id, roles, prune=prune)
    classes = upsert(
        SchoolClass,
        "classes",
        (
            (
                c.sourced_id,
                {
                    "school_id": schools[c.school_sourced_id].id,
                    "title": c.title,
                    "course_title": c.course_title,
                    "subjects": list(c.subjects),
                    "grades": list(c.grades),
                    "periods": list(c.periods),
                    "room": c.room,
                },
            )
            for c in snapshot.classes
        ),
    )
    for record in snapshot.classes:
        teachers = {people[t].id for t in record.teacher_sourced_ids}
        _replace_members(
            session, ClassTeacher, "class_id", classes[record.sourced_id].id, teachers, prune=prune
        )
    teams = upsert(
        Team,
        "teams",
        (
            (
                t.sourced_id,
                {
                    "school_id": schools[t.school_sourced_id].id,
                    "name": t.name,
                    "slack_channel": t.slack_channel,
                    **_team_scope(snapshot, t.member_sourced_ids, t.school_sourced_id),
                },
            )
            for t in snapshot.teams
        ),
    )
    for record in snapshot.teams:
        members = {people[m].id for m in record.member_sourced_ids}
        _replace_members(session, TeamMember, "team_id", teams[record.sourced_id].id, members, prune=prune)
    _apply_caseloads(session, snapshot, schools, people, summary, prune=prune)
    _apply_bell_schedules(session, snapshot, schools, summary, prune=prune)
    _apply_calendars(session, snapshot, schools, summary, prune=prune)
    _deactivate(session, snapshot, summary, workspace=workspace)
    if summary.changed:  # schools, bell schedules and day types as every process holds them
        bump_generation(session)
    session.flush()
    return summary


def link_slack_users(
    session: Session, *, directory: SlackDirectory, workspace: str = DEFAULT_WORKSPACE
) -> LinkSummary:
    """Match a workspace's active staff without a Slack user to one by email. Unmatched people are listed,
    not fatal."""
    pending = session.exec(
        select(Person).where(
            Person.workspace == workspace,
            Person.active,
            col(Person.slack_user_id).is_(None),
            col(Person.email).is_not(None),
        )
    ).all()
    matched, unmatched = [], []
    for person in sorted(pending, key=lambda p: p.sourced_id):
        user_id = directory.user_id_for_email(person.email or "")
        if user_id is None:
            unmatched.append(person)
            continue
        person.slack_user_id = user_id
        session.add(person)
        matched.append(person)
    session.flush()
    return LinkSummary(matched=matched, unmatched=unmatched)


def _email(email: str | None) -> str | None:
    return email.strip().lower() if email and email.strip() else None


def _upsert_all(
    session: Session,
    model: type[Row],
    kind: str,
    records: Iterable[tuple[str, dict[str, Any]]],
    *,
    workspace: str,
    summary: ImportSummary,
) -> dict[str, Row]:
    """Insert or update a workspace's rows keyed on sourced_id; returns them all by sourced_id."""
    mine = select(model).where(model.workspace == workspace)  # type: ignore[attr-defined]
    existing: dict[str, Row] = {row.sourced_id: row for row in session.exec(mine)}  # type: ignore[attr-defined]
    for sourced_id, values in records:
        row = existing.get(sourced_id)
        if row is None:
            row = model(workspace=workspace, sourced_id=sourced_id, **values)
            existing[sourced_id] = row
            summary.note(kind, "created")
        elif _assign(row, {**values, "active": True} if hasattr(row, "active") else values):
            summary.note(kind, "updated")
        else:
            summary.note(kind, "unchanged")
        session.add(row)
    session.flush()
    return existing


def _assign(row: SQLModel, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


def _replace_roles(
    session: Session, summary: ImportSummary, person_id: int, wanted: set[tuple[int, Role]], *, prune: bool
) -> None:
    rows = session.exec(select(StaffRole).where(StaffRole.person_id == person_id)).all()
    have = {(r.school_id, Role(r.role)): r for r in rows}
    for key, row in have.items():
        if prune and key not in wanted:
            session.delete(row)
            summary.note("roles", "deactivated")
    for school_id, role in wanted - have.keys():
        session.add(StaffRole(person_id=person_id, school_id=school_id, role=role))
        summary.note("roles", "created")


def _replace_members(
    session: Session, model: type[SQLModel], owner_column: str, owner_id: int, wanted: set, *, prune: bool
) -> None:
    owner = getattr(model, owner_column)
    have = set(session.exec(select(model.person_id).where(owner == owner_id)))  # type: ignore[attr-defined]
    if prune and have - wanted:
        session.exec(
            delete(model).where(owner == owner_id, col(model.person_id).in_(have - wanted))  # type: ignore[attr-defined]
        )
    for person_id in sorted(wanted - have):
        session.add(model(**{owner_column: owner_id, "person_id": person_id}))


def _team_scope(snapshot: RosterSnapshot, members: Iterable[str], school: str) -> dict[str, list[str]]:
    """A team's grades and subjects: those its members teach at the team's school."""
    members = set(members)
    grades: set[str] = set()
    subjects: set[str] = set()
    for record in snapshot.classes:
        if record.school_sourced_id == school and members.intersection(record.teacher_sourced_ids):
            grades.update(record.grades)
            subjects.update(record.subjects)
    return {"grades": sorted(grades, key=_grade_order), "subjects": sorted(subjects)}


def _grade_order(grade: str) -> tuple[int, str]:
    return (int(grade), grade) if grade.isdigit() else (-1 if grade in {"PK", "KG", "TK"} else 99, grade)


def _apply_caseloads(
    session: Session,
    snapshot: RosterSnapshot,
    schools: dict[str, School],
    people: dict[str, Person],
    summary: ImportSummary,
    *,
    prune: bool,
) -> None:
    """The schools caseloads.csv names get exactly the caseloads it gives; other schools keep theirs."""
    wanted = {
        (schools[c.school_sourced_id].id, people[c.leader_sourced_id].id, people[t].id)
        for c in snapshot.caseloads
        for t in c.teacher_sourced_ids
    }
    school_ids = {schools[c.school_sourced_id].id for c in snapshot.caseloads}
    rows = session.exec(select(Caseload).where(col(Caseload.school_id).in_(school_ids))).all()
    have = {(r.school_id, r.leader_id, r.teacher_id): r for r in rows}
    for key, row in have.items():
        if prune and key not in wanted:
            session.delete(row)
            summary.note("caseloads", "deactivated")
    for school_id, leader_id, teacher_id in sorted(wanted - have.keys()):
        session.add(Caseload(school_id=school_id, leader_id=leader_id, teacher_id=teacher_id))
        summary.note("caseloads", "created")


def _apply_bell_schedules(
    session: Session,
    snapshot: RosterSnapshot,
    schools: dict[str, School],
    summary: ImportSummary,
    *,
    prune: bool,
) -> None:
    wanted = {
        (schools[b.school_sourced_id].id, b.day_type, b.period): (b.start, b.end)
        for b in snapshot.bell_periods
    }
    school_ids = {key[0] for key in wanted}
    rows = session.exec(select(BellPeriod).where(col(BellPeriod.school_id).in_(school_ids))).all()
    have = {(r.school_id, r.day_type, r.period): r for r in rows}
    for key, row in have.items():
        if prune and key not in wanted:
            session.delete(row)
            summary.note("bell periods", "deactivated")
    for key, (start, end) in wanted.items():
        row = have.get(key)
        if row is None:
            session.add(BellPeriod(school_id=key[0], day_type=key[1], period=key[2], start=start, end=end))
            summary.note("bell periods", "created")
        elif _assign(row, {"start": start, "end": end}):
            summary.note("bell periods", "updated")
        else:
            summary.note("bell periods", "unchanged")


def _apply_calendars(
    session: Session,
    snapshot: RosterSnapshot,
    schools: dict[str, School],
    summary: ImportSummary,
    *,
    prune: bool,
) -> None:
    wanted = {(schools[d.school_sourced_id].id, d.day): d.day_type for d in snapshot.calendar_days}
    school_ids = {key[0] for key in wanted}
    rows = session.exec(select(CalendarDay).where(col(CalendarDay.school_id).in_(school_ids))).all()
    have = {(r.school_id, r.day): r for r in rows}
    for key, row in have.items():
        if prune and key not in wanted:
            session.delete(row)
            summary.note("calendar days", "deactivated")
    for (school_id, day), day_type in wanted.items():
        row = have.get((school_id, day))
        if row is None:
            session.add(CalendarDay(school_id=school_id, day=day, day_type=day_type))
            summary.note("calendar days", "created")
        elif _assign(row, {"day_type": day_type}):
            summary.note("calendar days", "updated")
        else:
            summary.note("calendar days", "unchanged")


_DELETABLE: dict[str, tuple[type[SQLModel], str]] = {
    "users": (Person, "staff"),
    "classes": (SchoolClass, "classes"),
    "teams": (Team, "teams"),
}


def _deactivate(session: Session, snapshot: RosterSnapshot, summary: ImportSummary, *, workspace: str) -> None:
    """`tobedeleted` rows deactivate what Rounds knows; history that points at them stays intact."""
    for kind, sourced_ids in snapshot.deleted.items():
        if kind not in _DELETABLE or not sourced_ids:
            continue
        model, label = _DELETABLE[kind]
        named = col(model.sourced_id).in_(sourced_ids)  # type: ignore[attr-defined]
        for row in session.exec(select(model).where(model.workspace == workspace, named)):  # type: ignore[attr-defined]
            if row.active:  # type: ignore[attr-defined]
                row.active = False  # type: ignore[attr-defined]
                session.add(row)
                summary.note(label, "deactivated")


class SlackEmails(Protocol):
    """Finds the email address of a Slack user. Implemented in bot/ with users.info."""

    def email_for_user(self, user_id: str) -> str | None: ...


@dataclass(frozen=True)
class SchoolRoles:
    school: School
    roles: frozenset[Role]


@dataclass(frozen=True)
class StaffProfile:
    """Who a Slack user is to Rounds: the person and their roles, school by school (by school name).

    `reference_generation`: the reference data's generation read with the profile (see
    `workflows.reference.cache`), so the request it was read for needs no query of its own to learn it."""

    person: Person
    schools: tuple[SchoolRoles, ...]
    reference_generation: int | None = None

    @property
    def all_roles(self) -> frozenset[Role]:
        return frozenset().union(*(s.roles for s in self.schools))

    def schools_where(self, role: Role) -> list[School]:
        return [s.school for s in self.schools if role in s.roles]


def identify(
    session: Session,
    *,
    slack_user_id: str,
    workspace: str = DEFAULT_WORKSPACE,
    emails: SlackEmails | None = None,
) -> StaffProfile | None:
    """The staff profile of a Slack user of a workspace, or None when they are not on its roster.

    People who joined Slack after the roster import are linked on first contact by their email address.
    Only the workspace's own roster is searched: nothing of another workspace is ever found. One query
    for someone already linked: the person, their schools and roles, and the reference generation.
    """
    rows = _profile_rows(session, by_slack=True, workspace=workspace, slack_user_id=slack_user_id)
    if not rows and emails is not None:
        email = _email(emails.email_for_user(slack_user_id))
        if email:
            person = session.exec(
                select(Person).where(
                    Person.workspace == workspace,
                    Person.email == email,
                    Person.active,
                    col(Person.slack_user_id).is_(None),
                )
            ).first()
            if person is not None:
                person.slack_user_id = slack_user_id
                session.add(person)
                session.flush()
                rows = _profile_rows(session, by_slack=False, person_id=person.id)
    if not rows:
        return None
    person = rows[0][0]
    by_school: dict[int, tuple[School, set[Role]]] = {}
    for _person, school, role, _generation in rows:
        if school is not None and role is not None:
            by_school.setdefault(school.id, (school, set()))[1].add(Role(role))
    schools = sorted(
        (SchoolRoles(school, frozenset(roles)) for school, roles in by_school.values()),
        key=lambda s: s.school.name,
    )
    return StaffProfile(person=person, schools=tuple(schools), reference_generation=int(rows[0][3]))


def school_leaders(session: Session, *, school_id: int) -> list[Person]:
    """The school's leaders (active, on Slack): who hears of the school's weekly summaries and problems."""
    return list(
        session.exec(
            select(Person)
            .join(StaffRole, col(StaffRole.person_id) == Person.id)
            .where(
                StaffRole.school_id == school_id,
                StaffRole.role == Role.LEADER.value,
                col(Person.active).is_(True),
                col(Person.slack_user_id).is_not(None),
            )
            .order_by(col(Person.id))
        ).all()
    )


def _profile_rows(
    session: Session, *, by_slack: bool, **params: Any
) -> list[tuple[Person, School | None, str | None, int]]:
    """One person (an active one by workspace and Slack id, or any by id) with each role and its school."""
    return list(session.execute(_profile_statement(by_slack=by_slack), params).all())  # type: ignore[arg-type]


@cache
def _profile_statement(*, by_slack: bool) -> Select:
    """The query of `identify`, built once (see `workflows.db`): the caller of every request is found by it."""
    statement = (
        sa_select(Person, School, StaffRole.role, generation_column())
        .outerjoin(StaffRole, col(StaffRole.person_id) == Person.id)
        .outerjoin(School, col(School.id) == StaffRole.school_id)
    )
    if not by_slack:
        return statement.where(col(Person.id) == bindparam("person_id"))
    return statement.where(
        Person.workspace == bindparam("workspace"),
        Person.slack_user_id == bindparam("slack_user_id"),
        col(Person.active),
    )
