"""Swap asks first; when nobody else fits, the visit isn't silently dropped: the leader is told and can Undo.
On the App Home, where a click has no response URL, every refusal still reaches the person who clicked."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot import ids
from bot.deliveries import DeliveryWorker
from bot.demo.district import DemoDistrict
from bot.demo.fake_slack import FakeSlack
from bot.demo.slack_requests import button_action
from bot.jobs import remind_all
from bot.settings import Settings
from tests.conftest import RunningRounds
from tests.rotation.support import CEDAR, MONDAY, Clock, at, buttons, dm_messages, leaders_at, load_demo
from tests.walkthroughs.support import wait_for
from workflows.db import Sessions, transaction
from workflows.rotation.calendars import NoCalendars
from workflows.rotation.models import PlannedVisit, VisitStatus

LATE = at(MONDAY, 23)  # the same school day, with no time left in it for another visit


@pytest.fixture
def clock() -> Clock:
    return Clock(at(MONDAY, 7, 20))


@pytest.fixture
def demo(sessions: Sessions, slack: FakeSlack) -> DemoDistrict:
    return load_demo(sessions, slack)


@pytest.fixture
def app(rounds: RunningRounds, demo: DemoDistrict) -> RunningRounds:
    return rounds


@pytest.fixture
def worker(settings: Settings, sessions: Sessions) -> DeliveryWorker:
    return DeliveryWorker.from_settings(sessions, settings, channel_interval=0, senders=2)


@pytest.fixture
def morning(
    sessions: Sessions, slack: FakeSlack, worker: DeliveryWorker, demo: DemoDistrict
) -> tuple[str, dict]:
    """The principal's Slack id and their morning DM."""
    remind_all(sessions, calendars=NoCalendars(), now=at(MONDAY, 7, 15), day=MONDAY)
    worker.drain(timeout=30)
    principal = leaders_at(demo, CEDAR)[0].slack_user_id
    [message] = dm_messages(slack, principal)
    return principal, message


def _status(sessions: Sessions, key: str) -> str:
    with transaction(sessions) as session:
        return session.exec(select(PlannedVisit.status).where(PlannedVisit.key == key)).one()


def _headline(slack: FakeSlack, message: dict) -> str:
    found = slack.message(message["channel"], message["ts"])
    assert found is not None
    return found["blocks"][0]["text"]["text"]


def _in_dm(app: RunningRounds, user: str, message: dict, action_id: str, value: str) -> None:
    app.driver.action(
        user, [button_action(action_id, value)], channel_id=message["channel"],
        message={k: v for k, v in message.items() if k != "channel"},
    )  # fmt: skip


def _undo_button(blocks: list[dict]) -> dict:
    return next(
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.ROTATION_UNDO_SWAP
    )


def test_swap_asks_before_it_replaces_a_visit(morning):
    _, message = morning

    for swap in buttons(message, ids.ROTATION_SWAP):
        assert swap["confirm"]["title"]["text"] == "Swap this visit?"
        assert "next teacher who fits" in swap["confirm"]["text"]["text"]
        assert (swap["confirm"]["confirm"]["text"], swap["confirm"]["deny"]["text"]) == ("Swap", "Keep it")


def test_a_swap_that_finds_nobody_says_so_and_undo_brings_the_visit_back(
    app, sessions, slack, worker, morning, clock
):
    principal, message = morning
    key = buttons(message, ids.ROTATION_SWAP)[0]["value"]
    clock.now = LATE

    _in_dm(app, principal, message, ids.ROTATION_SWAP, key)
    [told] = wait_for(lambda: slack.responses(app.driver.last_response_url))
    worker.drain(timeout=10)
    assert "Nobody else fits that slot today" in told["text"] and told["response_type"] == "ephemeral"
    assert _headline(slack, message) == "Your two classrooms today"
    undo = _undo_button(told["blocks"])

    ephemeral = {"type": "message", "message_ts": "", "channel_id": message["channel"], "is_ephemeral": True}
    app.driver.action(principal, [button_action(ids.ROTATION_UNDO_SWAP, undo["value"])], container=ephemeral)
    [restored] = wait_for(lambda: slack.responses(app.driver.last_response_url))
    worker.drain(timeout=10)

    assert restored["text"].startswith("Back on your list") and restored["replace_original"] is True
    assert _status(sessions, key) == VisitStatus.PLANNED
    assert _headline(slack, message) == "Your three classrooms today"
    assert key in {
        b["value"] for b in buttons(slack.message(message["channel"], message["ts"]), ids.ROTATION_SWAP)
    }

    app.driver.action(principal, [button_action(ids.ROTATION_UNDO_SWAP, undo["value"])], container=ephemeral)
    [again] = wait_for(lambda: slack.responses(app.driver.last_response_url))
    assert again["text"] == "Already back on your list."


def test_on_the_home_tab_the_dropped_visit_comes_back_from_the_modal_that_says_so(
    app, sessions, slack, morning, clock
):
    principal, _ = morning
    app.driver.open_home(principal)
    home = wait_for(lambda: slack.published_home(principal))
    key = next(e["value"] for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]
               if e["action_id"] == ids.ROTATION_SWAP)  # fmt: skip
    clock.now = LATE

    app.driver.action(principal, [button_action(ids.ROTATION_SWAP, key)], view=home)
    modal = wait_for(lambda: [v for v in slack.open_views() if "Nobody else fits" in str(v["blocks"])])[0]
    app.driver.action(principal, [button_action(ids.ROTATION_UNDO_SWAP, key)], view=modal)
    wait_for(lambda: "Back on your list" in str(slack.view(modal["id"])["blocks"]))

    assert _status(sessions, key) == VisitStatus.PLANNED
    wait_for(lambda: str(slack.published_home(principal)["blocks"]).count(ids.ROTATION_SWAP) == 3)


def test_a_refusal_on_the_home_tab_opens_a_modal_for_the_person_who_clicked(app, sessions, slack, morning):
    principal, _ = morning
    app.driver.open_home(principal)
    stale = wait_for(lambda: slack.published_home(principal))
    key = next(e["value"] for b in stale["blocks"] if b["type"] == "actions" for e in b["elements"]
               if e["action_id"] == ids.ROTATION_SWAP)  # fmt: skip
    app.driver.action(principal, [button_action(ids.ROTATION_SWAP, key)], view=stale)
    wait_for(lambda: _status(sessions, key) == VisitStatus.SWAPPED)

    app.driver.action(
        principal, [button_action(ids.ROTATION_SWAP, key)], view=stale
    )  # a second tap, same Home
    [modal] = wait_for(lambda: slack.open_views())

    assert modal["blocks"][0]["text"]["text"] == "Already swapped a moment ago: your list shows the change."
    assert slack.responses() == []
