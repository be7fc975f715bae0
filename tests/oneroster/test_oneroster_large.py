"""A large district reads quickly and reports its progress as it goes."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from integrations.oneroster import read_bundle

FIXTURES = Path(__file__).parents[1] / "data" / "oneroster"
SCHOOLS, TEACHERS_PER_SCHOOL, STUDENTS_PER_SCHOOL, CLASSES_PER_TEACHER = 25, 80, 1920, 5


def write_large_district(folder: Path) -> None:
    """50,000 users (2,000 staff, 48,000 students) in 25 schools; 10,000 classes, 250,000 enrollments."""
    shutil.copytree(FIXTURES / "v1_1", folder)
    for name in ("calendar.csv", "teams.csv", "schools.csv", "academicSessions.csv", "courses.csv"):
        (folder / name).unlink()
    manifest = (
        (folder / "manifest.csv")
        .read_text()
        .replace("file.academicSessions,bulk", "file.academicSessions,absent")
    )
    (folder / "manifest.csv").write_text(manifest.replace("file.courses,bulk", "file.courses,absent"))
    schools = [f"sch-{number:03d}" for number in range(SCHOOLS)]
    orgs = [
        "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId",
        "dist-1,,,Big District,district,,",
    ]
    orgs += [f"{school},,,School {school},school,,dist-1" for school in schools]
    users = [(folder / "users.csv").read_text().splitlines()[0]]
    classes = [(folder / "classes.csv").read_text().splitlines()[0]]
    enrollments = [(folder / "enrollments.csv").read_text().splitlines()[0]]
    bells = ["schoolSourcedId,dayType,period,startTime,endTime"]
    for school in schools:
        bells += [
            f"{school},regular,{period},{7 + period:02d}:00,{7 + period:02d}:50" for period in range(1, 7)
        ]
        for teacher in range(TEACHERS_PER_SCHOOL):
            user = f"{school}-t{teacher}"
            users.append(
                f'{user},,,true,"{school},dist-1",teacher,,,Given{teacher},Family{teacher},,,{user}@big.example.org,,,,,secret'
            )
            for number in range(CLASSES_PER_TEACHER):
                class_id = f"{user}-c{number}"
                classes.append(
                    f'{class_id},,,Class {number},"06,07",crs-x,,scheduled,Room {teacher},{school},,Math,,"{number + 1}"'
                )
                enrollments.append(f"e-{class_id},,,{class_id},{school},{user},teacher,true,,")
        for student in range(STUDENTS_PER_SCHOOL):
            user = f"{school}-s{student}"
            users.append(
                f"{user},,,true,{school},student,,,Kid{student},Pupil,,,{user}@kids.example.org,,,,06,pw"
            )
            for number in range(5):
                class_id = f"{school}-t{(student + number) % TEACHERS_PER_SCHOOL}-c{number}"
                enrollments.append(f"e-{user}-{number},,,{class_id},{school},{user},student,false,,")
    for name, lines in (("orgs", orgs), ("users", users), ("classes", classes), ("enrollments", enrollments)):
        (folder / f"{name}.csv").write_text("\n".join(lines) + "\n")
    (folder / "bell_schedules.csv").write_text("\n".join(bells) + "\n")


def test_fifty_thousand_users_read_in_a_few_seconds_with_progress(tmp_path: Path) -> None:
    write_large_district(tmp_path / "big")
    calls: list[tuple[str, int, int]] = []

    started = time.perf_counter()
    snapshot = read_bundle(
        tmp_path / "big", progress=lambda name, done, total: calls.append((name, done, total))
    )
    elapsed = time.perf_counter() - started

    assert len(snapshot.staff) == SCHOOLS * TEACHERS_PER_SCHOOL
    assert snapshot.skipped_students == SCHOOLS * STUDENTS_PER_SCHOOL
    assert len(snapshot.classes) == SCHOOLS * TEACHERS_PER_SCHOOL * CLASSES_PER_TEACHER
    user_progress = [(done, total) for name, done, total in calls if name == "users.csv"]
    assert len(user_progress) > 10
    assert user_progress[-1] == (50_000, 50_000)
    assert [done for done, _ in user_progress] == sorted(done for done, _ in user_progress)
    assert elapsed < 10, f"took {elapsed:.1f} s"  # about 2 s on one core; generous for a shared CI machine
