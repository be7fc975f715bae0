"""Demo scenes for walkthroughs: a leader logs a visit the way they would in Slack, and the teacher's DM.

`log_walkthrough_for` plays every request Slack would send (the command, the type-ahead, the teacher
picked in the modal, the submission) through the signed driver, then waits for the teacher's DM to land in
the fake Slack.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.panel import Panel

from bot import ids
from bot.demo.fake_slack import FakeSlack
from bot.demo.slack_requests import (
    SlackDriver,
    button_action,
    checkboxes_value,
    multi_select_value,
    plain_text_value,
    select_action,
    select_value,
    users_select_value,
)
from bot.demo.world import DemoWorld, message_text
from workflows.roster.snapshot import Role

DEMO_EVIDENCE = (
    "Students worked in pairs on the fractions task; I heard three pairs explain why 3/4 is greater than 2/3 "
    "using the number line, and two students build on a partner's idea ('I agree, and also...')."
)


def log_walkthrough_for(
    driver: SlackDriver,
    fake: FakeSlack,
    *,
    leader_user_id: str,
    teacher_name: str,
    evidence: str = DEMO_EVIDENCE,
    strength: str = "Pairs had sentence stems on their desks and used them.",
    next_step: str = "What would happen if pairs compared two strategies before the share-out?",
    role: str = "reflective",
    observed_level: str | None = "Proficient",
    deliver: Callable[[], object] | None = None,
    timeout: float = 10.0,
) -> str:
    """Log a walkthrough as `leader_user_id` would, for the teacher whose name starts with `teacher_name`.

    Returns the text the teacher reads in their DM. `deliver` drains the outbox (the demo's worker); without
    it, something else must be delivering.
    """
    before = len(fake.calls_to("views.open"))
    driver.command(leader_user_id, ids.WALKTHROUGH_COMMAND, "")
    _wait(lambda: len(fake.calls_to("views.open")) > before, timeout)
    view = fake.open_views()[-1]

    options = driver.options(
        leader_user_id,
        ids.WALKTHROUGH_TEACHER_SELECT,
        block_id=ids.WALKTHROUGH_TEACHER_BLOCK,
        value=teacher_name,
    ).json()["options"]
    teacher = next(o for o in options if o["text"]["text"].startswith(teacher_name))
    picked = select_value(teacher["value"], teacher["text"]["text"], type="external_select")
    updates = len(fake.calls_to("views.update"))
    driver.action(
        leader_user_id,
        [select_action(ids.WALKTHROUGH_TEACHER_SELECT, teacher["value"], text=teacher["text"]["text"],
                       block_id=ids.WALKTHROUGH_TEACHER_BLOCK, type="external_select")],
        view={**view, "state": {"values": {ids.WALKTHROUGH_TEACHER_BLOCK: {ids.WALKTHROUGH_TEACHER_SELECT: picked}}}},
    )  # fmt: skip
    _wait(lambda: len(fake.calls_to("views.update")) > updates, timeout)
    view = fake.view(view["id"]) or view

    def filled(view: dict) -> dict[str, dict[str, Any]]:
        values = modal_values(view, evidence=evidence, strength=strength, next_step=next_step, role=role,
                              observed_level=observed_level)  # fmt: skip
        values[ids.WALKTHROUGH_TEACHER_BLOCK] = {ids.WALKTHROUGH_TEACHER_SELECT: picked}
        return values

    if (strength or next_step) and not _has_block(view, ids.WALKTHROUGH_STRENGTH_BLOCK):
        updates = len(fake.calls_to("views.update"))  # "Add a strength, a question…"
        driver.action(leader_user_id, [button_action(ids.WALKTHROUGH_MORE, "more")],
                      view={**view, "state": {"values": filled(view)}})  # fmt: skip
        _wait(lambda: len(fake.calls_to("views.update")) > updates, timeout)
        view = fake.view(view["id"]) or view
    values = filled(view)
    response = driver.submit_view(leader_user_id, view, values)
    if response.text not in ("", "null"):
        raise RuntimeError(f"the walkthrough was refused: {response.text}")

    def teacher_dm() -> dict | None:
        if deliver is not None:
            deliver()
        for message in fake.messages():
            if any(evidence in str(b.get("text", {}).get("text", "")) for b in message.get("blocks", [])):
                return message
        return None

    message = _wait(teacher_dm, timeout)
    return message_text(message)


def scene_walkthrough(world: DemoWorld, console: Console) -> None:
    """A leader logs a visit with /walkthrough; the teacher reads the evidence in the framework's words."""
    leader = world.district.leaders[0]
    school = leader.schools_for(Role.LEADER)[0]
    teacher = next(p for p in world.district.teachers if p.has_role(Role.TEACHER, school))
    # The world's delivery worker is woken by the listener, as in `rounds serve`.
    text = log_walkthrough_for(
        world.driver, world.slack, leader_user_id=leader.slack_user_id, teacher_name=teacher.name
    )
    console.print(Panel(text, title=f"{teacher.name} gets {leader.name}'s walkthrough notes", expand=False))


def modal_values(
    view: dict, *, evidence: str, strength: str, next_step: str, role: str, observed_level: str | None
) -> dict[str, dict[str, Any]]:
    """The modal as a leader leaves it: the prefilled choices, the first look-for rated, the notes written
    (a strength and a question only where the modal shows them)."""
    values: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        block_id, element = str(block.get("block_id", "")), block.get("element") or {}
        initial = element.get("initial_option")
        if block_id == ids.WALKTHROUGH_TEACHER_BLOCK and initial:  # prefilled, e.g. from "Log visit"
            picked = select_value(initial["value"], initial["text"]["text"], type="external_select")
            values[block_id] = {element["action_id"]: picked}
        elif (
            block_id.startswith(ids.WALKTHROUGH_CLASS_BLOCK) and initial
        ) or block_id == ids.WALKTHROUGH_FORM_BLOCK:
            values[block_id] = {element["action_id"]: select_value(initial["value"], initial["text"]["text"])}
        elif block_id.startswith(ids.WALKTHROUGH_LOOK_FORS_BLOCK_PREFIX):
            chosen = list(element.get("initial_options") or [])
            if observed_level:
                first = element["option_groups"][0]["options"]
                chosen.append(next(o for o in first if o["text"]["text"].startswith(f"{observed_level} ·")))
            values[block_id] = {element["action_id"]: multi_select_value([o["value"] for o in chosen])}
    values[ids.WALKTHROUGH_EVIDENCE_BLOCK] = {ids.WALKTHROUGH_EVIDENCE_INPUT: plain_text_value(evidence)}
    if _has_block(view, ids.WALKTHROUGH_STRENGTH_BLOCK):
        values[ids.WALKTHROUGH_STRENGTH_BLOCK] = {ids.WALKTHROUGH_STRENGTH_INPUT: plain_text_value(strength)}
        values[ids.WALKTHROUGH_NEXT_STEP_BLOCK] = {
            ids.WALKTHROUGH_NEXT_STEP_INPUT: plain_text_value(next_step)
        }
    values[ids.WALKTHROUGH_ROLE_BLOCK] = {ids.WALKTHROUGH_ROLE_INPUT: select_value(role)}
    if _has_block(view, ids.WALKTHROUGH_SHARE_BLOCK):
        values[ids.WALKTHROUGH_SHARE_BLOCK] = {
            ids.WALKTHROUGH_SHARE_INPUT: checkboxes_value([ids.WALKTHROUGH_SHARE_VALUE])
        }
    if _has_block(view, ids.WALKTHROUGH_SECOND_OBSERVER_BLOCK):
        values[ids.WALKTHROUGH_SECOND_OBSERVER_BLOCK] = {
            ids.WALKTHROUGH_SECOND_OBSERVER_INPUT: users_select_value(None)
        }
    return values


def _has_block(view: dict, block_id: str) -> bool:
    return any(b.get("block_id") == block_id for b in view["blocks"])


def _wait(check: Callable[[], Any], timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError("the demo waited too long for Slack")
        time.sleep(0.02)
