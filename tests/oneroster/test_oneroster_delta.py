"""Rows marked tobedeleted, and delta bundles that carry only what changed since the last import."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from integrations.oneroster import read_bundle
from workflows.roster.snapshot import RosterError

if TYPE_CHECKING:
    from conftest import BundleCopy

USERS_1_1 = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,"
    "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password"
)
CLASSES = (
    "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,"
    "schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods"
)


def write_delta_bundle(folder: Path, users: list[str], classes: list[str]) -> Path:
    folder.mkdir()
    (folder / "manifest.csv").write_text(
        "propertyName,value\noneroster.version,1.1\nfile.orgs,absent\nfile.users,delta\n"
        "file.classes,delta\nfile.enrollments,absent\nfile.demographics,absent\n"
    )
    (folder / "users.csv").write_text("\n".join([USERS_1_1, *users]) + "\n")
    (folder / "classes.csv").write_text("\n".join([CLASSES, *classes]) + "\n")
    return folder


def test_tobedeleted_rows_in_a_bulk_bundle_are_listed_for_deletion_and_left_out(v1_1: BundleCopy) -> None:
    v1_1.edit("classes.csv", "cls-m-4write,active", "cls-m-4write,tobedeleted")
    v1_1.edit("users.csv", "usr-raman,active", "usr-raman,tobedeleted")
    v1_1.edit("users.csv", "stu-2002,active", "stu-2002,tobedeleted")
    v1_1.append(
        "orgs.csv", "sch-cedar,tobedeleted,2025-08-01T12:00:00Z,Cedar Hill School,school,0301,dist-riverbend"
    )
    v1_1.write(
        "teams.csv",
        "sourcedId,schoolSourcedId,name,slackChannel,userSourcedIds,status\n"
        "team-m-grade3,sch-maple,Maple Grade 3 Team,#maple-grade-3,usr-okafor,\n"
        'team-m-upper,sch-maple,Maple Upper Grades,#maple-upper-grades,"usr-lindqvist,usr-okafor",tobedeleted\n'
        'team-h-math,sch-harbor,Harbor Math & Literacy,#harbor-math-literacy,"usr-nakamura,usr-nunez",active\n',
    )

    snapshot = v1_1.snapshot()

    assert snapshot.deleted == {
        "users": frozenset({"usr-raman"}),
        "classes": frozenset({"cls-m-4write"}),
        "orgs": frozenset({"sch-cedar"}),
        "teams": frozenset({"team-m-upper"}),
    }
    assert "cls-m-4write" not in {record.sourced_id for record in snapshot.classes}
    assert "usr-raman" not in {member.sourced_id for member in snapshot.staff}
    assert [team.sourced_id for team in snapshot.teams] == ["team-m-grade3", "team-h-math"]
    assert [school.sourced_id for school in snapshot.schools] == ["sch-maple", "sch-harbor"]
    assert snapshot.skipped_students == 5  # a departing student is still only counted, never listed


def test_blank_status_in_a_bulk_file_means_active(v1_1: BundleCopy) -> None:
    v1_1.edit("users.csv", "usr-okafor,active,2025-08-01T12:00:00Z,", "usr-okafor,,,")

    assert v1_1.snapshot() == read_bundle(Path(__file__).parents[1] / "data" / "oneroster" / "v1_1")


def test_delta_bundle_needs_only_the_changed_files(tmp_path: Path) -> None:
    bundle = write_delta_bundle(
        tmp_path / "delta",
        users=[
            "usr-okafor,active,2025-09-10T08:00:00Z,true,sch-maple,teacher,aokafor,,Adaeze,Okafor-Bell,,,"
            "adaeze.okafor@riverbend.example.org,,,,03,",
            "usr-lindqvist,tobedeleted,2025-09-10T08:00:00.000Z,true,sch-maple,teacher,,,Erik,Lindqvist,,,,,,,,",
            "stu-1002,tobedeleted,2025-09-10T08:00:00Z,true,sch-maple,student,,,Otis,Fenwick,,,,,,,04,",
        ],
        classes=["cls-m-4write,tobedeleted,2025-09-10T08:00:00Z,Writing,04,crs-write4,,,,sch-maple,,,,5"],
    )

    snapshot = read_bundle(bundle)

    assert [(member.sourced_id, member.family_name) for member in snapshot.staff] == [
        ("usr-okafor", "Okafor-Bell")
    ]
    assert snapshot.deleted == {"users": frozenset({"usr-lindqvist"}), "classes": frozenset({"cls-m-4write"})}
    assert snapshot.skipped_students == 1
    assert "Fenwick" not in repr(snapshot)


def test_delta_rows_must_say_their_status_and_when_they_changed(tmp_path: Path) -> None:
    bundle = write_delta_bundle(
        tmp_path / "delta",
        users=[
            "usr-okafor,,2025-09-10T08:00:00Z,true,sch-maple,teacher,,,Adaeze,Okafor,,,,,,,,",
            "usr-nunez,active,,true,sch-harbor,teacher,,,Mateo,Núñez,,,,,,,,",
            "usr-brooks,retired,2025-09-10T08:00:00Z,true,sch-maple,administrator,,,Simone,Brooks,,,,,,,,",
        ],
        classes=["cls-m-3read,active,yesterday,Grade 3 Reading,03,crs-ela3,,,,sch-maple,,,,1"],
    )

    with pytest.raises(RosterError) as raised:
        read_bundle(bundle)
    problems = [str(problem) for problem in raised.value.problems]

    assert problems == [
        "users.csv, row 2, column status: status is required in a delta file (active or tobedeleted)",
        "users.csv, row 3, column dateLastModified: dateLastModified is required in a delta file",
        "users.csv, row 4, column status: unknown status 'retired' (active or tobedeleted)",
        "classes.csv, row 2, column dateLastModified: 'yesterday' is not a date-time (ISO 8601)",
    ]
