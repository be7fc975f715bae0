"""Slack says no (429, 5xx, dropped connections): every message still arrives once, at Slack's pace."""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from datetime import timedelta

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
from workflows.deliveries.models import DeliveryStatus


def test_injected_429s_5xx_and_dropped_connections_lose_nothing_and_duplicate_nothing(
    sessions: Sessions, virtual_slack: FakeSlack, virtual: VirtualTime, make_worker: WorkerFactory
) -> None:
    """60 messages: 20 teachers get 3 DMs each, with 20% of all calls failing."""
    texts = [f"visit {n} for {TEACHERS[n % 20]}" for n in range(60)]
    for n, text in enumerate(texts):
        enqueue(sessions, f"walkthrough:{n}:teacher", args={"channel": TEACHERS[n % 20]} | dm(text))
    virtual_slack.fail_randomly(rate=0.2, kinds=("429", "500", "503", "drop"), seed=3)

    make_worker(virtual_slack, virtual=virtual).drain(timeout=3600)

    failures = [c for c in virtual_slack.calls if c.injected]
    assert {c.injected for c in failures} == {"429", "500", "503", "drop"}
    assert copies_by_text(virtual_slack) == {text: 1 for text in texts}
    for teacher in TEACHERS[:20]:
        in_dm = [m["text"] for m in virtual_slack.messages(virtual_slack.dm_channel_for(teacher))]
        assert in_dm == [t for t in texts if t.endswith(teacher)], "each teacher's DMs arrive in order"
    with transaction(sessions) as session:
        assert service.pending_count(session) == 0 and service.failed(session) == []


def test_posts_to_one_channel_are_a_second_apart_and_retry_after_is_honoured(
    sessions: Sessions, virtual_slack: FakeSlack, virtual: VirtualTime, make_worker: WorkerFactory
) -> None:
    """Grade-team digests: the worker paces itself; when Slack still says 429 it waits Retry-After."""
    for n in range(12):
        enqueue(sessions, f"digest:{n}", args={"channel": TEAM_CHANNELS[n % 3], "text": f"digest {n}"})
    virtual_slack.fail("chat.postMessage", kind="429", times=2)

    make_worker(virtual_slack, virtual=virtual).drain(timeout=3600)

    by_channel: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for call in virtual_slack.calls_to("chat.postMessage"):
        by_channel[call.args["channel"]].append((call.at, call.outcome))
    refused = [
        (c, at) for c, calls in by_channel.items() for at, outcome in calls if outcome == "ratelimited"
    ]
    assert len(refused) == 2
    for channel, calls in by_channel.items():
        gaps = [later[0] - earlier[0] for earlier, later in itertools.pairwise(calls)]
        assert all(gap >= 1.0 for gap in gaps), f"posts to {channel} closer than a second: {gaps}"
    for channel, at in refused:
        retried = next(t for t, _ in by_channel[channel] if t > at)
        assert retried - at >= 1.0, "Retry-After: 1 was honoured"
    assert sorted(copies_by_text(virtual_slack)) == sorted(f"digest {n}" for n in range(12))
    assert [m["text"] for m in virtual_slack.messages("C0GRADE3")] == [f"digest {n}" for n in (0, 3, 6, 9)]


def test_a_channels_429_does_not_hold_up_other_channels(
    sessions: Sessions, virtual: VirtualTime, make_worker: WorkerFactory
) -> None:
    """Slack's own per-channel limit (here one post per 5 s) refuses a channel; the others carry on."""
    with FakeSlack(clock=virtual.monotonic, channel_rate_per_sec=0.2, channel_burst=1) as fake:
        fake.add_channel("C0GRADE3", "grade-3")
        fake.add_channel("C0GRADE4", "grade-4")
        enqueue(sessions, "a1", args={"channel": "C0GRADE3", "text": "a1"})
        enqueue(sessions, "a2", args={"channel": "C0GRADE3", "text": "a2"})
        enqueue(sessions, "b1", args={"channel": "C0GRADE4", "text": "b1"})

        make_worker(fake, virtual=virtual, channel_interval=0).drain(timeout=3600)

        grade3 = [
            (c.at, c.outcome) for c in fake.calls_to("chat.postMessage") if c.args["channel"] == "C0GRADE3"
        ]
        assert [outcome for _, outcome in grade3] == ["ok", "ratelimited", "ok"], "waited Retry-After, once"
        assert grade3[2][0] - grade3[1][0] >= 5.0
        [b1] = fake.messages("C0GRADE4")
        assert float(b1["ts"]) < float(fake.messages("C0GRADE3")[1]["ts"]), "grade 4 did not wait for grade 3"
        assert [m["text"] for m in fake.messages("C0GRADE3")] == ["a1", "a2"]


