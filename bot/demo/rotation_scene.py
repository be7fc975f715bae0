"""The demo's morning: every leader's "Your three classrooms today" DM, sent through the outbox and the
delivery worker to the embedded fake Slack, printed as each leader would read it."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.panel import Panel

from bot.deliveries import DeliveryWorker
from bot.demo.world import DemoWorld, message_text
from bot.jobs import remind_all
from workflows.rotation.calendars import NoCalendars

# A regular school day at both demo schools (Thanksgiving break is Nov 25–27).
DEMO_SCHOOL_DAY = date(2026, 11, 30)


def scene_morning_reminders(world: DemoWorld, console: Console) -> None:
    """Reminders for every school at 7:15 school time, each leader's DM(s) as Slack shows them."""
    now = datetime.combine(DEMO_SCHOOL_DAY, time(7, 15), tzinfo=ZoneInfo("America/Chicago"))
    runs = remind_all(world.sessions, calendars=NoCalendars(), now=now, day=DEMO_SCHOOL_DAY)
    worker = DeliveryWorker.from_settings(world.sessions, world.runtime.settings, channel_interval=0)
    worker.drain(timeout=30)
    for run in runs:
        console.print(f"{run.school_name}: {run.queued} reminder(s) queued and sent for {run.day:%a %b %d}")
    for leader in world.district.leaders:
        channel = world.slack.dm_channel_for(leader.slack_user_id)
        for message in world.slack.messages(channel) if channel else []:
            console.print(
                Panel(
                    message_text(message),
                    title=f"DM to {leader.name} ({leader.title})",
                    expand=False,
                )
            )
