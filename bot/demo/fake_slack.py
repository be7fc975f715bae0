"""A fake Slack Web API on loopback, strict enough to catch what real Slack would reject.

The real ``slack_sdk.WebClient(token=..., base_url=fake.api_url)`` talks HTTP to it, so tests and
``rounds demo`` exercise the same code paths as production: Block Kit limits, trigger ids that expire,
per-channel rate limits with ``Retry-After``, and injected failures (429, 5xx, slow and dropped
connections, and responses lost after the work was done).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import itertools
import json
import logging
import math
import mimetypes
import random
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

log = logging.getLogger(__name__)

TRIGGER_TTL_SECONDS = 3.0
RESPONSE_URL_TTL_SECONDS = 30 * 60
RESPONSE_URL_MAX_USES = 5
MAX_TEXT_CHARS = 40_000
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
FAILURE_KINDS = frozenset({"429", "500", "503", "slow", "drop", "drop_after"})

# Form fields that slack_sdk sends as JSON strings; decoded so tests see Python structures.
JSON_FIELDS = frozenset({"blocks", "view", "attachments", "files", "metadata"})

# Slack's documented tiers (calls per minute) for the methods the fake implements.
TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
METHOD_TIERS = {
    "auth.test": 4,
    "users.info": 4,
    "users.lookupByEmail": 3,
    "conversations.open": 3,
    "chat.update": 3,
    "chat.delete": 3,
    "chat.postEphemeral": 4,
    "views.open": 4,
    "views.push": 4,
    "views.update": 4,
    "views.publish": 4,
    "files.getUploadURLExternal": 4,
    "files.completeUploadExternal": 4,
}

_HTML_ERRORS = {
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class Call:
    """One Web API request as the fake saw it.

    ``outcome`` is "ok", "error" (HTTP 200 with ok:false), "ratelimited" (429), "server_error" (5xx),
    "dropped" (connection closed, nothing done) or "response_lost" (work done, then the connection was
    closed). ``injected`` names the failure kind injected into this call, if any.
    """

    method: str
    token: str | None
    args: dict[str, Any]
    at: float
    outcome: str = "ok"
    status: int = 200
    error: str | None = None
    injected: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


class SlackError(Exception):
    """An ``ok: false`` answer, raised inside a method handler and turned into Slack's JSON."""

    def __init__(
        self,
        error: str,
        messages: Iterable[str] = (),
        *,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)
        self.status = status
        self.headers = dict(headers or {})

    def body(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"ok": False, "error": self.error}
        if self.messages:
            answer["response_metadata"] = {"messages": self.messages}
        return answer


@dataclass(frozen=True)
class _Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    drop: bool = False

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> _Reply:
        return cls(status=status, body=json.dumps(payload).encode(), headers=dict(headers or {}))


class _Bucket:
    """A token bucket: ``rate`` tokens a second, at most ``capacity`` saved up."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until one token is available (0 when one is available now)."""
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


@dataclass
class _Trigger:
    issued_at: float
    user_id: str | None
    view_id: str | None
    used: bool = False


@dataclass
class _ResponseUrl:
    issued_at: float
    uses: int = 0


@dataclass
class _User:
    id: str
    email: str
    real_name: str
    tz: str
    is_bot: bool
    deleted: bool


@dataclass
class _File:
    id: str
    name: str
    length: int
    alt_txt: str | None
    snippet_type: str | None
    content: bytes | None = None
    title: str | None = None
    channels: list[str] = field(default_factory=list)


@dataclass
class _RandomFailures:
    rate: float
    kinds: tuple[str, ...]
    rng: random.Random


def _text_of(obj: Any) -> str | None:
    """The ``text`` of a composition object, or None when it is not one."""
    if isinstance(obj, dict) and isinstance(obj.get("text"), str):
        return obj["text"]
    return None


def _block_elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            found.append(block[key])
    found.extend(el for el in block.get("elements") or [] if isinstance(el, dict))
    return found


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
        except (SlackObjectFormationError, TypeError, ValueError, KeyError, AttributeError) as exc:
            problems.append(f"[ERROR] {exc} [json-pointer:{at}]")
    return list(dict.fromkeys(problems))


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


