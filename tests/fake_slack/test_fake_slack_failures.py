"""Rate limits and injected failures behave like Slack's, and slack_sdk's retry handlers cope with them."""

from __future__ import annotations

import contextlib
import threading
import time
from urllib.error import URLError

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import FixedValueRetryIntervalCalculator
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.demo.fake_slack import FakeSlack

from .conftest import TOKEN, add_directory
from .support import ManualClock

QUICK = FixedValueRetryIntervalCalculator(0.05)


def post(client: WebClient, channel: str = "C0TEAM5", text: str = "Your classrooms today") -> str:
    return client.chat_postMessage(channel=channel, text=text)["ts"]


def test_a_channel_takes_a_burst_of_three_then_one_a_second(
    fake: FakeSlack, client: WebClient, clock: ManualClock
) -> None:
    for _ in range(3):
        post(client)

    with pytest.raises(SlackApiError) as raised:
        post(client)

    assert raised.value.response.status_code == 429
    assert raised.value.response["error"] == "ratelimited"
    assert int(raised.value.response.headers["Retry-After"]) >= 1
    assert fake.rate_limited_count == 1
    assert len(fake.messages("C0TEAM5")) == 3
    assert post(client, channel="U100LEAD")  # another channel has its own budget
    clock.advance(1.0)
    assert post(client)
    with pytest.raises(SlackApiError):
        post(client)
    assert [c.outcome for c in fake.calls_to("chat.postMessage")].count("ratelimited") == 2


def test_workspace_budget_spans_channels(clock: ManualClock) -> None:
    with FakeSlack(clock=clock, workspace_rate_per_sec=2) as fake:
        add_directory(fake)
        client = WebClient(token=TOKEN, base_url=fake.api_url, retry_handlers=[])
        post(client, "C0TEAM5")
        post(client, "U100LEAD")
        with pytest.raises(SlackApiError) as raised:
            post(client, "U200TEACH")
        assert raised.value.response.status_code == 429
        clock.advance(0.5)
        assert post(client, "U200TEACH")


def test_method_tiers_only_when_enforced(clock: ManualClock) -> None:
    with FakeSlack(clock=clock, enforce_tiers=True) as fake:
        add_directory(fake)
        client = WebClient(token=TOKEN, base_url=fake.api_url, retry_handlers=[])
        for _ in range(50):  # users.lookupByEmail is tier 3: about 50 a minute
            client.users_lookupByEmail(email="pat.leader@lincoln.example.org")
        with pytest.raises(SlackApiError) as raised:
            client.users_lookupByEmail(email="pat.leader@lincoln.example.org")
        assert raised.value.response.status_code == 429
        assert int(raised.value.response.headers["Retry-After"]) >= 1
        clock.advance(60 / 50)
        assert client.users_lookupByEmail(email="pat.leader@lincoln.example.org")["ok"]


def test_tiers_are_off_by_default(client: WebClient) -> None:
    for _ in range(60):
        client.users_lookupByEmail(email="pat.leader@lincoln.example.org")


def test_rate_limit_retry_handler_waits_out_retry_after_and_succeeds() -> None:
    with FakeSlack(clock=time.monotonic) as fake:
        add_directory(fake)
        client = WebClient(
            token=TOKEN, base_url=fake.api_url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)]
        )
        for _ in range(4):
            post(client)

        outcomes = [c.outcome for c in fake.calls_to("chat.postMessage")]
        assert outcomes == ["ok", "ok", "ok", "ratelimited", "ok"]
        assert len(fake.messages("C0TEAM5")) == 4


