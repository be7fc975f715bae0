"""The coaching tests' district and the steps a coach or teacher takes in Slack, played through the driver."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import select

from bot import ids
from bot.demo.fake_slack import FakeSlack
from bot.demo.slack_requests import (
    SlackDriver,
    datepicker_value,
    multi_select_value,
    number_value,
    plain_text_value,
    select_value,
)
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


def find(view: dict, block_id: str) -> dict | None:
    return next((b for b in view["blocks"] if b.get("block_id") == block_id), None)


def starting(view: dict, prefix: str) -> dict | None:
    return next((b for b in view["blocks"] if str(b.get("block_id", "")).startswith(prefix)), None)


def log_values(
    view: dict,
    *,
    teacher: tuple[str, str] | None = None,
    held_on: str | None = None,
    kind: str | None = "conversation",
    minutes: str | None = "30",
    cycle: str | None = None,
    goal: str = "Every student explains their reasoning to a partner before the share-out.",
    measure: str = "Share of students explaining, from a ten-minute tally",
    baseline: str = "4 of 24",
    weeks: str = "6",
    measure_value: str = "",
    focus: list[str] | None = None,
    working: str = "Sentence stems on every desk; pairs used them without prompting.",
    challenges: str = "The share-out still goes to the same three students.",
    steps: list[tuple[str, str | None]] | None = None,
    needs: list[str] | None = None,
) -> dict[str, dict[str, Any]]:
    """What Slack reports for the log as a coach fills it in: initial choices kept unless given."""
    values: dict[str, dict[str, Any]] = {}
    teacher_block = find(view, ids.COACHING_TEACHER_BLOCK)
    if teacher_block is not None and teacher_block["type"] == "input":
        chosen = teacher or _initial(teacher_block["element"])
        values[ids.COACHING_TEACHER_BLOCK] = {
            ids.COACHING_TEACHER_SELECT: select_value(
                chosen[0] if chosen else None, chosen[1] if chosen else None, type="external_select"
            )
        }
    date_block = find(view, ids.COACHING_DATE_BLOCK)
    values[ids.COACHING_DATE_BLOCK] = {
        ids.COACHING_DATE_INPUT: datepicker_value(held_on or date_block["element"].get("initial_date"))
    }
    values[ids.COACHING_KIND_BLOCK] = {ids.COACHING_KIND_INPUT: select_value(kind)}
    values[ids.COACHING_MINUTES_BLOCK] = {ids.COACHING_MINUTES_INPUT: number_value(minutes)}
    cycle_block = starting(view, ids.COACHING_CYCLE_BLOCK)
    if cycle_block is not None and cycle_block["type"] == "input":
        initial = cycle_block["element"]["initial_option"]["value"]
        values[cycle_block["block_id"]] = {ids.COACHING_CYCLE_SELECT: select_value(cycle or initial)}
    if find(view, ids.COACHING_GOAL_BLOCK) is not None:
        values[ids.COACHING_GOAL_BLOCK] = {ids.COACHING_GOAL_INPUT: plain_text_value(goal)}
        values[ids.COACHING_MEASURE_BLOCK] = {ids.COACHING_MEASURE_INPUT: plain_text_value(measure)}
        values[ids.COACHING_BASELINE_BLOCK] = {ids.COACHING_BASELINE_INPUT: plain_text_value(baseline)}
        values[ids.COACHING_WEEKS_BLOCK] = {ids.COACHING_WEEKS_INPUT: number_value(weeks)}
    if find(view, ids.COACHING_MEASURE_VALUE_BLOCK) is not None:
        values[ids.COACHING_MEASURE_VALUE_BLOCK] = {
            ids.COACHING_MEASURE_VALUE_INPUT: plain_text_value(measure_value)
        }
    focus_block = find(view, ids.COACHING_FOCUS_BLOCK)
    if focus_block is not None:
        chosen_ids = [
            o["value"]
            for g in focus_block["element"]["option_groups"]
            for o in g["options"]
            if any(part in o["text"]["text"] for part in focus or [])
        ]
        values[ids.COACHING_FOCUS_BLOCK] = {ids.COACHING_FOCUS_INPUT: multi_select_value(chosen_ids)}
    values[ids.COACHING_WORKING_BLOCK] = {ids.COACHING_WORKING_INPUT: plain_text_value(working)}
    values[ids.COACHING_CHALLENGES_BLOCK] = {ids.COACHING_CHALLENGES_INPUT: plain_text_value(challenges)}
    given = steps if steps is not None else [("Pairs rehearse before every share-out.", "2026-03-10")]
    for n in (1, 2, 3):
        text, on = given[n - 1] if n <= len(given) else ("", None)
        values[f"{ids.COACHING_STEP_BLOCK_PREFIX}{n}"] = {ids.COACHING_STEP_INPUT: plain_text_value(text)}
        values[f"{ids.COACHING_STEP_DATE_BLOCK_PREFIX}{n}"] = {ids.COACHING_STEP_DATE_INPUT: datepicker_value(on)}
    needs_block = find(view, ids.COACHING_NEEDS_BLOCK)
    if needs_block is not None:
        chosen_tags = [
            o["value"] for o in needs_block["element"]["options"] if any(n in o["text"]["text"] for n in needs or [])
        ]
        values[ids.COACHING_NEEDS_BLOCK] = {ids.COACHING_NEEDS_INPUT: multi_select_value(chosen_tags)}
    return values


def _initial(element: dict) -> tuple[str, str] | None:
    option = element.get("initial_option")
    return (option["value"], option["text"]["text"]) if option else None


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
