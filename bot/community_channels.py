"""Finding the community channel in Slack and making sure Rounds can post there, for `rounds community set`
and `/rounds community set`: a channel id, `#name` or a channel link, resolved with conversations.info /
conversations.list; Rounds joins a public channel itself (conversations.join) and asks to be invited to a
private one, which Slack keeps invisible to a bot that is not in it. Slack Connect channels count the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from workflows.community import channels
from workflows.community.channels import Community
from workflows.db import Sessions, transaction

_LINK = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|([^>]*))?>$")
_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")
LIST_PAGE = 200


class ChannelProblem(Exception):
    """Why this channel can't be the community channel, in words for the admin."""


@dataclass(frozen=True)
class FoundChannel:
    id: str
    name: str
    private: bool
    shared: bool
    joined: bool


def invite_first(name: str) -> str:
    return (
        f"Rounds can't see {name}. If it is a private channel, invite Rounds to it first (type `/invite @Rounds` "
        f"in the channel), then set it again. Otherwise check the name."
    )


def find_and_join(client: WebClient, ref: str) -> FoundChannel:
    """The channel `ref` names, with Rounds in it; `ChannelProblem` when Rounds can't post there."""
    text = ref.strip()
    link = _LINK.match(text)
    shown = f"#{link.group(2)}" if link and link.group(2) else text if text.startswith("#") else f"#{text}"
    if link or _ID.match(text):
        channel_id = link.group(1) if link else text
        try:
            channel = client.conversations_info(channel=channel_id)["channel"]
        except SlackApiError as error:
            if _code(error) == "channel_not_found":
                raise ChannelProblem(invite_first(shown if link else channel_id)) from None
            raise
    else:
        channel = _by_name(client, text.lstrip("#").lower())
        if channel is None:
            raise ChannelProblem(invite_first(shown))
    name = f"#{channel['name']}"
    if channel.get("is_archived"):
        raise ChannelProblem(f"{name} is archived: unarchive it or choose another channel.")
    joined = False
    if not channel.get("is_member"):
        if channel.get("is_private"):
            raise ChannelProblem(invite_first(name))
        try:
            client.conversations_join(channel=channel["id"])
            joined = True
        except SlackApiError as error:
            code = _code(error)
            if code == "method_not_supported_for_channel_type":
                raise ChannelProblem(invite_first(name)) from None
            if code == "is_archived":
                raise ChannelProblem(f"{name} is archived: unarchive it or choose another channel.") from None
            raise ChannelProblem(f"Rounds couldn't join {name} (Slack answered `{code}`).") from None
    return FoundChannel(channel["id"], channel["name"], bool(channel.get("is_private")),
                        bool(channel.get("is_ext_shared")), joined)  # fmt: skip


def _by_name(client: WebClient, name: str) -> dict | None:
    cursor = None
    while True:
        page = client.conversations_list(types="public_channel,private_channel", limit=LIST_PAGE, cursor=cursor)
        for channel in page["channels"]:
            if str(channel.get("name", "")).lower() == name:
                return channel
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            return None


def _code(error: SlackApiError) -> str:
    data = error.response.data
    return str(data.get("error")) if isinstance(data, dict) else f"http_{error.response.status_code}"


def set_community_channel(
    sessions: Sessions, client: WebClient, *, district_id: int, workspace: str, ref: str, set_by_id: int | None,
    now: datetime,
) -> tuple[Community, FoundChannel, int]:  # fmt: skip
    """Find and join the channel, record it, and tell each coach of the district where it is (once).
    Returns the community, the channel and how many coaches were newly told."""
    from bot.notices import community as notices

    found = find_and_join(client, ref)
    with transaction(sessions) as session:
        community, _changed = channels.set_channel(
            session, district_id=district_id, workspace=workspace, channel_id=found.id, name=found.name,
            private=found.private, shared=found.shared, set_by_id=set_by_id, now=now,
        )  # fmt: skip
        told = notices.welcome(session, community, channels.members(session, district_id=district_id))
    return community, found, told


def set_reply(community: Community, found: FoundChannel, told: int) -> str:
    kind = "shared (Slack Connect) channel" if found.shared else "private channel" if found.private else "channel"
    joined = " Rounds joined it." if found.joined else ""
    return (
        f"The coach community of {community.district_name} is now <#{found.id}> (a {kind}).{joined} "
        f"{told} coach{'es' if told != 1 else ''} told where it is, by DM and on their Home."
    )