def test_injected_429_answers_retry_after_one(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("users.info", kind="429")

    with pytest.raises(SlackApiError) as raised:
        client.users_info(user="U100LEAD")

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "1"
    assert fake.calls_to("users.info")[0].injected == "429"
    assert client.users_info(user="U100LEAD")["ok"]


@pytest.mark.parametrize("kind", ["500", "503"])
def test_server_errors_store_nothing_and_are_retried(fake: FakeSlack, client: WebClient, kind: str) -> None:
    fake.fail("chat.postMessage", kind=kind)
    with pytest.raises(SlackApiError) as raised:
        post(client)
    assert raised.value.response.status_code == int(kind)
    assert fake.messages() == []

    retrying = WebClient(
        token=TOKEN,
        base_url=fake.api_url,
        retry_handlers=[ServerErrorRetryHandler(interval_calculator=QUICK)],
    )
    fake.fail("chat.postMessage", kind=kind)
    post(retrying)

    assert [c.outcome for c in fake.calls_to("chat.postMessage")] == ["server_error", "server_error", "ok"]
    assert len(fake.messages()) == 1


def test_a_dropped_connection_stores_nothing(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("chat.postMessage", kind="drop")
    with pytest.raises((URLError, ConnectionError)):  # urllib's view of a closed socket
        post(client)
    assert fake.messages() == []
    assert fake.calls_to("chat.postMessage")[0].outcome == "dropped"

    retrying = WebClient(
        token=TOKEN,
        base_url=fake.api_url,
        retry_handlers=[ConnectionErrorRetryHandler(interval_calculator=QUICK)],
    )
    fake.fail("chat.postMessage", kind="drop")
    post(retrying)
    assert len(fake.messages()) == 1


def test_a_lost_response_after_the_work_leads_a_blind_retry_to_a_duplicate(fake: FakeSlack) -> None:
    retrying = WebClient(
        token=TOKEN,
        base_url=fake.api_url,
        retry_handlers=[ConnectionErrorRetryHandler(interval_calculator=QUICK)],
    )
    fake.fail("chat.postMessage", kind="drop_after")

    post(retrying, text="Reminder for Pat")

    assert [m["text"] for m in fake.messages()] == ["Reminder for Pat", "Reminder for Pat"]
    assert [c.outcome for c in fake.calls_to("chat.postMessage")] == ["response_lost", "ok"]


def test_slow_calls_complete_late(fake: FakeSlack, client: WebClient) -> None:
    fake.slow_seconds = 0.3
    fake.fail("chat.postMessage", kind="slow")

    started = time.perf_counter()
    post(client)

    assert time.perf_counter() - started >= 0.3
    assert len(fake.messages()) == 1
    assert fake.calls_to("chat.postMessage")[0].injected == "slow"


def test_fail_times_counts_down(fake: FakeSlack, client: WebClient) -> None:
    fake.fail("auth.test", kind="500", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError):
            client.auth_test()
    assert client.auth_test()["ok"]


def test_random_failures_are_a_reproducible_share(fake: FakeSlack, client: WebClient) -> None:
    def outcomes(seed: int) -> list[str]:
        fake.reset()
        fake.fail_randomly(rate=0.3, kinds=("429", "500"), seed=seed)
        for _ in range(60):
            with contextlib.suppress(SlackApiError):
                client.auth_test()
        return [c.outcome for c in fake.calls]

    first, again, other = outcomes(7), outcomes(7), outcomes(8)

    assert first == again
    assert first != other
    assert 8 <= len([o for o in first if o != "ok"]) <= 32
    assert {"ratelimited", "server_error"} <= set(first)


def test_unknown_failure_kind_is_refused(fake: FakeSlack) -> None:
    with pytest.raises(ValueError, match="unknown failure kinds"):
        fake.fail("chat.postMessage", kind="explode")


def test_concurrent_posts_all_land_with_unique_timestamps(fake: FakeSlack) -> None:
    users = [f"U9{i:03d}" for i in range(20)]
    for user_id in users:
        fake.add_user(user_id, email=f"{user_id.lower()}@lincoln.example.org", real_name=user_id)
    client = WebClient(token=TOKEN, base_url=fake.api_url, retry_handlers=[])
    threads = [threading.Thread(target=post, args=(client, user_id)) for user_id in users]

    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    timestamps = [m["ts"] for m in fake.messages()]
    assert len(timestamps) == len(set(timestamps)) == 20
