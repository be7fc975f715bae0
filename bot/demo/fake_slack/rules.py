"""What Slack refuses, and the errors it answers with, so tests fail where production would.

Block Kit is checked twice: by slack_sdk's own models, and by the limits below that those models let
through (duplicate ids, text lengths, button labels). Messages come back Slack-style, as
``[ERROR] ... [json-pointer:...]`` lines in ``response_metadata.messages``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

MAX_TEXT_CHARS = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100

# What slack_sdk's models raise on a malformed block or view.
_MODEL_ERRORS = (SlackObjectFormationError, TypeError, ValueError, KeyError, AttributeError)


class SlackError(Exception):
    """An ``ok: false`` answer, raised inside a method handler and turned into Slack's JSON."""

    def __init__(
        self,
        error: str,
        messages: Iterable[str] = (),
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        fields: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)
        self.status = status
        self.headers = dict(headers or {})
        self.fields = dict(fields or {})

    def body(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"ok": False, "error": self.error, **self.fields}
        if self.messages:
            answer["response_metadata"] = {"messages": self.messages}
        return answer


# The bot scope each method needs (Slack's "Required scopes"), checked for tokens that carry their scopes.
METHOD_SCOPES = {
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "chat.postEphemeral": "chat:write",
    "conversations.open": "im:write",
    "conversations.info": "channels:read",
    "conversations.list": "channels:read",
    "conversations.join": "channels:join",
    "users.info": "users:read",
    "users.lookupByEmail": "users:read.email",
    "files.getUploadURLExternal": "files:write",
    "files.completeUploadExternal": "files:write",
}


def check_scope(method: str, scopes: tuple[str, ...]) -> None:
    """``missing_scope`` (with ``needed`` and ``provided``) when a token was not granted what the method needs."""
    needed = METHOD_SCOPES.get(method)
    if scopes and needed is not None and needed not in scopes:
        raise SlackError("missing_scope", fields={"needed": needed, "provided": ",".join(scopes)})


def check_message_content(args: dict[str, Any]) -> None:
    """Raise what ``chat.postMessage`` / ``chat.update`` answer for too long, malformed or empty content."""
    text, blocks = args.get("text"), args.get("blocks")
    if text is not None and len(str(text)) > MAX_TEXT_CHARS:
        raise SlackError("msg_too_long")
    if blocks is not None:
        if not isinstance(blocks, list):
            raise SlackError("invalid_blocks_format")
        problems = block_problems(blocks, limit=MAX_MESSAGE_BLOCKS)
        if problems:
            raise SlackError("invalid_blocks", problems)
    if not text and not blocks and not args.get("attachments"):
        raise SlackError("no_text")


def block_problems(blocks: Any, *, limit: int, pointer: str = "/blocks") -> list[str]:
    """Slack-style ``[ERROR] ... [json-pointer:...]`` messages for blocks Slack would refuse."""
    if not isinstance(blocks, list):
        return [f"[ERROR] must be an array [json-pointer:{pointer}]"]
    if len(blocks) > limit:
        return [f"[ERROR] no more than {limit} items allowed [json-pointer:{pointer}]"]
    problems: list[str] = []
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        at = f"{pointer}/{i}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            problems.append(f"[ERROR] missing required field: type [json-pointer:{at}]")
            continue
        problems.extend(_own_block_problems(block, at, block_ids))
        try:
            parsed = Block.parse(copy.deepcopy(block))
            if parsed is None:
                problems.append(f"[ERROR] unsupported type: {block['type']} [json-pointer:{at}/type]")
                continue
            parsed.to_dict()
        except _MODEL_ERRORS as exc:
            problems.append(f"[ERROR] {exc} [json-pointer:{at}]")
    return list(dict.fromkeys(problems))


