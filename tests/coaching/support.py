"""The coaching tests' district and the steps a coach or teacher takes in Slack, played through the driver."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import select

from bot import ids
from bot.demo.coaching_scene import log_values
from bot.demo.fake_slack import FakeSlack
from bot.demo.slack_requests import SlackDriver
from tests.walkthroughs.support import wait_for
from workflows.db import Sessions, transaction
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

# The walkthrough tests' clock starts on Tuesday 3 March 2026, 8:20 in Chicago.
TODAY = date(2026, 3, 3)
MAPLE, OAK = "s-maple", "s-oak"
# (sourcedId, given, family, Slack user id, roles)
PEOPLE = [
    ("p-ada", "Ada", "Okafor", "ULEAD", {(MAPLE, Role.LEADER)}),
    ("p-adm", "Alex", "Admin", "UADMIN", {(MAPLE, Role.ADMIN)}),
    ("p-cleo", "Cleo", "Ramos", "UCOACH", {(MAPLE, Role.COACH)}),
    ("p-cy", "Cy", "Moreau", "UCOACH2", {(MAPLE, Role.COACH)}),
    ("p-oscar", "Oscar", "Vale", "UCOACH3", {(OAK, Role.COACH)}),
    ("p-ben", "Ben", "Lindqvist", "UBEN", {(MAPLE, Role.TEACHER)}),
    ("p-bea", "Bea", "Lindgren", "UBEA", {(MAPLE, Role.TEACHER)}),
    ("p-jo", "Joana", "Sousa", "UJO", {(MAPLE, Role.TEACHER)}),
    ("p-dan", "Dan", "Whitfield", "UDAN", {(MAPLE, Role.TEACHER)}),
    ("p-olga", "Olga", "Novak", "UOLGA", {(OAK, Role.TEACHER)}),
    ("p-otto", "Otto", "Reyes", "UOTTO", {(OAK, Role.LEADER)}),
]


def load_coaching_district(sessions: Sessions, slack: FakeSlack) -> None:
    """Maple: a leader, an admin, two coaches and four teachers; Oak: a leader, a coach, a teacher."""
    staff = tuple(
        StaffMember(sid, given, family, f"{given.lower()}@example.org", frozenset(roles))
        for sid, given, family, _user, roles in PEOPLE
    )
    snapshot = RosterSnapshot(
        districts=(DistrictRecord("d-1", "Test District"),),
        schools=(
            SchoolRecord(MAPLE, "Maple Elementary", "d-1", "America/Chicago"),
            SchoolRecord(OAK, "Oak Middle", "d-1", "America/New_York"),
        ),
        staff=staff,
        classes=(
            ClassRecord("c-math", MAPLE, "Grade 3 Math", "Math 3", ("Math",), ("03",), ("1",), "104", ("p-ben",)),
            ClassRecord("c-read", MAPLE, "Grade 4 Reading", "ELA 4", ("ELA",), ("04",), ("1",), "201", ("p-bea",)),
            ClassRecord("c-oak", OAK, "Grade 7 Math", "Math 7", ("Math",), ("07",), ("1",), "12", ("p-olga",)),
        ),
        bell_periods=(
            BellPeriodRecord(MAPLE, "regular", "1", *_hours(8, 0, 8, 50)),
            BellPeriodRecord(OAK, "regular", "1", *_hours(8, 0, 8, 50)),
        ),
    )
    with transaction(sessions) as session:
        apply_roster(session, snapshot=snapshot)
        for sid, _given, _family, user, _roles in PEOPLE:
            person = session.exec(select(Person).where(Person.sourced_id == sid)).one()
            person.slack_user_id = user
            session.add(person)
    for _sid, given, family, user, _roles in PEOPLE:
        slack.add_user(user, email=f"{given.lower()}@example.org", real_name=f"{given} {family}")


def _hours(h1: int, m1: int, h2: int, m2: int):  # type: ignore[no-untyped-def]
    from datetime import time

    return time(h1, m1), time(h2, m2)


def open_log(driver: SlackDriver, slack: FakeSlack, user: str = "UCOACH", text: str = "") -> dict:
    """`/coach [text]`, then the modal as the fake holds it."""
    before = len(slack.calls_to("views.open"))
    response = driver.command(user, ids.COACH_COMMAND, text)
    assert response.status_code == 200, response.text
    assert response.text in ("", "null"), response.text
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    call = slack.calls_to("views.open")[-1]
    assert call.ok, call.error
    return slack.open_views()[-1]


def log_coaching(
    driver: SlackDriver, slack: FakeSlack, worker: Any, *, coach: str = "UCOACH", text: str = "ben", **fill: Any
) -> dict:
    """A coach logs coaching end to end; returns the modal as submitted. The outbox is drained."""
    view = open_log(driver, slack, coach, text)
    response = driver.submit_view(coach, view, log_values(view, **fill))
    assert response.status_code == 200 and response.text in ("", "null"), response.text
    worker.drain(timeout=10)
    return view


def home(driver: SlackDriver, slack: FakeSlack, user: str) -> dict:
    """Open the App Home as `user` and return the view Rounds published."""
    before = len(slack.calls_to("views.publish"))
    assert driver.open_home(user).status_code == 200
    wait_for(lambda: len(slack.calls_to("views.publish")) > before)
    return slack.published_home(user) or {}


def home_elements(view: dict, action_id: str) -> list[dict]:
    return [
        e
        for b in view.get("blocks", [])
        if b["type"] == "actions"
        for e in b["elements"]
        if e.get("action_id") == action_id
    ]


def click_in_home(driver: SlackDriver, user: str, view: dict, element: dict, option: str | None = None) -> Any:
    """Click a button (or choose an overflow option whose text contains `option`) on a Home view."""
    from bot.demo.slack_requests import button_action, select_action

    if option is None:
        action = button_action(element["action_id"], element.get("value"), text=element["text"]["text"])
    else:
        chosen = next(o for o in element["options"] if option in o["text"]["text"])
        action = select_action(element["action_id"], chosen["value"], text=chosen["text"]["text"], type="overflow")
    return driver.action(user, [action], view=view)
