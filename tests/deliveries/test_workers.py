"""Several workers on one database, and a worker killed with SIGKILL: nothing is sent twice or lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from bot.demo.fake_slack import FakeSlack
from tests.deliveries.conftest import (
    TEACHERS,
    TEAM_CHANNELS,
    VirtualTime,
    WorkerFactory,
    copies_by_text,
    dm,
    enqueue,
)
from workflows.db import Sessions, transaction
from workflows.deliveries import service
from workflows.deliveries.models import Delivery, DeliveryStatus

REPO = Path(__file__).resolve().parents[2]


def test_two_workers_at_once_send_each_message_once(
    sessions: Sessions, slack: FakeSlack, make_worker: WorkerFactory
) -> None:
    texts = [f"reminder {n}" for n in range(80)]
    for n, text in enumerate(texts):
        enqueue(sessions, f"reminder:{TEACHERS[n]}:2026-11-24", args={"channel": TEACHERS[n]} | dm(text))
    workers = [make_worker(slack, name=f"worker-{n}", senders=3) for n in range(2)]
    start = threading.Barrier(len(workers))

    def work(worker) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        worker.drain(timeout=30)

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert copies_by_text(slack) == {text: 1 for text in texts}
    posts = Counter(c.args["text"] for c in slack.calls_to("chat.postMessage") if c.ok)
    assert max(posts.values()) == 1
    with transaction(sessions) as session:
        rows = list(session.exec(Delivery.__table__.select()))  # type: ignore[attr-defined]
        assert service.pending_count(session) == 0
    assert {row.status for row in rows} == {DeliveryStatus.SENT}
    assert sum(row.attempts for row in rows) == 80


def _start_worker(database_url: str, slack: FakeSlack, *extra: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.deliveries.worker_main",
            database_url,
            slack.api_url,
            "--lease",
            "1",
            *extra,
        ],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ | {"PYTHONPATH": str(REPO)},
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def test_a_worker_killed_mid_fan_out_loses_nothing_and_sends_nothing_twice(
    sessions: Sessions, database_url: str, slack: FakeSlack
) -> None:
    """Three team channels, three digests each, paced a second apart; kill -9 after the first round."""
    texts = {channel: [f"{channel} digest {n}" for n in range(3)] for channel in TEAM_CHANNELS}
    for n in range(3):
        for channel in TEAM_CHANNELS:
            enqueue(sessions, f"digest:{channel}:{n}", args={"channel": channel, "text": texts[channel][n]})

    restarted = _start_worker(database_url, slack, "--drain", "--on-go")  # imported, waiting
    worker = _start_worker(database_url, slack)
    deadline = time.monotonic() + 20
    while len(slack.messages()) < len(TEAM_CHANNELS) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.4)  # between two paced rounds: no call in flight
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=10)
    delivered_before = len(slack.messages())
    with transaction(sessions) as session:
        assert service.pending_count(session) == 9 - delivered_before, "the kill left claimed rows behind"

    restarted.communicate("go\n", timeout=30)
    assert restarted.returncode == 0

    assert 3 <= delivered_before < 9
    assert copies_by_text(slack) == {text: 1 for channel in TEAM_CHANNELS for text in texts[channel]}
    for channel in TEAM_CHANNELS:
        assert [m["text"] for m in slack.messages(channel)] == texts[channel]
    with transaction(sessions) as session:
        assert service.pending_count(session) == 0 and service.failed(session) == []
        senders = Counter(row.claimed_by for row in session.exec(Delivery.__table__.select()))  # type: ignore[attr-defined]
    assert sorted(senders.values()) == sorted([delivered_before, 9 - delivered_before]), (
        "retaken after the kill"
    )


def test_a_claim_is_retaken_only_after_its_lease_and_its_old_owner_can_no_longer_send(
    sessions: Sessions, virtual_slack: FakeSlack, virtual: VirtualTime, make_worker: WorkerFactory
) -> None:
    enqueue(sessions, "reminder:stalled", args={"channel": TEAM_CHANNELS[0], "text": "from a stalled worker"})
    with transaction(sessions) as session:
        [held] = service.claim(
            session, worker="stalled", now=virtual.now(), lease=timedelta(seconds=60), limit=5
        )
    worker = make_worker(virtual_slack, virtual=virtual)

    assert worker.drain(timeout=30) == 0, "the stalled worker's claim still holds"
    assert virtual_slack.messages() == []
    assert worker.drain(timeout=120) == 1

    assert copies_by_text(virtual_slack) == {"from a stalled worker": 1}
    with transaction(sessions) as session:
        assert service.get(session, key="reminder:stalled").claimed_by == worker.name
        renewed = service.start_attempt(
            session, delivery_id=held.id, worker="stalled", attempts=1, lease_until=virtual.now()
        )
    assert renewed is False, "the old owner is told it lost the row, and so does not send it"
