"""``auth.test``, ``users.*`` and ``conversations.open``: who the token is, who is in its team, and DMs."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.demo.fake_slack.rules import SlackError
from bot.demo.fake_slack.tokens import Token
from bot.demo.fake_slack.workspace import Method, User, Workspace


def auth_test(ws: Workspace, token: Token) -> dict[str, Any]:
    """Who the token speaks for: the bot of its team, or the user who authorised a user token."""
    answer: dict[str, Any] = {
        "url": f"https://{ws.team_domain}.slack.com/",
        "team": ws.name,
        "user": "rounds" if token.kind == "bot" else str(token.user_id).lower(),
        "team_id": ws.team_id,
        "user_id": ws.bot_user_id if token.kind == "bot" else token.user_id,
        "is_enterprise_install": False,
    }
    if token.kind == "bot":
        answer["bot_id"] = ws.bot_id
    if ws.enterprise_id:
        answer["enterprise_id"] = ws.enterprise_id
    return answer


def users_info(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    user = ws.users.get(str(args.get("user", "")))
    if user is None:
        raise SlackError("user_not_found")
    return {"user": user_dict(ws, user)}


def users_lookup_by_email(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    email = str(args.get("email", "")).strip().lower()
    for user in ws.users.values():
        if user.email.lower() == email and not user.deleted:
            return {"user": user_dict(ws, user)}
    raise SlackError("users_not_found")


def conversations_open(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Open (or find) the DM with one user; multi-person DMs are not implemented."""
    users = args.get("users", "")
    user_ids = users if isinstance(users, list) else [u for u in str(users).split(",") if u]
    if args.get("channel"):
        return {
            "channel": {"id": ws.resolve_channel(args["channel"])},
            "no_op": True,
            "already_open": True,
        }
    if len(user_ids) != 1:
        raise SlackError("invalid_arguments" if not user_ids else "not_implemented")
    user = ws.users.get(user_ids[0])
    if user is None:
        raise SlackError("user_not_found")
    if user.deleted:
        raise SlackError("user_disabled")
    already = user.id in ws.dms
    channel = {"id": ws.open_dm(user.id)}
    return {"channel": channel, "no_op": already, "already_open": already}


def user_dict(ws: Workspace, user: User) -> dict[str, Any]:
    """A user as ``users.info`` shows one, with today's offset for the user's time zone."""
    offset = datetime.now(ZoneInfo(user.tz)).utcoffset()
    name = user.email.split("@")[0]
    return {
        "id": user.id,
        "team_id": ws.team_id,
        "name": name,
        "deleted": user.deleted,
        "real_name": user.real_name,
        "tz": user.tz,
        "tz_label": datetime.now(ZoneInfo(user.tz)).tzname(),
        "tz_offset": int(offset.total_seconds()) if offset else 0,
        "is_bot": user.is_bot,
        "is_app_user": False,
        "profile": {
            "email": user.email,
            "real_name": user.real_name,
            "real_name_normalized": user.real_name,
            "display_name": name,
            "display_name_normalized": name,
            "team": ws.team_id,
        },
    }


# auth.test is answered from the token itself (see api.WebApi).
METHODS: dict[str, Method] = {
    "users.info": users_info,
    "users.lookupByEmail": users_lookup_by_email,
    "conversations.open": conversations_open,
}
