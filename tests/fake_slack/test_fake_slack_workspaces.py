"""Several teams on one fake: each token sees its own team only, and one team's storm stays in that team."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.demo.fake_slack import FakeSlack, dm_channel_id

from .conftest import TOKEN
from .support import ManualClock

OTHER = "xoxb-other-district"


def slack_error(call) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value


@pytest.fixture
def two_teams(clock: ManualClock):
    with FakeSlack(clock=clock, workspace_rate_per_sec=1, workspace_burst=2) as fake:
        fake.add_workspace("T0002", name="Hillside Schools", bot_token=OTHER)
        fake.add_user("U100LEAD", email="pat@lincoln.example.org", real_name="Pat Leader")
        fake.add_channel("C0TEAM5", "grade-5-team")
        fake.add_user("U900HILL", email="sam@hillside.example.org", real_name="Sam Hill", team_id="T0002")
        fake.add_channel("C0HILL", "hill-leaders", team_id="T0002")
        yield fake


def clients(fake: FakeSlack) -> tuple[WebClient, WebClient]:
    return (
        WebClient(token=TOKEN, base_url=fake.api_url, retry_handlers=[]),
        WebClient(token=OTHER, base_url=fake.api_url, retry_handlers=[]),
    )


def test_auth_test_answers_with_the_tokens_own_team(two_teams: FakeSlack) -> None:
    first, second = clients(two_teams)

    assert (first.auth_test()["team_id"], first.auth_test()["team"]) == ("T0001", "Rounds Demo")
    answer = second.auth_test()
    assert (answer["team_id"], answer["team"], answer["user_id"]) == (
        "T0002",
        "Hillside Schools",
        "UT0002BOT",
    )
    assert answer["bot_id"] == "BT0002"


def test_a_token_sees_only_its_own_teams_users_and_channels(two_teams: FakeSlack) -> None:
    first, second = clients(two_teams)

    assert slack_error(lambda: first.users_info(user="U900HILL")).response["error"] == "user_not_found"
    assert slack_error(lambda: first.chat_postMessage(channel="C0HILL", text="x")).response["error"] == (
        "channel_not_found"
    )
    assert (
        slack_error(lambda: first.conversations_open(users="U900HILL")).response["error"] == "user_not_found"
    )
    with pytest.raises(SlackApiError):
        second.users_lookupByEmail(email="pat@lincoln.example.org")

    second.chat_postMessage(channel="C0HILL", text="Hillside only")
    assert [m["text"] for m in two_teams.messages(team_id="T0002")] == ["Hillside only"]
    assert two_teams.messages() == []  # the default team saw nothing
    assert second.users_info(user="U900HILL")["user"]["team_id"] == "T0002"


def test_the_same_user_id_in_two_teams_has_two_dms(two_teams: FakeSlack) -> None:
    two_teams.add_user(
        "U100LEAD", email="pat@hillside.example.org", real_name="Pat Elsewhere", team_id="T0002"
    )
    first, second = clients(two_teams)

    here = first.chat_postMessage(channel="U100LEAD", text="Your classrooms today")["channel"]
    there = second.chat_postMessage(channel="U100LEAD", text="Your classrooms today")["channel"]

    assert here == dm_channel_id("U100LEAD") == two_teams.dm_channel_for("U100LEAD")
    assert there == two_teams.dm_channel_for("U100LEAD", team_id="T0002") != here
    assert len(two_teams.messages(here)) == 1
    assert len(two_teams.messages(there, team_id="T0002")) == 1


def test_the_call_log_names_each_calls_team_and_token(two_teams: FakeSlack) -> None:
    first, second = clients(two_teams)
    first.chat_postMessage(channel="C0TEAM5", text="a")
    second.chat_postMessage(channel="C0HILL", text="b")

    assert [(c.team_id, c.token) for c in two_teams.calls_to("chat.postMessage")] == [
        ("T0001", TOKEN),
        ("T0002", OTHER),
    ]
    assert [c.args["text"] for c in two_teams.calls_to("chat.postMessage", team_id="T0002")] == ["b"]


def test_an_injected_storm_in_one_team_leaves_the_other_alone(two_teams: FakeSlack) -> None:
    two_teams.fail("chat.postMessage", kind="429", times=5, team_id="T0002")
    first, second = clients(two_teams)

    assert first.chat_postMessage(channel="C0TEAM5", text="fine")["ok"]
    error = slack_error(lambda: second.chat_postMessage(channel="C0HILL", text="storm"))

    assert error.response.status_code == 429
    assert two_teams.rate_limited_in("T0002") == 1
    assert two_teams.rate_limited_in("T0001") == 0
    assert [c.outcome for c in two_teams.calls_to("chat.postMessage", team_id="T0001")] == ["ok"]


def test_failures_injected_without_a_team_hit_whichever_team_calls_next(two_teams: FakeSlack) -> None:
    two_teams.fail("users.info", kind="500")
    _, second = clients(two_teams)

    assert slack_error(lambda: second.users_info(user="U900HILL")).response.status_code == 500
    assert second.users_info(user="U900HILL")["ok"]


def test_rate_budgets_are_per_team(two_teams: FakeSlack, clock: ManualClock) -> None:
    first, second = clients(two_teams)
    first.chat_postMessage(channel="C0TEAM5", text="1")
    first.chat_postMessage(channel="U100LEAD", text="2")
    assert (
        slack_error(lambda: first.chat_postMessage(channel="C0TEAM5", text="3")).response.status_code == 429
    )

    for n in range(2):  # the other team's workspace budget is untouched
        assert second.chat_postMessage(channel="C0HILL", text=str(n))["ok"]
    assert two_teams.rate_limited_in("T0002") == 0
    clock.advance(1.0)
    assert first.chat_postMessage(channel="C0TEAM5", text="3")["ok"]


def test_a_team_added_without_a_token_is_not_installed(two_teams: FakeSlack) -> None:
    two_teams.add_workspace("T0003", name="New District")

    assert two_teams.tokens("T0003") == []
    assert [t.value for t in two_teams.tokens("T0002")] == [OTHER]
    with pytest.raises(ValueError, match="already"):
        two_teams.add_workspace("T0003", name="again")
    with pytest.raises(KeyError, match="T0404"):
        two_teams.add_user("U1", email="x@example.org", real_name="X", team_id="T0404")


def test_uninstalled_and_revoked_tokens_answer_as_slack_does(two_teams: FakeSlack) -> None:
    first, second = clients(two_teams)

    two_teams.uninstall("T0002")
    assert slack_error(second.auth_test).response["error"] == "account_inactive"
    assert first.auth_test()["ok"]
    assert two_teams.revoke_tokens() == 1
    assert slack_error(first.auth_test).response["error"] == "token_revoked"


def test_reset_keeps_teams_and_tokens(two_teams: FakeSlack) -> None:
    _, second = clients(two_teams)
    second.chat_postMessage(channel="C0HILL", text="before")

    two_teams.reset()

    assert two_teams.messages(team_id="T0002") == []
    assert second.auth_test()["team_id"] == "T0002"
    assert slack_error(lambda: second.users_info(user="U900HILL")).response["error"] == "user_not_found"
