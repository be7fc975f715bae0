"""The walkthrough tests' district and the steps a leader or teacher takes in Slack, played through the driver."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from typing import Any

from sqlmodel import select

from bot import ids
from bot.demo.fake_slack import FakeSlack
from bot.demo.slack_requests import (
    SlackDriver,
    button_action,
    checkboxes_value,
    multi_select_value,
    plain_text_value,
    select_value,
    users_select_value,
)
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

# A Tuesday, 8:20 in Chicago: period 1 at Maple Elementary.
TUESDAY_PERIOD_1 = datetime(2026, 3, 3, 14, 20, tzinfo=UTC)

MAPLE, OAK = "s-maple", "s-oak"
# (sourcedId, given, family, Slack user id, roles)
PEOPLE = [
    ("p-ada", "Ada", "Okafor", "ULEAD", {(MAPLE, Role.LEADER)}),
    ("p-mia", "Mia", "Chen", "UMIA", {(MAPLE, Role.LEADER)}),
    ("p-ben", "Ben", "Lindqvist", "UBEN", {(MAPLE, Role.TEACHER)}),
    ("p-bea", "Bea", "Lindgren", "UBEA", {(MAPLE, Role.TEACHER)}),
    ("p-cleo", "Cleo", "Ramos", "UCOACH", {(MAPLE, Role.COACH)}),
    ("p-olga", "Olga", "Novak", "UOLGA", {(OAK, Role.TEACHER)}),
    ("p-otto", "Otto", "Reyes", "UOTTO", {(OAK, Role.LEADER)}),
]


class Clock:
    """The app's clock, moved by the test."""

    def __init__(self, now: datetime = TUESDAY_PERIOD_1) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def snapshot() -> RosterSnapshot:
    """Two schools; Maple has two leaders and two teachers with similar names, Oak one of each."""
    staff = tuple(
        StaffMember(sid, given, family, f"{given.lower()}@example.org", frozenset(roles))
        for sid, given, family, _user, roles in PEOPLE
    )
    return RosterSnapshot(
        districts=(DistrictRecord("d-1", "Test District"),),
        schools=(
            SchoolRecord(MAPLE, "Maple Elementary", "d-1", "America/Chicago"),
            SchoolRecord(OAK, "Oak Middle", "d-1", "America/New_York"),
        ),
        staff=staff,
        classes=(
            ClassRecord(
                "c-math", MAPLE, "Grade 3 Math", "Math 3", ("Math",), ("03",), ("1",), "104", ("p-ben",)
            ),
            ClassRecord(
                "c-sci", MAPLE, "Grade 3 Science", "Sci 3", ("Science",), ("03",), ("2",), "104", ("p-ben",)
            ),
            ClassRecord(
                "c-read", MAPLE, "Grade 4 Reading", "ELA 4", ("ELA",), ("04",), ("1",), "201", ("p-bea",)
            ),
            ClassRecord(
                "c-oak", OAK, "Grade 7 Math", "Math 7", ("Math",), ("07",), ("1",), "12", ("p-olga",)
            ),
        ),
        bell_periods=(
            BellPeriodRecord(MAPLE, "regular", "1", _t(8, 0), _t(8, 50)),
            BellPeriodRecord(MAPLE, "regular", "2", _t(9, 0), _t(9, 50)),
            BellPeriodRecord(OAK, "regular", "1", _t(8, 0), _t(8, 50)),
        ),
    )


def load_district(sessions: Sessions, slack: FakeSlack) -> None:
    """The district of `snapshot()` in the database, every person a Slack user in the fake."""
    with transaction(sessions) as session:
        apply_roster(session, snapshot=snapshot())
        for sid, _given, _family, user, _roles in PEOPLE:
            person = session.exec(select(Person).where(Person.sourced_id == sid)).one()
            person.slack_user_id = user
            session.add(person)
    for _sid, given, family, user, _roles in PEOPLE:
        slack.add_user(user, email=f"{given.lower()}@example.org", real_name=f"{given} {family}")


def _t(hour: int, minute: int) -> clock_time:
    return clock_time(hour, minute)


def person_id(sessions: Sessions, slack_user_id: str) -> int:
    with sessions() as session:
        return session.exec(select(Person.id).where(Person.slack_user_id == slack_user_id)).one()


