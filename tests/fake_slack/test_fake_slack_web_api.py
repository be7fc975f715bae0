"""The fake answers the real slack_sdk client the way Slack does, and refuses what Slack refuses."""

from __future__ import annotations

import re

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.demo.fake_slack import FakeSlack

from .support import ManualClock

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*Your classrooms today*"}}


def slack_error(call) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value


def test_post_message_answers_like_slack_and_is_recorded(fake: FakeSlack, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C0TEAM5", text="Weekly digest", blocks=[SECTION])
    second = client.chat_postMessage(channel="C0TEAM5", text="Another")

    assert first["channel"] == "C0TEAM5"
    assert re.fullmatch(r"\d{10}\.\d{6}", first["ts"])
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["text"] == "Weekly digest"
    assert first["message"]["blocks"] == [SECTION]
    call = fake.calls_to("chat.postMessage")[0]
    assert call.token == "xoxb-test"
    assert call.ok
    assert call.args["blocks"] == [SECTION]  # decoded to Python, not a JSON string
    assert [m["text"] for m in fake.messages("C0TEAM5")] == ["Weekly digest", "Another"]


def test_update_replaces_content_and_needs_an_existing_message(fake: FakeSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C0TEAM5", text="Draft")
    client.chat_update(channel="C0TEAM5", ts=posted["ts"], text="Final", blocks=[SECTION])

    (message,) = fake.messages("C0TEAM5")
    assert (message["text"], message["blocks"], message["ts"]) == ("Final", [SECTION], posted["ts"])
    missing = slack_error(lambda: client.chat_update(channel="C0TEAM5", ts="1.000001", text="x"))
    assert missing.response["error"] == "message_not_found"


def test_form_encoded_calls_and_token_field_are_understood(fake: FakeSlack) -> None:
    response = httpx.post(
        fake.api_url + "chat.postMessage",
        data={"token": "xoxb-test", "channel": "C0TEAM5", "text": "hi", "blocks": '[{"type": "divider"}]'},
    )

    assert response.json()["ok"] is True
    assert fake.calls_to("chat.postMessage")[0].args["blocks"] == [{"type": "divider"}]


def test_unknown_token_is_invalid_auth(fake: FakeSlack) -> None:
    stranger = WebClient(token="xoxb-stolen", base_url=fake.api_url, retry_handlers=[])

    error = slack_error(lambda: stranger.chat_postMessage(channel="C0TEAM5", text="hi"))

    assert error.response.status_code == 200
    assert error.response["error"] == "invalid_auth"
    assert fake.messages() == []
    fake.add_token("xoxb-stolen")
    assert stranger.auth_test()["user_id"] == "UBOT"


def test_auth_test_describes_the_bot(client: WebClient) -> None:
    answer = client.auth_test()
    assert (answer["team_id"], answer["user_id"], answer["bot_id"]) == ("T0001", "UBOT", "B0001")
    assert answer["url"].startswith("https://")


def test_unknown_method_is_refused(client: WebClient) -> None:
    assert slack_error(lambda: client.api_call("walkthroughs.teleport")).response["error"] == "unknown_method"


def test_unknown_channel_is_refused_and_users_get_their_dm(fake: FakeSlack, client: WebClient) -> None:
    assert slack_error(lambda: client.chat_postMessage(channel="C0NOPE", text="x")).response["error"] == (
        "channel_not_found"
    )
    by_name = client.chat_postMessage(channel="#grade-5-team", text="by name")
    to_user = client.chat_postMessage(channel="U200TEACH", text="Evidence from today's visit")

    assert by_name["channel"] == "C0TEAM5"
    assert to_user["channel"] == fake.dm_channel_for("U200TEACH")
    assert fake.messages(to_user["channel"])[0]["text"] == "Evidence from today's visit"


BAD_BLOCKS = {
    "unknown type": [{"type": "carousel_of_doom"}],
    "no type": [{"text": {"type": "mrkdwn", "text": "x"}}],
    "51 blocks": [{"type": "divider"}] * 51,
    "section text 3001": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
    "header 151": [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}],
    "button 76": [
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "x" * 76}, "action_id": "a"}
            ],
        }
    ],
    "action_id 256": [
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "action_id": "a" * 256}
            ],
        }
    ],
    "duplicate block_id": [{"type": "divider", "block_id": "same"}, {"type": "divider", "block_id": "same"}],
    "duplicate action_id in a block": [
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "A"}, "action_id": "same"},
                {"type": "button", "text": {"type": "plain_text", "text": "B"}, "action_id": "same"},
            ],
        }
    ],
}


