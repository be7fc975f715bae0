"""Steps of the community tests, played through the driver as Slack would send them."""

from __future__ import annotations

from typing import Any

from bot import ids
from bot.demo.fake_slack import FakeSlack
from tests.walkthroughs.support import message_text, wait_for

ADMIN, CLEO, CY, OSCAR = "UADMIN", "UCOACH", "UCOACH2", "UCOACH3"


def set_channel(app: Any, slack: FakeSlack, worker: Any, ref: str = "#ip-community", user: str = ADMIN) -> str:
    """`/rounds community set REF`: returns what the admin was told."""
    before = len(slack.responses())
    response = app.driver.command(user, ids.ROUNDS_COMMAND, f"community set {ref}")
    assert response.status_code == 200, response.text
    wait_for(lambda: len(slack.responses()) > before)
    worker.drain(timeout=10)
    return slack.responses()[-1]["text"]


def channel_posts(slack: FakeSlack, channel: str) -> list[dict]:
    """The messages Rounds posted in the channel (not people's)."""
    return [m for m in slack.messages(channel) if m.get("bot_id") and "thread_ts" not in m]


def share(app: Any, user: str, text: str) -> dict:
    """`/share TEXT`: the ephemeral acknowledgement."""
    response = app.driver.command(user, ids.SHARE_COMMAND, text)
    assert response.status_code == 200, response.text
    return response.json()


def text_of(message: dict) -> str:
    return message_text(message)
