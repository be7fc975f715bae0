"""The demo's autumn, played: every school day of the four school weeks before the demo day is planned by
the rotation and walked by its leaders through the domain's own services (each leader misses some of their
visits, and rates discussion higher as the weeks go), then the Monday job sends each leader their digest,
one leader records the data review it asks for, and the roadmap levels show — the district data
coordinator sees only how many leaders stand at each level."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.panel import Panel
from sqlmodel import select

from bot import ids
from bot.deliveries import DeliveryWorker
from bot.demo.rotation_scene import DEMO_SCHOOL_DAY
from bot.demo.slack_requests import button_action, plain_text_value
from bot.demo.world import DemoWorld, message_text
from bot.leader_digest_jobs import digest_school
from workflows.db import transaction
from workflows.frameworks.service import (
    active_forms,
    current_framework,
    ensure_default_framework,
    form_look_fors,
)
from workflows.privacy import Viewer, led_school_ids
from workflows.roster.models import School
from workflows.rotation.calendars import NoCalendars
from workflows.rotation.changes import visit_logged
from workflows.rotation.inputs import is_school_day
from workflows.rotation.plans import plan_school_day
from workflows.walkthroughs.answers import record_conversation
from workflows.walkthroughs.capture import WalkthroughEntry, log_walkthrough

PLAYED_WEEKS = 4
ROLES = ("reflective", "directive", "reflective", "reflexive")
DECISIONS = (
    "Checks for understanding is the area to grow: the math coach models a hinge question in each grade-level "
    "team meeting in December; we look for it in January's walkthroughs."
)


def played_days(world: DemoWorld, school: School) -> list[date]:
    with world.sessions() as session:
        first = DEMO_SCHOOL_DAY - timedelta(weeks=PLAYED_WEEKS)
        return [
            first + timedelta(days=n) for n in range((DEMO_SCHOOL_DAY - first).days)
            if is_school_day(session, school=school, day=first + timedelta(days=n), calendars=NoCalendars())
        ]  # fmt: skip


def play_autumn(world: DemoWorld) -> int:
    """Plan and walk each school day; returns how many walkthroughs were logged."""
    chance = random.Random(11)
    logged = 0
    with world.sessions() as session:
        schools = list(session.exec(select(School).order_by(School.id)).all())
    for school in schools:
        zone = ZoneInfo(school.timezone)
        for n, day in enumerate(played_days(world, school)):
            morning = datetime.combine(day, time(7, 15), tzinfo=zone)
            with transaction(world.sessions) as session:
                plan = plan_school_day(session, school_id=school.id or 0, day=day, calendars=NoCalendars(),
                                       now=morning)  # fmt: skip
                framework = current_framework(
                    session, district_id=school.district_id
                ) or ensure_default_framework(session, now=morning)
                form = active_forms(session, framework_id=framework.id or 0)[0] if framework else None
                look_fors = form_look_fors(session, form_id=form.id or 0) if form else []
                for leader in plan.leaders:
                    skip = 0.08 + 0.12 * (leader.leader_id % 4)  # some leaders keep to the rotation better
                    viewer = Viewer(leader.leader_id, led_school_ids(session, person_id=leader.leader_id),
                                    school.workspace)  # fmt: skip
                    for visit in leader.current:
                        if chance.random() < skip:
                            continue
                        at = datetime.combine(day, visit.start, tzinfo=zone) + timedelta(minutes=3)
                        ratings = {
                            lf.id or 0: min(4, max(1, round(chance.gauss(2.2 + 0.1 * n * (i % 2), 0.7))))
                            for i, lf in enumerate(look_fors)
                        }
                        done = log_walkthrough(session, viewer=viewer, key=f"demo:{visit.key}", entry=WalkthroughEntry(
                            teacher_id=visit.teacher_id, school_id=school.id, class_id=visit.class_id,
                            period=visit.period, form_id=form.id if form else None, ratings=ratings,
                            evidence="Students compared two strategies with a partner before the share-out.",
                            strength="", next_step="", role=ROLES[logged % len(ROLES)], share_with_teacher=True,
                        ), now=at)  # fmt: skip
                        visit_logged(session, walkthrough_id=done.walkthrough.id, now=at)
                        if chance.random() < 0.75:
                            record_conversation(session, viewer=viewer, walkthrough_id=done.walkthrough.id,
                                                held_on=day, role=ROLES[(logged + n) % len(ROLES)],
                                                now=at + timedelta(hours=2))  # fmt: skip
                        logged += 1
    return logged


def scene_leader_digest(world: DemoWorld, console: Console) -> None:
    logged = play_autumn(world)
    console.print(
        f"{PLAYED_WEEKS} school weeks played before {DEMO_SCHOOL_DAY:%a %b %d}: {logged} walkthroughs logged."
    )
    district = world.district
    with world.sessions() as session:
        schools = list(session.exec(select(School).order_by(School.id)).all())
    for school in schools:
        monday = datetime.combine(DEMO_SCHOOL_DAY, time(7, 0), tzinfo=ZoneInfo(school.timezone))
        digest_school(world.sessions, school_id=school.id or 0, day=DEMO_SCHOOL_DAY, now=monday)
    DeliveryWorker.from_settings(world.sessions, world.runtime.settings, channel_interval=0).drain(timeout=30)

    principal = district.leaders[0]
    digest = _digest(world, principal.slack_user_id)
    console.print(Panel(message_text(digest), title=f"Rounds → {principal.name} ({principal.title}), Monday 7:00",
                        expand=False))  # fmt: skip
    if any(b["type"] == "actions" for b in digest["blocks"]):
        view = _open_review(world, principal.slack_user_id, digest)
        answer = world.driver.submit_view(principal.slack_user_id, view, {
            ids.DATA_REVIEW_STRENGTHS_BLOCK: {ids.DATA_REVIEW_STRENGTHS_INPUT: plain_text_value(
                "Student engagement is strong in every grade: ask two Grade 4 teachers to host a learning walk.")},
            ids.DATA_REVIEW_DECISIONS_BLOCK: {ids.DATA_REVIEW_DECISIONS_INPUT: plain_text_value(DECISIONS)},
        })  # fmt: skip
        DeliveryWorker.from_settings(world.sessions, world.runtime.settings, channel_interval=0).drain(
            timeout=30
        )
        console.print(
            f"{principal.name} records the data review: {'saved' if answer.text in ('', 'null') else answer.text}"
        )
        receipt = world.slack.messages(world.slack.dm_channel_for(principal.slack_user_id))[-1]
        console.print(Panel(receipt["text"], title=f"Rounds → {principal.name}", expand=False))
    admin = district.admins[0]
    reply = world.driver.command(admin.slack_user_id, ids.ROUNDS_COMMAND, "roadmap").json()
    console.print(
        Panel(message_text(reply), title=f"{admin.name} ({admin.title}) types /rounds roadmap", expand=False)
    )


def _digest(world: DemoWorld, user: str) -> dict:
    channel = world.slack.dm_channel_for(user)
    messages = world.slack.messages(channel) if channel else []
    return next(m for m in reversed(messages) if m.get("text", "").startswith("Your week"))


def _open_review(world: DemoWorld, user: str, message: dict) -> dict:
    button = next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == ids.DATA_REVIEW_OPEN)  # fmt: skip
    before = len(world.slack.calls_to("views.open"))
    world.driver.action(user, [button_action(button["action_id"], button["value"], text=button["text"]["text"])],
                        channel_id=world.slack.dm_channel_for(user), message=message)  # fmt: skip
    deadline = datetime.now().timestamp() + 10
    while len(world.slack.calls_to("views.open")) <= before and datetime.now().timestamp() < deadline:
        import time as timer

        timer.sleep(0.01)
    return world.slack.open_views()[-1]
