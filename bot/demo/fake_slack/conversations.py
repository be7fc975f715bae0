"""``conversations.info``, ``.list`` and ``.join`` for channels, and what people do in them (post, reply in
a thread, react), stored as Slack stores it and handed back as the event Slack would deliver to the app.

As in Slack: a private channel is invisible to a bot that is not in it (``channel_not_found``); a bot
joins a public channel itself but must be invited to a private one (``method_not_supported_for_channel_type``);
nothing joins or posts in an archived channel (``is_archived``).
"""

from __future__ import annotations

import copy
from typing import Any

from bot.demo.fake_slack.rules import SlackError
from bot.demo.fake_slack.workspace import Method, Workspace

LIST_LIMIT_MAX = 1000


def _visible(ws: Workspace, channel: Any) -> str:
    """The id of a channel (id or ``#name``) the bot can see; DMs and unknown ids are not channels here."""
    channel_id = ws.resolve_channel(channel, open_dm=False)
    if channel_id not in ws.channels:
        raise SlackError("channel_not_found")
    facts = ws.facts(channel_id)
    if facts.private and not facts.bot_member:
        raise SlackError("channel_not_found")
    return channel_id


def channel_dict(ws: Workspace, channel_id: str) -> dict[str, Any]:
    facts = ws.facts(channel_id)
    return {
        "id": channel_id,
        "name": ws.channels[channel_id],
        "is_channel": not facts.private,
        "is_group": facts.private,
        "is_private": facts.private,
        "is_archived": facts.archived,
        "is_ext_shared": facts.ext_shared,
        "is_shared": facts.ext_shared,
        "is_member": facts.bot_member,
        "context_team_id": ws.team_id,
    }


def info(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    return {"channel": channel_dict(ws, _visible(ws, args.get("channel")))}


def list_channels(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Public channels (and private ones the bot is in, when ``types`` asks), paged by ``cursor``."""
    types = {t.strip() for t in str(args.get("types") or "public_channel").split(",") if t.strip()}
    if not types <= {"public_channel", "private_channel", "mpim", "im"}:
        raise SlackError("invalid_types")
    try:
        limit = int(args.get("limit") or 100)
        start = int(args.get("cursor") or 0)
    except ValueError:
        raise SlackError("invalid_cursor") from None
    if limit < 1 or limit > LIST_LIMIT_MAX:
        raise SlackError("invalid_limit")
    exclude_archived = str(args.get("exclude_archived", "false")).lower() in ("true", "1")
    found = []
    for channel_id in sorted(ws.channels):
        facts = ws.facts(channel_id)
        kind = "private_channel" if facts.private else "public_channel"
        if kind not in types or (facts.private and not facts.bot_member):
            continue
        if exclude_archived and facts.archived:
            continue
        found.append(channel_dict(ws, channel_id))
    page = found[start : start + limit]
    more = start + limit < len(found)
    return {"channels": page, "response_metadata": {"next_cursor": str(start + limit) if more else ""}}


def join(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    channel_id = _visible(ws, args.get("channel"))
    facts = ws.facts(channel_id)
    if facts.private:
        raise SlackError("method_not_supported_for_channel_type")
    if facts.archived:
        raise SlackError("is_archived")
    already = facts.bot_member
    facts.bot_member = True
    answer: dict[str, Any] = {"channel": channel_dict(ws, channel_id)}
    if already:
        answer["warning"] = "already_in_channel"
        answer["response_metadata"] = {"warnings": ["already_in_channel"]}
    return answer


# --------------------------------------------------------------------------- people in channels


def person_posts(
    ws: Workspace, *, channel: str, user: str, text: str, thread_ts: str | None = None
) -> dict[str, Any]:
    """A person's message, stored (a reply counted on its parent), and the ``message`` event for it."""
    if channel not in ws.channels or user not in ws.users:
        raise KeyError("post in a channel of the fake, as one of its users")
    ts = ws.next_ts()
    message: dict[str, Any] = {"type": "message", "user": user, "text": text, "ts": ts, "team": ws.team_id}
    if thread_ts is not None:
        parent = ws.messages.get(channel, {}).get(thread_ts)
        if parent is None:
            raise KeyError("no such parent message")
        message["thread_ts"] = thread_ts
        parent["reply_count"] = int(parent.get("reply_count", 0)) + 1
        parent.setdefault("thread_ts", thread_ts)
    ws.messages.setdefault(channel, {})[ts] = {"channel": channel, **message}
    private = ws.facts(channel).private
    return copy.deepcopy(
        message | {"channel": channel, "event_ts": ts, "channel_type": "group" if private else "channel"}
    )


def person_reacts(ws: Workspace, *, channel: str, ts: str, user: str, reaction: str) -> dict[str, Any]:
    """A person's emoji reaction on a stored message, and the ``reaction_added`` event for it."""
    message = ws.messages.get(channel, {}).get(ts)
    if message is None or user not in ws.users:
        raise KeyError("react to a stored message, as one of the fake's users")
    reactions = message.setdefault("reactions", [])
    entry = next((r for r in reactions if r["name"] == reaction), None)
    if entry is None:
        entry = {"name": reaction, "users": [], "count": 0}
        reactions.append(entry)
    if user not in entry["users"]:
        entry["users"].append(user)
        entry["count"] += 1
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": reaction,
        "item_user": message.get("user"),
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": ws.next_ts(),
    }


METHODS: dict[str, Method] = {
    "conversations.info": info,
    "conversations.list": list_channels,
    "conversations.join": join,
}
