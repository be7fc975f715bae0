"""The demo's morning: every leader's "Your three classrooms today" DM, sent through the outbox and the
delivery worker to the embedded fake Slack, printed as each leader would read it."""

from __future__ import annotations

import html
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.panel import Panel

from bot.delivery_worker import DeliveryWorker, make_worker_client
from bot.demo.world import DemoWorld
from bot.jobs import remind_all
from workflows.rotation.service import NoCalendars

# A regular school day at both demo schools (Thanksgiving break is Nov 25–27).
DEMO_SCHOOL_DAY = date(2026, 11, 30)


def scene_morning_reminders(world: DemoWorld, console: Console) -> None:
    """Reminders for every school at 7:15 school time, each leader's DM(s) as Slack shows them."""
    now = datetime.combine(DEMO_SCHOOL_DAY, time(7, 15), tzinfo=ZoneInfo("America/Chicago"))
    runs = remind_all(world.sessions, calendars=NoCalendars(), now=now, day=DEMO_SCHOOL_DAY)
    worker = DeliveryWorker(world.sessions, make_worker_client(world.runtime.settings), channel_interval=0)
    worker.drain(timeout=30)
    for run in runs:
        console.print(f"{run.school_name}: {run.queued} reminder(s) queued and sent for {run.day:%a %b %d}")
    for leader in world.district.leaders:
        channel = world.slack.dm_channel_for(leader.slack_user_id)
        for message in world.slack.messages(channel) if channel else []:
            console.print(
                Panel(
                    "\n".join(message_lines(message)),
                    title=f"DM to {leader.name} ({leader.title})",
                    expand=False,
                )
            )


def message_lines(message: dict[str, Any]) -> list[str]:
    """A message's blocks as plain lines; buttons as [Label]."""
    lines: list[str] = []
    for block in message.get("blocks", []):
        kind = block.get("type")
        if kind in ("header", "section"):
            lines.append(html.unescape(block["text"]["text"].replace("*", "").replace("_", "")))
        elif kind == "context":
            lines.append(
                html.unescape(" ".join(e.get("text", "") for e in block["elements"]).replace("*", ""))
            )
        elif kind == "actions":
            lines.append("   " + " ".join(f"[{e['text']['text']}]" for e in block["elements"]))
    return lines
