"""Roster import into the real database: both OneRoster versions, idempotence, no student data, atomicity."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import select

from integrations.oneroster import read_bundle
from workflows.db import transaction
from workflows.roster.models import (
    BellPeriod,
    CalendarDay,
    ClassTeacher,
    Person,
    School,
    SchoolClass,
    StaffRole,
    Team,
)
from workflows.roster.service import apply_roster
from workflows.roster.snapshot import ClassRecord, Role, RosterError, RosterSnapshot, StaffMember
from workflows.tables import metadata

BUNDLES = Path(__file__).parent.parent / "data" / "oneroster"


def _import(sessions, bundle: Path):
    with transaction(sessions) as session:
        return apply_roster(session, snapshot=read_bundle(bundle))


def _dump(engine) -> dict[str, list[tuple]]:
    """Every row of every Rounds table, for before/after comparisons."""
    with engine.connect() as connection:
        return {
            table.name: sorted(map(tuple, connection.execute(table.select()).all()), key=repr)
            for table in metadata.sorted_tables
        }


@pytest.mark.parametrize("version", ["v1_1", "v1_2"])
def test_a_bundle_becomes_schools_staff_classes_teams_and_schedules(sessions, version):
    summary = _import(sessions, BUNDLES / version)

    assert summary.counts["schools"]["created"] == 2
    assert summary.counts["staff"]["created"] == 7
    assert summary.skipped_students > 0
    with sessions() as session:
        schools = {s.sourced_id: s for s in session.exec(select(School))}
        assert {s.timezone for s in schools.values()} == {"America/Chicago", "America/Denver"}
        reading = session.exec(select(SchoolClass).where(SchoolClass.sourced_id == "cls-m-3read")).one()
        assert (reading.title, reading.room, reading.periods, reading.grades) == (
            "Grade 3 Reading",
            "Room 104",
            ["1"],
            ["03"],
        )
        teacher_ids = session.exec(
            select(ClassTeacher.person_id).where(ClassTeacher.class_id == reading.id)
        ).all()
        assert [session.get(Person, i).family_name for i in teacher_ids] == ["Okafor"]
        leader = session.exec(select(Person).where(Person.sourced_id == "usr-brooks")).one()
        roles = session.exec(select(StaffRole.role).where(StaffRole.person_id == leader.id)).all()
        assert roles == [Role.LEADER]
        assert session.exec(select(BellPeriod).where(BellPeriod.day_type == "early")).first() is not None
        assert session.exec(select(CalendarDay).where(CalendarDay.day_type == "none")).first() is not None
        teams = session.exec(select(Team)).all()
        assert teams and all(t.slack_channel for t in teams)
        assert all(t.grades or t.subjects for t in teams)


def test_importing_twice_changes_nothing(sessions, engine):
    _import(sessions, BUNDLES / "v1_2")
    before = _dump(engine)

    again = _import(sessions, BUNDLES / "v1_2")

    assert not again.changed
    assert _dump(engine) == before


def test_a_changed_export_updates_only_what_changed(sessions, tmp_path):
    bundle = shutil.copytree(BUNDLES / "v1_2", tmp_path / "bundle")
    _import(sessions, bundle)
    classes = bundle / "classes.csv"
    classes.write_text(
        classes.read_text(encoding="utf-8").replace("Room 104,sch-maple", "Room 110,sch-maple", 1),
        encoding="utf-8",
    )

    summary = _import(sessions, bundle)

    assert summary.counts["classes"]["updated"] == 1
    assert summary.counts["staff"]["updated"] == 0
    with sessions() as session:
        assert (
            session.exec(select(SchoolClass.room).where(SchoolClass.sourced_id == "cls-m-3read")).one()
            == "Room 110"
        )


def test_no_student_data_is_stored(sessions, engine):
    students = []
    with (BUNDLES / "v1_2" / "roles.csv").open(encoding="utf-8-sig") as roles:
        student_ids = {r["userSourcedId"] for r in csv.DictReader(roles) if r["role"] == "student"}
    with (BUNDLES / "v1_2" / "users.csv").open(encoding="utf-8-sig") as users:
        for row in csv.DictReader(users):
            if row["sourcedId"] in student_ids:
                students.append(row)
    assert students, "the fixture must contain students for this test to mean anything"

    _import(sessions, BUNDLES / "v1_2")

    everything = repr(_dump(engine))
    for student in students:
        for field in ("sourcedId", "givenName", "familyName", "email", "username"):
            if student[field]:
                assert student[field] not in everything, f"student {field} stored"
    columns = {c["name"] for t in inspect(engine).get_table_names() for c in inspect(engine).get_columns(t)}
    assert not columns & {"birth_date", "birthdate", "sex", "race", "password", "student_id"}


def test_a_failure_mid_import_writes_nothing(sessions, engine):
    _import(sessions, BUNDLES / "v1_1")
    before = _dump(engine)
    good = read_bundle(BUNDLES / "v1_2")
    broken = RosterSnapshot(
        **{
            **good.__dict__,
            "classes": (
                *good.classes,
                ClassRecord("cls-x", "no-such-school", "X", None, (), (), (), None, ()),
            ),
        }
    )

    with pytest.raises(KeyError), transaction(sessions) as session:
        apply_roster(session, snapshot=broken)

    assert _dump(engine) == before


def test_tobedeleted_people_are_deactivated_not_erased(sessions):
    _import(sessions, BUNDLES / "v1_2")
    good = read_bundle(BUNDLES / "v1_2")
    with transaction(sessions) as session:
        summary = apply_roster(
            session,
            snapshot=RosterSnapshot(**{**good.__dict__, "deleted": {"users": frozenset({"usr-nunez"})}}),
        )

    assert summary.counts["staff"]["deactivated"] == 1
    with sessions() as session:
        assert session.exec(select(Person.active).where(Person.sourced_id == "usr-nunez")).one() is False


def test_schema_comes_from_migrations(engine):
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def test_a_delta_adds_and_updates_but_removes_nothing_it_does_not_name(sessions):
    _import(sessions, BUNDLES / "v1_2")
    bulk = read_bundle(BUNDLES / "v1_2")
    okafor = next(m for m in bulk.staff if m.sourced_id == "usr-okafor")
    delta = RosterSnapshot(
        staff=(StaffMember(okafor.sourced_id, "Adaeze", "Okafor-Bell", okafor.email, frozenset()),),
        is_delta=True,
    )

    with transaction(sessions) as session:
        summary = apply_roster(session, snapshot=delta)

    assert summary.counts["staff"]["updated"] == 1
    with sessions() as session:
        person = session.exec(select(Person).where(Person.sourced_id == "usr-okafor")).one()
        assert person.family_name == "Okafor-Bell"
        assert session.exec(select(StaffRole.role).where(StaffRole.person_id == person.id)).all() == [
            Role.TEACHER
        ]
        assert session.exec(select(BellPeriod)).first() is not None


def test_schools_csv_sets_each_schools_routine_and_staff_roles_a_leaders_calendar(sessions, tmp_path):
    bundle = shutil.copytree(BUNDLES / "v1_2", tmp_path / "bundle")
    (bundle / "schools.csv").write_text(
        "schoolSourcedId,timezone,visitsPerDay,cycleLength,visitMinutes,reminderTime,pairedShare,daysOffUrl\n"
        "sch-maple,America/Chicago,4,8,15,06:50,0.25,https://calendar.example.org/maple.ics\n"
        "sch-harbor,America/Denver,,,,,,\n",
        encoding="utf-8",
    )
    roles = (bundle / "staff_roles.csv").read_text(encoding="utf-8").splitlines()
    roles = [roles[0] + ",calendarUrl"] + [
        line + (",webcal://calendar.example.org/brooks.ics" if line.startswith("usr-brooks,") else ",")
        for line in roles[1:]
    ]
    (bundle / "staff_roles.csv").write_text("\n".join(roles) + "\n", encoding="utf-8")

    _import(sessions, bundle)
    again = _import(sessions, bundle)

    assert not again.changed
    with sessions() as session:
        maple = session.exec(select(School).where(School.sourced_id == "sch-maple")).one()
        harbor = session.exec(select(School).where(School.sourced_id == "sch-harbor")).one()
        brooks = session.exec(select(Person).where(Person.sourced_id == "usr-brooks")).one()
    assert (maple.visits_per_day, maple.cycle_length, maple.visit_minutes) == (4, 8, 15)
    assert (maple.reminder_time.isoformat(), maple.paired_share) == ("06:50:00", 0.25)
    assert maple.days_off_url == "https://calendar.example.org/maple.ics"
    assert (harbor.visits_per_day, harbor.cycle_length, harbor.reminder_time.isoformat()) == (
        3,
        10,
        "07:15:00",
    )
    assert brooks.calendar_url == "webcal://calendar.example.org/brooks.ics"


def test_a_bad_routine_value_is_reported_by_file_row_and_column(tmp_path):
    bundle = shutil.copytree(BUNDLES / "v1_2", tmp_path / "bundle")
    (bundle / "schools.csv").write_text(
        "schoolSourcedId,timezone,visitsPerDay,reminderTime,pairedShare,daysOffUrl\n"
        "sch-maple,America/Chicago,twelve,7:75,1.5,ftp://x\n",
        encoding="utf-8",
    )

    with pytest.raises(RosterError) as raised:
        read_bundle(bundle)

    assert [str(p) for p in raised.value.problems] == [
        "schools.csv, row 2, column visitsPerDay: 'twelve' is not a whole number of visits from 1 to 8",
        "schools.csv, row 2, column reminderTime: '7:75' is not a time (HH:MM)",
        "schools.csv, row 2, column pairedShare: '1.5' is not a share from 0 to 1, such as 0.2",
        "schools.csv, row 2, column daysOffUrl: 'ftp://x' is not an http(s):// or webcal:// URL of an iCalendar feed",
    ]


def test_a_caseload_naming_someone_unknown_is_reported(tmp_path):
    bundle = shutil.copytree(BUNDLES / "v1_2", tmp_path / "bundle")
    (bundle / "caseloads.csv").write_text(
        'schoolSourcedId,leaderSourcedId,teacherSourcedIds\nsch-maple,usr-brooks,"usr-okafor,usr-ghost"\n',
        encoding="utf-8",
    )

    with pytest.raises(RosterError) as raised:
        read_bundle(bundle)

    assert [str(p) for p in raised.value.problems] == [
        "caseloads.csv, row 2, column teacherSourcedIds: unknown user 'usr-ghost'"
    ]
