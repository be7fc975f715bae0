"""A parsed roster, as plain data: what an importer hands to `roster.service.apply_roster`.

Importers (OneRoster CSV today) fill these types; the service turns them into rows. Nothing here holds
student data: importers read past student rows and never build a `StaffMember` from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum


class Role(StrEnum):
    """What a person does at a school, as far as Rounds is concerned."""

    LEADER = "leader"
    COACH = "coach"
    TEACHER = "teacher"
    ADMIN = "admin"


@dataclass(frozen=True)
class DistrictRecord:
    sourced_id: str
    name: str


@dataclass(frozen=True)
class SchoolRoutine:
    """How a school runs its walkthrough routine (schools.csv). None keeps what Rounds has."""

    visits_per_day: int | None = None
    cycle_length: int | None = None
    visit_minutes: int | None = None
    reminder_time: time | None = None
    paired_share: float | None = None
    days_off_url: str | None = None
    first_day: date | None = None  # the first day of school this year: where the first cycle starts

    def given(self) -> dict[str, object]:
        return {name: value for name, value in self.__dict__.items() if value is not None}


@dataclass(frozen=True)
class SchoolRecord:
    sourced_id: str
    name: str
    district_sourced_id: str | None
    timezone: str = "America/Chicago"
    routine: SchoolRoutine = SchoolRoutine()


@dataclass(frozen=True)
class StaffMember:
    sourced_id: str
    given_name: str
    family_name: str
    email: str | None
    # (school sourcedId, role) pairs; one person may teach at one school and lead another.
    roles: frozenset[tuple[str, Role]] = frozenset()
    # An iCalendar URL of the person's busy time (staff_roles.csv), for leaders not on Google Calendar.
    calendar_url: str | None = None


@dataclass(frozen=True)
class ClassRecord:
    sourced_id: str
    school_sourced_id: str
    title: str
    course_title: str | None
    subjects: tuple[str, ...]
    grades: tuple[str, ...]
    periods: tuple[str, ...]
    room: str | None
    teacher_sourced_ids: tuple[str, ...]


@dataclass(frozen=True)
class TeamRecord:
    sourced_id: str
    school_sourced_id: str
    name: str
    slack_channel: str | None
    member_sourced_ids: tuple[str, ...]


@dataclass(frozen=True)
class CaseloadRecord:
    """The teachers one leader sees at one school, when a school splits them among its leaders."""

    school_sourced_id: str
    leader_sourced_id: str
    teacher_sourced_ids: tuple[str, ...]


@dataclass(frozen=True)
class BellPeriodRecord:
    school_sourced_id: str
    day_type: str
    period: str
    start: time
    end: time


@dataclass(frozen=True)
class CalendarDayRecord:
    """A dated exception to Monday–Friday `regular`; day_type `none` means no instruction."""

    school_sourced_id: str
    day: date
    day_type: str


@dataclass(frozen=True)
class RosterSnapshot:
    """Everything one import brings. Keys are OneRoster sourcedIds throughout."""

    districts: tuple[DistrictRecord, ...] = ()
    schools: tuple[SchoolRecord, ...] = ()
    staff: tuple[StaffMember, ...] = ()
    classes: tuple[ClassRecord, ...] = ()
    teams: tuple[TeamRecord, ...] = ()
    caseloads: tuple[CaseloadRecord, ...] = ()
    bell_periods: tuple[BellPeriodRecord, ...] = ()
    calendar_days: tuple[CalendarDayRecord, ...] = ()
    # sourcedIds marked `tobedeleted` in the bundle, by kind ("users", "classes", "orgs", "teams").
    deleted: dict[str, frozenset[str]] = field(default_factory=dict)
    # How many student rows were read past (reported, never stored).
    skipped_students: int = 0
    # A delta bundle carries only what changed: what it leaves out is kept, not removed.
    is_delta: bool = False


@dataclass(frozen=True)
class RosterProblem:
    """One thing wrong with an input file, precise enough to fix: file, row (1-based, header = 1), column."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"


class RosterError(Exception):
    """The bundle cannot be imported; nothing was written. Carries every problem found."""

    def __init__(self, problems: list[RosterProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