@pytest.mark.parametrize("blocks", BAD_BLOCKS.values(), ids=BAD_BLOCKS.keys())
def test_blocks_slack_would_refuse_are_invalid_blocks(
    fake: FakeSlack, client: WebClient, blocks: list
) -> None:
    error = slack_error(lambda: client.chat_postMessage(channel="C0TEAM5", text="fallback", blocks=blocks))

    assert error.response["error"] == "invalid_blocks"
    assert error.response["response_metadata"]["messages"][0].startswith("[ERROR]")
    assert fake.messages() == []
    assert fake.calls_to("chat.postMessage")[0].outcome == "error"


def test_fifty_blocks_and_repeated_action_ids_across_blocks_are_fine(client: WebClient) -> None:
    rows = [
        {
            "type": "section",
            "block_id": f"teacher-{i}",
            "text": {"type": "mrkdwn", "text": f"Room {i}"},
            "accessory": {
                "type": "button",
                "text": {"type": "plain_text", "text": "Visit"},
                "action_id": "visit",
            },
        }
        for i in range(50)
    ]
    assert client.chat_postMessage(channel="C0TEAM5", text="Rotation", blocks=rows)["ok"]


def test_text_limits(client: WebClient) -> None:
    too_long = slack_error(lambda: client.chat_postMessage(channel="C0TEAM5", text="x" * 40_001))
    with pytest.warns(UserWarning, match="text"):  # slack_sdk warns too, before Slack refuses
        empty = slack_error(lambda: client.chat_postMessage(channel="C0TEAM5", text=""))

    assert too_long.response["error"] == "msg_too_long"
    assert empty.response["error"] == "no_text"
    assert client.chat_postMessage(channel="C0TEAM5", text="x" * 40_000)["ok"]


def test_ephemeral_message_answers_message_ts(fake: FakeSlack, client: WebClient) -> None:
    answer = client.chat_postEphemeral(channel="C0TEAM5", user="U100LEAD", text="Only you can see this")

    assert re.fullmatch(r"\d{10}\.\d{6}", answer["message_ts"])
    assert fake.ephemerals("C0TEAM5")[0]["user"] == "U100LEAD"
    assert fake.messages() == []


def test_conversations_open_is_stable_per_user(fake: FakeSlack, client: WebClient) -> None:
    first = client.conversations_open(users="U100LEAD")["channel"]["id"]
    again = client.conversations_open(users=["U100LEAD"])
    other = client.conversations_open(users="U200TEACH")["channel"]["id"]

    assert first.startswith("D")
    assert again["channel"]["id"] == first
    assert again["already_open"] is True
    assert other != first
    assert fake.dm_channel_for("U100LEAD") == first
    assert slack_error(lambda: client.conversations_open(users="U999")).response["error"] == "user_not_found"


def test_users_lookup_by_email_and_info(client: WebClient) -> None:
    found = client.users_lookupByEmail(email="Pat.Leader@lincoln.example.org")["user"]

    assert (found["id"], found["real_name"], found["tz"]) == ("U100LEAD", "Pat Leader", "America/Chicago")
    assert found["profile"]["email"] == "pat.leader@lincoln.example.org"
    missing = slack_error(lambda: client.users_lookupByEmail(email="nobody@lincoln.example.org"))
    assert missing.response["error"] == "users_not_found"
    deactivated = slack_error(lambda: client.users_lookupByEmail(email="gone@lincoln.example.org"))
    assert deactivated.response["error"] == "users_not_found"
    assert client.users_info(user="U300GONE")["user"]["deleted"] is True
    assert slack_error(lambda: client.users_info(user="U999")).response["error"] == "user_not_found"


