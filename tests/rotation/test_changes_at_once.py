"""Two changes to one planned visit at once (a double tap, a Slack retry, Skip and Swap, Log visit and Swap):
the visit changes state once, the leader's DM reads the one outcome, and the other click is told what
happened. Each pair of requests is held until both have read the visit (`tests.concurrency.together`), so
the race happens every time, on SQLite and on PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlmodel import select

from bot import ids
from bot.deliveries import DeliveryWorker
from bot.demo.district import DemoDistrict
from bot.demo.fake_slack import FakeSlack
from bot.demo.slack_requests import button_action, plain_text_value
from bot.demo.walkthrough_scenes import modal_values
from bot.jobs import remind_all
from bot.settings import Settings
from tests.concurrency import together
from tests.conftest import RunningRounds
from tests.rotation.support import (
    CEDAR,
    MONDAY,
    Clock,
    at,
    block_texts,
    buttons,
    dm_messages,
    leaders_at,
    load_demo,
)
from tests.walkthroughs.support import wait_for
from workflows.db import Sessions, transaction
from workflows.deliveries.service import get
from workflows.rotation.calendars import NoCalendars
from workflows.rotation.models import PlannedVisit, VisitStatus
from workflows.walkthroughs.models import Walkthrough


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


def _morning(sessions: Sessions, slack: FakeSlack, worker: DeliveryWorker, demo: DemoDistrict):
    remind_all(sessions, calendars=NoCalendars(), now=at(MONDAY, 7, 15), day=MONDAY)
    worker.drain(timeout=30)
    principal = leaders_at(demo, CEDAR)[0]
    [message] = dm_messages(slack, principal.slack_user_id)
    return principal, message


def _click(app: RunningRounds, user: str, message: dict, action_id: str, value: str) -> Any:
    return app.driver.action(
        user, [button_action(action_id, value)], channel_id=message["channel"],
        message={k: v for k, v in message.items() if k != "channel"},
    )  # fmt: skip


def _visits(sessions: Sessions, leader_id: int) -> list[PlannedVisit]:
    with transaction(sessions) as session:
        return list(
            session.exec(
                select(PlannedVisit).where(PlannedVisit.leader_id == leader_id, PlannedVisit.day == MONDAY)
            ).all()
        )


def _visit(sessions: Sessions, key: str) -> PlannedVisit:
    with transaction(sessions) as session:
        return session.exec(select(PlannedVisit).where(PlannedVisit.key == key)).one()


def _told(slack: FakeSlack, words: str) -> list[dict]:
    return [r for r in slack.responses() if words in str(r.get("text"))]


def _queued(sessions: Sessions, key: str) -> bool:
    with transaction(sessions) as session:
        return get(session, key=key) is not None


def _dm(slack: FakeSlack, message: dict) -> dict:
    """The morning DM as it reads now (updated in place)."""
    found = slack.message(message["channel"], message["ts"])
    assert found is not None
    return found


def _headline(slack: FakeSlack, message: dict) -> str:
    return _dm(slack, message)["blocks"][0]["text"]["text"]


def test_two_swaps_at_once_swap_the_visit_once_and_the_dm_reads_three(
    app, sessions, slack, demo, worker, engine
):
    principal, message = _morning(sessions, slack, worker, demo)
    key = buttons(message, ids.ROTATION_SWAP)[2]["value"]
    leader_id = _visit(sessions, key).leader_id

    with ThreadPoolExecutor(2) as pool, together(engine, table="planned_visit") as held:
        taps = [
            pool.submit(_click, app, principal.slack_user_id, message, ids.ROTATION_SWAP, key) for _ in range(2)
        ]
        assert [tap.result().status_code for tap in taps] == [200, 200]
        assert held.met
    told = wait_for(lambda: _told(slack, "Already swapped a moment ago"))
    wait_for(lambda: _queued(sessions, f"reminder:{leader_id}:{MONDAY}:{_visit(sessions, key).school_id}:r1"))
    worker.drain(timeout=10)

    assert len(told) == 1
    visits = _visits(sessions, leader_id)
    assert sorted(v.status for v in visits) == ["planned"] * 3 + ["swapped"]
    assert _headline(slack, message) == "Your three classrooms today"
    assert len(buttons(_dm(slack, message), ids.ROTATION_SWAP)) == 3
    assert len(slack.calls_to("chat.update")) == 1


def test_skip_and_swap_at_once_end_in_one_of_the_two(app, sessions, slack, demo, worker, engine):
    principal, message = _morning(sessions, slack, worker, demo)
    key = buttons(message, ids.ROTATION_SKIP)[1]["value"]
    leader_id = _visit(sessions, key).leader_id
    _click(app, principal.slack_user_id, message, ids.ROTATION_SKIP, key)
    modal = wait_for(lambda: [v for v in slack.open_views() if v["callback_id"] == ids.ROTATION_SKIP_MODAL])[
        0
    ]
    reason = {
        ids.ROTATION_SKIP_REASON_BLOCK: {ids.ROTATION_SKIP_REASON_INPUT: plain_text_value("Fire drill")}
    }

    with ThreadPoolExecutor(1) as pool, together(engine, table="planned_visit") as held:
        skipping = pool.submit(app.driver.submit_view, principal.slack_user_id, modal, reason)
        _click(app, principal.slack_user_id, message, ids.ROTATION_SWAP, key)
        wait_for(lambda: held.met)
        skipped = skipping.result(timeout=30)
    refused = skipped.json().get("errors", {}) if skipped.content else {}
    if refused:  # the Swap won: the Skip modal stays open and says so
        assert "Already swapped a moment ago" in refused[ids.ROTATION_SKIP_REASON_BLOCK]
        wait_for(lambda: _visit(sessions, key).status == VisitStatus.SWAPPED)
    else:  # the Skip won: the Swap is told
        wait_for(lambda: _told(slack, "Already skipped: "))
    worker.drain(timeout=10)

    visit = _visit(sessions, key)
    others = [v for v in _visits(sessions, leader_id) if v.key != key]
    shown = block_texts(_dm(slack, message))
    if visit.status == VisitStatus.SWAPPED:
        assert visit.skip_reason is None and len(others) == 3 and "Skipped" not in shown
        assert _told(slack, "Already skipped") == []
    else:
        assert visit.status == VisitStatus.SKIPPED and visit.skip_reason == "Fire drill"
        assert len(others) == 2 and "Skipped: Fire drill" in shown
    assert _headline(slack, message) == "Your three classrooms today"
    assert len(slack.calls_to("chat.update")) == 1


def test_log_visit_and_swap_at_once_leave_no_logged_visit_swapped(
    app, sessions, slack, demo, worker, engine, clock
):
    principal, message = _morning(sessions, slack, worker, demo)
    key = buttons(message, ids.ROTATION_LOG_VISIT)[0]["value"]
    leader_id = _visit(sessions, key).leader_id
    clock.now = at(MONDAY, 8)
    _click(app, principal.slack_user_id, message, ids.ROTATION_LOG_VISIT, key)
    modal = wait_for(lambda: [v for v in slack.open_views() if v["callback_id"] == ids.WALKTHROUGH_MODAL])[0]
    values = modal_values(
        modal, evidence="Partners compared strategies.", strength="", next_step="", role="reflective",
        observed_level=None,
    )  # fmt: skip

    with ThreadPoolExecutor(1) as pool, together(engine, table="planned_visit") as held:
        logging = pool.submit(app.driver.submit_view, principal.slack_user_id, modal, values)
        _click(app, principal.slack_user_id, message, ids.ROTATION_SWAP, key)
        wait_for(lambda: held.met)
        logged = logging.result(timeout=30)
    assert logged.status_code == 200 and not logged.content, (
        logged.text
    )  # the walkthrough is saved either way
    wait_for(lambda: _told(slack, "Already logged") or _visit(sessions, key).status == VisitStatus.SWAPPED)
    worker.drain(timeout=10)

    visit = _visit(sessions, key)
    with transaction(sessions) as session:
        walkthrough = session.exec(select(Walkthrough)).one()
    others = [v for v in _visits(sessions, leader_id) if v.key != key]
    shown = block_texts(_dm(slack, message))
    if visit.status == VisitStatus.DONE:  # the walkthrough won: the Swap is told, nothing replaces the visit
        assert walkthrough.planned_visit_key == key and len(others) == 2
        assert shown.count("Logged.") == 1 and len(_told(slack, "Already logged")) == 1
    else:  # the Swap won: the walkthrough stands on its own and marks nothing
        assert visit.status == VisitStatus.SWAPPED
        assert walkthrough.planned_visit_key is None and len(others) == 3 and "Logged." not in shown
    assert _headline(slack, message) == "Your three classrooms today"
