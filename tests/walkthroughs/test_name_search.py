"""Finding a teacher by name, as a leader types it on a phone: any part of the name, case and accents ignored.

Through the teacher type-ahead (the options request Slack sends as the leader types) and `/walkthrough
NAME`, on SQLite and PostgreSQL alike (SQLite's lower() folds ASCII only; neither database drops accents).
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot import ids
from tests.walkthroughs.support import block, open_modal
from workflows.db import transaction
from workflows.roster.models import Person
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

SCHOOL = "s-linden"
TEACHERS = [
    ("p-zel", "Ewa", "Żeleński"),
    ("p-mun", "Rosa", "Muñoz"),
    ("p-per", "Ana", "Pérez-Whitlock"),
    ("p-ost", "Søren", "Østergaard"),
    ("p-gro", "Jürgen", "Großmann"),
    ("p-obr", "Liam", "O'Brien"),
]


@pytest.fixture
def app(rounds, sessions, slack):
    """A school whose teachers' names carry accents and letters beyond ASCII, and its leader."""
    staff = [StaffMember("p-lead", "Ada", "Okafor", "ada@example.org", frozenset({(SCHOOL, Role.LEADER)}))]
    staff += [
        StaffMember(sid, given, family, f"{sid}@example.org", frozenset({(SCHOOL, Role.TEACHER)}))
        for sid, given, family in TEACHERS
    ]
    classes = [
        ClassRecord(f"c-{sid}", SCHOOL, f"Class of {given}", None, ("Math",), ("05",), ("1",), "1", (sid,))
        for sid, given, _ in TEACHERS
    ]
    snapshot = RosterSnapshot(
        districts=(DistrictRecord("d-1", "District"),),
        schools=(SchoolRecord(SCHOOL, "Linden School", "d-1", "America/Chicago"),),
        staff=tuple(staff),
        classes=tuple(classes),
        bell_periods=(BellPeriodRecord(SCHOOL, "regular", "1", *_period()),),
    )
    with transaction(sessions) as session:
        apply_roster(session, snapshot=snapshot)
        leader = session.exec(select(Person).where(Person.sourced_id == "p-lead")).one()
        leader.slack_user_id = "ULEAD"
        session.add(leader)
    slack.add_user("ULEAD", email="ada@example.org", real_name="Ada Okafor")
    return rounds


def _period():
    from datetime import time

    return time(8, 0), time(8, 50)


def _typeahead(app, typed: str) -> list[str]:
    response = app.driver.options(
        "ULEAD", ids.WALKTHROUGH_TEACHER_SELECT, block_id=ids.WALKTHROUGH_TEACHER_BLOCK, value=typed
    )
    assert response.status_code == 200
    return [o["text"]["text"].split(" — ")[0] for o in response.json()["options"]]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Żeleński", "Ewa Żeleński"),  # exactly as stored: SQLite's lower() would not fold Ż
        ("żeleński", "Ewa Żeleński"),
        ("zelenski", "Ewa Żeleński"),
        ("ZELENSKI", "Ewa Żeleński"),
        ("Munoz", "Rosa Muñoz"),
        ("perez", "Ana Pérez-Whitlock"),
        ("whitlock", "Ana Pérez-Whitlock"),
        ("ana perez", "Ana Pérez-Whitlock"),
        ("lock", "Ana Pérez-Whitlock"),  # any part of the name
        ("ostergaard", "Søren Østergaard"),
        ("soren", "Søren Østergaard"),
        ("grossmann", "Jürgen Großmann"),
        ("jurgen", "Jürgen Großmann"),
        ("obrien", "Liam O'Brien"),
        ("o'brien", "Liam O'Brien"),
    ],
)
def test_the_typeahead_finds_a_name_however_it_is_typed(app, typed, found):
    assert _typeahead(app, typed) == [found]


def test_a_word_that_is_in_no_name_finds_nobody(app):
    assert _typeahead(app, "zelenskyy") == []
    assert _typeahead(app, "100%") == []


@pytest.mark.parametrize(("typed", "name"), [("perez", "Ana Pérez-Whitlock"), ("zelenski", "Ewa Żeleński")])
def test_slash_walkthrough_with_a_name_typed_without_accents_prefills_the_teacher(app, slack, typed, name):
    view = open_modal(app.driver, slack, "ULEAD", typed)

    teacher = block(view, ids.WALKTHROUGH_TEACHER_BLOCK)["element"].get("initial_option")
    assert teacher is not None, view["blocks"][:2]
    assert teacher["text"]["text"].startswith(name)


def test_a_renamed_teacher_is_found_by_the_new_name(app, sessions):
    with transaction(sessions) as session:
        person = session.exec(select(Person).where(Person.sourced_id == "p-mun")).one()
        person.family_name = "Núñez"
        session.add(person)

    assert _typeahead(app, "nunez") == ["Rosa Núñez"]
    assert _typeahead(app, "munoz") == []
