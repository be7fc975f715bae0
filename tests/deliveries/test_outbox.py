"""Enqueueing is idempotent, and what the worker sends lands where, and as, Slack would show it."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

import pytest

from bot.deliveries import running
from bot.demo.fake_slack import FakeSlack
from tests.deliveries.conftest import TEACHERS, WorkerFactory, copies_by_text, dm, enqueue
from workflows.db import Sessions, transaction
from workflows.deliveries import service
from workflows.deliveries.models import DeliveryStatus
from workflows.deliveries.service import DeliveryError
from workflows.workspaces.models import DEFAULT_WORKSPACE


def test_enqueueing_one_key_twice_makes_one_row_and_one_message(
    sessions: Sessions, slack: FakeSlack, make_worker: WorkerFactory
) -> None:
    key = f"reminder:{TEACHERS[0]}:2026-11-24"
    enqueue(sessions, key, args={"channel": TEACHERS[0]} | dm("Your three classrooms today"))
    enqueue(sessions, key, args={"channel": TEACHERS[0]} | dm("a second scheduler's copy"))

    make_worker(slack).drain(timeout=10)
    enqueue(sessions, key, args={"channel": TEACHERS[0]} | dm("a retry after it was sent"))
    make_worker(slack).drain(timeout=10)

    assert copies_by_text(slack) == {"Your three classrooms today": 1}
    with transaction(sessions) as session:
        assert service.pending_count(session) == 0
        assert service.get(session, key=key).status == DeliveryStatus.SENT


def test_two_schedulers_enqueueing_at_the_same_moment_make_one_row(sessions: Sessions) -> None:
    key = "digest:team-5:2026-W48"
    barrier = threading.Barrier(4)
    ids: list[int] = []

    def schedule() -> None:
        barrier.wait()
        with transaction(sessions) as session:
            row = service.enqueue(
                session,
                workspace=DEFAULT_WORKSPACE, key=key, method="chat.postMessage", args={"channel": "C0GRADE5", "text": "x"}
            )
            ids.append(row.id)

    threads = [threading.Thread(target=schedule) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(ids) == 4 and len(set(ids)) == 1
    with transaction(sessions) as session:
        assert service.pending_count(session) == 1


def test_a_dm_arrives_in_the_teachers_dm_channel_with_its_blocks(
    sessions: Sessions, slack: FakeSlack, make_worker: WorkerFactory
) -> None:
    teacher = TEACHERS[1]
    enqueue(sessions, "walkthrough:41:teacher", args={"channel": teacher} | dm("Evidence from today's visit"))
    enqueue(
        sessions, "walkthrough:42:teacher", args={"channel": teacher} | dm("Evidence from a second visit")
    )

    assert make_worker(slack).drain(timeout=10) == 2

    dm_channel = slack.dm_channel_for(teacher)
    assert dm_channel is not None and dm_channel.startswith("D")
    with transaction(sessions) as session:
        first = service.get(session, key="walkthrough:41:teacher")
    assert (first.slack_channel, first.status, first.attempts) == (dm_channel, DeliveryStatus.SENT, 1)
    stored = slack.message(dm_channel, first.slack_ts)
    assert stored is not None
    assert stored["blocks"][0]["text"]["text"] == "Evidence from today's visit"
    assert [m["text"] for m in slack.messages(dm_channel)] == [
        "Evidence from today's visit",
        "Evidence from a second visit",
    ]
    assert len(slack.calls_to("conversations.open")) == 1, "the DM channel is opened once, then remembered"


def test_an_update_edits_the_earlier_message_in_place(
    sessions: Sessions, slack: FakeSlack, make_worker: WorkerFactory
) -> None:
    enqueue(sessions, "walkthrough:7:teacher", args={"channel": TEACHERS[2]} | dm("Visit logged"))
    enqueue(
        sessions,
        "walkthrough:7:teacher:thanked",
        method="chat.update",
        update_of="walkthrough:7:teacher",
        args=dm("Visit logged — you said thanks"),
    )

    make_worker(slack).drain(timeout=10)

    with transaction(sessions) as session:
        original = service.get(session, key="walkthrough:7:teacher")
        update = service.get(session, key="walkthrough:7:teacher:thanked")
    assert update.status == DeliveryStatus.SENT
    assert (update.slack_channel, update.slack_ts) == (original.slack_channel, original.slack_ts)
    messages = slack.messages()
    assert len(messages) == 1
    assert messages[0]["text"] == "Visit logged — you said thanks" and "edited" in messages[0]


def test_an_update_of_a_message_that_failed_fails_too(
    sessions: Sessions, slack: FakeSlack, make_worker: WorkerFactory
) -> None:
    enqueue(sessions, "digest:gone", args={"channel": "C0NOSUCH", "text": "Weekly digest"})
    enqueue(
        sessions, "digest:gone:fix", method="chat.update", update_of="digest:gone", args={"text": "fixed"}
    )

    make_worker(slack).drain(timeout=10)

    with transaction(sessions) as session:
        assert {d.key: d.last_error for d in service.failed(session)} == {
            "digest:gone": "channel_not_found",
            "digest:gone:fix": "original_failed",
        }
    assert slack.messages() == []


def test_app_home_and_ephemeral_messages_go_through_the_outbox(
    sessions: Sessions, slack: FakeSlack, make_worker: WorkerFactory
) -> None:
    home = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Coverage: 12/40"}}],
    }
    enqueue(
        sessions, f"home:{TEACHERS[3]}:1", method="views.publish", args={"user_id": TEACHERS[3], "view": home}
    )
    slack.add_channel("C0LOUNGE", "lounge")
    enqueue(
        sessions,
        "nudge:1",
        method="chat.postEphemeral",
        args={"channel": "C0LOUNGE", "user": TEACHERS[3], "text": "Only you can see this"},
    )

    assert make_worker(slack).drain(timeout=10) == 2

    assert slack.published_home(TEACHERS[3])["blocks"] == home["blocks"]
    assert [e["text"] for e in slack.ephemerals("C0LOUNGE")] == ["Only you can see this"]


def test_a_message_slack_refuses_fails_at_once_with_its_error_code(
    sessions: Sessions, slack: FakeSlack, make_worker: WorkerFactory
) -> None:
    bad = {"channel": TEACHERS[4], "text": "x", "blocks": [{"type": "section"}]}
    enqueue(sessions, "walkthrough:9:teacher", args=bad)
    enqueue(sessions, "walkthrough:10:teacher", args={"channel": TEACHERS[4]} | dm("fine"))

    make_worker(slack).drain(timeout=10)

    with transaction(sessions) as session:
        [failure] = service.failed(session)
    assert (failure.key, failure.last_error, failure.attempts) == (
        "walkthrough:9:teacher",
        "invalid_blocks",
        1,
    )
    assert copies_by_text(slack) == {"fine": 1}


def test_each_delivery_logs_one_line_without_the_message_text(
    sessions: Sessions, slack: FakeSlack, make_worker: WorkerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    enqueue(sessions, "reminder:U0001:2026-11-24", args={"channel": TEACHERS[5]} | dm("Ms. Rivera, room 12"))

    with caplog.at_level(logging.INFO, logger="rounds.delivery"):
        make_worker(slack).drain(timeout=10)

    lines = [
        r.getMessage() for r in caplog.records if r.name == "rounds.delivery" and "key=" in r.getMessage()
    ]
    assert len(lines) == 1
    assert "key=reminder:U0001:2026-11-24" in lines[0] and "outcome=sent" in lines[0] and "ms=" in lines[0]
    assert not any("Rivera" in r.getMessage() for r in caplog.records)


def test_enqueue_refuses_what_could_never_be_sent(sessions: Sessions) -> None:
    with transaction(sessions) as session:
        with pytest.raises(DeliveryError, match="unsupported method"):
            service.enqueue(session, workspace=DEFAULT_WORKSPACE, key="k1", method="chat.delete", args={"channel": "C1"})
        with pytest.raises(DeliveryError, match="needs args"):
            service.enqueue(session, workspace=DEFAULT_WORKSPACE, key="k2", method="chat.postMessage", args={"text": "to nobody"})
        with pytest.raises(DeliveryError, match="timezone"):
            from datetime import datetime

            service.enqueue(
                session,
                workspace=DEFAULT_WORKSPACE,
                key="k3",
                method="chat.postMessage",
                args={"channel": "C1"},
                not_before=datetime(2026, 1, 1),
            )
        assert service.pending_count(session) == 0


def test_a_message_scheduled_for_later_waits_until_then(
    sessions: Sessions, slack: FakeSlack, make_worker: WorkerFactory
) -> None:
    worker = make_worker(slack)
    later = worker.clock() + timedelta(hours=1)
    enqueue(sessions, "reminder:later", args={"channel": TEACHERS[6], "text": "at 7:15"}, not_before=later)

    assert worker.drain(timeout=5) == 0
    assert slack.messages() == []
    with transaction(sessions) as session:
        assert service.pending_count(session) == 1


def test_the_running_worker_sends_right_after_it_is_woken(
    sessions: Sessions, slack: FakeSlack, make_worker: WorkerFactory
) -> None:
    worker = make_worker(slack, poll_seconds=30)
    with running(worker):
        time.sleep(0.2)  # idle, waiting for the next poll in 30 s
        enqueue(sessions, "walkthrough:77:teacher", args={"channel": TEACHERS[7]} | dm("Logged just now"))
        worker.wake()
        deadline = time.monotonic() + 5
        while not slack.messages() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert copies_by_text(slack) == {"Logged just now": 1}
