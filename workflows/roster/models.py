"""Roster tables: the district's schools, staff, classes, teams, bell schedules and school calendars.

Staff only. No table here (or anywhere in Rounds) has a place for a student.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from sqlalchemy import JSON, Column, String, UniqueConstraint, event
from sqlmodel import Field, SQLModel

from workflows.roster.names import SEARCH_NAME_LENGTH, search_form
from workflows.roster.snapshot import Role
from workflows.workspaces.models import workspace_field


class District(SQLModel, table=True):
    """A district's roster, in one Slack workspace (OneRoster sourcedIds are unique only within it)."""

    __table_args__ = (UniqueConstraint("workspace", "sourced_id", name="uq_district_workspace_sourced_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = workspace_field()
    sourced_id: str = Field(max_length=255)
    name: str = Field(max_length=255)


class School(SQLModel, table=True):
    """A school and how it runs its walkthrough routine."""

    __table_args__ = (UniqueConstraint("workspace", "sourced_id", name="uq_school_workspace_sourced_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = workspace_field()
    sourced_id: str = Field(max_length=255)
    district_id: int | None = Field(default=None, foreign_key="district.id", index=True)
    name: str = Field(max_length=255)
    timezone: str = Field(default="America/Chicago", max_length=64)
    visits_per_day: int = 3
    cycle_length: int = Field(default=10, description="school days in which every teacher is seen")
    visit_minutes: int = 10
    reminder_time: time = time(7, 15)
    paired_share: float = Field(default=0.0, description="share of visits planned as calibration pairs")
    days_off_url: str | None = Field(default=None, max_length=2048, description="iCalendar feed of days off")
    first_day: date | None = Field(
        default=None, description="first day of school: the first cycle starts here"
    )


class Person(SQLModel, table=True):
    """A member of staff. Slack users are linked by email; a Slack user id is unique within its workspace."""

    __table_args__ = (
        UniqueConstraint("workspace", "sourced_id", name="uq_person_workspace_sourced_id"),
        UniqueConstraint("workspace", "slack_user_id", name="uq_person_workspace_slack_user_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = workspace_field()
    sourced_id: str = Field(max_length=255)
    given_name: str = Field(max_length=255)
    family_name: str = Field(max_length=255)
    email: str | None = Field(default=None, max_length=320, index=True)
    slack_user_id: str | None = Field(default=None, max_length=32)
    calendar_url: str | None = Field(default=None, max_length=2048, description="iCalendar URL of busy time")
    active: bool = True
    # The name folded for search (workflows.roster.names), kept in step with the name on every write.
    search_name: str = Field(default="", max_length=SEARCH_NAME_LENGTH, index=True)

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def _fold_name(mapper: Any, connection: Any, person: Person) -> None:
    """However a person is written (roster import, demo, tests), their search form follows their name."""
    person.search_name = search_form(person.given_name, person.family_name)


class StaffRole(SQLModel, table=True):
    """What a person does at one school; a person may teach at one school and lead another."""

    __tablename__ = "staff_role"
    __table_args__ = (UniqueConstraint("person_id", "school_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    school_id: int = Field(foreign_key="school.id", index=True, ondelete="CASCADE")
    role: Role = Field(sa_type=String(16))


class SchoolClass(SQLModel, table=True):
    """A class (OneRoster's word): a course taught to a group in a room during some periods."""

    __tablename__ = "school_class"
    __table_args__ = (
        UniqueConstraint("workspace", "sourced_id", name="uq_school_class_workspace_sourced_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = workspace_field()
    sourced_id: str = Field(max_length=255)
    school_id: int = Field(foreign_key="school.id", index=True)
    title: str = Field(max_length=255)
    course_title: str | None = Field(default=None, max_length=255)
    subjects: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    grades: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    periods: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    room: str | None = Field(default=None, max_length=255)
    active: bool = True


class ClassTeacher(SQLModel, table=True):
    __tablename__ = "class_teacher"

    class_id: int = Field(foreign_key="school_class.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True, ondelete="CASCADE")


class Team(SQLModel, table=True):
    """A collaborative team (grade level or subject) with its Slack channel."""

    __table_args__ = (UniqueConstraint("workspace", "sourced_id", name="uq_team_workspace_sourced_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workspace: str = workspace_field()
    sourced_id: str = Field(max_length=255)
    school_id: int = Field(foreign_key="school.id", index=True)
    name: str = Field(max_length=255)
    slack_channel: str | None = Field(default=None, max_length=255)
    grades: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    subjects: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True


class TeamMember(SQLModel, table=True):
    __tablename__ = "team_member"

    team_id: int = Field(foreign_key="team.id", primary_key=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", primary_key=True, index=True, ondelete="CASCADE")


class Caseload(SQLModel, table=True):
    """A teacher one leader sees at one school. A leader with no rows sees every teacher of the school."""

    __table_args__ = (UniqueConstraint("school_id", "leader_id", "teacher_id"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True, ondelete="CASCADE")
    leader_id: int = Field(foreign_key="person.id", index=True, ondelete="CASCADE")
    teacher_id: int = Field(foreign_key="person.id", ondelete="CASCADE")


class BellPeriod(SQLModel, table=True):
    """One period of a school's bell schedule for one kind of day (regular, early, ...)."""

    __tablename__ = "bell_period"
    __table_args__ = (UniqueConstraint("school_id", "day_type", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True, ondelete="CASCADE")
    day_type: str = Field(max_length=64)
    period: str = Field(max_length=64)
    start: time
    end: time


class CalendarDay(SQLModel, table=True):
    """A dated exception to a Monday–Friday `regular` week; day_type `none` means no instruction."""

    __tablename__ = "calendar_day"
    __table_args__ = (UniqueConstraint("school_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True, ondelete="CASCADE")
    day: date
    day_type: str = Field(max_length=64)
