"""Refusing bad requests to `/slack/events` cheaply, before Bolt sees them.

The order matters to an attacker with a script: a body over Slack's size is refused from its
Content-Length, or as soon as the running count of what was read passes the limit (413), so a huge
upload is never buffered; then the signature is checked on the raw bytes (401 for unsigned, forged or
stale requests, whatever the body holds); only a signed request is parsed, and one whose body is not
what Slack sends (not UTF-8, not JSON, a JSON list, a payload without the `user`, `actions` or `view`
its type needs) is refused with 400. None of these reaches a listener, so none logs a traceback.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import re
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltRequest
from slack_bolt.context import BoltContext
from slack_bolt.request.internals import build_context, parse_body
from slack_sdk.signature import SignatureVerifier
from starlette.requests import Request

from bot import logs

# Slack's own payloads stay far below this: a message's text is capped at 40,000 characters, a modal at
# 100 blocks, and Rounds' largest modal submission is a few tens of kilobytes once form-encoded.
MAX_BODY_BYTES = 1_000_000
STALE_AFTER_SECONDS = 60 * 5  # as slack_sdk's SignatureVerifier


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused, as the HTTP status and a short content-free reason."""

    status: int
    reason: str


TOO_LARGE = Refusal(413, "request too large")
# A body over the limit but under this is read to its end (and dropped) before the 413, so the answer arrives
# before the close; a bigger one is cut off at once, whatever its sender then sees.
DRAIN_BYTES = 4 * MAX_BODY_BYTES


async def read_body(request: Request, *, limit: int = MAX_BODY_BYTES) -> bytes | Refusal:
    """The body, read with a running count: refused from Content-Length, or as soon as it passes `limit`."""
    declared = request.headers.get("content-length")
    stream = request.stream()
    if declared is not None:
        if not declared.strip().isdigit():
            return Refusal(400, "bad content-length")
        if int(declared) > limit:
            if int(declared) <= DRAIN_BYTES:
                await _drain(stream, read=0)
            return TOO_LARGE
    chunks: list[bytes] = []
    size = 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            await _drain(stream, read=size)
            return TOO_LARGE
        chunks.append(chunk)
    return b"".join(chunks)


async def _drain(stream: AsyncIterator[bytes], *, read: int) -> None:
    """Read and drop what is left of a body a little over the limit, up to `DRAIN_BYTES` in all: a server
    that closes on unread bytes resets the connection, and the client may lose the 413 it was sent."""
    async for chunk in stream:
        read += len(chunk)
        if read > DRAIN_BYTES:
            return


def check_signed(verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]) -> Refusal | None:
    """Slack's v0 signature over the raw bytes, and a timestamp within five minutes."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        valid = _bytes_signed(verifier, body, headers)  # slack_sdk's check decodes the body first
    else:
        valid = verifier.is_valid_request(body, dict(headers))
    return None if valid else Refusal(401, "invalid or stale signature")


def _bytes_signed(verifier: SignatureVerifier, body: bytes, headers: Mapping[str, str]) -> bool:
    """The same check as `SignatureVerifier.is_valid`, on bytes that are not UTF-8 (so a signed one is 400)."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp.isdigit() or abs(verifier.clock.now() - int(timestamp)) > STALE_AFTER_SECONDS:
        return False
    mac = hmac.new(verifier.signing_secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256)
    return hmac.compare_digest(f"v0={mac.hexdigest()}", signature)


# What each kind of request must carry for Rounds to act on it: (field, type) pairs.
_NEEDS: dict[str, tuple[tuple[str, type], ...]] = {
    "block_actions": (("user", dict), ("actions", list)),
    "block_suggestion": (("user", dict), ("action_id", str)),
    "view_submission": (("user", dict), ("view", dict)),
    "view_closed": (("user", dict), ("view", dict)),
    "shortcut": (("user", dict), ("callback_id", str)),
    "message_action": (("user", dict), ("callback_id", str)),
    "event_callback": (("event", dict),),
    "url_verification": (("challenge", str),),
}
_EVENT_NEEDS: dict[str, tuple[str, ...]] = {
    "app_home_opened": ("user",),
    "message": ("channel", "ts"),
}