def view_error(view: Any) -> SlackError | None:
    """Why Slack would refuse this view (``invalid_arguments`` / ``invalid_blocks``), or None."""
    if not isinstance(view, dict):
        return SlackError("invalid_arguments", ["[ERROR] must be an object [json-pointer:/view]"])
    kind = view.get("type")
    if kind not in ("modal", "home"):
        return SlackError(
            "invalid_arguments", [f"[ERROR] unsupported type: {kind} [json-pointer:/view/type]"]
        )
    problems: list[str] = []
    if kind == "modal":
        if _text_of(view.get("title")) is None:
            problems.append("[ERROR] missing required field: title [json-pointer:/view/title]")
        for key in ("title", "submit", "close"):
            if len(_text_of(view.get(key)) or "") > 24:
                problems.append(f"[ERROR] must be less than 25 characters [json-pointer:/view/{key}/text]")
        blocks = view.get("blocks") if isinstance(view.get("blocks"), list) else []
        has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks)
        if has_input and view.get("submit") is None:
            problems.append(
                "[ERROR] must provide a submit property when using input blocks [json-pointer:/view]"
            )
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
    except (SlackObjectFormationError, TypeError, ValueError, KeyError, AttributeError) as exc:
        return SlackError("invalid_arguments", [f"[ERROR] {exc} [json-pointer:/view]"])
    return None


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    kind = content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        decoded = json.loads(body or b"{}")
        if not isinstance(decoded, dict):
            raise SlackError("invalid_json")
        return decoded
    if kind == "multipart/form-data":
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            fields[str(name)] = payload if part.get_filename() else payload.decode()
        return fields
    return dict(parse_qsl(body.decode(), keep_blank_values=True))


