"""Two districts in two Slack workspaces, one worker: each message goes with its own workspace's token,
a 429 storm in one leaves the other untouched, and an uninstall stops one workspace and nothing else."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.deliveries import DeliveryWorker
from bot.demo.fake_slack import FakeSlack
from bot.slack_tokens import StaticTokens, WorkspaceGone
from tests.deliveries.conftest import TEACHERS, VirtualTime, WorkerFactory, dm, enqueue
from workflows.db import Sessions, transaction
from workflows.deliveries import service
from workflows.deliveries.models import Delivery, DeliveryStatus

A, B = "T0001", "T0002"  # Lincoln district, Hillside district
TOKENS = {A: "xoxb-lincoln", B: "xoxb-hillside"}
CHANNELS = {A: ["C0LINC3", "C0LINC4"], B: ["C0HILL3", "C0HILL4"]}


@pytest.fixture
def districts(virtual: VirtualTime) -> Iterator[FakeSlack]:
    """One fake Slack, two teams; the same teacher ids in both (Slack ids are unique per workspace only)."""
    with FakeSlack(tokens=(TOKENS[A],), team_id=A, clock=virtual.monotonic) as fake:
        fake.add_workspace(B, name="Hillside Schools", bot_token=TOKENS[B])
        for team in (A, B):
            for user in TEACHERS:
                email = f"{user.lower()}@{team.lower()}.example.org"
                fake.add_user(user, email=email, real_name=f"Teacher {user}", team_id=team)
            for channel in CHANNELS[team]:
                fake.add_channel(channel, channel.lower(), team_id=team)
        yield fake


def worker_for(
    make_worker: WorkerFactory, fake: FakeSlack, virtual: VirtualTime, **options: Any
) -> DeliveryWorker:
    options.setdefault("tokens", StaticTokens(TOKENS))
    return make_worker(fake, virtual=virtual, **options)


def queue_dms(sessions: Sessions, team: str, count: int, *, start: int = 0) -> list[str]:
    """``count`` teacher DMs in ``team``; returns their texts."""
    texts = []
    for n in range(start, start + count):
        text = f"{team} visit {n} for {TEACHERS[n % len(TEACHERS)]}"
        enqueue(
            sessions, f"walkthrough:{team}:{n}", workspace=team, args={"channel": TEACHERS[n % 80]} | dm(text)
        )
        texts.append(text)
    return texts


def texts_in(fake: FakeSlack, team: str) -> Counter[str]:
    return Counter(m["text"] for m in fake.messages(team_id=team))


def rows(sessions: Sessions, team: str) -> list[Delivery]:
    with transaction(sessions) as session:
        return [r for r in service.recent(session, limit=10_000) if r.workspace == team]


def wait_for(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    """The worker runs in its own thread here: wait for what it does to show (an event, not a duration)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.01)
    raise AssertionError("timed out waiting for the worker")


def test_two_fan_outs_at_once_each_sent_with_its_own_workspaces_token(
    sessions: Sessions, districts: FakeSlack, virtual: VirtualTime, make_worker: WorkerFactory
) -> None:
    expected: dict[str, list[str]] = {A: [], B: []}
    for n in range(20):  # interleaved, as two districts' morning reminders would be
        for team in (A, B):
            expected[team] += queue_dms(sessions, team, 1, start=n)
    for team in (A, B):
        for channel in CHANNELS[team]:
            for k in range(3):
                text = f"{team} digest {channel}/{k}"
                enqueue(
                    sessions, f"digest:{channel}:{k}", workspace=team, args={"channel": channel, "text": text}
                )
                expected[team].append(text)
    team_of_text = {text: team for team, texts in expected.items() for text in texts}

    worker_for(make_worker, districts, virtual).drain(timeout=3600)

    for team in (A, B):
        assert texts_in(districts, team) == Counter(expected[team]), f"{team} got its own messages, once"
    posts = districts.calls_to("chat.postMessage")
    assert len(posts) == 52 and all(call.ok for call in posts)
    assert all(call.token == TOKENS[team_of_text[call.args["text"]]] for call in posts), (
        "every message was posted with its own workspace's token"
    )
    opened = Counter(call.token for call in districts.calls_to("conversations.open"))
    assert opened == {TOKENS[A]: 20, TOKENS[B]: 20}, "the same user ids opened a DM in each workspace"
    for team in (A, B):
        dm_channels = {districts.dm_channel_for(user, team_id=team) for user in TEACHERS[:20]}
        sent_to = {r.slack_channel for r in rows(sessions, team) if r.key.startswith("walkthrough:")}
        assert sent_to == dm_channels and {r.status for r in rows(sessions, team)} == {DeliveryStatus.SENT}
    assert districts.dm_channel_for(TEACHERS[0], team_id=A) != districts.dm_channel_for(
        TEACHERS[0], team_id=B
    )