@dataclass(frozen=True)
class SignedBody:
    """A signed body, parsed once: its text (for Bolt's own signature check) and what it says."""

    text: str
    parsed: dict[str, Any]


def parse_signed(body: bytes, content_type: str | None) -> SignedBody | Refusal:
    """The body parsed as Bolt parses it, if it is something Slack sends; otherwise why not."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "body is not UTF-8")
    try:
        parsed = _interaction(body)
        if parsed is None:
            parsed = parse_body(text, content_type)
    except ValueError:  # json.JSONDecodeError is a ValueError
        return Refusal(400, "body is not valid JSON")
    if not isinstance(parsed, dict):
        return Refusal(400, "body is not a JSON object")
    problem = _missing(parsed)
    return Refusal(400, problem) if problem else SignedBody(text, parsed)


# An interaction is `payload=<JSON, form-encoded>` and nothing else; its escapes must all be well formed.
_PAYLOAD = b"payload="
_LOOSE_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})|[=\r\n&]")


def _interaction(body: bytes) -> Any:
    """An interaction's payload, decoded in C: a modal's submission is tens of kilobytes of `%XX` escapes,
    and urllib's unquoting, a Python loop over each, was a fifth of the submission's CPU. Written as
    quoted-printable (`=XX`), binascii decodes the same bytes. None for any other body (urllib's way)."""
    if not body.startswith(_PAYLOAD) or _LOOSE_PERCENT.search(body, len(_PAYLOAD)):
        return None
    encoded = body[len(_PAYLOAD) :].replace(b"+", b" ").replace(b"%", b"=")
    try:
        return json.loads(binascii.a2b_qp(encoded).decode("utf-8"))
    except UnicodeDecodeError:
        return None  # urllib replaces what is not UTF-8; so does the slow way


def bolt_request(request: Request, signed: SignedBody) -> BoltRequest:
    """Bolt's request for a parsed body, without Bolt parsing the body a second time (as
    `slack_bolt.adapter.starlette.handler.to_bolt_request` would)."""
    bolt = BoltRequest(body="", query=request.query_params, headers=request.headers)  # type: ignore[arg-type]
    bolt.raw_body, bolt.body = signed.text, signed.parsed
    bolt.context = build_context(BoltContext({}), signed.parsed)
    return bolt


def _missing(body: dict[str, Any]) -> str | None:
    if "command" in body:
        return None if _strings(body, "command", "user_id") else "slash command without command or user_id"
    kind = body.get("type")
    needs = _NEEDS.get(kind) if isinstance(kind, str) else None
    if needs is None:
        return None  # Bolt answers what no listener handles; nothing here reads it
    for field, expected in needs:
        if not isinstance(body.get(field), expected):
            return f"{kind} without {field}"
    if "user" in dict(needs) and not _strings(body["user"], "id"):
        return f"{kind} without user.id"
    if kind == "block_actions":
        actions = body["actions"]
        if not actions or not all(isinstance(a, dict) and _strings(a, "action_id") for a in actions):
            return "block_actions without an action_id"
    if kind in ("view_submission", "view_closed") and not _strings(body["view"], "id"):
        return f"{kind} without view.id"
    if kind == "event_callback":
        event = body["event"]
        event_type = event.get("type")
        if not isinstance(event_type, str):
            return "event without a type"
        if not _strings(event, *_EVENT_NEEDS.get(event_type, ())):
            return f"event {event_type} without its fields"
    return None


def _strings(mapping: dict[str, Any], *fields: str) -> bool:
    return all(isinstance(mapping.get(f), str) and mapping[f] for f in fields)


def log_refusal(refusal: Refusal, *, started: float) -> None:
    """One line per refused request, like every other request; never its body."""
    logs.logger("slack").info(
        "request refused status=%s reason=%s ms=%.1f",
        refusal.status,
        refusal.reason,
        (time.perf_counter() - started) * 1000,
    )


def refusal_body(refusal: Refusal) -> bytes:
    return json.dumps({"error": refusal.reason}).encode()