def wait_for(check: Callable[[], Any], *, timeout: float = 5.0) -> Any:
    """Poll until `check()` is truthy: views.open and views.update happen after Bolt acknowledges."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.01)


def open_modal(driver: SlackDriver, slack: FakeSlack, user: str, text: str = "") -> dict:
    """`/walkthrough [text]`, then the modal as the fake holds it."""
    before = len(slack.calls_to("views.open"))
    response = driver.command(user, ids.WALKTHROUGH_COMMAND, text)
    assert response.status_code == 200
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    call = slack.calls_to("views.open")[-1]
    assert call.ok, call.error
    return slack.open_views()[-1]


def latest_view(slack: FakeSlack, view_id: str) -> dict:
    view = slack.view(view_id)
    assert view is not None
    return view


def block(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def block_starting(view: dict, prefix: str) -> dict | None:
    return next((b for b in view["blocks"] if str(b.get("block_id", "")).startswith(prefix)), None)


def look_fors_block(view: dict) -> dict | None:
    """The one input that rates every look-for of the form."""
    return block_starting(view, ids.WALKTHROUGH_LOOK_FORS_BLOCK_PREFIX)


def look_for_labels(view: dict) -> list[str]:
    """The look-fors the modal offers, in order (the labels of the menu's groups)."""
    found = look_fors_block(view)
    return [g["label"]["text"] for g in found["element"]["option_groups"]] if found else []


def level_option(view: dict, look_for: str, level: str) -> dict:
    """The option rating the look-for whose text starts with `look_for` at `level`."""
    found = look_fors_block(view)
    assert found is not None
    group = next(g for g in found["element"]["option_groups"] if g["label"]["text"].startswith(look_for))
    return next(o for o in group["options"] if o["text"]["text"].startswith(f"{level} ·"))


def has_block(view: dict, block_id: str) -> bool:
    return any(b.get("block_id") == block_id for b in view["blocks"])


def filled_values(
    view: dict,
    *,
    teacher: tuple[str, str] | None = None,
    evidence: str | None = "Students explained how they split 24 counters into equal groups.",
    strength: str = "Every student had a whiteboard and used it.",
    next_step: str = "What would change if you asked pairs to compare strategies first?",
    role: str | None = "reflective",
    share: bool = True,
    ratings: dict[str, str] | None = None,
    second_observer: str | None = None,
) -> dict[str, dict[str, Any]]:
    """What Slack reports for the modal as a leader fills it in: initial choices kept unless given, and
    only the inputs the modal shows (a strength, a question and a second observer after "Add more")."""
    values: dict[str, dict[str, Any]] = {}
    teacher_block = next(
        (b for b in view["blocks"] if b.get("block_id") == ids.WALKTHROUGH_TEACHER_BLOCK), None
    )
    if teacher_block is not None and teacher_block["type"] == "input":
        chosen = teacher or _initial(teacher_block["element"])
        values[ids.WALKTHROUGH_TEACHER_BLOCK] = {
            ids.WALKTHROUGH_TEACHER_SELECT: select_value(
                chosen[0] if chosen else None, chosen[1] if chosen else None, type="external_select"
            )
        }
    class_block = block_starting(view, ids.WALKTHROUGH_CLASS_BLOCK)
    if class_block is not None:
        chosen = _initial(class_block["element"])
        values[class_block["block_id"]] = {
            ids.WALKTHROUGH_CLASS_SELECT: select_value(
                chosen[0] if chosen else None, chosen[1] if chosen else None
            )
        }
    form = _initial(block(view, ids.WALKTHROUGH_FORM_BLOCK)["element"])
    values[ids.WALKTHROUGH_FORM_BLOCK] = {ids.WALKTHROUGH_FORM_SELECT: select_value(*form)}  # type: ignore[misc]
    looks = look_fors_block(view)
    if looks is not None:
        kept = {o["value"] for o in looks["element"].get("initial_options") or []}
        for look_for, level in (ratings or {}).items():
            chosen_option = level_option(view, look_for, level)
            kept = {v for v in kept if v.split(":")[0] != chosen_option["value"].split(":")[0]}
            kept.add(chosen_option["value"])
        values[looks["block_id"]] = {ids.WALKTHROUGH_LOOK_FORS_SELECT: multi_select_value(sorted(kept))}
    values[ids.WALKTHROUGH_EVIDENCE_BLOCK] = {ids.WALKTHROUGH_EVIDENCE_INPUT: plain_text_value(evidence)}
    if has_block(view, ids.WALKTHROUGH_STRENGTH_BLOCK):
        values[ids.WALKTHROUGH_STRENGTH_BLOCK] = {ids.WALKTHROUGH_STRENGTH_INPUT: plain_text_value(strength)}
        values[ids.WALKTHROUGH_NEXT_STEP_BLOCK] = {
            ids.WALKTHROUGH_NEXT_STEP_INPUT: plain_text_value(next_step)
        }
    values[ids.WALKTHROUGH_ROLE_BLOCK] = {ids.WALKTHROUGH_ROLE_INPUT: select_value(role)}
    if has_block(view, ids.WALKTHROUGH_SHARE_BLOCK):
        values[ids.WALKTHROUGH_SHARE_BLOCK] = {
            ids.WALKTHROUGH_SHARE_INPUT: checkboxes_value([ids.WALKTHROUGH_SHARE_VALUE] if share else [])
        }
    if has_block(view, ids.WALKTHROUGH_SECOND_OBSERVER_BLOCK):
        values[ids.WALKTHROUGH_SECOND_OBSERVER_BLOCK] = {
            ids.WALKTHROUGH_SECOND_OBSERVER_INPUT: users_select_value(second_observer)
        }
    return values


def show_more(driver: SlackDriver, slack: FakeSlack, user: str, view: dict, **fill: Any) -> dict:
    """Tap "Add a strength, a question…": the modal again, in place, with its optional parts."""
    if has_block(view, ids.WALKTHROUGH_STRENGTH_BLOCK):
        return view
    before = len(slack.calls_to("views.update"))
    driver.action(
        user,
        [button_action(ids.WALKTHROUGH_MORE, "more")],
        view={**view, "state": {"values": filled_values(view, **fill)}},
    )
    wait_for(lambda: len(slack.calls_to("views.update")) > before)
    return latest_view(slack, view["id"])


def _initial(element: dict) -> tuple[str, str] | None:
    option = element.get("initial_option")
    return (option["value"], option["text"]["text"]) if option else None


def teacher_option(driver: SlackDriver, user: str, query: str, name: str) -> tuple[str, str]:
    """Type into the teacher type-ahead and pick the option naming `name`."""
    response = driver.options(
        user, ids.WALKTHROUGH_TEACHER_SELECT, block_id=ids.WALKTHROUGH_TEACHER_BLOCK, value=query
    )
    option = next(o for o in response.json()["options"] if name in o["text"]["text"])
    return option["value"], option["text"]["text"]


def dm_messages(slack: FakeSlack, user: str) -> list[dict]:
    channel = slack.dm_channel_for(user)
    return slack.messages(channel) if channel else []


def message_text(message: dict) -> str:
    """Everything a person reads in a message: its text and every text in its blocks."""
    parts = [message.get("text", "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("blocks", []))
    return "\n".join(parts)


def click(driver: SlackDriver, user: str, message: dict, action_id: str) -> Any:
    """Click the button `action_id` on a stored DM message."""
    element = next(
        e
        for b in message.get("blocks", [])
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )
    return driver.action(
        user,
        [button_action(action_id, element.get("value"), text=element["text"]["text"])],
        channel_id=message["channel"],
        message={k: v for k, v in message.items() if k != "channel"},
    )


def buttons(message: dict) -> list[str]:
    return [
        e["action_id"] for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]
    ]


def log_visit(
    driver: SlackDriver,
    slack: FakeSlack,
    worker: Any,
    *,
    leader: str = "ULEAD",
    text: str = "ben",
    **fill: Any,
) -> dict:
    """A leader logs a visit end to end; returns the modal as it was submitted. The outbox is drained."""
    view = open_modal(driver, slack, leader, text)
    if fill.get("strength", True) or fill.get("next_step", True) or fill.get("second_observer"):
        view = show_more(driver, slack, leader, view, **fill)
    response = driver.submit_view(leader, view, filled_values(view, **fill))
    assert response.status_code == 200 and response.text in ("", "null"), response.text
    worker.drain(timeout=10)
    return view