def test_a_workspace_wide_429_pauses_every_channel(
    sessions: Sessions, virtual: VirtualTime, make_worker: WorkerFactory
) -> None:
    """When many channels are refused at once, the worker stops posting everywhere for Retry-After."""
    with FakeSlack(clock=virtual.monotonic, workspace_rate_per_sec=5, workspace_burst=5) as fake:
        for teacher in TEACHERS[:30]:
            fake.add_user(teacher, email=f"{teacher}@x.example.org", real_name=teacher)
        for n, teacher in enumerate(TEACHERS[:30]):
            enqueue(sessions, f"reminder:{n}", args={"channel": teacher, "text": f"r{n}"})

        make_worker(fake, virtual=virtual).drain(timeout=3600)

        calls = fake.calls_to("chat.postMessage")
        assert sorted(m["text"] for m in fake.messages()) == sorted(f"r{n}" for n in range(30))
        refused = Counter(int(c.at) for c in calls if c.outcome == "ratelimited")
        assert refused, "the workspace limit was reached"
        # A few refusals tell a workspace limit from one channel's (3 lanes, plus calls already in flight);
        # then everyone waits Retry-After. Without the pause, every waiting lane would be refused each second.
        assert max(refused.values()) <= 3 + 3, refused


def test_it_gives_up_after_the_bounded_time_records_why_and_keeps_going(
    sessions: Sessions, virtual_slack: FakeSlack, virtual: VirtualTime, make_worker: WorkerFactory
) -> None:
    enqueue(sessions, "reminder:outage", args={"channel": TEACHERS[0]} | dm("during an outage"))
    virtual_slack.fail("chat.postMessage", kind="503", times=10_000)
    worker = make_worker(virtual_slack, virtual=virtual, give_up_after=timedelta(minutes=10))

    worker.drain(timeout=3600)

    with transaction(sessions) as session:
        [failure] = service.failed(session)
    assert (failure.key, failure.status, failure.last_error) == (
        "reminder:outage",
        DeliveryStatus.FAILED,
        "http_503",
    )
    assert 5 <= failure.attempts <= 40, "retried with back-off, not in a tight loop"
    # It stops when the next retry would land past the bound (back-off waits are at most ~75 s).
    assert timedelta(minutes=8) <= virtual.now() - virtual.start <= timedelta(minutes=10, seconds=5)

    virtual_slack.clear_failures()
    enqueue(sessions, "reminder:after", args={"channel": TEACHERS[0]} | dm("after the outage"))
    assert worker.drain(timeout=60) == 1
    assert copies_by_text(virtual_slack) == {"after the outage": 1}


def test_a_lost_response_is_resent_so_nothing_is_lost(
    sessions: Sessions, virtual_slack: FakeSlack, virtual: VirtualTime, make_worker: WorkerFactory
) -> None:
    """The documented at-least-once window: Slack posted it but the answer never came back."""
    enqueue(sessions, "walkthrough:5:teacher", args={"channel": TEACHERS[0]} | dm("evidence"))
    virtual_slack.fail("chat.postMessage", kind="drop_after", times=1)

    make_worker(virtual_slack, virtual=virtual).drain(timeout=600)

    with transaction(sessions) as session:
        row = service.get(session, key="walkthrough:5:teacher")
    assert (row.status, row.attempts) == (DeliveryStatus.SENT, 2)
    assert copies_by_text(virtual_slack) == {"evidence": 2}
