"""The demo district: a believable, self-consistent, reproducible bundle that `rounds demo` imports.

Most checks read the files back the way an importer would, so they hold for what is on disk, not just for
the description the generator returns.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from bot.demo.district import DemoDistrict, demo_people_by_role, write_demo_district
from integrations.oneroster import read_bundle
from workflows.roster.snapshot import BellPeriodRecord, Role

ONEROSTER_FILES = (
    "manifest.csv", "orgs.csv", "users.csv", "roles.csv", "academicSessions.csv", "courses.csv", "classes.csv",
    "enrollments.csv", "demographics.csv",
)  # fmt: skip
ROUNDS_FILES = ("bell_schedules.csv", "calendar.csv", "staff_roles.csv", "teams.csv", "schools.csv")

EXPECTED_HEADERS = {
    "manifest.csv": "propertyName,value",
    "orgs.csv": "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
    "users.csv": "sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,familyName,middleName,"
    "identifier,email,sms,phone,agentSourcedIds,grades,password,userMasterIdentifier,resourceSourcedIds,"
    "preferredGivenName,preferredMiddleName,preferredFamilyName,primaryOrgSourcedId,pronouns",
    "roles.csv": "sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,endDate,orgSourcedId,"
    "userProfileSourcedId",
    "academicSessions.csv": "sourcedId,status,dateLastModified,title,type,startDate,endDate,parentSourcedId,"
    "schoolYear",
    "courses.csv": "sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,orgSourcedId,"
    "subjects,subjectCodes",
    "classes.csv": "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,"
    "schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods",
    "enrollments.csv": "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
    "primary,beginDate,endDate",
    "demographics.csv": "sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,"
    "blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,demographicRaceTwoOrMoreRaces,"
    "hispanicOrLatinoEthnicity,countryOfBirthCode,stateOfBirthAbbreviation,cityOfBirth,"
    "publicSchoolResidenceStatus",
    "bell_schedules.csv": "schoolSourcedId,dayType,period,startTime,endTime",
    "calendar.csv": "schoolSourcedId,date,dayType",
    "staff_roles.csv": "userSourcedId,schoolSourcedId,role",
    "teams.csv": "sourcedId,schoolSourcedId,name,slackChannel,userSourcedIds",
    "schools.csv": "schoolSourcedId,timezone",
}


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def split(value: str) -> list[str]:
    return [part for part in value.split(",") if part]


@pytest.fixture(scope="module", params=[7, 8, 2026])
def district(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> DemoDistrict:
    """The shape must hold for any seed, not just the default one."""
    return write_demo_district(tmp_path_factory.mktemp(f"seed{request.param}"), seed=request.param)


@pytest.fixture(scope="module")
def default_district(tmp_path_factory: pytest.TempPathFactory) -> DemoDistrict:
    return write_demo_district(tmp_path_factory.mktemp("default"))


def teachers_in_files(folder: Path) -> dict[str, list[dict[str, str]]]:
    """Each user with a teacher enrollment, with the classes they teach."""
    classes = {row["sourcedId"]: row for row in read(folder, "classes.csv")}
    taught: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in read(folder, "enrollments.csv"):
        if row["role"] == "teacher":
            taught[row["userSourcedId"]].append(classes[row["classSourcedId"]])
    return taught


# --- reproducible -----------------------------------------------------------------------------------------


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    first = write_demo_district(tmp_path / "a", seed=7)
    second = write_demo_district(tmp_path / "b", seed=7)

    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(p.name for p in (tmp_path / "b").iterdir())
    assert names == sorted(ONEROSTER_FILES + ROUNDS_FILES)
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert first.people == second.people
    assert first.classes == second.classes
    assert first.teams == second.teams


def test_another_seed_renames_people_but_keeps_the_shape(tmp_path: Path) -> None:
    seven = write_demo_district(tmp_path / "a", seed=7)
    eight = write_demo_district(tmp_path / "b", seed=8)

    assert [p.name for p in seven.people] != [p.name for p in eight.people]
    assert [p.slack_user_id for p in seven.people] != [p.slack_user_id for p in eight.people]
    assert [p.title for p in seven.people] == [p.title for p in eight.people]
    assert [t.name for t in seven.teams] == [t.name for t in eight.teams]


def test_writing_again_into_the_same_folder_replaces_the_files(tmp_path: Path) -> None:
    write_demo_district(tmp_path, seed=8)
    district = write_demo_district(tmp_path, seed=7)

    emails = {row["email"] for row in read(tmp_path, "users.csv") if row["sourcedId"].startswith("stf-")}
    assert emails == {p.email for p in district.people}


# --- the files follow the formats ---------------------------------------------------------------------------


def test_every_file_has_exactly_the_expected_header(district: DemoDistrict) -> None:
    for name, header in EXPECTED_HEADERS.items():
        first_line = (district.folder / name).read_bytes().split(b"\r\n", 1)[0]
        assert first_line.decode("utf-8") == header, name


def test_manifest_declares_a_oneroster_1_2_bulk_bundle(district: DemoDistrict) -> None:
    manifest = {row["propertyName"]: row["value"] for row in read(district.folder, "manifest.csv")}

    assert manifest["manifest.version"] == "1.0"
    assert manifest["oneroster.version"] == "1.2"
    declared = {
        key.removeprefix("file."): value for key, value in manifest.items() if key.startswith("file.")
    }
    assert set(declared.values()) == {"bulk", "absent"}
    written = {name.removesuffix(".csv") for name in ONEROSTER_FILES if name != "manifest.csv"}
    assert {name for name, value in declared.items() if value == "bulk"} == written
    assert {"categories", "lineItems", "results", "userProfiles"} <= set(declared)


def test_bulk_rows_leave_status_and_date_last_modified_blank(district: DemoDistrict) -> None:
    for name in ONEROSTER_FILES[1:]:
        rows = read(district.folder, name)
        assert rows, name
        assert all(row["status"] == "" and row["dateLastModified"] == "" for row in rows), name


def test_multi_value_cells_are_quoted(default_district: DemoDistrict) -> None:
    classes = (default_district.folder / "classes.csv").read_bytes().decode("utf-8")
    teams = (default_district.folder / "teams.csv").read_bytes().decode("utf-8")

    assert re.search(r',"\d,\d"\r\n', classes), "a class meeting in two periods has its periods quoted"
    assert '"as-2027-s1,as-2027-s2"' in classes
    assert re.search(r',"stf-\d+,stf-\d+', teams)


def test_names_with_accents_are_written_as_utf8(district: DemoDistrict) -> None:
    raw = (district.folder / "users.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    assert not raw.isascii()

    written = {
        row["sourcedId"]: (row["givenName"], row["familyName"]) for row in read(district.folder, "users.csv")
    }
    assert all(written[p.sourced_id] == (p.given_name, p.family_name) for p in district.people)
    assert any(not p.family_name.isascii() for p in district.people)
    assert all(p.email.isascii() for p in district.people)


def test_every_reference_points_at_a_row_that_exists(district: DemoDistrict) -> None:
    folder = district.folder
    orgs = {row["sourcedId"]: row for row in read(folder, "orgs.csv")}
    users = {row["sourcedId"] for row in read(folder, "users.csv")}
    sessions = {row["sourcedId"]: row for row in read(folder, "academicSessions.csv")}
    courses = {row["sourcedId"]: row for row in read(folder, "courses.csv")}
    classes = {row["sourcedId"]: row for row in read(folder, "classes.csv")}

    assert all(o["parentSourcedId"] in orgs for o in orgs.values() if o["type"] == "school")
    assert all(s["parentSourcedId"] in sessions for s in sessions.values() if s["type"] != "schoolYear")
    for course in courses.values():
        assert course["orgSourcedId"] in orgs and course["schoolYearSourcedId"] in sessions
    for cls in classes.values():
        assert cls["courseSourcedId"] in courses
        assert courses[cls["courseSourcedId"]]["orgSourcedId"] == cls["schoolSourcedId"]
        assert all(term in sessions for term in split(cls["termSourcedIds"]))
    for enrollment in read(folder, "enrollments.csv"):
        assert enrollment["userSourcedId"] in users
        assert classes[enrollment["classSourcedId"]]["schoolSourcedId"] == enrollment["schoolSourcedId"]
    for role in read(folder, "roles.csv"):
        assert role["userSourcedId"] in users and role["orgSourcedId"] in orgs
    for row in read(folder, "staff_roles.csv") + read(folder, "teams.csv"):
        assert orgs[row["schoolSourcedId"]]["type"] == "school"


def test_every_user_has_exactly_one_primary_role(district: DemoDistrict) -> None:
    primaries = Counter(
        r["userSourcedId"] for r in read(district.folder, "roles.csv") if r["roleType"] == "primary"
    )
    users = {row["sourcedId"]: row for row in read(district.folder, "users.csv")}

    assert set(primaries) == set(users)
    assert set(primaries.values()) == {1}
    for role in read(district.folder, "roles.csv"):
        if role["roleType"] == "primary":
            assert users[role["userSourcedId"]]["primaryOrgSourcedId"] == role["orgSourcedId"]


# --- the district makes sense -------------------------------------------------------------------------------


def test_two_schools_in_different_time_zones_under_one_district(district: DemoDistrict) -> None:
    orgs = read(district.folder, "orgs.csv")
    zones = {row["schoolSourcedId"]: row["timezone"] for row in read(district.folder, "schools.csv")}

    assert [o["name"] for o in orgs if o["type"] == "district"] == ["Riverbend Unified (demo)"]
    assert {o["sourcedId"] for o in orgs if o["type"] == "school"} == set(zones)
    assert len(zones) == 2 and len(set(zones.values())) == 2
    assert {s.sourced_id: s.timezone for s in district.schools} == zones


def test_staff_counts_match_the_brief(district: DemoDistrict) -> None:
    staff_roles = read(district.folder, "staff_roles.csv")
    by_role = {
        role: {r["userSourcedId"] for r in staff_roles if r["role"] == role}
        for role in ("leader", "coach", "admin")
    }

    assert len(teachers_in_files(district.folder)) == 40
    assert len(by_role["leader"]) == 5
    assert len(by_role["coach"]) == 3
    assert len(by_role["admin"]) == 1
    district_admins = [r for r in read(district.folder, "roles.csv") if r["role"] == "districtAdministrator"]
    assert [r["userSourcedId"] for r in district_admins] == sorted(by_role["admin"])
    assert (len(district.teachers), len(district.leaders), len(district.coaches), len(district.admins)) == (
        40,
        5,
        3,
        1,
    )


def test_leaders_and_coaches_are_spread_over_both_schools(district: DemoDistrict) -> None:
    for school in district.schools:
        assert len(demo_people_by_role(district, Role.LEADER, school.sourced_id)) >= 2
        assert len(demo_people_by_role(district, Role.COACH, school.sourced_id)) >= 1
        assert len(demo_people_by_role(district, Role.TEACHER, school.sourced_id)) >= 15
    assert any(len(p.schools_for(Role.LEADER)) == 2 for p in district.leaders), (
        "one leader serves both schools"
    )
    titles = Counter(p.title for p in district.leaders)
    assert (
        titles["Principal"] == 2
        and titles["Assistant principal"] == 2
        and titles["Instructional leader"] == 1
    )


def test_every_teacher_teaches_at_least_one_class_as_primary_teacher(district: DemoDistrict) -> None:
    teacher_roles = {r["userSourcedId"] for r in read(district.folder, "roles.csv") if r["role"] == "teacher"}
    enrollments = [e for e in read(district.folder, "enrollments.csv") if e["role"] == "teacher"]

    assert all(e["primary"] == "true" for e in enrollments)
    assert {e["userSourcedId"] for e in enrollments} == teacher_roles, "no teacher without a class, and back"
    assert not teacher_roles & {p.sourced_id for p in district.coaches}, "coaches are not teachers to visit"
    assert all(district.classes_of(p.sourced_id) for p in district.teachers)


def test_grades_and_subjects_fit_each_school(district: DemoDistrict) -> None:
    grades_by_school = {s.sourced_id: set(s.grades) for s in district.schools}
    subjects: Counter[tuple[str, str]] = Counter()
    for cls in read(district.folder, "classes.csv"):
        assert set(split(cls["grades"])) <= grades_by_school[cls["schoolSourcedId"]]
        subjects.update((cls["schoolSourcedId"], s) for s in split(cls["subjects"]))
    for school in district.schools:
        for subject in ("English Language Arts", "Mathematics", "Science", "Social Studies", "Art", "Music"):
            assert subjects[(school.sourced_id, subject)], (school.name, subject)


def test_secondary_teachers_teach_five_or_six_periods_and_keep_a_planning_period(
    district: DemoDistrict,
) -> None:
    secondary = next(s for s in district.schools if "06" in s.grades)
    day = {p.period for p in district.periods(secondary.sourced_id)}
    for teacher, classes in teachers_in_files(district.folder).items():
        if classes[0]["schoolSourcedId"] != secondary.sourced_id:
            continue
        taught = [period for cls in classes for period in split(cls["periods"])]
        assert len(taught) == len(set(taught)), f"{teacher} is in two classes at once"
        assert 5 <= len(taught) <= 6, teacher
        assert day - set(taught), f"{teacher} has no planning period"


def test_elementary_teachers_keep_a_planning_period(district: DemoDistrict) -> None:
    elementary = next(s for s in district.schools if "KG" in s.grades)
    day = {p.period for p in district.periods(elementary.sourced_id)}
    for person in demo_people_by_role(district, Role.TEACHER, elementary.sourced_id):
        taught = [period for cls in district.classes_of(person.sourced_id) for period in cls.periods]
        assert len(taught) == len(set(taught))
        assert day - set(taught), f"{person.title} {person.name} never plans"


def test_every_class_meets_in_periods_of_its_schools_bell_schedules(district: DemoDistrict) -> None:
    bells: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in read(district.folder, "bell_schedules.csv"):
        bells[(row["schoolSourcedId"], row["dayType"])].add(row["period"])
        assert re.fullmatch(r"\d\d:\d\d", row["startTime"]) and row["startTime"] < row["endTime"]

    for cls in read(district.folder, "classes.csv"):
        periods = split(cls["periods"])
        assert periods
        assert set(periods) <= bells[(cls["schoolSourcedId"], "regular")], cls["title"]
        assert set(periods) <= bells[(cls["schoolSourcedId"], "early")], cls["title"]


def test_early_release_periods_are_shorter(district: DemoDistrict) -> None:
    def minutes(period: BellPeriodRecord) -> int:
        return (period.end.hour - period.start.hour) * 60 + period.end.minute - period.start.minute

    for school in district.schools:
        regular = {p.period: minutes(p) for p in district.periods(school.sourced_id, "regular")}
        early = {p.period: minutes(p) for p in district.periods(school.sourced_id, "early")}
        assert early.keys() == regular.keys()
        assert all(early[period] < regular[period] for period in early)


def test_no_room_holds_two_classes_in_the_same_period(district: DemoDistrict) -> None:
    booked: Counter[tuple[str, str, str]] = Counter()
    for cls in read(district.folder, "classes.csv"):
        assert cls["location"], cls["title"]
        for period in split(cls["periods"]):
            booked[(cls["schoolSourcedId"], cls["location"], period)] += 1
    assert max(booked.values()) == 1, [key for key, n in booked.items() if n > 1]


def test_the_calendar_has_thanksgiving_winter_break_and_early_days(district: DemoDistrict) -> None:
    rows = read(district.folder, "calendar.csv")
    by_school: dict[str, dict[date, str]] = defaultdict(dict)
    for row in rows:
        by_school[row["schoolSourcedId"]][date.fromisoformat(row["date"])] = row["dayType"]

    assert set(by_school) == {s.sourced_id for s in district.schools}
    for days in by_school.values():
        assert all(day.weekday() < 5 and district.first_day <= day <= district.last_day for day in days)
        assert [days.get(date(2026, 11, d)) for d in (25, 26, 27)] == ["none"] * 3
        assert days[date(2026, 12, 23)] == "none" and days[date(2027, 1, 1)] == "none"
        assert sum(kind == "early" for kind in days.values()) >= 3
        assert set(days.values()) == {"none", "early"}


def test_teams_have_channels_and_members_who_teach_at_that_school(district: DemoDistrict) -> None:
    users = {row["sourcedId"] for row in read(district.folder, "users.csv")}
    teams = read(district.folder, "teams.csv")
    by_channel = {t.channel.slack_channel_id: t for t in district.teams}

    assert len(teams) == len(district.teams) >= 10
    for row in teams:
        members = split(row["userSourcedIds"])
        assert len(members) >= 3, row["name"]
        assert set(members) <= users
        assert all(district.person(m).has_role(Role.TEACHER, row["schoolSourcedId"]) for m in members)
        assert by_channel[row["slackChannel"]].name == row["name"]
    names = [t.channel.hashtag for t in district.teams]
    assert "#grade-3-team" in names and len(set(names)) == len(names)
    assert {t.name for t in district.teams} >= {"Kindergarten Team", "Grade 5 Team", "Math Department"}


def test_slack_identities_are_unique_and_slack_shaped(district: DemoDistrict) -> None:
    user_ids = [p.slack_user_id for p in district.people]
    channel_ids = [c.slack_channel_id for c in district.channels]
    emails = [p.email for p in district.people]

    assert all(re.fullmatch(r"U0[A-Z0-9]{8}", u) for u in user_ids) and len(set(user_ids)) == len(user_ids)
    assert all(re.fullmatch(r"C0[A-Z0-9]{8}", c) for c in channel_ids) and len(set(channel_ids)) == len(
        channel_ids
    )
    assert all(e.endswith("@riverbend.example") for e in emails) and len(set(emails)) == len(emails)
    assert district.community_channel.hashtag == "#instructional-partners"
    zones = {s.sourced_id: s.timezone for s in district.schools}
    for person in district.people:
        assert person.timezone == zones.get(person.primary_org_sourced_id, "America/Chicago")


def test_people_by_role_gives_the_narration_its_cast(default_district: DemoDistrict) -> None:
    elementary, secondary = default_district.schools

    assert [p.title for p in demo_people_by_role(default_district, Role.LEADER, elementary.sourced_id)] == [
        "Principal",
        "Assistant principal",
        "Instructional leader",
    ]
    assert len(demo_people_by_role(default_district, Role.TEACHER, elementary.sourced_id)) == 22
    assert len(demo_people_by_role(default_district, Role.TEACHER, secondary.sourced_id)) == 18
    assert all("Instructional partner" in p.title for p in default_district.coaches)
    grade3 = next(t for t in default_district.teams if t.channel.name == "grade-3-team")
    assert {default_district.person(m).title for m in grade3.member_sourced_ids} == {"Grade 3 teacher"}


# --- students: present so the importer can prove it reads past them ---------------------------------------


def test_students_are_in_the_bundle_with_demographics_but_not_in_the_cast(district: DemoDistrict) -> None:
    roles = {r["userSourcedId"]: r["role"] for r in read(district.folder, "roles.csv")}
    students = {user for user, role in roles.items() if role == "student"}
    demographics = read(district.folder, "demographics.csv")

    assert students == set(district.student_sourced_ids) and len(students) >= 4
    assert {row["sourcedId"] for row in demographics} == students
    assert not students & {p.sourced_id for p in district.people}
    student_enrollments = [e for e in read(district.folder, "enrollments.csv") if e["role"] == "student"]
    assert {e["userSourcedId"] for e in student_enrollments} == students
    for row in read(district.folder, "users.csv"):
        if row["sourcedId"] in students:
            assert (row["givenName"], row["familyName"][:8]) == ("Sample", "Student ")


def test_no_one_has_a_password(district: DemoDistrict) -> None:
    assert {row["password"] for row in read(district.folder, "users.csv")} == {""}


# --- the importer takes it as it is -------------------------------------------------------------------------


def test_the_oneroster_importer_reads_the_bundle_without_a_problem(district: DemoDistrict) -> None:
    snapshot = read_bundle(district.folder)

    def holders(role: Role) -> set[str]:
        return {m.sourced_id for m in snapshot.staff if any(r == role for _, r in m.roles)}

    assert [d.name for d in snapshot.districts] == ["Riverbend Unified (demo)"]
    assert {(s.sourced_id, s.timezone) for s in snapshot.schools} == {
        (s.sourced_id, s.timezone) for s in district.schools
    }
    assert {m.sourced_id for m in snapshot.staff} == {p.sourced_id for p in district.people}
    assert holders(Role.TEACHER) == {p.sourced_id for p in district.teachers}
    assert holders(Role.LEADER) == {p.sourced_id for p in district.leaders}
    assert holders(Role.COACH) == {p.sourced_id for p in district.coaches}
    assert holders(Role.ADMIN) == {p.sourced_id for p in district.admins}
    assert {m.sourced_id: m.roles for m in snapshot.staff} == {
        p.sourced_id: frozenset(p.roles) for p in district.people
    }
    assert {m.email for m in snapshot.staff} == {p.email for p in district.people}
    assert {m.sourced_id: (m.given_name, m.family_name) for m in snapshot.staff} == {
        p.sourced_id: (p.preferred_given_name or p.given_name, p.family_name) for p in district.people
    }
    assert {(c.sourced_id, c.periods, c.room, c.teacher_sourced_ids) for c in snapshot.classes} == {
        (c.sourced_id, c.periods, c.room, (c.teacher_sourced_id,)) for c in district.classes
    }
    assert {(t.sourced_id, t.slack_channel, t.member_sourced_ids) for t in snapshot.teams} == {
        (t.sourced_id, t.channel.slack_channel_id, t.member_sourced_ids) for t in district.teams
    }
    assert set(snapshot.bell_periods) == set(district.bell_periods)
    assert set(snapshot.calendar_days) == set(district.calendar_days)
    assert snapshot.skipped_students == len(district.student_sourced_ids)
    assert snapshot.deleted == {}


def test_the_importer_stores_no_student(district: DemoDistrict) -> None:
    snapshot = read_bundle(district.folder)

    staff = {m.sourced_id for m in snapshot.staff}
    assert not staff & set(district.student_sourced_ids)
    assert not any(m.email and "students." in m.email for m in snapshot.staff)
