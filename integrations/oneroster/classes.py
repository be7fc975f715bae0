"""classes.csv and enrollments.csv: the classrooms a leader can visit and the teachers who teach them.

Only teacher enrollments are looked at; student enrollments are read past without a second glance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from integrations.oneroster.organisations import Orgs, check_school
from integrations.oneroster.people import KNOWN_ROLES, STUDENT_ROLES, TEACHER, People
from integrations.oneroster.reading import STATUS_COLUMNS, Reading
from integrations.oneroster.values import Status, split_list

CLASS_REQUIRED = ("sourcedId", "title", "courseSourcedId", "schoolSourcedId", "periods")
CLASS_OPTIONAL = ("grades", "subjects", "location", "termSourcedIds", "classCode", *STATUS_COLUMNS)
ENROLLMENT_REQUIRED = ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role")


@dataclass(frozen=True)
class ClassDraft:
    """A class before its teachers are known (they come from enrollments.csv)."""

    sourced_id: str
    school_sourced_id: str
    title: str
    course_title: str | None
    subjects: tuple[str, ...]
    grades: tuple[str, ...]
    periods: tuple[str, ...]
    room: str | None


@dataclass
class Classes:
    drafts: dict[str, ClassDraft] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    # Classes with a problem of their own: enrollments pointing at them are not reported again.
    rejected: set[str] = field(default_factory=set)


def read_classes(
    reading: Reading,
    orgs: Orgs,
    courses: dict[str, str | None],
    sessions: set[str],
    bell_periods: dict[str, set[str]] | None,
) -> Classes:
    """`bell_periods` (school → periods with times), when given, is what each class's periods must be in."""
    classes = Classes()
    seen: dict[str, int] = {}
    for row in reading.rows("classes", required=CLASS_REQUIRED, optional=CLASS_OPTIONAL):
        sourced_id = reading.sourced_id("classes", row, seen)
        status = reading.status("classes", row)
        if sourced_id is None or status is None:
            continue
        if status is Status.TO_BE_DELETED:
            classes.deleted.add(sourced_id)
            continue
        ok = True
        school = row["schoolSourcedId"]
        if not check_school(reading, orgs, "classes", row, "schoolSourcedId", school):
            ok = False
        course = row["courseSourcedId"]
        if course and course not in courses and reading.complete("courses"):
            reading.add("classes", row, "courseSourcedId", f"unknown course '{course}'")
            ok = False
        for term in split_list(row["termSourcedIds"]):
            if term not in sessions and reading.complete("academicSessions"):
                reading.add("classes", row, "termSourcedIds", f"unknown academic session '{term}'")
                ok = False
        periods = split_list(row["periods"])
        if bell_periods is not None and ok:
            timed = bell_periods.get(school, set())
            for period in periods:
                if period not in timed:
                    reading.add(
                        "classes",
                        row,
                        "periods",
                        f"period '{period}' has no times in bell_schedules.csv for school '{school}'",
                    )
                    ok = False
        title = reading.filled("classes", row, "title")
        if title is None or not ok:
            classes.rejected.add(sourced_id)
            continue
        classes.drafts[sourced_id] = ClassDraft(
            sourced_id=sourced_id,
            school_sourced_id=school,
            title=title,
            course_title=courses.get(course),
            subjects=split_list(row["subjects"]),
            grades=split_list(row["grades"]),
            periods=periods,
            room=row["location"] or None,
        )
    return classes


def read_enrollments(reading: Reading, orgs: Orgs, people: People, classes: Classes) -> dict[str, list[str]]:
    """Teachers by class sourcedId, primary teachers first, each once."""
    ranked: dict[str, list[tuple[bool, int, str]]] = {}
    seen: dict[str, int] = {}
    for row in reading.rows(
        "enrollments",
        required=ENROLLMENT_REQUIRED,
        optional=("primary", *STATUS_COLUMNS),
        read_past=("role", STUDENT_ROLES),
    ):
        role = row["role"].lower()
        if role not in KNOWN_ROLES:
            reading.add("enrollments", row, "role", f"unknown role '{row['role']}'")
            continue
        if role != TEACHER:
            continue
        sourced_id = reading.sourced_id("enrollments", row, seen)
        status = reading.status("enrollments", row)
        if sourced_id is None or status is not Status.ACTIVE:
            continue
        class_id, user = row["classSourcedId"], row["userSourcedId"]
        school_ok = check_school(reading, orgs, "enrollments", row, "schoolSourcedId", row["schoolSourcedId"])
        user_ok = people.check_staff(reading, "enrollments", row, "userSourcedId", user)
        if class_id not in classes.drafts:
            known = class_id in classes.deleted or class_id in classes.rejected
            if not known and reading.complete("classes"):
                reading.add("enrollments", row, "classSourcedId", f"unknown class '{class_id}'")
            continue
        if school_ok and user_ok and user in people.staff:
            primary = row["primary"].lower() == "true"
            ranked.setdefault(class_id, []).append((not primary, row.number, user))
    return {
        class_id: list(dict.fromkeys(user for *_, user in sorted(rows))) for class_id, rows in ranked.items()
    }