def _decode_json_fields(args: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_FIELDS & args.keys():
        value = args[key]
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            try:
                args[key] = json.loads(value)
            except json.JSONDecodeError as exc:
                raise SlackError(f"invalid_{key}_format" if key == "blocks" else "invalid_arguments") from exc
    return args


def dm_channel_id(user_id: str) -> str:
    """The stable id of the app's DM with a user (the same for every fake, so logs line up)."""
    return "D" + hashlib.sha1(user_id.encode()).hexdigest()[:10].upper()


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 makes bursts of concurrent clients wait a second for SYN retries

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 15
    wbufsize = 64 * 1024  # headers and body leave in one write: no Nagle/delayed-ACK stalls on keep-alive
    disable_nagle_algorithm = True
    server: _Server

    def do_POST(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        reply = self.server.fake._route(parts.path, parts.query, self.headers, body)
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests assert on recorded calls instead."""


class FakeSlack:
    """The Slack Web API on 127.0.0.1, recording every call and keeping Slack-shaped state.

    Known tokens survive :meth:`reset`; everything else (users, channels, calls, messages, views, DMs,
    files, triggers, response URLs, rate budgets, injected failures) is forgotten.
    """

    def __init__(
        self,
        *,
        tokens: Iterable[str] = ("xoxb-test",),
        clock: Callable[[], float] = time.monotonic,
        enforce_tiers: bool = False,
        workspace_rate_per_sec: float | None = None,
        workspace_burst: float | None = None,
        channel_rate_per_sec: float = 1.0,
        channel_burst: float = 3,
        slow_seconds: float = 2.0,
        team_id: str = "T0001",
        team_domain: str = "rounds-demo",
        bot_user_id: str = "UBOT",
        bot_id: str = "B0001",
        app_id: str = "A0001",
        ts_base: int = 1_700_000_000,
    ) -> None:
        self.clock = clock
        self.enforce_tiers = enforce_tiers
        self.workspace_rate_per_sec = workspace_rate_per_sec
        self.workspace_burst = workspace_burst
        self.channel_rate_per_sec = channel_rate_per_sec
        self.channel_burst = channel_burst
        self.slow_seconds = slow_seconds
        self.team_id = team_id
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self._ts_base = ts_base
        self._lock = threading.RLock()
        self._tokens: set[str] = set(tokens)
        self._users: dict[str, _User] = {}
        self._channels: dict[str, str] = {}
        self._counter = itertools.count(1)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "auth.test": self._auth_test,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "conversations.open": self._conversations_open,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }
        self._clear_state()

    def _clear_state(self) -> None:
        self._calls: list[Call] = []
        self._queued_failures: dict[str, deque[str]] = {}
        self._random_failures: dict[str | None, _RandomFailures] = {}
        self._messages: dict[str, dict[str, dict[str, Any]]] = {}
        self._ephemerals: list[dict[str, Any]] = []
        self._dms: dict[str, str] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self._homes: dict[str, str] = {}
        self._files: dict[str, _File] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._response_urls: dict[str, _ResponseUrl] = {}
        self._responses: list[tuple[str, dict[str, Any]]] = []
        self._buckets: dict[tuple[str, str], _Bucket] = {}
        self._rate_limited = 0

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeSlack:
        if self._server is None:
            self._server = _Server(self)
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                name="fake-slack",
                kwargs={"poll_interval": 0.05},
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = None
            self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running fake."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started; use start() or a with block")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """The ``base_url`` to give ``slack_sdk.WebClient``; it appends the method name."""
        return f"{self.base_url}/api/"

    # ----------------------------------------------------------------- configuration

    def add_token(self, token: str) -> None:
        with self._lock:
            self._tokens.add(token)

    def add_user(
        self,
        user_id: str,
        *,
        email: str,
        real_name: str,
        tz: str = "America/Chicago",
        is_bot: bool = False,
        deleted: bool = False,
    ) -> None:
        ZoneInfo(tz)  # fail early on a time zone Slack would never report
        with self._lock:
            self._users[user_id] = _User(user_id, email, real_name, tz, is_bot, deleted)

    def add_channel(self, channel_id: str, name: str) -> None:
        with self._lock:
            self._channels[channel_id] = name.lstrip("#")

    def fail(self, method: str, *, kind: str, times: int = 1) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``kind`` (see FAILURE_KINDS)."""
        self._check_kinds([kind])
        with self._lock:
            self._queued_failures.setdefault(method, deque()).extend([kind] * times)

    def fail_randomly(
        self,
        method: str | None = None,
        *,
        rate: float = 0.2,
        kinds: Iterable[str] = ("429", "500"),
        seed: int = 1,
    ) -> None:
        """Fail a share ``rate`` of the calls of ``method`` (all methods when None), reproducibly."""
        chosen = tuple(kinds)
        self._check_kinds(chosen)
        if not 0 <= rate <= 1:
            raise ValueError(f"rate must be between 0 and 1, got {rate}")
        with self._lock:
            self._random_failures[method] = _RandomFailures(rate, chosen, random.Random(seed))

    def clear_failures(self) -> None:
        with self._lock:
            self._queued_failures.clear()
            self._random_failures.clear()

    def reset(self, *, keep_directory: bool = False) -> None:
        """Forget calls, injected failures and everything the API created, so tests sharing one server
        stay independent. Users and channels go too unless ``keep_directory``; tokens always stay."""
        with self._lock:
            self._clear_state()
            if not keep_directory:
                self._users.clear()
                self._channels.clear()

    @staticmethod
    def _check_kinds(kinds: Iterable[str]) -> None:
        unknown = set(kinds) - FAILURE_KINDS
        if unknown:
            raise ValueError(f"unknown failure kinds {sorted(unknown)}; use {sorted(FAILURE_KINDS)}")

    # ----------------------------------------------------------------- what tests read

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    @property
    def rate_limited_count(self) -> int:
        """How many calls were answered 429 (limits and injected "429" alike)."""
        with self._lock:
            return self._rate_limited

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Stored messages (latest content after updates), oldest first, each with its ``channel``."""
        with self._lock:
            channels = [channel] if channel is not None else list(self._messages)
            found = [m for c in channels for m in self._messages.get(c, {}).values()]
            return copy.deepcopy(sorted(found, key=lambda m: float(m["ts"])))

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        with self._lock:
            return copy.deepcopy(self._messages.get(channel, {}).get(ts))

    def ephemerals(self, channel: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return copy.deepcopy([e for e in self._ephemerals if channel in (None, e["channel"])])

    def dm_channel_for(self, user_id: str) -> str | None:
        """The DM channel id opened with ``user_id``, or None if no DM was ever opened."""
        with self._lock:
            return self._dms.get(user_id)

    def published_home(self, user_id: str) -> dict[str, Any] | None:
        with self._lock:
            view_id = self._homes.get(user_id)
            return copy.deepcopy(self._views[view_id]) if view_id else None

    def open_views(self) -> list[dict[str, Any]]:
        """Modals opened or pushed, in order, with their latest content."""
        with self._lock:
            return copy.deepcopy([v for v in self._views.values() if v["type"] == "modal"])

    def view(self, view_id: str) -> dict[str, Any] | None:
        with self._lock:
            return copy.deepcopy(self._views.get(view_id))

    def uploaded_files(self) -> list[dict[str, Any]]:
        """Files whose upload was completed: id, name, title, size, content bytes and channels."""
        with self._lock:
            return [self._file_dict(f) | {"content": f.content} for f in self._files.values() if f.title]

    def responses(self, url: str | None = None) -> list[dict[str, Any]]:
        """JSON bodies posted to response URLs (all of them, or to ``url``), in arrival order."""
        with self._lock:
            return copy.deepcopy([body for u, body in self._responses if url in (None, u)])

    # ----------------------------------------------------------------- interaction helpers

    def new_trigger_id(self, *, user_id: str | None = None, view_id: str | None = None) -> str:
        """A trigger id valid for 3 seconds and one use, as Slack hands out with each interaction.

        ``view_id`` ties it to the modal the interaction came from, so ``views.push`` stacks on it.
        """
        with self._lock:
            n = next(self._counter)
            trigger_id = f"{self._ts_base + n}.{738474920 + n}.{secrets.token_hex(16)}"
            self._triggers[trigger_id] = _Trigger(self.clock(), user_id, view_id)
            return trigger_id

    def new_response_url(self) -> str:
        """A response URL on the fake; up to 5 posts within 30 minutes, as Slack allows."""
        with self._lock:
            key = f"{self.team_id}/{next(self._counter)}/{secrets.token_hex(12)}"
            self._response_urls[key] = _ResponseUrl(self.clock())
            return f"{self.base_url}/response/{key}"

    # ----------------------------------------------------------------- HTTP routing

    def _route(self, path: str, query: str, headers: Message, body: bytes) -> _Reply:
        try:
            if path.startswith("/api/"):
                return self._serve_api(path.removeprefix("/api/"), query, headers, body)
            if path.startswith("/upload/"):
                return self._serve_upload(path.removeprefix("/upload/"), headers, body)
            if path.startswith("/response/"):
                return self._serve_response(path.removeprefix("/response/"), body)
            return _Reply(status=404, body=b"Not Found", content_type="text/plain")
        except Exception:
            log.exception("fake Slack failed on %s", path)
            return _Reply.json({"ok": False, "error": "fatal_error"}, status=500)

    def _serve_api(self, method: str, query: str, headers: Message, body: bytes) -> _Reply:
        at = self.clock()
        try:
            args = dict(parse_qsl(query, keep_blank_values=True))
            args.update(_parse_body(headers.get("Content-Type") or "", body))
            _decode_json_fields(args)
        except (SlackError, ValueError) as exc:
            error = exc.error if isinstance(exc, SlackError) else "invalid_form_data"
            self._record(Call(method, None, {}, at, "error", 200, error))
            return _Reply.json({"ok": False, "error": error})
        form_token = args.pop("token", None)
        auth = headers.get("Authorization") or ""
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else form_token

        injected = self._draw_failure(method)
        if injected in ("429", "500", "503", "drop"):
            return self._injected_reply(Call(method, token, args, at, injected=injected))
        if injected == "slow":
            time.sleep(self.slow_seconds)

        with self._lock:
            try:
                answer = self._handle(method, token, args)
            except SlackError as exc:
                outcome = "ratelimited" if exc.status == 429 else "error"
                if exc.status == 429:
                    self._rate_limited += 1
                self._record(Call(method, token, args, at, outcome, exc.status, exc.error, injected))
                return _Reply.json(exc.body(), status=exc.status, headers=exc.headers)
            if injected == "drop_after":
                self._record(Call(method, token, args, at, "response_lost", 0, None, injected))
                return _Reply(drop=True)
            self._record(Call(method, token, args, at, "ok", 200, None, injected))
            return _Reply.json({"ok": True, **answer})

    def _draw_failure(self, method: str) -> str | None:
        with self._lock:
            queued = self._queued_failures.get(method)
            if queued:
                return queued.popleft()
            spec = self._random_failures.get(method) or self._random_failures.get(None)
            if spec and spec.rng.random() < spec.rate:
                return spec.rng.choice(spec.kinds)
            return None

    def _injected_reply(self, call: Call) -> _Reply:
        kind = call.injected
        with self._lock:
            if kind == "drop":
                self._record(replace(call, outcome="dropped", status=0))
                return _Reply(drop=True)
            if kind == "429":
                self._rate_limited += 1
                self._record(replace(call, outcome="ratelimited", status=429, error="ratelimited"))
                return _Reply.json(
                    {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": "1"}
                )
            status = int(str(kind))
            self._record(replace(call, outcome="server_error", status=status))
            title = _HTML_ERRORS[status]
            page = f"<html><head><title>{status} {title}</title></head><body><h1>{title}</h1></body></html>"
            return _Reply(status=status, body=page.encode(), content_type="text/html; charset=utf-8")

    def _record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    def _handle(self, method: str, token: str | None, args: dict[str, Any]) -> dict[str, Any]:
        handler = self._methods.get(method)
        if handler is None:
            raise SlackError("unknown_method")
        if token is None:
            raise SlackError("not_authed")
        if token not in self._tokens:
            raise SlackError("invalid_auth")
        tier = METHOD_TIERS.get(method)
        if self.enforce_tiers and tier is not None:
            per_minute = TIER_PER_MINUTE[tier]
            self._spend([(("method", method), per_minute / 60, per_minute)])
        return handler(args)

    def _spend(self, limits: list[tuple[tuple[str, str], float, float]]) -> None:
        """Take one token from each (key, rate, capacity) bucket, or none at all and answer 429."""
        now = self.clock()
        buckets = []
        for key, rate, capacity in limits:
            if key not in self._buckets:
                self._buckets[key] = _Bucket(rate, capacity, now)
            buckets.append(self._buckets[key])
        wait = max(bucket.wait(now) for bucket in buckets)
        if wait > 0:
            retry_after = max(1, math.ceil(wait))
            raise SlackError("ratelimited", status=429, headers={"Retry-After": str(retry_after)})
        for bucket in buckets:
            bucket.take()

    def _serve_upload(self, file_id: str, headers: Message, body: bytes) -> _Reply:
        content_type = headers.get("Content-Type") or ""
        if content_type.lower().startswith("multipart/form-data"):
            parts = _parse_body(content_type, body)
            body = next((v for v in parts.values() if isinstance(v, bytes)), body)
        with self._lock:
            upload = self._files.get(file_id)
            if upload is None:
                return _Reply(status=404, body=b"file_not_found", content_type="text/plain")
            upload.content = body
        return _Reply(body=f"OK - {len(body)}".encode(), content_type="text/plain; charset=utf-8")

    def _serve_response(self, key: str, body: bytes) -> _Reply:
        with self._lock:
            hook = self._response_urls.get(key)
            if hook is None:
                return _Reply(status=404, body=b"no_service", content_type="text/plain")
            if self.clock() - hook.issued_at > RESPONSE_URL_TTL_SECONDS:
                return _Reply(status=404, body=b"expired_url", content_type="text/plain")
            if hook.uses >= RESPONSE_URL_MAX_USES:
                return _Reply(status=404, body=b"used_url", content_type="text/plain")
            try:
                payload = json.loads(body or b"{}")
            except json.JSONDecodeError:
                return _Reply(status=400, body=b"invalid_payload", content_type="text/plain")
            hook.uses += 1
            self._responses.append((f"{self.base_url}/response/{key}", payload))
        return _Reply.json({"ok": True})

    # ----------------------------------------------------------------- ids and shapes

    def _next_ts(self) -> str:
        micros = next(self._counter) * 100
        return f"{self._ts_base + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _new_hash(self) -> str:
        return f"{self._ts_base + next(self._counter)}.{secrets.token_hex(4)}"

    def _user_dict(self, user: _User) -> dict[str, Any]:
        offset = datetime.now(ZoneInfo(user.tz)).utcoffset()
        name = user.email.split("@")[0]
        return {
            "id": user.id,
            "team_id": self.team_id,
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
                "team": self.team_id,
            },
        }

    def _resolve_channel(self, channel: Any, *, open_dm: bool = True) -> str:
        """A channel id, ``#name``, an opened DM, or a user id (Slack posts to the DM with that user).

        With ``open_dm=False`` a user's DM id is answered without opening it, for calls that may still
        be refused and must then leave no trace.
        """
        if not isinstance(channel, str) or not channel:
            raise SlackError("channel_not_found")
        if channel in self._channels or channel in self._dms.values():
            return channel
        if channel.startswith("#"):
            for channel_id, name in self._channels.items():
                if name == channel[1:]:
                    return channel_id
        user = self._users.get(channel)
        if user is not None and not user.deleted:
            return self._open_dm(channel) if open_dm else dm_channel_id(channel)
        raise SlackError("channel_not_found")

    def _open_dm(self, user_id: str) -> str:
        return self._dms.setdefault(user_id, dm_channel_id(user_id))

    def _file_dict(self, upload: _File) -> dict[str, Any]:
        described = {
            "id": upload.id,
            "name": upload.name,
            "title": upload.title or upload.name,
            "size": len(upload.content) if upload.content is not None else upload.length,
            "mimetype": mimetypes.guess_type(upload.name)[0] or "application/octet-stream",
            "channels": list(upload.channels),
            "user": self.bot_user_id,
        }
        if upload.alt_txt:
            described["alt_txt"] = upload.alt_txt
        return described

    # ----------------------------------------------------------------- methods

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": "Rounds Demo",
            "user": "rounds",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(str(args.get("user", "")))
        if user is None:
            raise SlackError("user_not_found")
        return {"user": self._user_dict(user)}

    def _users_lookup_by_email(self, args: dict[str, Any]) -> dict[str, Any]:
        email = str(args.get("email", "")).strip().lower()
        for user in self._users.values():
            if user.email.lower() == email and not user.deleted:
                return {"user": self._user_dict(user)}
        raise SlackError("users_not_found")

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = args.get("users", "")
        user_ids = users if isinstance(users, list) else [u for u in str(users).split(",") if u]
        if args.get("channel"):
            return {
                "channel": {"id": self._resolve_channel(args["channel"])},
                "no_op": True,
                "already_open": True,
            }
        if len(user_ids) != 1:
            raise SlackError("invalid_arguments" if not user_ids else "not_implemented")
        user = self._users.get(user_ids[0])
        if user is None:
            raise SlackError("user_not_found")
        if user.deleted:
            raise SlackError("user_disabled")
        already = user.id in self._dms
        channel = {"id": self._open_dm(user.id)}
        return {"channel": channel, "no_op": already, "already_open": already}

    def _check_content(self, args: dict[str, Any]) -> None:
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

    def _chat_post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"), open_dm=False)
        limits = [(("channel", channel), self.channel_rate_per_sec, self.channel_burst)]
        if self.workspace_rate_per_sec is not None:
            burst = self.workspace_burst or max(1.0, self.workspace_rate_per_sec)
            limits.append((("workspace", "chat.postMessage"), self.workspace_rate_per_sec, burst))
        self._spend(limits)
        self._check_content(args)
        if args["channel"] in self._users:
            self._open_dm(args["channel"])
        ts = self._next_ts()
        message: dict[str, Any] = {
            "type": "message",
            "subtype": "bot_message",
            "text": str(args.get("text") or ""),
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if args.get(key) is not None:
                message[key] = args[key]
        self._messages.setdefault(channel, {})[ts] = {"channel": channel, **message}
        return {"channel": channel, "ts": ts, "message": copy.deepcopy(message)}

    def _stored_message(self, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        channel = self._resolve_channel(args.get("channel"))
        message = self._messages.get(channel, {}).get(str(args.get("ts", "")))
        if message is None:
            raise SlackError("message_not_found")
        return channel, message

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, message = self._stored_message(args)
        self._check_content({"text": message.get("text"), "blocks": message.get("blocks")} | args)
        for key in ("text", "blocks", "attachments", "metadata"):
            if key in args:
                message[key] = args[key] if key != "text" else str(args[key] or "")
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        shown = {k: v for k, v in message.items() if k != "channel"}
        return {
            "channel": channel,
            "ts": message["ts"],
            "text": message["text"],
            "message": copy.deepcopy(shown),
        }

    def _chat_delete(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, message = self._stored_message(args)
        del self._messages[channel][message["ts"]]
        return {"channel": channel, "ts": message["ts"]}

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._resolve_channel(args.get("channel"))
        user = self._users.get(str(args.get("user", "")))
        if user is None:
            raise SlackError("user_not_found")
        if user.deleted:
            raise SlackError("user_not_in_channel")
        self._check_content(args)
        ts = self._next_ts()
        ephemeral = {"channel": channel, "user": user.id, "ts": ts, "text": str(args.get("text") or "")}
        if args.get("blocks") is not None:
            ephemeral["blocks"] = args["blocks"]
        self._ephemerals.append(ephemeral)
        return {"message_ts": ts}

    def _use_trigger(self, trigger_id: Any) -> _Trigger:
        trigger = self._triggers.get(str(trigger_id or ""))
        if trigger is None:
            raise SlackError("invalid_trigger_id")
        if trigger.used or self.clock() - trigger.issued_at > TRIGGER_TTL_SECONDS:
            raise SlackError("expired_trigger_id")
        return trigger

    def _valid_view(self, view: Any, *, kind: str | None = None) -> dict[str, Any]:
        problem = view_error(view)
        if problem is not None:
            raise problem
        if kind is not None and view["type"] != kind:
            raise SlackError("invalid_arguments", [f"[ERROR] type must be {kind} [json-pointer:/view/type]"])
        external_id = view.get("external_id")
        if external_id and any(v["external_id"] == external_id for v in self._views.values()):
            raise SlackError("duplicate_external_id")
        return view

    def _store_view(self, view: dict[str, Any], *, previous: dict[str, Any] | None = None) -> dict[str, Any]:
        view_id = f"V{next(self._counter):08d}"
        stored = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": self._new_hash(),
            "title": view.get("title"),
            "clear_on_close": _flag(view.get("clear_on_close", False)),
            "notify_on_close": _flag(view.get("notify_on_close", False)),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": previous["id"] if previous else None,
            "root_view_id": previous["root_view_id"] if previous else view_id,
            "app_id": self.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        self._views[view_id] = stored
        return stored

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        trigger = self._use_trigger(args.get("trigger_id"))
        view = self._valid_view(args.get("view"), kind="modal")
        trigger.used = True
        return {"view": copy.deepcopy(self._store_view(view))}

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        trigger = self._use_trigger(args.get("trigger_id"))
        view = self._valid_view(args.get("view"), kind="modal")
        trigger.used = True
        previous = self._views.get(trigger.view_id or "")
        return {"view": copy.deepcopy(self._store_view(view, previous=previous))}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view_id, external_id = args.get("view_id"), args.get("external_id")
        if view_id:
            current = self._views.get(str(view_id))
        else:
            current = next(
                (v for v in self._views.values() if external_id and v["external_id"] == external_id), None
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
        current["hash"] = self._new_hash()
        return {"view": copy.deepcopy(current)}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        user_id = str(args.get("user_id", ""))
        if user_id not in self._users:
            raise SlackError("user_not_found")
        previous_id = self._homes.get(user_id)
        if args.get("hash") and previous_id and args["hash"] != self._views[previous_id]["hash"]:
            raise SlackError("hash_conflict")
        view = self._valid_view(args.get("view"), kind="home")
        if previous_id:
            del self._views[previous_id]
        stored = self._store_view(view)
        self._homes[user_id] = stored["id"]
        return {"view": copy.deepcopy(stored)}

    def _files_get_upload_url(self, args: dict[str, Any]) -> dict[str, Any]:
        filename = args.get("filename")
        try:
            length = int(args.get("length", ""))
        except ValueError as exc:
            raise SlackError("invalid_arguments", ["[ERROR] length must be an integer"]) from exc
        if not filename or length < 1:
            raise SlackError("invalid_arguments")
        file_id = f"F{next(self._counter):08d}"
        self._files[file_id] = _File(
            file_id, str(filename), length, args.get("alt_txt"), args.get("snippet_type")
        )
        return {"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, args: dict[str, Any]) -> dict[str, Any]:
        wanted = args.get("files")
        if not isinstance(wanted, list) or not wanted:
            raise SlackError("invalid_arguments")
        uploads = []
        for entry in wanted:
            upload = self._files.get(str(entry.get("id", ""))) if isinstance(entry, dict) else None
            if upload is None or upload.content is None:
                raise SlackError("file_not_found")
            uploads.append((upload, entry))
        channels = [c for c in str(args.get("channels") or "").split(",") if c]
        if args.get("channel_id"):
            channels.insert(0, str(args["channel_id"]))
        channel_ids = [self._resolve_channel(c) for c in channels]
        for upload, entry in uploads:
            upload.title = str(entry.get("title") or upload.name)
            upload.channels.extend(channel_ids)
        shared = [self._file_dict(upload) for upload, _ in uploads]
        for channel in channel_ids:
            ts = self._next_ts()
            self._messages.setdefault(channel, {})[ts] = {
                "channel": channel,
                "type": "message",
                "subtype": "file_share",
                "text": str(args.get("initial_comment") or ""),
                "user": self.bot_user_id,
                "bot_id": self.bot_id,
                "ts": ts,
                "files": copy.deepcopy(shared),
                **({"thread_ts": args["thread_ts"]} if args.get("thread_ts") else {}),
            }
        return {"files": shared}
