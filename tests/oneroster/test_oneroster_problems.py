"""Each kind of mistake in a bundle is reported precisely (file, row, column, what is wrong), all at once."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from integrations.oneroster import read_bundle
from workflows.roster.snapshot import RosterError

if TYPE_CHECKING:
    from conftest import BundleCopy


def problems_reading(path: Path) -> list[str]:
    with pytest.raises(RosterError) as raised:
        read_bundle(path)
    return [str(problem) for problem in raised.value.problems]


def test_missing_column_is_reported_once_without_a_flood_of_unknown_classes(v1_1: BundleCopy) -> None:
    v1_1.edit("classes.csv", "subjectCodes,periods", "subjectCodes,period")

    assert v1_1.problems() == ["classes.csv, row 1, column periods: missing column"]


def test_missing_user_columns_in_1_1(v1_1: BundleCopy) -> None:
    v1_1.edit("users.csv", ",orgSourcedIds,role,", ",orgs,roles,")

    assert v1_1.problems() == [
        "users.csv, row 1, column role: missing column",
        "users.csv, row 1, column orgSourcedIds: missing column",
    ]


def test_class_at_an_unknown_school(v1_2: BundleCopy) -> None:
    v1_2.edit("classes.csv", "Room 212,sch-harbor", "Room 212,sch-harbour")

    assert v1_2.problems() == ["classes.csv, row 7, column schoolSourcedId: unknown school 'sch-harbour'"]


def test_class_at_the_district_instead_of_a_school(v1_1: BundleCopy) -> None:
    v1_1.edit("classes.csv", "Room 212,sch-harbor", "Room 212,dist-riverbend")

    assert v1_1.problems() == [
        "classes.csv, row 7, column schoolSourcedId: 'dist-riverbend' is a district, not a school"
    ]


def test_unknown_course_session_class_and_user(v1_1: BundleCopy) -> None:
    v1_1.edit("classes.csv", "Math 7,07,crs-math7", "Math 7,07,crs-math8")
    v1_1.edit("classes.csv", "sch-harbor,as-2025-s2,", "sch-harbor,as-2024-s2,")
    v1_1.edit(
        "enrollments.csv",
        "enr-t-05,active,2025-08-01T12:00:00Z,cls-h-math7,sch-harbor,usr-nakamura",
        "enr-t-05,active,2025-08-01T12:00:00Z,cls-h-math8,sch-harbor,usr-nakamura",
    )
    v1_1.edit("enrollments.csv", "cls-m-3math,sch-maple,usr-okafor", "cls-m-3math,sch-maple,usr-okafur")

    assert v1_1.problems() == [
        "classes.csv, row 6, column courseSourcedId: unknown course 'crs-math8'",
        "classes.csv, row 8, column termSourcedIds: unknown academic session 'as-2024-s2'",
        "enrollments.csv, row 3, column userSourcedId: unknown user 'usr-okafur'",
        "enrollments.csv, row 6, column classSourcedId: unknown class 'cls-h-math8'",
    ]


def test_a_student_named_as_teacher_or_team_member_is_refused(v1_2: BundleCopy) -> None:
    v1_2.edit("teams.csv", '"usr-nakamura,usr-nunez"', '"usr-nakamura,stu-2001"')

    assert v1_2.problems() == [
        "teams.csv, row 4, column userSourcedIds: user 'stu-2001' is a student, not staff"
    ]


def test_duplicate_sourced_id_within_a_file(v1_1: BundleCopy) -> None:
    v1_1.append(
        "users.csv",
        "usr-brooks,active,2025-08-01T12:00:00Z,true,sch-maple,teacher,sb2,,Sam,Brooks,,,sam.brooks@riverbend.example.org,,,,,",
    )

    assert v1_1.problems() == [
        "users.csv, row 14, column sourcedId: duplicate sourcedId 'usr-brooks' (first on row 7)"
    ]


def test_bad_time_and_end_not_after_start(v1_1: BundleCopy) -> None:
    v1_1.edit("bell_schedules.csv", "sch-maple,regular,2,08:55,09:45", "sch-maple,regular,2,7:6x,09:45")
    v1_1.edit("bell_schedules.csv", "sch-harbor,early,3,09:05,09:40", "sch-harbor,early,3,09:40,09:05")
    v1_1.edit("bell_schedules.csv", "sch-maple,early,4,10:00,10:35", "sch-maple,early,4,10:00,24:00")

    assert v1_1.problems() == [
        "bell_schedules.csv, row 3, column startTime: '7:6x' is not a time (HH:MM)",
        "bell_schedules.csv, row 10, column endTime: '24:00' is not a time (HH:MM)",
        "bell_schedules.csv, row 17, column endTime: endTime 09:05 is not after startTime 09:40",
    ]


def test_duplicate_bell_period_and_class_period_without_times(v1_2: BundleCopy) -> None:
    v1_2.append("bell_schedules.csv", "sch-harbor,regular,2,08:50,09:40")
    v1_2.edit(
        "classes.csv",
        'Room 210,sch-harbor,"as-2025-s1,as-2025-s2",Mathematics,,1',
        'Room 210,sch-harbor,"as-2025-s1,as-2025-s2",Mathematics,,"1,7"',
    )

    assert v1_2.problems() == [
        "bell_schedules.csv, row 18, column period: duplicate period '2' on dayType 'regular' (first on row 13)",
        "classes.csv, row 6, column periods: period '7' has no times in bell_schedules.csv for school 'sch-harbor'",
    ]


def test_calendar_bad_date_unknown_day_type_and_duplicate_date(v1_1: BundleCopy) -> None:
    v1_1.edit("calendar.csv", "sch-maple,2025-11-27,none", "sch-maple,11/27/2025,none")
    v1_1.edit("calendar.csv", "sch-harbor,2025-10-17,early", "sch-harbor,2025-10-17,assembly")
    v1_1.append("calendar.csv", "sch-maple,2025-09-01,early")

    assert v1_1.problems() == [
        "calendar.csv, row 5, column dayType: dayType 'assembly' has no bell schedule for school 'sch-harbor'",
        "calendar.csv, row 7, column date: '11/27/2025' is not a date (YYYY-MM-DD)",
        "calendar.csv, row 10, column date: duplicate date 2025-09-01 for school 'sch-maple' (first on row 2)",
    ]


def test_bad_time_zone(v1_2: BundleCopy) -> None:
    v1_2.edit("schools.csv", "America/Denver", "America/Denvre")

    assert v1_2.problems() == [
        "schools.csv, row 3, column timezone: 'America/Denvre' is not a time zone (an IANA name such as America/Chicago)"
    ]


def test_unknown_role_in_staff_roles(v1_2: BundleCopy) -> None:
    v1_2.edit("staff_roles.csv", "usr-raman,sch-maple,coach", "usr-raman,sch-maple,mentor")

    assert v1_2.problems() == [
        "staff_roles.csv, row 5, column role: unknown role 'mentor' (leader, coach or admin)"
    ]


def test_unknown_oneroster_role(v1_2: BundleCopy) -> None:
    v1_2.edit("roles.csv", "usr-raman,primary,aide", "usr-raman,primary,janitor")

    assert v1_2.problems() == ["roles.csv, row 7, column role: unknown role 'janitor'"]


def test_user_without_any_role_in_1_2(v1_2: BundleCopy) -> None:
    v1_2.edit("roles.csv", "rol-nunez,,,usr-nunez,primary,teacher,2025-08-18,,sch-harbor,\n", "")

    assert v1_2.problems() == [
        "users.csv, row 5, column sourcedId: no role for this user in roles.csv",
    ]


def test_latin_1_file_is_reported_as_not_utf_8_at_the_first_bad_byte(v1_1: BundleCopy) -> None:
    v1_1.file("users.csv").write_bytes(v1_1.text("users.csv").encode("latin-1"))

    assert v1_1.problems() == ["users.csv, row 5, column familyName: not UTF-8 (byte 0xfa at row 5)"]


def test_utf_16_file_is_not_utf_8_from_its_first_byte(v1_1: BundleCopy) -> None:
    v1_1.file("schools.csv").write_bytes(v1_1.text("schools.csv").encode("utf-16"))

    assert v1_1.problems()[0] == "schools.csv, row 1: not UTF-8 (byte 0xff at row 1)"


def test_row_with_too_many_values_from_an_unquoted_comma(v1_1: BundleCopy) -> None:
    v1_1.edit("teams.csv", "Harbor Math & Literacy", "Harbor Math, Literacy")

    assert v1_1.problems() == ["teams.csv, row 4: 6 values, but the header has 5 columns"]


def test_required_files_missing_from_a_bulk_bundle(v1_2: BundleCopy) -> None:
    v1_2.file("bell_schedules.csv").unlink()
    v1_2.file("roles.csv").unlink()

    assert v1_2.problems() == [
        "manifest.csv, row 20, column value: roles.csv is listed as bulk but is not in the bundle",
        "roles.csv: required file is missing",
        "bell_schedules.csv: required file is missing",
    ]


def test_required_file_listed_absent_in_the_manifest(v1_1: BundleCopy) -> None:
    v1_1.edit("manifest.csv", "file.enrollments,bulk", "file.enrollments,absent")

    assert v1_1.problems() == ["enrollments.csv: required file is missing (manifest.csv lists it as absent)"]


def test_unsupported_version_and_bad_file_mode_in_the_manifest(v1_1: BundleCopy) -> None:
    v1_1.edit("manifest.csv", "oneroster.version,1.1", "oneroster.version,1.0")
    v1_1.edit("manifest.csv", "file.courses,bulk", "file.courses,full")

    assert v1_1.problems() == [
        "manifest.csv, row 3, column value: unsupported OneRoster version '1.0' (1.1 or 1.2)",
        "manifest.csv, row 8, column value: 'full' is not bulk, delta or absent",
    ]


def test_problems_in_several_files_are_all_reported_together(v1_1: BundleCopy) -> None:
    v1_1.edit("schools.csv", "America/Chicago", "Central")
    v1_1.edit("teams.csv", "team-m-grade3,sch-maple", "team-m-grade3,sch-oak")
    v1_1.edit("users.csv", "karim.haddad@riverbend.example.org", "karim.haddad")

    assert v1_1.problems() == [
        "schools.csv, row 2, column timezone: 'Central' is not a time zone (an IANA name such as America/Chicago)",
        "users.csv, row 8, column email: 'karim.haddad' is not an email address",
        "teams.csv, row 2, column schoolSourcedId: unknown school 'sch-oak'",
    ]


def test_more_than_fifty_problems_are_capped_with_a_count_of_the_rest(v1_1: BundleCopy) -> None:
    for day in range(30, 100):
        v1_1.append("calendar.csv", f"sch-maple,2026-02-{day},none")

    problems = v1_1.problems()

    assert len(problems) == 51
    assert problems[0] == "calendar.csv, row 10, column date: '2026-02-30' is not a date (YYYY-MM-DD)"
    assert problems[49] == "calendar.csv, row 59, column date: '2026-02-79' is not a date (YYYY-MM-DD)"
    assert problems[-1] == "v1_1: ... and 20 more"


def test_path_that_is_not_a_bundle(tmp_path: Path) -> None:
    not_zip = tmp_path / "roster.zip"
    not_zip.write_text("sourcedId\n")

    assert problems_reading(tmp_path / "nowhere") == ["nowhere: no such file or folder"]
    assert problems_reading(not_zip) == ["roster.zip: not a folder or a .zip file"]


def test_zip_with_two_users_files(tmp_path: Path, v1_1: BundleCopy) -> None:
    bundle = tmp_path / "two.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        for csv_file in v1_1.path.glob("*.csv"):
            archive.write(csv_file, csv_file.name)
        archive.write(v1_1.file("users.csv"), "old/users.csv")

    assert problems_reading(bundle) == ["users.csv: more than one users.csv in two.zip"]


def test_damaged_zip_is_reported_not_crashed_on(tmp_path: Path, v1_1: BundleCopy) -> None:
    bundle = tmp_path / "damaged.zip"
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for csv_file in v1_1.path.glob("*.csv"):
            archive.write(csv_file, csv_file.name)
    data = bytearray(bundle.read_bytes())
    users_at = data.index(b"users.csv") + len(b"users.csv")
    data[users_at + 40 : users_at + 80] = bytes(40)
    bundle.write_bytes(bytes(data))

    (problem,) = problems_reading(bundle)

    assert problem.startswith("damaged.zip: cannot be read (")


def test_staff_roles_for_an_unknown_user_or_school(v1_2: BundleCopy) -> None:
    v1_2.append("staff_roles.csv", "usr-moreau,sch-maple,coach")
    v1_2.append("staff_roles.csv", "usr-raman,sch-oak,coach")

    assert v1_2.problems() == [
        "staff_roles.csv, row 7, column userSourcedId: unknown user 'usr-moreau'",
        "staff_roles.csv, row 8, column schoolSourcedId: unknown school 'sch-oak'",
    ]
