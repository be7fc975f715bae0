"""A tiny roster built in code, for tests that need people but are not about importing files."""

from __future__ import annotations

from datetime import time

from workflows.db import Sessions, transaction
from workflows.roster.service import apply_roster
from workflows.roster.snapshot import (
    BellPeriodRecord,
    ClassRecord,
    DistrictRecord,
    Role,
    RosterSnapshot,
    SchoolRecord,
    StaffMember,
)

LEADER = StaffMember("t-lead", "Ada", "Okafor", "ada.okafor@example.org", frozenset({("s-1", Role.LEADER)}))
TEACHER = StaffMember(
    "t-teach", "Ben", "Lindqvist", "ben.lindqvist@example.org", frozenset({("s-1", Role.TEACHER)})
)
COACH = StaffMember("t-coach", "Cleo", "Ramos", "cleo.ramos@example.org", frozenset({("s-1", Role.COACH)}))


def small_roster() -> RosterSnapshot:
    return RosterSnapshot(
        districts=(DistrictRecord("d-1", "Test District"),),
        schools=(SchoolRecord("s-1", "Maple Elementary", "d-1", "America/Chicago"),),
        staff=(LEADER, TEACHER, COACH),
        classes=(
            ClassRecord(
                "c-1", "s-1", "Grade 3 Math", "Math 3", ("Math",), ("03",), ("1",), "104", ("t-teach",)
            ),
        ),
        bell_periods=(BellPeriodRecord("s-1", "regular", "1", time(8, 0), time(8, 50)),),
    )


def load_small_roster(sessions: Sessions) -> None:
    with transaction(sessions) as session:
        apply_roster(session, snapshot=small_roster())
