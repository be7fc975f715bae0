"""The demo's world: a synthetic district imported into a fresh database, the real Rounds app behind its
real endpoint on loopback, and an embedded fake Slack that every message lands in.

Tests of the demo and `rounds demo` both build one with `demo_world()`.
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

import migrations
from bot.app import build_app
from bot.deliveries import DeliveryWorker, running
from bot.demo.district import DemoDistrict, DemoPerson, write_demo_district
from bot.demo.fake_slack import FakeSlack
from bot.demo.serve import serve_in_thread
from bot.demo.slack_requests import SlackDriver, SlackRequestSigner
from bot.runtime import Runtime
from bot.server import build_server
from bot.settings import Settings
from bot.slack_client import make_client
from bot.slack_directory import SlackUserDirectory
from integrations.oneroster import read_bundle
from workflows.db import Sessions, make_engine, make_sessions, transaction
from workflows.roster.service import apply_roster, link_slack_users

DEMO_TOKEN = "xoxb-demo"
DEMO_SIGNING_SECRET = "demo-signing-secret"


@dataclass
class DemoWorld:
    district: DemoDistrict
    slack: FakeSlack
    driver: SlackDriver
    runtime: Runtime
    sessions: Sessions
    folder: Path

    def person(self, slack_user_id: str) -> DemoPerson:
        return next(p for p in self.district.people if p.slack_user_id == slack_user_id)


@contextmanager
def demo_world(
    *, folder: Path | None = None, clock: Callable[[], datetime] | None = None
) -> Iterator[DemoWorld]:
    with ExitStack() as stack:
        if folder is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rounds-demo-")))
        district = write_demo_district(folder / "district")
        slack = stack.enter_context(FakeSlack(tokens=(DEMO_TOKEN,)))
        for person in district.people:
            slack.add_user(
                person.slack_user_id, email=person.email, real_name=person.name, tz=person.timezone
            )
        for channel in district.channels:
            slack.add_channel(channel.slack_channel_id, channel.name)

        url = f"sqlite:///{folder}/rounds-demo.sqlite3"
        migrations.upgrade(url)
        engine = make_engine(url)
        stack.callback(engine.dispose)
        sessions = make_sessions(engine)
        settings = Settings(
            _env_file=None,
            database_url=url,
            slack_bot_token=DEMO_TOKEN,
            slack_signing_secret=DEMO_SIGNING_SECRET,
            slack_api_url=slack.api_url,
        )
        client = make_client(settings)
        with transaction(sessions) as session:
            apply_roster(session, snapshot=read_bundle(district.folder))
            link_slack_users(session, directory=SlackUserDirectory(client))

        worker = DeliveryWorker.from_settings(sessions, settings, channel_interval=0)
        stack.enter_context(running(worker))
        runtime = Runtime(
            settings=settings,
            sessions=sessions,
            clock=clock or (lambda: datetime.now(UTC)),
            wake_deliveries=worker.wake,
        )
        app = build_app(runtime, client=client)
        base_url = stack.enter_context(serve_in_thread(build_server(app=app, engine=engine)))
        http = stack.enter_context(httpx.Client(base_url=base_url, timeout=10))
        driver = SlackDriver(SlackRequestSigner(DEMO_SIGNING_SECRET), slack, http)
        yield DemoWorld(
            district=district, slack=slack, driver=driver, runtime=runtime, sessions=sessions, folder=folder
        )


def message_text(message: dict[str, Any]) -> str:
    """A message as a person reads it in Slack: text blocks as lines (markup removed), buttons as [Label]."""
    lines: list[str] = []
    for block in message.get("blocks", []):
        kind = block.get("type")
        if kind in ("header", "section") and block.get("text"):
            lines.append(_plain(block["text"]["text"]))
        elif kind == "context":
            lines.append(_plain(" ".join(e.get("text", "") for e in block["elements"])))
        elif kind == "actions":
            lines.append("   " + " ".join(f"[{e['text']['text']}]" for e in block["elements"]))
    return "\n".join(lines)


def _plain(mrkdwn: str) -> str:
    return html.unescape(mrkdwn.replace("*", "").replace("_", ""))