def test_a_429_storm_in_one_workspace_does_not_delay_the_other(
    sessions: Sessions, districts: FakeSlack, virtual: VirtualTime, make_worker: WorkerFactory
) -> None:
    """A's 100 reminders are the oldest rows, and every post in A is refused. With the clock frozen, B's
    40 are all delivered: they needed no time to pass, so nothing of A's pause held them back."""
    texts_a = queue_dms(sessions, A, 100)
    texts_b = queue_dms(sessions, B, 40)
    districts.fail("chat.postMessage", kind="429", times=100_000, team_id=A)
    worker = worker_for(make_worker, districts, virtual, senders=4)
    virtual.frozen = True
    drained = threading.Thread(target=worker.drain, kwargs={"timeout": 3600})
    drained.start()
    try:
        wait_for(lambda: len(districts.messages(team_id=B)) == 40)
        assert virtual.elapsed == 0.0, "no time passed while B was sent"
        assert texts_in(districts, A) == {}
        assert districts.rate_limited_in(A) >= 3, "several of A's lanes were refused: A's posts are paused"
        assert districts.rate_limited_in(B) == 0
        held_a = Counter(r.status for r in rows(sessions, A))[DeliveryStatus.SENDING]
        assert 0 < held_a < 100, "the worker holds its share of A's queue while A is paused, not all of it"
    finally:
        districts.clear_failures()  # the storm passes
        virtual.frozen = False
        drained.join(timeout=60)

    assert not drained.is_alive()
    assert texts_in(districts, A) == Counter(texts_a), "A's messages arrive after the storm, once each"
    assert texts_in(districts, B) == Counter(texts_b)
    with transaction(sessions) as session:
        assert service.pending_count(session) == 0 and service.failed(session) == []


class UninstalledMidFanOut:
    """Tokens as the installation store gives them, while A is uninstalled after ``after`` of its tries.

    ``stop_first``: the uninstall handler (another process) has already failed A's unsent deliveries, but
    this worker's store still answers with A's old token, which Slack still takes; else the store has lost
    A's token (``WorkspaceGone``) and no ``stop_workspace`` has run yet.
    """

    def __init__(self, sessions: Sessions, fake: FakeSlack, *, after: int, stop_first: bool) -> None:
        self.sessions, self.fake, self.after, self.stop_first = sessions, fake, after, stop_first
        self.asked = 0
        self.calls_before: int | None = None

    def bot_token(self, workspace: str) -> str:
        if workspace == A:
            self.asked += 1
            if self.asked == self.after + 1:
                self.calls_before = len(self.fake.calls)
                if self.stop_first:
                    with transaction(self.sessions) as session:
                        service.stop_workspace(session, workspace=A, reason="workspace_uninstalled")
                else:
                    self.fake.uninstall(A)
            if self.asked > self.after and not self.stop_first:
                raise WorkspaceGone(A, "workspace_uninstalled")
        return TOKENS[workspace]

    def calls_after(self) -> list[Any]:
        assert self.calls_before is not None, "the uninstall happened"
        return [c for c in self.fake.calls[self.calls_before :] if c.token == TOKENS[A]]


@pytest.mark.parametrize("stop_first", [True, False], ids=["stopped-in-database", "token-gone"])
def test_uninstalled_mid_fan_out_nothing_more_goes_to_it_and_nothing_is_lost_for_the_other(
    sessions: Sessions,
    districts: FakeSlack,
    virtual: VirtualTime,
    make_worker: WorkerFactory,
    stop_first: bool,
) -> None:
    """One sender, so no call of A is in flight when it is uninstalled (more senders: at most one each)."""
    texts: dict[str, list[str]] = {A: [], B: []}
    for n in range(12):
        for team in (A, B):
            texts[team] += queue_dms(sessions, team, 1, start=n)
    tokens = UninstalledMidFanOut(sessions, districts, after=4, stop_first=stop_first)

    worker_for(make_worker, districts, virtual, tokens=tokens, senders=1).drain(timeout=3600)

    assert texts_in(districts, A) == Counter(texts[A][:4]), "A got what was sent before, nothing after"
    assert tokens.calls_after() == [], "not one call to Slack with A's token after the uninstall"
    assert texts_in(districts, B) == Counter(texts[B]), "B got everything"
    by_status = Counter((r.status, r.last_error) for r in rows(sessions, A))
    assert by_status == {(DeliveryStatus.SENT, None): 4, (DeliveryStatus.FAILED, "workspace_uninstalled"): 8}
    with transaction(sessions) as session:
        assert service.pending_count(session) == 0
        assert {r.key for r in service.failed(session)} == {f"walkthrough:{A}:{n}" for n in range(4, 12)}


def test_a_workspace_slack_no_longer_takes_the_token_of_fails_after_one_call(
    sessions: Sessions, districts: FakeSlack, virtual: VirtualTime, make_worker: WorkerFactory
) -> None:
    """Uninstalled in Slack before the store knows: the first answer (account_inactive) fails all of A."""
    queue_dms(sessions, A, 10)
    texts_b = queue_dms(sessions, B, 10)
    districts.uninstall(A)

    worker_for(make_worker, districts, virtual, senders=1).drain(timeout=3600)

    [refused] = [c for c in districts.calls if c.token == TOKENS[A]]
    assert refused.error == "account_inactive"
    assert texts_in(districts, B) == Counter(texts_b)
    assert Counter((r.status, r.last_error) for r in rows(sessions, A)) == {
        (DeliveryStatus.FAILED, "account_inactive"): 10
    }