def modal(title: str = "Log a walkthrough", **extra) -> dict:
    return {
        "type": "modal",
        "callback_id": "walkthrough",
        "title": {"type": "plain_text", "text": title},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [
            {
                "type": "input",
                "block_id": "evidence",
                "label": {"type": "plain_text", "text": "Evidence"},
                "element": {"type": "plain_text_input", "action_id": "text", "multiline": True},
            }
        ],
        **extra,
    }


def test_views_open_needs_a_fresh_unused_trigger(
    fake: FakeSlack, client: WebClient, clock: ManualClock
) -> None:
    trigger = fake.new_trigger_id()
    opened = client.views_open(trigger_id=trigger, view=modal())["view"]

    assert opened["id"].startswith("V") and opened["hash"]
    assert opened["state"] == {"values": {}}
    assert [v["id"] for v in fake.open_views()] == [opened["id"]]
    reused = slack_error(lambda: client.views_open(trigger_id=trigger, view=modal()))
    assert reused.response["error"] == "expired_trigger_id"

    late = fake.new_trigger_id()
    clock.advance(3.01)
    expired = slack_error(lambda: client.views_open(trigger_id=late, view=modal()))
    assert expired.response["error"] == "expired_trigger_id"
    unknown = slack_error(lambda: client.views_open(trigger_id="123.456.abc", view=modal()))
    assert unknown.response["error"] == "invalid_trigger_id"

    in_time = fake.new_trigger_id()
    clock.advance(2.9)
    assert client.views_open(trigger_id=in_time, view=modal())["ok"]


BAD_MODALS = {
    "title 25 chars": (modal(title="x" * 25), "invalid_arguments"),
    "submit 25 chars": (modal(submit={"type": "plain_text", "text": "x" * 25}), "invalid_arguments"),
    "inputs without submit": (modal(submit=None), "invalid_arguments"),
    "private_metadata 3001": (modal(private_metadata="x" * 3001), "invalid_arguments"),
    "callback_id 256": (modal(callback_id="x" * 256), "invalid_arguments"),
    "101 blocks": (modal(blocks=[{"type": "divider"}] * 101), "invalid_blocks"),
    "bad block": (modal(blocks=[{"type": "nonsense"}]), "invalid_blocks"),
}


@pytest.mark.parametrize(("view", "error"), BAD_MODALS.values(), ids=BAD_MODALS.keys())
def test_modals_slack_would_refuse(fake: FakeSlack, client: WebClient, view: dict, error: str) -> None:
    refused = slack_error(lambda: client.views_open(trigger_id=fake.new_trigger_id(), view=view))

    assert refused.response["error"] == error
    assert fake.open_views() == []


def test_views_push_stacks_on_the_modal_the_click_came_from(fake: FakeSlack, client: WebClient) -> None:
    root = client.views_open(trigger_id=fake.new_trigger_id(), view=modal())["view"]
    pushed = client.views_push(trigger_id=fake.new_trigger_id(view_id=root["id"]), view=modal("Add a note"))[
        "view"
    ]

    assert (pushed["previous_view_id"], pushed["root_view_id"]) == (root["id"], root["id"])


def test_views_update_by_id_or_external_id(fake: FakeSlack, client: WebClient) -> None:
    opened = client.views_open(trigger_id=fake.new_trigger_id(), view=modal(external_id="visit-42"))["view"]

    by_id = client.views_update(view_id=opened["id"], view=modal("Saved"), hash=opened["hash"])["view"]
    by_external = client.views_update(external_id="visit-42", view=modal("Saved again"))["view"]

    assert by_id["id"] == by_external["id"] == opened["id"]
    assert fake.view(opened["id"])["title"]["text"] == "Saved again"
    stale = slack_error(lambda: client.views_update(view_id=opened["id"], view=modal(), hash=opened["hash"]))
    assert stale.response["error"] == "hash_conflict"
    assert (
        slack_error(lambda: client.views_update(view_id="V404", view=modal())).response["error"]
        == "not_found"
    )


