"""Rounds' own files that travel with the OneRoster ones: bell schedules, calendar, staff roles, teams and
school time zones. OneRoster has no place for these, so they use the same sourcedIds to point into it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from integrations.oneroster.organisations import Orgs, check_school
from integrations.oneroster.people import People
from integrations.oneroster.reading import Reading
from integrations.oneroster.values import Status, parse_date, parse_time, split_list
from workflows.roster.snapshot import (
    BellPeriodRecord,
    CalendarDayRecord,
    CaseloadRecord,
    Role,
    SchoolRoutine,
    TeamRecord,
)

NO_INSTRUCTION = "none"
STAFF_ROLES = {"leader": Role.LEADER, "coach": Role.COACH, "admin": Role.ADMIN}


@dataclass
class BellSchedules:
    periods: list[BellPeriodRecord] = field(default_factory=list)
    # school → periods that have times on some day type; school → its day types
    timed: dict[str, set[str]] = field(default_factory=dict)
    day_types: dict[str, set[str]] = field(default_factory=dict)


def read_bell_schedules(reading: Reading, orgs: Orgs) -> BellSchedules:
    kind = "bell_schedules"
    bells = BellSchedules()
    seen: dict[tuple[str, str, str], int] = {}
    for row in reading.rows(kind, required=("schoolSourcedId", "dayType", "period", "startTime", "endTime")):
        school = row["schoolSourcedId"]
        school_ok = check_school(reading, orgs, kind, row, "schoolSourcedId", school)
        day_type = (reading.filled(kind, row, "dayType") or "").lower()
        period = reading.filled(kind, row, "period")
        if school_ok and day_type and period:
            # Known even when its times are wrong, so classes in this period are not reported as well.
            bells.timed.setdefault(school, set()).add(period)
            bells.day_types.setdefault(school, set()).add(day_type)
        start, end = parse_time(row["startTime"]), parse_time(row["endTime"])
        for column, value in (("startTime", start), ("endTime", end)):
            if value is None:
                reading.add(kind, row, column, f"'{row[column]}' is not a time (HH:MM)")
        if start and end and end <= start:
            reading.add(kind, row, "endTime", f"endTime {end:%H:%M} is not after startTime {start:%H:%M}")
            continue
        if not (school_ok and day_type and period and start and end):
            continue
        key = (school, day_type, period)
        if key in seen:
            reading.add(
                kind,
                row,
                "period",
                f"duplicate period '{period}' on dayType '{day_type}' (first on row {seen[key]})",
            )
            continue
        seen[key] = row.number
        bells.periods.append(BellPeriodRecord(school, day_type, period, start, end))
    return bells


def read_calendar(reading: Reading, orgs: Orgs, bells: BellSchedules) -> list[CalendarDayRecord]:
    """Dated exceptions; a dayType other than `none` must have a bell schedule at that school."""
    kind = "calendar"
    days: list[CalendarDayRecord] = []
    seen: dict[tuple[str, date], int] = {}
    for row in reading.rows(kind, required=("schoolSourcedId", "date", "dayType")):
        school = row["schoolSourcedId"]
        school_ok = check_school(reading, orgs, kind, row, "schoolSourcedId", school)
        day = parse_date(row["date"])
        if day is None:
            reading.add(kind, row, "date", f"'{row['date']}' is not a date (YYYY-MM-DD)")
        day_type = (reading.filled(kind, row, "dayType") or "").lower()
        if (
            day_type
            and day_type != NO_INSTRUCTION
            and school_ok
            and reading.complete("bell_schedules")
            and day_type not in bells.day_types.get(school, ())
        ):
            reading.add(
                kind, row, "dayType", f"dayType '{day_type}' has no bell schedule for school '{school}'"
            )
            continue
        if not (school_ok and day and day_type):
            continue
        if (school, day) in seen:
            reading.add(
                kind,
                row,
                "date",
                f"duplicate date {day} for school '{school}' (first on row {seen[school, day]})",
            )
            continue
        seen[school, day] = row.number
        days.append(CalendarDayRecord(school, day, day_type))
    return days


def read_staff_roles(
    reading: Reading, orgs: Orgs, people: People
) -> tuple[set[tuple[str, str, Role]], dict[str, str]]:
    """(user, school, role) triples: the leaders, coaches and admins, when the district says so itself;
    and each user's iCalendar URL of busy time, from the optional `calendarUrl` column."""
    kind = "staff_roles"
    roles: set[tuple[str, str, Role]] = set()
    calendars: dict[str, str] = {}
    for row in reading.rows(
        kind, required=("userSourcedId", "schoolSourcedId", "role"), optional=("calendarUrl",)
    ):
        user, school = row["userSourcedId"], row["schoolSourcedId"]
        if row["calendarUrl"]:
            if _url(row["calendarUrl"]) is None:
                reading.add(
                    kind, row, "calendarUrl", f"'{row['calendarUrl']}' is not an http(s):// or webcal:// URL"
                )
            else:
                calendars[user] = row["calendarUrl"]
        user_ok = people.check_staff(reading, kind, row, "userSourcedId", user)
        school_ok = check_school(reading, orgs, kind, row, "schoolSourcedId", school)
        role = STAFF_ROLES.get(row["role"].lower())
        if role is None:
            reading.add(kind, row, "role", f"unknown role '{row['role']}' (leader, coach or admin)")
        elif user_ok and school_ok:
            roles.add((user, school, role))
    return roles, calendars


