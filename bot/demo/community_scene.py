"""The demo's coach community: the district admin sets #ip-community, a coach asks a question, another
answers in its thread and the asker marks it answered with ✅, a success is shared and thanked, and the
week ends with the roundup in the channel."""

from __future__ import annotations

from datetime import timedelta

from rich.console import Console
from rich.panel import Panel
from sqlmodel import select

from bot import ids
from bot.community_jobs import roundup_district, slack_permalinks
from bot.deliveries import DeliveryWorker
from bot.demo.coaching_scene import _wait
from bot.demo.rotation_scene import DEMO_SCHOOL_DAY
from bot.demo.slack_requests import button_action
from bot.demo.world import DemoWorld, message_text
from workflows.community.models import CommunityPost
from workflows.db import transaction
from workflows.roster.models import District

CHANNEL_ID, CHANNEL = "C0DEMOIPS", "ip-community"


def scene_community(world: DemoWorld, console: Console) -> None:
    district = world.district
    admin, asker, helper = district.admins[0], district.coaches[0], district.coaches[1]
    slack, driver = world.slack, world.driver
    slack.add_channel(CHANNEL_ID, CHANNEL, bot_member=False)

    def deliver() -> None:
        DeliveryWorker.from_settings(world.sessions, world.runtime.settings, channel_interval=0).drain(timeout=30)

    def show(message: dict, title: str) -> None:
        console.print(Panel(message_text(message) or message.get("text", ""), title=title, expand=False))

    before = len(slack.responses())
    driver.command(admin.slack_user_id, ids.ROUNDS_COMMAND, f"community set #{CHANNEL}")
    _wait(lambda: len(slack.responses()) > before)
    deliver()
    console.print(f"{admin.name} ({admin.title}) types /rounds community set #{CHANNEL}: {slack.responses()[-1]['text']}")

    reply = driver.command(asker.slack_user_id, ids.SHARE_COMMAND,
                           "question How do you keep academic discussion going once the sentence stems run out?").json()  # fmt: skip
    console.print(f"{asker.name} types /share question …: {reply['text']}")
    deliver()
    question = _posts(world)[-1]
    show(question, f"Rounds → #{CHANNEL}")

    driver.event(slack.person_posts(CHANNEL_ID, helper.slack_user_id,
                                    "We put talk moves on a card at each table; students pick one before they answer.",
                                    thread_ts=question["ts"]))  # fmt: skip
    console.print(f"{helper.name} answers in the thread.")
    driver.event(slack.person_reacts(CHANNEL_ID, question["ts"], asker.slack_user_id, ids.ANSWERED_REACTION))
    _wait(lambda: _answered(world))
    deliver()
    show(slack.message(CHANNEL_ID, question["ts"]) or {}, f"{asker.name} adds ✅: the post updates in place")

    driver.command(helper.slack_user_id, ids.SHARE_COMMAND,
                   "success Our grade 5 team calibrated on the look-fors for the first time this week")  # fmt: skip
    deliver()
    success = _posts(world)[-1]
    element = next(e for b in success["blocks"] if b["type"] == "actions" for e in b["elements"])
    driver.action(asker.slack_user_id, [button_action(ids.COMMUNITY_THANK, element["value"], text="Thanks")],
                  channel_id=CHANNEL_ID, message={k: v for k, v in success.items() if k != "channel"})  # fmt: skip
    _wait(lambda: "(1)" in message_text(slack.message(CHANNEL_ID, success["ts"]) or {}) or _thanked(world))
    deliver()
    show(slack.message(CHANNEL_ID, success["ts"]) or {}, f"{helper.name} shares a success; {asker.name} says thanks")

    friday = DEMO_SCHOOL_DAY + timedelta(days=4 - DEMO_SCHOOL_DAY.weekday())
    with transaction(world.sessions) as session:
        district_id = session.exec(select(District.id)).first() or 0
    roundup_district(world.runtime, district_id=district_id, day=friday, permalinks=slack_permalinks(world.runtime))
    deliver()
    show(_posts(world)[-1], f"{friday:%a %b %d}, the end of the school week: Rounds → #{CHANNEL}")


def _posts(world: DemoWorld) -> list[dict]:
    return [m for m in world.slack.messages(CHANNEL_ID) if m.get("bot_id")]


def _answered(world: DemoWorld) -> bool:
    with transaction(world.sessions) as session:
        return any(p.answered_at is not None for p in session.exec(select(CommunityPost)).all())


def _thanked(world: DemoWorld) -> bool:
    with transaction(world.sessions) as session:
        return any(p.thanks for p in session.exec(select(CommunityPost)).all())
