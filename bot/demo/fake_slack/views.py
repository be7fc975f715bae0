"""``views.*``: modals opened and pushed on a trigger, updated by id or external id, and App Homes."""

from __future__ import annotations

import copy
from typing import Any

from bot.demo.fake_slack.interactions import use_trigger
from bot.demo.fake_slack.rules import SlackError, view_error
from bot.demo.fake_slack.workspace import Method, Workspace


def open_view(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    trigger = use_trigger(ws, args.get("trigger_id"))
    view = _valid_view(ws, args.get("view"), kind="modal")
    trigger.used = True
    return {"view": copy.deepcopy(_store_view(ws, view))}


def push_view(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Stack a modal on the one the trigger came from (a new root when it came from elsewhere)."""
    trigger = use_trigger(ws, args.get("trigger_id"))
    view = _valid_view(ws, args.get("view"), kind="modal")
    trigger.used = True
    previous = ws.views.get(trigger.view_id or "")
    return {"view": copy.deepcopy(_store_view(ws, view, previous=previous))}


def update_view(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Replace a view's content; a stale ``hash`` is a conflict, and the entered state is cleared."""
    view_id, external_id = args.get("view_id"), args.get("external_id")
    if view_id:
        current = ws.views.get(str(view_id))
    else:
        current = next(
            (v for v in ws.views.values() if external_id and v["external_id"] == external_id), None
        )
    if current is None:
        raise SlackError("not_found")
    if args.get("hash") and args["hash"] != current["hash"]:
        raise SlackError("hash_conflict")
    view = args.get("view")
    problem = view_error(view)
    if problem is not None:
        raise problem
    for key in ("blocks", "private_metadata", "callback_id", "title", "close", "submit"):
        current[key] = view.get(key, "" if key in ("private_metadata", "callback_id") else None)
    current["blocks"] = current["blocks"] or []
    current["state"] = {"values": {}}
    current["hash"] = ws.new_hash()
    return {"view": copy.deepcopy(current)}


def publish_view(ws: Workspace, args: dict[str, Any]) -> dict[str, Any]:
    """Publish a user's App Home, replacing the one before it."""
    user_id = str(args.get("user_id", ""))
    if user_id not in ws.users:
        raise SlackError("user_not_found")
    previous_id = ws.homes.get(user_id)
    if args.get("hash") and previous_id and args["hash"] != ws.views[previous_id]["hash"]:
        raise SlackError("hash_conflict")
    view = _valid_view(ws, args.get("view"), kind="home")
    if previous_id:
        del ws.views[previous_id]
    stored = _store_view(ws, view)
    ws.homes[user_id] = stored["id"]
    return {"view": copy.deepcopy(stored)}


def _valid_view(ws: Workspace, view: Any, *, kind: str) -> dict[str, Any]:
    problem = view_error(view)
    if problem is not None:
        raise problem
    if view["type"] != kind:
        raise SlackError("invalid_arguments", [f"[ERROR] type must be {kind} [json-pointer:/view/type]"])
    external_id = view.get("external_id")
    if external_id and any(v["external_id"] == external_id for v in ws.views.values()):
        raise SlackError("duplicate_external_id")
    return view


def _store_view(
    ws: Workspace, view: dict[str, Any], *, previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    view_id = f"V{ws.next_number():08d}"
    stored = {
        "id": view_id,
        "team_id": ws.team_id,
        "type": view["type"],
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "state": {"values": {}},
        "hash": ws.new_hash(),
        "title": view.get("title"),
        "clear_on_close": _flag(view.get("clear_on_close", False)),
        "notify_on_close": _flag(view.get("notify_on_close", False)),
        "close": view.get("close"),
        "submit": view.get("submit"),
        "previous_view_id": previous["id"] if previous else None,
        "root_view_id": previous["root_view_id"] if previous else view_id,
        "app_id": ws.app_id,
        "external_id": view.get("external_id", ""),
        "app_installed_team_id": ws.team_id,
        "bot_id": ws.bot_id,
    }
    ws.views[view_id] = stored
    return stored


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


METHODS: dict[str, Method] = {
    "views.open": open_view,
    "views.push": push_view,
    "views.update": update_view,
    "views.publish": publish_view,
}
