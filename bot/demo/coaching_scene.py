"""Demo scene for coaching: a coach's conversation with a teacher, the teacher's DM, the check-back, the
weekly reflection, and the principal's weekly summary (counts only).

`log_values` fills the coaching log as a coach would (what Slack reports on submission); the tests use it too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as clock_time
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.panel import Panel

from bot import ids
from bot.coaching_jobs import follow_up_school, weekly_school
from bot.deliveries import DeliveryWorker
from bot.demo.rotation_scene import DEMO_SCHOOL_DAY
from bot.demo.slack_requests import (
    button_action,
    datepicker_value,
    multi_select_value,
    number_value,
    plain_text_value,
    select_value,
)
from bot.demo.world import DemoWorld, message_text
from workflows.db import transaction
from workflows.roster.models import School
from workflows.roster.snapshot import Role


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
        values[f"{ids.COACHING_STEP_DATE_BLOCK_PREFIX}{n}"] = {
            ids.COACHING_STEP_DATE_INPUT: datepicker_value(on)
        }
    needs_block = find(view, ids.COACHING_NEEDS_BLOCK)
    if needs_block is not None:
        chosen_tags = [
            o["value"]
            for o in needs_block["element"]["options"]
            if any(n in o["text"]["text"] for n in needs or [])
        ]
        values[ids.COACHING_NEEDS_BLOCK] = {ids.COACHING_NEEDS_INPUT: multi_select_value(chosen_tags)}
    return values


def _initial(element: dict) -> tuple[str, str] | None:
    option = element.get("initial_option")
    return (option["value"], option["text"]["text"]) if option else None


def scene_coaching(world: DemoWorld, console: Console) -> None:
    """A coach logs a conversation; the teacher reads what was shared; the check-back comes on its day; the
    week ends with the coach's reflection and the principal's summary, which names no one."""
    district = world.district
    coach = district.coaches[0]
    school_ref = coach.schools_for(Role.COACH)[0]
    teacher = next(t for t in district.teachers if t.has_role(Role.TEACHER, school_ref))
    principal = next(p for p in district.leaders if p.has_role(Role.LEADER, school_ref))
    with transaction(world.sessions) as session:
        school = session.exec(School.__table__.select().where(School.sourced_id == school_ref)).one()  # type: ignore[attr-defined]
    zone = ZoneInfo(school.timezone)
    check_back = DEMO_SCHOOL_DAY + timedelta(days=2)
    friday = DEMO_SCHOOL_DAY + timedelta(days=4 - DEMO_SCHOOL_DAY.weekday())

    def deliver() -> None:
        DeliveryWorker.from_settings(world.sessions, world.runtime.settings, channel_interval=0).drain(
            timeout=30
        )

    def show(user: str, who: str, *, last: int = 1) -> list[dict[str, Any]]:
        channel = world.slack.dm_channel_for(user)
        messages = world.slack.messages(channel) if channel else []
        for message in messages[-last:]:
            console.print(
                Panel(message_text(message) or message.get("text", ""), title=f"Rounds → {who}", expand=False)
            )
        return messages

    view = _open(world, coach.slack_user_id, ids.COACH_COMMAND, teacher.name)
    values = log_values(
        view, held_on=DEMO_SCHOOL_DAY.isoformat(), kind="conversation", minutes="25",
        goal="Every student explains their reasoning to a partner before the whole-class share.",
        measure="Students explaining in a ten-minute tally", baseline="6 of 24",
        working="Pairs used the sentence stems without being reminded.",
        challenges="The share-out still goes to the same few students.",
        steps=[("Pairs rehearse their explanation before every share-out.", check_back.isoformat())],
    )  # fmt: skip
    answer = world.driver.submit_view(coach.slack_user_id, view, values)
    if answer.text not in ("", "null"):
        console.print(f"The coaching log was refused: {answer.text}")
        return
    deliver()
    console.print(f"{coach.name} ({coach.title}) logs a coaching conversation with {teacher.name}.")
    show(teacher.slack_user_id, f"{teacher.name} (what was shared, only with them)")

    morning = datetime.combine(check_back, clock_time(7, 15), tzinfo=zone)
    follow_up_school(world.sessions, school_id=school.id, day=check_back, now=morning)
    deliver()
    console.print(f"{check_back:%a %b %d}, the check-back date, at the school's reminder time:")
    show(coach.slack_user_id, f"{coach.name}")

    weekly_school(
        world.sessions,
        school_id=school.id,
        day=friday,
        now=datetime.combine(friday, clock_time(14, 30), tzinfo=zone),
    )
    deliver()
    console.print(f"{friday:%a %b %d}, the end of the school week:")
    [prompt] = show(coach.slack_user_id, f"{coach.name}")[-1:]
    reflection = _click_open(world, coach.slack_user_id, prompt, ids.WEEKLY_REFLECTION_OPEN)
    world.driver.submit_view(coach.slack_user_id, reflection, REFLECTION)
    deliver()
    show(coach.slack_user_id, f"{coach.name} (their reflection stays private unless they share it)")
    show(principal.slack_user_id, f"{principal.name} (counts only; thin figures withheld)")


REFLECTION = {
    ids.WEEKLY_WENT_WELL_BLOCK: {
        ids.WEEKLY_WENT_WELL_INPUT: plain_text_value("Two teachers started cycles.")
    },
    ids.WEEKLY_LEARNED_BLOCK: {
        ids.WEEKLY_LEARNED_INPUT: plain_text_value("Stems do more than cold-calling.")
    },
    ids.WEEKLY_TRY_NEXT_BLOCK: {ids.WEEKLY_TRY_NEXT_INPUT: plain_text_value("Model a share-out in Grade 4.")},
    ids.WEEKLY_SUPPORT_BLOCK: {
        ids.WEEKLY_SUPPORT_INPUT: plain_text_value("Time with the principal to plan PD.")
    },
}


def _open(world: DemoWorld, user: str, command: str, text: str) -> dict[str, Any]:
    before = len(world.slack.calls_to("views.open"))
    world.driver.command(user, command, text)
    _wait(lambda: len(world.slack.calls_to("views.open")) > before)
    return world.slack.open_views()[-1]


def _click_open(world: DemoWorld, user: str, message: dict[str, Any], action_id: str) -> dict[str, Any]:
    element = next(
        e for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]
        if e["action_id"] == action_id
    )  # fmt: skip
    before = len(world.slack.calls_to("views.open"))
    world.driver.action(
        user, [button_action(action_id, element.get("value"), text=element["text"]["text"])],
        channel_id=message["channel"], message={k: v for k, v in message.items() if k != "channel"},
    )  # fmt: skip
    _wait(lambda: len(world.slack.calls_to("views.open")) > before)
    return world.slack.open_views()[-1]


def _wait(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("Slack saw nothing in time")
        time.sleep(0.02)
