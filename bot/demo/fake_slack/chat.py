"""``chat.*``: posting, updating and deleting messages, and ephemeral messages to one user."""

from __future__ import annotations

import copy
from typing import Any

from bot.demo.fake_slack.rules import SlackError, check_message_content
from bot.demo.fake_slack.workspace import Method, Workspace


def post_message(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Post to a channel, ``#name`` or user (opening the DM only once the post is accepted)."""
    channel = ws.resolve_channel(args.get("channel"), open_dm=False)
    ws.check_postable(channel)
    ws.spend(ws.posting.for_channel(channel))
    check_message_content(args)
    if args["channel"] in ws.users:
        ws.open_dm(args["channel"])
    ts = ws.next_ts()
    message: dict[str, Any] = {
        "type": "message",
        "subtype": "bot_message",
        "text": str(args.get("text") or ""),
        "user": ws.bot_user_id,
        "bot_id": ws.bot_id,
        "app_id": ws.app_id,
        "team": ws.team_id,
        "ts": ts,
    }
    for key in ("blocks", "attachments", "thread_ts", "metadata"):
        if args.get(key) is not None:
            message[key] = args[key]
    ws.messages.setdefault(channel, {})[ts] = {"channel": channel, **message}
    return {"channel": channel, "ts": ts, "message": copy.deepcopy(message)}


def update(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Replace the fields given; the result must still be a message Slack would accept."""
    channel, message = _stored_message(ws, args)
    check_message_content({"text": message.get("text"), "blocks": message.get("blocks")} | args)
    for key in ("text", "blocks", "attachments", "metadata"):
        if key in args:
            message[key] = args[key] if key != "text" else str(args[key] or "")
    message["edited"] = {"user": ws.bot_user_id, "ts": ws.next_ts()}
    shown = {k: v for k, v in message.items() if k != "channel"}
    return {
        "channel": channel,
        "ts": message["ts"],
        "text": message["text"],
        "message": copy.deepcopy(shown),
    }


def delete(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    channel, message = _stored_message(ws, args)
    del ws.messages[channel][message["ts"]]
    return {"channel": channel, "ts": message["ts"]}


def post_ephemeral(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    channel = ws.resolve_channel(args.get("channel"))
    user = ws.users.get(str(args.get("user", "")))
    if user is None:
        raise SlackError("user_not_found")
    if user.deleted:
        raise SlackError("user_not_in_channel")
    check_message_content(args)
    ts = ws.next_ts()
    ephemeral = {"channel": channel, "user": user.id, "ts": ts, "text": str(args.get("text") or "")}
    if args.get("blocks") is not None:
        ephemeral["blocks"] = args["blocks"]
    ws.ephemerals.append(ephemeral)
    return {"message_ts": ts}


def get_permalink(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """The permanent link of a stored message (any channel the bot can see)."""
    channel = ws.resolve_channel(args.get("channel"))
    if channel in ws.channels and ws.facts(channel).private and not ws.facts(channel).bot_member:
        raise SlackError("channel_not_found")
    ts = str(args.get("message_ts", ""))
    if ts not in ws.messages.get(channel, {}):
        raise SlackError("message_not_found")
    return {"channel": channel, "permalink": f"https://{ws.team_domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}"}


def _stored_message(ws: Workspace, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    channel = ws.resolve_channel(args.get("channel"))
    message = ws.messages.get(channel, {}).get(str(args.get("ts", "")))
    if message is None:
        raise SlackError("message_not_found")
    return channel, message


METHODS: dict[str, Method] = {
    "chat.postMessage": post_message,
    "chat.update": update,
    "chat.delete": delete,
    "chat.postEphemeral": post_ephemeral,
    "chat.getPermalink": get_permalink,
}
