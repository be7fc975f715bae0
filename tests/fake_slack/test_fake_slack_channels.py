"""The fake's channels, as Slack has them: a private channel is invisible to a bot not in it, a bot joins
a public channel but not a private or archived one, posting needs the bot in the channel, permalinks, and
what people do in channels (a thread reply, a reaction) handed back as the events Slack sends."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError


def _error(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value.response["error"]


def test_joining_listing_and_posting_follow_slacks_rules(fake, client):
    fake.add_channel("C0PUBLIC1", "ip-community", bot_member=False)
    fake.add_channel("G0PRIVAT1", "ip-private", private=True, bot_member=False)
    fake.add_channel("C0ARCHIV1", "old-ips", archived=True, bot_member=False)

    assert _error(lambda: client.chat_postMessage(channel="C0PUBLIC1", text="hi")) == "not_in_channel"
    assert _error(lambda: client.conversations_info(channel="G0PRIVAT1")) == "channel_not_found"
    assert _error(lambda: client.conversations_join(channel="C0ARCHIV1")) == "is_archived"
    assert _error(lambda: client.chat_postMessage(channel="C0ARCHIV1", text="hi")) == "is_archived"
    names = [c["name"] for c in client.conversations_list(types="public_channel,private_channel")["channels"]]
    assert "ip-private" not in names and "ip-community" in names
    assert client.conversations_join(channel="C0PUBLIC1")["channel"]["is_member"] is True
    posted = client.chat_postMessage(channel="C0PUBLIC1", text="hi")
    link = client.chat_getPermalink(channel="C0PUBLIC1", message_ts=posted["ts"])["permalink"]
    assert link == f"https://rounds-demo.slack.com/archives/C0PUBLIC1/p{posted['ts'].replace('.', '')}"
    assert _error(lambda: client.chat_getPermalink(channel="C0PUBLIC1", message_ts="1.2")) == "message_not_found"
    fake.invite_bot("G0PRIVAT1")
    info = client.conversations_info(channel="G0PRIVAT1")["channel"]
    assert info["is_private"] and info["is_member"]
    assert _error(lambda: client.conversations_join(channel="G0PRIVAT1")) == "method_not_supported_for_channel_type"


def test_a_thread_reply_and_a_reaction_are_stored_and_come_back_as_events(fake, client):
    posted = client.chat_postMessage(channel="C0TEAM5", text="A question")

    reply = fake.person_posts("C0TEAM5", "U200TEACH", "An answer", thread_ts=posted["ts"])
    reaction = fake.person_reacts("C0TEAM5", posted["ts"], "U100LEAD", "white_check_mark")

    assert reply["thread_ts"] == posted["ts"] and reply["channel_type"] == "channel"
    assert reaction["item"] == {"type": "message", "channel": "C0TEAM5", "ts": posted["ts"]}
    stored = fake.message("C0TEAM5", posted["ts"])
    assert stored["reply_count"] == 1 and stored["reactions"][0]["users"] == ["U100LEAD"]