def test_views_publish_keeps_the_latest_home_per_user(fake: FakeSlack, client: WebClient) -> None:
    home = {"type": "home", "blocks": [SECTION]}
    client.views_publish(user_id="U100LEAD", view=home)
    client.views_publish(user_id="U100LEAD", view={"type": "home", "blocks": [{"type": "divider"}]})

    assert fake.published_home("U100LEAD")["blocks"] == [{"type": "divider"}]
    assert fake.published_home("U200TEACH") is None
    assert [c.args["user_id"] for c in fake.calls_to("views.publish")] == ["U100LEAD", "U100LEAD"]
    assert slack_error(lambda: client.views_publish(user_id="U100LEAD", view=modal())).response["error"] == (
        "invalid_arguments"
    )


def test_response_urls_record_what_respond_posts(fake: FakeSlack) -> None:
    url = fake.new_response_url()
    other = fake.new_response_url()

    with httpx.Client() as http:
        assert http.post(url, json={"text": "Logged.", "response_type": "ephemeral"}).status_code == 200
        http.post(other, json={"text": "Elsewhere"})
        for _ in range(4):
            http.post(url, json={"text": "again"})
        sixth = http.post(url, json={"text": "sixth"})

    assert fake.responses(url)[0] == {"text": "Logged.", "response_type": "ephemeral"}
    assert len(fake.responses(url)) == 5
    assert len(fake.responses()) == 6
    assert sixth.status_code == 404  # Slack allows five uses of a response URL


def test_files_upload_v2_end_to_end(fake: FakeSlack, client: WebClient) -> None:
    chart = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

    answer = client.files_upload_v2(
        channel="C0TEAM5",
        content=chart,
        filename="coverage.png",
        title="Coverage",
        initial_comment="This week",
    )

    assert answer["file"]["title"] == "Coverage"
    (stored,) = fake.uploaded_files()
    assert stored["content"] == chart
    assert stored["channels"] == ["C0TEAM5"]
    (shared,) = fake.messages("C0TEAM5")
    assert shared["text"] == "This week"
    assert shared["files"][0]["id"] == answer["file"]["id"]
    assert [c.method for c in fake.calls] == ["files.getUploadURLExternal", "files.completeUploadExternal"]


def test_completing_an_upload_that_never_happened_fails(client: WebClient) -> None:
    error = slack_error(
        lambda: client.files_completeUploadExternal(files=[{"id": "F404"}], channel_id="C0TEAM5")
    )
    assert error.response["error"] == "file_not_found"


def test_reset_forgets_everything_but_the_tokens(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="U100LEAD", text="hi")
    fake.fail("auth.test", kind="500")

    fake.reset()

    assert (fake.calls, fake.messages(), fake.dm_channel_for("U100LEAD")) == ([], [], None)
    assert client.auth_test()["ok"]
    with pytest.raises(SlackApiError):
        client.users_lookupByEmail(email="pat.leader@lincoln.example.org")


def test_reset_can_keep_the_directory(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C0TEAM5", text="hi")

    fake.reset(keep_directory=True)

    assert fake.messages() == []
    assert client.users_lookupByEmail(email="pat.leader@lincoln.example.org")["ok"]
    assert client.chat_postMessage(channel="C0TEAM5", text="again")["ok"]


def test_a_refused_post_to_a_user_leaves_no_dm_behind(fake: FakeSlack, client: WebClient) -> None:
    bad = [{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}]

    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="U200TEACH", text="fallback", blocks=bad)

    assert fake.dm_channel_for("U200TEACH") is None
    assert fake.messages() == []
