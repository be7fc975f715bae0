"""The hand-written fixture bundles read into the snapshot their README describes, from a folder or a zip."""

from __future__ import annotations

import zipfile
from datetime import date, time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from integrations.oneroster import read_bundle
from workflows.roster.snapshot import (
    BellPeriodRecord,
    CalendarDayRecord,
    ClassRecord,
    DistrictRecord,
    Role,
    RosterSnapshot,
    SchoolRecord,
    StaffMember,
    TeamRecord,
)

if TYPE_CHECKING:
    from conftest import BundleCopy

FIXTURES = Path(__file__).parents[1] / "data" / "oneroster"
MAPLE, HARBOR = "sch-maple", "sch-harbor"
STUDENT_TRACES = (
    "Juniper", "June", "Quill", "Otis", "Fenwick", "Marisol", "Achterberg", "Tobias", "Toby", "Wren",
    "Rosalind", "students.riverbend.example.org", "family.example.org", "stu-", "grd-", "881001",
    "Pumpkin-42", "Lantern-17", "Comet-88", "Harbor-55", "Larkspur Falls", "Cedar Hollow", "2017-03-14",
)  # fmt: skip


def staff_by_id(snapshot: RosterSnapshot) -> dict[str, StaffMember]:
    return {member.sourced_id: member for member in snapshot.staff}


@pytest.mark.parametrize("version", ["v1_1", "v1_2"])
def test_both_versions_give_the_district_schools_classes_and_schedules(version: str) -> None:
    snapshot = read_bundle(FIXTURES / version)

    assert snapshot.districts == (DistrictRecord("dist-riverbend", "Riverbend Unified School District"),)
    assert snapshot.schools == (
        SchoolRecord(MAPLE, "Maple Grove Elementary School", "dist-riverbend", "America/Chicago"),
        SchoolRecord(HARBOR, "Harbor View Middle School", "dist-riverbend", "America/Denver"),
    )
    assert len(snapshot.staff) == 7
    assert snapshot.skipped_students == 5
    assert snapshot.deleted == {}
    assert [record.sourced_id for record in snapshot.classes] == [
        "cls-m-3read", "cls-m-3math", "cls-m-4sci", "cls-m-4write", "cls-h-math7", "cls-h-alg1", "cls-h-ela6",
    ]  # fmt: skip
    classes = {record.sourced_id: record for record in snapshot.classes}
    assert classes["cls-h-alg1"] == ClassRecord(
        sourced_id="cls-h-alg1",
        school_sourced_id=HARBOR,
        title="Algebra I",
        course_title="Algebra I",
        subjects=("Mathematics",),
        grades=("07", "08"),
        periods=("2",),
        room="Room 212",
        teacher_sourced_ids=("usr-nakamura", "usr-nunez"),
    )
    assert classes["cls-m-4sci"].periods == ("3", "4")
    assert classes["cls-h-ela6"].title == 'ELA 6: "Voices" Seminar'
    assert classes["cls-h-ela6"].room == "Library, 2nd floor"
    assert classes["cls-h-ela6"].subjects == ("English Language Arts", "Reading")
    assert classes["cls-m-4write"].course_title == "Writing, Grade 4"

    assert len(snapshot.bell_periods) == 16
    assert BellPeriodRecord(MAPLE, "regular", "5", time(12, 15), time(13, 5)) in snapshot.bell_periods
    assert BellPeriodRecord(HARBOR, "early", "3", time(9, 5), time(9, 40)) in snapshot.bell_periods
    assert len(snapshot.calendar_days) == 8
    assert CalendarDayRecord(MAPLE, date(2025, 11, 26), "early") in snapshot.calendar_days
    assert CalendarDayRecord(HARBOR, date(2025, 11, 28), "none") in snapshot.calendar_days
    assert snapshot.teams[1] == TeamRecord(
        "team-m-upper", MAPLE, "Maple Upper Grades", "#maple-upper-grades", ("usr-lindqvist", "usr-okafor")
    )


def test_v1_1_administrators_lead_their_schools_and_teachers_teach_at_theirs() -> None:
    staff = staff_by_id(read_bundle(FIXTURES / "v1_1"))

    assert staff["usr-brooks"] == StaffMember(
        "usr-brooks",
        "Simone",
        "Brooks",
        "simone.brooks@riverbend.example.org",
        frozenset({(MAPLE, Role.LEADER)}),
    )
    assert staff["usr-haddad"].roles == {(HARBOR, Role.LEADER)}
    assert staff["usr-nunez"] == StaffMember(
        "usr-nunez",
        "Mateo",
        "Núñez",
        "mateo.nunez@riverbend.example.org",
        frozenset({(HARBOR, Role.TEACHER)}),
    )
    assert staff["usr-okafor"].roles == {(MAPLE, Role.TEACHER)}
    assert staff["usr-raman"].roles == frozenset()  # an aide: staff, but no role Rounds acts on