def view_error(view: Any) -> SlackError | None:
    """Why Slack would refuse this view (``invalid_arguments`` / ``invalid_blocks``), or None."""
    if not isinstance(view, dict):
        return SlackError("invalid_arguments", ["[ERROR] must be an object [json-pointer:/view]"])
    kind = view.get("type")
    if kind not in ("modal", "home"):
        return SlackError(
            "invalid_arguments", [f"[ERROR] unsupported type: {kind} [json-pointer:/view/type]"]
        )
    problems = _modal_problems(view) if kind == "modal" else []
    if len(str(view.get("private_metadata") or "")) > 3000:
        problems.append("[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]")
    for key in ("callback_id", "external_id"):
        if len(str(view.get(key) or "")) > 255:
            problems.append(f"[ERROR] must be less than 256 characters [json-pointer:/view/{key}]")
    if problems:
        return SlackError("invalid_arguments", problems)
    blocks_wrong = block_problems(view.get("blocks"), limit=MAX_VIEW_BLOCKS, pointer="/view/blocks")
    if blocks_wrong:
        return SlackError("invalid_blocks", blocks_wrong)
    try:
        View(**copy.deepcopy(view)).to_dict()
    except _MODEL_ERRORS as exc:
        return SlackError("invalid_arguments", [f"[ERROR] {exc} [json-pointer:/view]"])
    return None


def _modal_problems(view: dict[str, Any]) -> list[str]:
    """A modal needs a short title, short buttons, and a submit button when it asks for input."""
    problems: list[str] = []
    if _text_of(view.get("title")) is None:
        problems.append("[ERROR] missing required field: title [json-pointer:/view/title]")
    for key in ("title", "submit", "close"):
        if len(_text_of(view.get(key)) or "") > 24:
            problems.append(f"[ERROR] must be less than 25 characters [json-pointer:/view/{key}/text]")
    blocks = view.get("blocks") if isinstance(view.get("blocks"), list) else []
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
    if has_input and view.get("submit") is None:
        problems.append("[ERROR] must provide a submit property when using input blocks [json-pointer:/view]")
    return problems


def _own_block_problems(block: dict[str, Any], at: str, block_ids: set[str]) -> list[str]:
    """The limits we check ourselves, whether or not slack_sdk's models check them too."""
    problems: list[str] = []
    block_id = block.get("block_id")
    if block_id is not None:
        if not isinstance(block_id, str) or len(block_id) > 255:
            problems.append(
                f"[ERROR] must be a string of at most 255 characters [json-pointer:{at}/block_id]"
            )
        elif block_id in block_ids:
            problems.append(f"[ERROR] duplicate block_id: {block_id} [json-pointer:{at}/block_id]")
        else:
            block_ids.add(block_id)
    text = _text_of(block.get("text"))
    if block["type"] == "section" and text is not None and len(text) > 3000:
        problems.append(f"[ERROR] must be less than 3001 characters [json-pointer:{at}/text/text]")
    if block["type"] == "header" and text is not None and len(text) > 150:
        problems.append(f"[ERROR] must be less than 151 characters [json-pointer:{at}/text/text]")
    problems.extend(_element_problems(block, at))
    return problems


def _element_problems(block: dict[str, Any], at: str) -> list[str]:
    """Action ids unique within the block and at most 255 characters; button labels plain and short."""
    problems: list[str] = []
    action_ids: set[str] = set()
    for element in _block_elements(block):
        action_id = element.get("action_id")
        if action_id is not None:
            if not isinstance(action_id, str) or len(action_id) > 255:
                problems.append(f"[ERROR] action_id must be at most 255 characters [json-pointer:{at}]")
            elif action_id in action_ids:
                problems.append(f"[ERROR] duplicate action_id: {action_id} [json-pointer:{at}]")
            else:
                action_ids.add(action_id)
        if element.get("type") == "button":
            label = element.get("text")
            if not isinstance(label, dict) or label.get("type") != "plain_text":
                problems.append(f"[ERROR] button text must be a plain_text object [json-pointer:{at}]")
            elif len(_text_of(label) or "") > 75:
                problems.append(f"[ERROR] must be less than 76 characters [json-pointer:{at}]")
    return problems


def _block_elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            found.append(block[key])
    found.extend(el for el in block.get("elements") or [] if isinstance(el, dict))
    return found


def _text_of(obj: Any) -> str | None:
    """The ``text`` of a composition object, or None when it is not one."""
    if isinstance(obj, dict) and isinstance(obj.get("text"), str):
        return obj["text"]
    return None
