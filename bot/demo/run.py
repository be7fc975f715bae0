"""`rounds demo`: the demo district, driven as Slack would drive it, printing what each person received.

Each capability adds a scene; the demo always shows everything Rounds does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.panel import Panel

from bot import ids
from bot.demo.coaching_scene import scene_coaching
from bot.demo.community_scene import scene_community
from bot.demo.digest_scene import scene_team_digests
from bot.demo.leader_digest_scene import scene_leader_digest
from bot.demo.rotation_scene import DEMO_SCHOOL_DAY, scene_morning_reminders
from bot.demo.walkthrough_scenes import scene_walkthrough
from bot.demo.world import DemoWorld, demo_world, message_text
from workflows.roster.snapshot import Role

Scene = Callable[[DemoWorld, Console], None]


def scene_help(world: DemoWorld, console: Console) -> None:
    """Everyone can ask Rounds what it does for them; someone off the roster gets a friendly answer."""
    district = world.district
    people = [district.leaders[0], district.coaches[0], district.teachers[0], district.admins[0]]
    for person in people:
        reply = world.driver.command(person.slack_user_id, ids.ROUNDS_COMMAND, "help").json()
        console.print(
            Panel(reply["text"], title=f"{person.name} ({person.title}) types /rounds help", expand=False)
        )
    world.slack.add_user("U0VISITOR", email="guest.speaker@elsewhere.example", real_name="Guest Speaker")
    reply = world.driver.command("U0VISITOR", ids.ROUNDS_COMMAND, "help").json()
    console.print(
        Panel(reply["text"], title="A guest speaker (not on the roster) types /rounds help", expand=False)
    )


def scene_today_and_coverage(world: DemoWorld, console: Console) -> None:
    """Mid-morning, a principal checks the day's plan and who hasn't been seen yet this cycle."""
    leader = world.district.leaders[0]
    for word in ("today", "coverage"):
        reply = world.driver.command(leader.slack_user_id, ids.ROUNDS_COMMAND, word).json()
        shown = message_text(reply) if reply.get("blocks") else reply["text"]
        console.print(Panel(shown, title=f"{leader.name} types /rounds {word}", expand=False))


SCENES: list[tuple[str, Scene]] = [
    ("/rounds help, by role", scene_help),
    ("The morning DM: each leader's classrooms today", scene_morning_reminders),
    ("A walkthrough logged in the modal; the teacher's DM", scene_walkthrough),
    ("/rounds today and /rounds coverage", scene_today_and_coverage),
    ("Coaching: a conversation, the teacher's DM, the check-back, the week's reflection and summary", scene_coaching),
    ("The coach community: a question, an answer in its thread, a success and the week's roundup", scene_community),
    ("The leader's weekly digest, a data review and roadmap levels, after four school weeks", scene_leader_digest),
    ("Team digests: six weeks of walkthroughs, then Monday's digest in each team's channel", scene_team_digests),
]


def run_demo(console: Console) -> dict[str, int]:
    """Plays every scene; returns how often each Slack Web API method was called (the manifest's scopes)."""
    # The demo's school day: Monday Nov 30 at 10:05 in Chicago, after the morning reminders went out.
    now = datetime.combine(DEMO_SCHOOL_DAY, time(10, 5), tzinfo=ZoneInfo("America/Chicago"))
    with demo_world(clock=lambda: now) as world:
        district = world.district
        console.rule(f"[bold]{district.name}")
        for school in district.schools:
            console.print(
                f"{school.name} ({school.timezone}): "
                f"{len([p for p in district.teachers if p.has_role(Role.TEACHER, school.sourced_id)])} teachers, "
                f"{len([p for p in district.leaders if p.has_role(Role.LEADER, school.sourced_id)])} leaders"
            )
        console.print(
            f"{len(district.coaches)} instructional coaches, {len(district.teams)} teams; "
            f"{len(district.student_sourced_ids)} student rows in the export were read past and never stored."
        )
        for title, scene in SCENES:
            console.rule(title)
            scene(world, console)
        console.rule("Slack Web API calls made by Rounds")
        counts: dict[str, int] = {}
        for call in world.slack.calls:
            counts[call.method] = counts.get(call.method, 0) + 1
        console.print(", ".join(f"{method} × {n}" for method, n in sorted(counts.items())))
        return counts
