"""The Messages tab: typing to Rounds in its DM gets help by role, once per message however often Slack
delivers the event; Rounds' own messages, edits and deletions get nothing."""

from __future__ import annotations

import logging

import pytest
from sqlmodel import select

from bot.deliveries import DeliveryWorker
from bot.demo.slack_requests import im_message_event
from tests.roster_factory import LEADER, TEACHER, load_small_roster
from tests.walkthroughs.support import wait_for
from workflows.db import transaction
from workflows.roster.models import Person


@pytest.fixture
def worker(settings, sessions) -> DeliveryWorker:
    return DeliveryWorker.from_settings(sessions, settings, channel_interval=0, senders=1)


@pytest.fixture
def people(sessions, slack) -> None:
    load_small_roster(sessions)
    with transaction(sessions) as session:
        for member, user in ((LEADER, "ULEAD"), (TEACHER, "UTEACH")):
            person = session.exec(select(Person).where(Person.sourced_id == member.sourced_id)).one()
            person.slack_user_id = user
            session.add(person)
            slack.add_user(user, email=member.email, real_name=f"{member.given_name} {member.family_name}")


@pytest.fixture
def handled(caplog):
    """How many typed messages the app has finished with: answered, and not answered."""
    caplog.set_level(logging.DEBUG, logger="rounds.messages_tab")

    def count(word: str) -> int:
        return sum(word in r.getMessage() for r in caplog.records if r.name == "rounds.messages_tab")

    return count


def _dm(slack, user: str) -> list[dict]:
    channel = slack.dm_channel_for(user)
    return slack.messages(channel) if channel else []


def _typed(rounds, user: str, text: str = "hello? how do I log a visit", **event) -> None:
    response = rounds.driver.event(im_message_event(user, text, **event))
    assert response.status_code == 200


def test_a_leader_typing_in_the_messages_tab_gets_help_for_leaders(rounds, people, slack, worker, handled):
    _typed(rounds, "ULEAD")
    wait_for(lambda: handled("help queued") == 1)
    worker.drain(timeout=10)

    [reply] = _dm(slack, "ULEAD")
    assert reply["text"].startswith("I don't read messages here, but here is what you can do with Rounds.")
    assert "Hi Ada!" in reply["text"] and "/walkthrough" in reply["text"]
    assert "how do I log" not in str(reply)  # what was typed is never echoed back


def test_a_teacher_gets_a_teachers_help(rounds, people, slack, worker, handled):
    _typed(rounds, "UTEACH")
    wait_for(lambda: handled("help queued") == 1)
    worker.drain(timeout=10)

    [reply] = _dm(slack, "UTEACH")
    assert "the notes from every visit to your classes" in reply["text"]
    assert "/walkthrough" not in reply["text"]


def test_a_retried_event_is_answered_once(rounds, people, slack, worker, handled):
    for _ in range(3):  # Slack's retries carry the same message under new envelopes
        _typed(rounds, "ULEAD", client_msg_id="3c5d1f2e-0000-4c1d-9a4b-000000000001", ts="1772546400.000100")
    wait_for(lambda: handled("help queued") == 3)
    worker.drain(timeout=10)

    assert len(_dm(slack, "ULEAD")) == 1


def test_two_messages_get_two_answers(rounds, people, slack, worker, handled):
    _typed(rounds, "ULEAD", text="hi")
    _typed(rounds, "ULEAD", text="anyone?")
    wait_for(lambda: handled("help queued") == 2)
    worker.drain(timeout=10)

    assert len(_dm(slack, "ULEAD")) == 2


def test_someone_not_on_the_roster_is_told_how_to_get_on_it(rounds, people, slack, worker, handled):
    slack.add_user("UVISITOR", email="visitor@elsewhere.example", real_name="Vera Visitor")
    _typed(rounds, "UVISITOR")
    wait_for(lambda: handled("help queued") == 1)
    worker.drain(timeout=10)

    [reply] = _dm(slack, "UVISITOR")
    assert "not on the roster yet" in reply["text"]


def test_bots_edits_and_deletions_get_no_answer(rounds, people, slack, worker, handled):
    _typed(rounds, "ULEAD", bot_id="B0001")  # Rounds' own message: Bolt drops it before any listener
    _typed(rounds, "ULEAD", bot_id="B0OTHER")  # another app's
    _typed(rounds, "ULEAD", subtype="message_changed")
    _typed(rounds, "ULEAD", subtype="message_deleted")
    _typed(rounds, "ULEAD", channel_type="channel", channel="C0LOUNGE")
    wait_for(lambda: handled("not answered") == 4)
    worker.drain(timeout=10)

    assert _dm(slack, "ULEAD") == []
    assert slack.calls_to("chat.postMessage") == []
