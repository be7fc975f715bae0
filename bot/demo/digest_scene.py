"""The demo's team digests: six school weeks of walkthroughs played (three classrooms a day per leader),
then Monday morning's digests in each team's channel, one of them shown with the path of its chart."""

from __future__ import annotations

import random
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.panel import Panel
from sqlmodel import Session, col, select

from bot.deliveries import DeliveryWorker
from bot.demo.rotation_scene import DEMO_SCHOOL_DAY
from bot.demo.world import DemoWorld, message_text
from bot.digest_jobs import run_school_digests
from workflows.db import transaction
from workflows.frameworks.service import active_forms, ensure_default_framework, form_look_fors, rating_scale
from workflows.roster.models import ClassTeacher, Person, School, StaffRole
from workflows.roster.snapshot import Role
from workflows.walkthroughs.models import ConversationRole, Walkthrough, WalkthroughRating

WEEKS_PLAYED = 6
CHARTS = Path(tempfile.gettempdir()) / "rounds-demo"


def play_walkthroughs(
    session: Session, *, school: School, days: list[date], per_day: int = 3, seed: int = 5
) -> int:
    """Each leader of the school visits `per_day` classrooms each school day; ratings drawn around the
    middle of the continuum, a little higher in later weeks. Returns how many walkthroughs were logged."""
    rng = random.Random(seed + (school.id or 0))
    framework = ensure_default_framework(session, now=datetime.combine(days[0], time(7), tzinfo=ZoneInfo("UTC")))
    forms = active_forms(session, framework_id=framework.id or 0)
    levels = [lv.value for lv in rating_scale(framework) if lv.observed]
    leaders = session.exec(
        select(StaffRole.person_id).where(StaffRole.school_id == school.id, StaffRole.role == Role.LEADER.value)
    ).all()
    teachers = session.exec(
        select(Person.id, ClassTeacher.class_id)
        .join(StaffRole, col(StaffRole.person_id) == Person.id)
        .join(ClassTeacher, col(ClassTeacher.person_id) == Person.id)
        .where(StaffRole.school_id == school.id, StaffRole.role == Role.TEACHER.value)
        .order_by(col(Person.id), col(ClassTeacher.class_id))
    ).all()
    zone = ZoneInfo(school.timezone)
    made = 0
    for index, day in enumerate(days):
        for leader in leaders:
            for slot in range(per_day):
                teacher, class_id = rng.choice(teachers)
                form = forms[0] if rng.random() < 0.8 else rng.choice(forms)  # a focus, as schools have
                at = datetime.combine(day, time(9 + slot), tzinfo=zone)
                walkthrough = Walkthrough(
                    idempotency_key=f"demo-week:{school.id}:{leader}:{day}:{slot}", school_id=school.id or 0,
                    observer_id=leader, teacher_id=teacher, class_id=class_id, visited_at=at, visit_date=day,
                    framework_id=framework.id or 0, form_id=form.id or 0,
                    evidence="Students explained their reasoning to a partner.",
                    planned_role=ConversationRole.REFLECTIVE, created_at=at, updated_at=at, shared_at=at,
                )  # fmt: skip
                session.add(walkthrough)
                session.flush()
                made += 1
                lean = 0.35 + 0.3 * index / max(1, len(days) - 1)
                for look_for in form_look_fors(session, form_id=form.id or 0):
                    observed = rng.random() < 0.8
                    pick = min(len(levels) - 1, max(0, round(rng.gauss(lean * (len(levels) - 1), 0.9))))
                    session.add(WalkthroughRating(
                        walkthrough_id=walkthrough.id or 0, look_for_id=look_for.id or 0,
                        value=levels[pick] if observed else 0, observed=observed,
                    ))  # fmt: skip
    session.flush()
    return made


def scene_team_digests(world: DemoWorld, console: Console) -> None:
    """Six weeks of walkthroughs, then Monday 07:30: each team's digest in its channel, its chart below."""
    monday = DEMO_SCHOOL_DAY - timedelta(days=DEMO_SCHOOL_DAY.weekday())
    first = monday - timedelta(weeks=WEEKS_PLAYED)
    days = [first + timedelta(days=d) for d in range(7 * WEEKS_PLAYED) if (first + timedelta(days=d)).weekday() < 5]
    with transaction(world.sessions) as session:
        schools = list(session.exec(select(School).order_by(col(School.id))).all())
        played = sum(play_walkthroughs(session, school=s, days=days) for s in schools)
    console.print(f"{played} walkthroughs played over the {WEEKS_PLAYED} school weeks before {monday:%a %-d %b}.")
    outcomes = []
    for school in schools:
        now = datetime.combine(monday, time(7, 30), tzinfo=ZoneInfo(school.timezone))
        outcomes += run_school_digests(world.sessions, school_id=school.id or 0, week=monday - timedelta(weeks=1), now=now)
    DeliveryWorker.from_settings(world.sessions, world.runtime.settings, channel_interval=0).drain(timeout=60)
    console.print(f"Monday 07:30: {sum(o.fresh for o in outcomes)} team digests queued, each with its chart.")
    shown = next((o for o in outcomes if o.chart is not None), None)
    team = next((t for t in world.district.teams if shown and t.name == shown.title), None)
    if shown is None or team is None:
        return
    posts = world.slack.messages(team.channel.slack_channel_id)
    digest = next(m for m in posts if m.get("subtype") == "bot_message")
    CHARTS.mkdir(parents=True, exist_ok=True)
    path = CHARTS / f"{(shown.key or 'digest').replace(':', '-')}.png"
    upload = next((f for f in world.slack.uploaded_files() if team.channel.slack_channel_id in f["channels"]), None)
    path.write_bytes(upload["content"] if upload else shown.chart)
    console.print(Panel(message_text(digest), title=f"Rounds → {team.channel.hashtag}", expand=False))
    console.print(f"Its chart, in the digest's thread ({len(path.read_bytes()) // 1024} KiB): {path}")
