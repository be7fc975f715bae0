"""The rotation tests' world: the demo district in the test database and the fake Slack, a clock the test
sets, and helpers to read the morning DMs as a leader sees them."""

from __future__ import annotations

import socket
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from tempfile import mkdtemp
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from bot.demo.district import DemoDistrict, DemoPerson, write_demo_district
from bot.demo.fake_slack import FakeSlack
from integrations.oneroster import read_bundle
from workflows.db import Sessions, transaction
from workflows.frameworks.service import active_forms, ensure_default_framework
from workflows.roster.models import Person, School
from workflows.roster.service import apply_roster
from workflows.roster.snapshot import Role, RosterSnapshot
from workflows.walkthroughs.models import ConversationRole, Walkthrough

# Monday Nov 30, 2026 is a regular school day at both demo schools; Tuesday Dec 1 too. Nov 25 is a holiday
# (Thanksgiving break) and Nov 28 a Saturday.
MONDAY = date(2026, 11, 30)
TUESDAY = date(2026, 12, 1)
HOLIDAY = date(2026, 11, 25)
SATURDAY = date(2026, 11, 28)
# 7:00 in Chicago, 6:00 in Denver: before either school's 7:15 reminder.
MONDAY_EARLY = datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
CEDAR, SUMMIT = "org-cedar-hollow", "org-summit-ridge"


class Clock:
    """The app's clock, moved by the test."""

    def __init__(self, now: datetime = MONDAY_EARLY) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@cache
def _demo() -> tuple[DemoDistrict, RosterSnapshot]:
    district = write_demo_district(Path(mkdtemp(prefix="rounds-rotation-")) / "district")
    return district, read_bundle(district.folder)


def load_demo(sessions: Sessions, slack: FakeSlack) -> DemoDistrict:
    """The demo district in the database, every person a Slack user in the fake and linked by id."""
    district, snapshot = _demo()
    for person in district.people:
        slack.add_user(person.slack_user_id, email=person.email, real_name=person.name, tz=person.timezone)
    with transaction(sessions) as session:
        apply_roster(session, snapshot=snapshot)
        by_email = {p.email: p.slack_user_id for p in district.people}
        for person in session.exec(select(Person)).all():
            person.slack_user_id = by_email.get(person.email or "")
            session.add(person)
    return district


def school_id(session: Session, sourced_id: str) -> int:
    school = session.exec(select(School).where(School.sourced_id == sourced_id)).one()
    return school.id or 0


def person_id(session: Session, person: DemoPerson) -> int:
    return session.exec(select(Person.id).where(Person.sourced_id == person.sourced_id)).one() or 0


def leaders_at(district: DemoDistrict, sourced_id: str) -> list[DemoPerson]:
    return [p for p in district.people if p.has_role(Role.LEADER, sourced_id)]


def dm_messages(slack: FakeSlack, user_id: str) -> list[dict[str, Any]]:
    channel = slack.dm_channel_for(user_id)
    return slack.messages(channel) if channel else []


def block_texts(message: dict[str, Any]) -> str:
    """Every bit of text in a message's blocks, in order, as one string."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("blocks", []))
    return "\n".join(found)


def buttons(message: dict[str, Any], action_id: str) -> list[dict[str, Any]]:
    return [
        element
        for block in message.get("blocks", [])
        if block.get("type") == "actions"
        for element in block["elements"]
        if element.get("action_id") == action_id
    ]


def log_walkthrough(
    session: Session, *, school: int, observer: int, teacher: int, day: date, period: str | None = "1",
    key: str | None = None,
) -> None:  # fmt: skip
    """A walkthrough row as the walkthrough modal would store it (the rotation only reads who, when, where)."""
    now = datetime.combine(day, time(15), tzinfo=UTC)
    framework = ensure_default_framework(session, now=now)
    form = active_forms(session, framework_id=framework.id or 0)[0]
    session.add(
        Walkthrough(
            idempotency_key=f"test-{observer}-{teacher}-{day}",
            school_id=school,
            observer_id=observer,
            teacher_id=teacher,
            period=period,
            visited_at=now,
            visit_date=day,
            framework_id=framework.id or 0,
            form_id=form.id or 0,
            evidence="Students explained their reasoning to a partner.",
            planned_role=ConversationRole.REFLECTIVE,
            planned_visit_key=key,
            created_at=now,
            updated_at=now,
        )
    )
    session.flush()


def unreachable_url() -> str:
    """An http URL on loopback where nothing listens: the fetch fails at once with a refused connection."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/calendar.ics"


def at(day: date, hour: int, minute: int = 0, tz: str = "America/Chicago") -> datetime:
    """A school-local wall-clock moment, in UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(tz)).astimezone(UTC)