def test_v1_2_staff_roles_file_names_leaders_coaches_and_admins() -> None:
    staff = staff_by_id(read_bundle(FIXTURES / "v1_2"))

    assert staff["usr-brooks"].roles == {(MAPLE, Role.LEADER)}
    assert staff["usr-haddad"].roles == {(HARBOR, Role.LEADER), (HARBOR, Role.ADMIN)}
    assert staff["usr-raman"].roles == {(MAPLE, Role.COACH), (HARBOR, Role.COACH)}
    # A teacher who is also a parent in the district stays staff.
    assert staff["usr-lindqvist"].roles == {(MAPLE, Role.TEACHER)}
    # 1.2's preferred name is the one people are addressed by.
    assert staff["usr-nakamura"].given_name == "Hana"


def test_v1_2_without_staff_roles_file_makes_principals_and_site_administrators_leaders(
    v1_2: BundleCopy,
) -> None:
    v1_2.file("staff_roles.csv").unlink()

    staff = staff_by_id(v1_2.snapshot())

    assert staff["usr-brooks"].roles == {(MAPLE, Role.LEADER)}
    assert staff["usr-haddad"].roles == {(HARBOR, Role.LEADER)}
    assert staff["usr-raman"].roles == frozenset()


def test_a_district_administrator_leads_every_school_of_the_district(v1_2: BundleCopy) -> None:
    v1_2.file("staff_roles.csv").unlink()
    v1_2.edit(
        "roles.csv",
        "usr-haddad,primary,siteAdministrator,2025-07-01,,sch-harbor",
        "usr-haddad,primary,districtAdministrator,2025-07-01,,dist-riverbend",
    )

    assert staff_by_id(v1_2.snapshot())["usr-haddad"].roles == {(MAPLE, Role.LEADER), (HARBOR, Role.LEADER)}


@pytest.mark.parametrize("version", ["v1_1", "v1_2"])
def test_no_student_guardian_password_or_demographic_reaches_the_snapshot(version: str) -> None:
    snapshot = read_bundle(FIXTURES / version)

    text = repr(snapshot)
    assert [trace for trace in STUDENT_TRACES if trace in text] == []
    assert "Chalk&Talk" not in text  # a teacher's password is not read either


def test_demographics_file_is_never_opened(v1_1: BundleCopy) -> None:
    v1_1.file("demographics.csv").write_bytes(b"\xff\xfe not even csv \x00\x81")

    assert v1_1.snapshot() == read_bundle(FIXTURES / "v1_1")


@pytest.mark.parametrize("version", ["v1_1", "v1_2"])
def test_a_zip_reads_the_same_as_its_folder_with_or_without_a_top_folder(
    tmp_path: Path, version: str
) -> None:
    folder = FIXTURES / version
    flat, nested = tmp_path / "flat.zip", tmp_path / "nested.zip"
    with zipfile.ZipFile(flat, "w") as archive_flat, zipfile.ZipFile(nested, "w") as archive_nested:
        for csv_file in sorted(folder.glob("*.csv")):
            archive_flat.write(csv_file, csv_file.name)
            archive_nested.write(csv_file, f"roster-export/{csv_file.name}")

    expected = read_bundle(folder)
    assert read_bundle(flat) == expected
    assert read_bundle(nested) == expected


def test_progress_reports_each_file_read_and_ends_with_all_rows_done() -> None:
    calls: list[tuple[str, int, int]] = []

    read_bundle(FIXTURES / "v1_2", progress=lambda name, done, total: calls.append((name, done, total)))

    finals = {name: (done, total) for name, done, total in calls}
    assert finals["users.csv"] == (12, 12)
    assert finals["enrollments.csv"] == (15, 15)
    assert "demographics.csv" not in finals
    assert all(done <= total for _, done, total in calls)


@pytest.mark.parametrize("version", ["v1_1", "v1_2"])
def test_without_a_manifest_the_version_is_told_by_roles_csv(tmp_path: Path, version: str) -> None:
    bundle = tmp_path / version
    bundle.mkdir()
    for csv_file in (FIXTURES / version).glob("*.csv"):
        if csv_file.name != "manifest.csv":
            (bundle / csv_file.name).write_bytes(csv_file.read_bytes())

    assert read_bundle(bundle) == read_bundle(FIXTURES / version)


def test_file_names_match_whatever_their_case(v1_1: BundleCopy) -> None:
    v1_1.file("academicSessions.csv").rename(v1_1.file("ACADEMICSESSIONS.CSV"))
    v1_1.file("users.csv").rename(v1_1.file("Users.csv"))

    assert v1_1.snapshot() == read_bundle(FIXTURES / "v1_1")
