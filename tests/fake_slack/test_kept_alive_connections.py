"""Rounds' Web API client keeps its connections to Slack open and reuses them, from any thread; slack_sdk's
own client opens one per call. Slack's answers (ok:false, 5xx, a dropped connection) read as before."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.demo.fake_slack import FakeSlack
from bot.settings import Settings
from bot.slack_client import make_client

TOKEN = "xoxb-test"


@pytest.fixture
def settings(fake: FakeSlack) -> Settings:
    return Settings(
        _env_file=None, database_url="sqlite://", slack_bot_token=TOKEN, slack_signing_secret="s",
        slack_api_url=fake.api_url,
    )  # fmt: skip


def test_forty_calls_from_eight_threads_use_at_most_eight_connections(fake: FakeSlack, settings: Settings):
    client = make_client(settings)
    before = fake.connections_opened

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: client.users_info(user="U100LEAD"), range(40)))

    assert [answer["user"]["real_name"] for answer in answers] == ["Pat Leader"] * 40
    assert len(fake.calls_to("users.info")) == 40
    assert fake.connections_opened - before <= 8


def test_one_caller_uses_one_connection_where_slack_sdk_alone_opens_one_per_call(
    fake: FakeSlack, settings: Settings
):
    ours, theirs = make_client(settings), WebClient(token=TOKEN, base_url=fake.api_url)
    before = fake.connections_opened
    for _ in range(10):
        ours.auth_test()
    with_ours = fake.connections_opened - before
    for _ in range(10):
        theirs.auth_test()

    assert with_ours == 1
    assert fake.connections_opened - before - with_ours == 10


def test_slacks_refusals_and_failures_read_as_they_do_for_slack_sdk(fake: FakeSlack, settings: Settings):
    client = make_client(settings)

    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="CNOPE", text="hello")
    assert refused.value.response["error"] == "channel_not_found"
    assert refused.value.response.status_code == 200

    fake.fail("chat.postMessage", kind="500")
    assert client.chat_postMessage(channel="C0TEAM5", text="after a 500")["ok"]  # retried, as before
    fake.fail("chat.postMessage", kind="drop")
    assert client.chat_postMessage(channel="C0TEAM5", text="after a drop")["ok"]  # a new connection
    assert [c.args["text"] for c in fake.calls_to("chat.postMessage") if c.ok] == ["after a 500", "after a drop"]


def test_without_retries_a_server_error_is_slack_sdks_error_with_its_status(fake: FakeSlack):
    client = make_client(
        Settings(_env_file=None, database_url="sqlite://", slack_bot_token=TOKEN, slack_api_url=fake.api_url)
    )
    client.retry_handlers.clear()
    fake.fail("auth.test", kind="503")

    with pytest.raises(SlackApiError) as failed:
        client.auth_test()

    assert failed.value.response.status_code == 503
    assert client.auth_test()["ok"]