def read_teams(reading: Reading, orgs: Orgs, people: People) -> tuple[list[TeamRecord], set[str]]:
    """Teams, and the sourcedIds of teams marked tobedeleted (an optional `status` column)."""
    kind = "teams"
    teams: list[TeamRecord] = []
    deleted: set[str] = set()
    seen: dict[str, int] = {}
    required = ("sourcedId", "schoolSourcedId", "name", "slackChannel", "userSourcedIds")
    for row in reading.rows(kind, required=required, optional=("status",)):
        sourced_id = reading.sourced_id(kind, row, seen)
        status = reading.status(kind, row)
        if sourced_id is None or status is None:
            continue
        if status is Status.TO_BE_DELETED:
            deleted.add(sourced_id)
            continue
        school = row["schoolSourcedId"]
        ok = check_school(reading, orgs, kind, row, "schoolSourcedId", school)
        name = reading.filled(kind, row, "name")
        members = split_list(row["userSourcedIds"])
        for user in members:
            ok = people.check_staff(reading, kind, row, "userSourcedIds", user) and ok
        if ok and name:
            teams.append(TeamRecord(sourced_id, school, name, row["slackChannel"] or None, members))
    return teams, deleted


def read_caseloads(reading: Reading, orgs: Orgs, people: People) -> list[CaseloadRecord]:
    """caseloads.csv: which teachers each leader sees, for schools that split them among their leaders."""
    kind = "caseloads"
    caseloads: list[CaseloadRecord] = []
    seen: set[tuple[str, str]] = set()
    for row in reading.rows(kind, required=("schoolSourcedId", "leaderSourcedId", "teacherSourcedIds")):
        school, leader = row["schoolSourcedId"], row["leaderSourcedId"]
        ok = check_school(reading, orgs, kind, row, "schoolSourcedId", school)
        ok = people.check_staff(reading, kind, row, "leaderSourcedId", leader) and ok
        teachers = split_list(row["teacherSourcedIds"])
        for teacher in teachers:
            ok = people.check_staff(reading, kind, row, "teacherSourcedIds", teacher) and ok
        if (school, leader) in seen:
            reading.add(kind, row, "leaderSourcedId", f"a second caseload for '{leader}' at '{school}'")
            ok = False
        seen.add((school, leader))
        if ok:
            caseloads.append(CaseloadRecord(school, leader, teachers))
    return caseloads


# schools.csv: optional columns beside the time zone, each (column, field, parse, what a good value is).
ROUTINE_COLUMNS = (
    ("visitsPerDay", "visits_per_day", lambda v: _whole(v, 1, 8), "a whole number of visits from 1 to 8"),
    ("cycleLength", "cycle_length", lambda v: _whole(v, 1, 40), "a whole number of school days from 1 to 40"),
    ("visitMinutes", "visit_minutes", lambda v: _whole(v, 5, 60), "a whole number of minutes from 5 to 60"),
    ("reminderTime", "reminder_time", parse_time, "a time (HH:MM)"),
    ("pairedShare", "paired_share", lambda v: _share(v), "a share from 0 to 1, such as 0.2"),
    ("daysOffUrl", "days_off_url", lambda v: _url(v), "an http(s):// or webcal:// URL of an iCalendar feed"),
    ("firstDay", "first_day", parse_date, "a date (YYYY-MM-DD)"),
)


def read_school_settings(reading: Reading, orgs: Orgs) -> dict[str, tuple[str | None, SchoolRoutine]]:
    """schools.csv: each school's IANA time zone and walkthrough routine; blank cells keep what Rounds has."""
    kind = "schools"
    settings: dict[str, tuple[str | None, SchoolRoutine]] = {}
    seen: dict[str, int] = {}
    optional = ("timezone", *(column for column, *_ in ROUTINE_COLUMNS))
    for row in reading.rows(kind, required=("schoolSourcedId",), optional=optional):
        school = reading.sourced_id(kind, row, seen, column="schoolSourcedId")
        if school is None or not check_school(reading, orgs, kind, row, "schoolSourcedId", school):
            continue
        zone = row["timezone"] or None
        if zone is not None and not _is_time_zone(zone):
            reading.add(
                kind, row, "timezone", f"'{zone}' is not a time zone (an IANA name such as America/Chicago)"
            )
        routine: dict[str, object] = {}
        for column, name, parse, good in ROUTINE_COLUMNS:
            if not row[column]:
                continue
            value = parse(row[column])
            if value is None:
                reading.add(kind, row, column, f"'{row[column]}' is not {good}")
            else:
                routine[name] = value
        settings[school] = (zone, SchoolRoutine(**routine))
    return settings


def _whole(value: str, low: int, high: int) -> int | None:
    return int(value) if value.isdigit() and low <= int(value) <= high else None


def _share(value: str) -> float | None:
    try:
        share = float(value)
    except ValueError:
        return None
    return share if 0 <= share <= 1 else None


def _url(value: str) -> str | None:
    return value if value.startswith(("https://", "http://", "webcal://")) and len(value) <= 2048 else None


def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return bool(name)
