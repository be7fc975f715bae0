"""read_bundle: the whole bundle, read in dependency order, checked, and turned into a RosterSnapshot."""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import replace
from pathlib import Path

from integrations.oneroster.classes import Classes, read_classes, read_enrollments
from integrations.oneroster.manifest import read_manifest
from integrations.oneroster.organisations import SCHOOL, Orgs, read_academic_sessions, read_courses, read_orgs
from integrations.oneroster.people import LEADER_ROLES, TEACHER, People, read_roles, read_users
from integrations.oneroster.problems import Problems
from integrations.oneroster.reading import ABSENT, Reading, file_name
from integrations.oneroster.rounds_files import (
    read_bell_schedules,
    read_calendar,
    read_caseloads,
    read_school_settings,
    read_staff_roles,
    read_teams,
)
from integrations.oneroster.source import BundleFiles, Progress
from workflows.roster.snapshot import (
    ClassRecord,
    Role,
    RosterError,
    RosterProblem,
    RosterSnapshot,
    SchoolRecord,
    SchoolRoutine,
    StaffMember,
)

REQUIRED_KINDS = {
    "1.1": ("orgs", "users", "classes", "enrollments", "bell_schedules"),
    "1.2": ("orgs", "users", "roles", "classes", "enrollments", "bell_schedules"),
}


def read_bundle(path: Path, *, progress: Progress | None = None) -> RosterSnapshot:
    """Read a OneRoster 1.1/1.2 CSV bundle (a folder or a .zip) with Rounds' own files.

    Raises RosterError carrying every problem found (capped), so nothing half-read is ever imported.
    `progress(file_name, rows_done, rows_total)` is called as each file is read.
    """
    path = Path(path)
    problems = Problems(path.name)
    if not path.exists():
        raise RosterError([RosterProblem(path.name, None, None, "no such file or folder")])
    if not path.is_dir() and not zipfile.is_zipfile(path):
        raise RosterError([RosterProblem(path.name, None, None, "not a folder or a .zip file")])
    try:
        with BundleFiles(path, problems) as files:
            snapshot = _read(Reading(files, problems, progress))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise RosterError([RosterProblem(path.name, None, None, f"cannot be read ({error})")]) from error
    problems.raise_if_any()
    return snapshot


def _read(reading: Reading) -> RosterSnapshot:
    read_manifest(reading)
    _check_required_files(reading)
    orgs = read_orgs(reading)
    school_settings = read_school_settings(reading, orgs)
    sessions = read_academic_sessions(reading)
    courses = read_courses(reading, orgs)
    roles = read_roles(reading, orgs) if reading.version == "1.2" else None
    people = read_users(reading, orgs, roles)
    bells = read_bell_schedules(reading, orgs)
    calendar = read_calendar(reading, orgs, bells)
    timed = bells.timed if reading.complete("bell_schedules") else None
    classes = read_classes(reading, orgs, courses, sessions, timed)
    teachers = read_enrollments(reading, orgs, people, classes)
    staff_roles, calendar_urls = (
        read_staff_roles(reading, orgs, people) if reading.present("staff_roles") else (None, {})
    )
    teams, deleted_teams = read_teams(reading, orgs, people)
    caseloads = read_caseloads(reading, orgs, people)

    deleted = {
        "users": frozenset(people.deleted),
        "classes": frozenset(classes.deleted),
        "orgs": frozenset(orgs.deleted),
        "teams": frozenset(deleted_teams),
    }
    return RosterSnapshot(
        districts=tuple(orgs.districts()),
        schools=tuple(_school(orgs, school, school_settings.get(school)) for school in orgs.school_ids()),
        staff=tuple(_staff(people, orgs, classes, teachers, staff_roles, calendar_urls)),
        classes=tuple(
            ClassRecord(
                sourced_id=draft.sourced_id,
                school_sourced_id=draft.school_sourced_id,
                title=draft.title,
                course_title=draft.course_title,
                subjects=draft.subjects,
                grades=draft.grades,
                periods=draft.periods,
                room=draft.room,
                teacher_sourced_ids=tuple(teachers.get(draft.sourced_id, ())),
            )
            for draft in classes.drafts.values()
        ),
        teams=tuple(teams),
        caseloads=tuple(caseloads),
        bell_periods=tuple(bells.periods),
        calendar_days=tuple(calendar),
        deleted={kind: ids for kind, ids in deleted.items() if ids},
        skipped_students=people.skipped_students,
        is_delta=reading.is_delta,
    )


def _check_required_files(reading: Reading) -> None:
    """A bulk bundle must be whole; a delta bundle may carry only what changed."""
    if reading.is_delta:
        return
    for kind in REQUIRED_KINDS[reading.version]:
        if not reading.present(kind):
            listed_absent = reading.modes.get(kind.lower()) == ABSENT
            reason = " (manifest.csv lists it as absent)" if listed_absent else ""
            reading.problems.add(file_name(kind), None, None, f"required file is missing{reason}")


def _staff(
    people: People,
    orgs: Orgs,
    classes: Classes,
    teachers: dict[str, list[str]],
    staff_roles: set[tuple[str, str, Role]] | None,
    calendar_urls: dict[str, str],
) -> list[StaffMember]:
    """Each staff member with Rounds roles: TEACHER where they teach a class or hold a teacher role at a
    school; LEADER where OneRoster makes them an administrator, unless staff_roles.csv says who leads."""
    roles: dict[str, set[tuple[str, Role]]] = {user: set() for user in people.staff}
    for class_id, users in teachers.items():
        school = classes.drafts[class_id].school_sourced_id
        for user in users:
            roles[user].add((school, Role.TEACHER))
    for person in people.staff.values():
        for oneroster_role, org in person.oneroster_roles:
            if oneroster_role == TEACHER and orgs.types.get(org) == SCHOOL:
                roles[person.sourced_id].add((org, Role.TEACHER))
            elif oneroster_role in LEADER_ROLES and staff_roles is None:
                roles[person.sourced_id].update((school, Role.LEADER) for school in orgs.schools_of(org))
    for user, school, role in staff_roles or ():
        if user in roles:
            roles[user].add((school, role))
    return [
        StaffMember(
            person.sourced_id,
            person.given_name,
            person.family_name,
            person.email,
            frozenset(roles[user]),
            calendar_urls.get(user),
        )
        for user, person in people.staff.items()
    ]


def _school(orgs: Orgs, school: str, settings: tuple[str | None, SchoolRoutine] | None) -> SchoolRecord:
    """Schools missing from schools.csv keep the domain's default time zone and routine."""
    record = SchoolRecord(school, orgs.names[school], orgs.district_of(school))
    if settings is None:
        return record
    zone, routine = settings
    return replace(record, timezone=zone or record.timezone, routine=routine)
