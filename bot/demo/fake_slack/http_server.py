"""The threaded HTTP server on loopback, and request bodies decoded the way Slack reads them.

The server knows nothing of Slack: it hands (path, query, headers, body) to a route and writes back
the :class:`Reply`, or closes the connection without a word when the reply says to drop it.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.demo.fake_slack.rules import SlackError

# Form fields that slack_sdk sends as JSON strings; decoded so tests see Python structures.
JSON_FIELDS = frozenset({"blocks", "view", "attachments", "files", "metadata"})

_HTML_ERRORS = {
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class Reply:
    """What to answer one request with; ``drop`` closes the connection instead."""

    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: Mapping[str, str] = field(default_factory=dict)
    drop: bool = False

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
        return cls(status=status, body=json.dumps(payload).encode(), headers=dict(headers or {}))

    @classmethod
    def text(cls, body: str, status: int = 200, content_type: str = "text/plain") -> Reply:
        return cls(status=status, body=body.encode(), content_type=content_type)

    @classmethod
    def html_error(cls, status: int) -> Reply:
        """The HTML page Slack's load balancers answer a 5xx with (not JSON, so clients must cope)."""
        title = _HTML_ERRORS[status]
        page = f"<html><head><title>{status} {title}</title></head><body><h1>{title}</h1></body></html>"
        return cls(status=status, body=page.encode(), content_type="text/html; charset=utf-8")


Route = Callable[[str, str, Message, bytes], Reply]


def parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """A JSON, multipart or url-encoded body as a dict; file parts stay bytes."""
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


def decode_json_fields(args: dict[str, Any]) -> dict[str, Any]:
    """Decode the form fields that hold JSON, failing with the error Slack gives for each."""
    for key in JSON_FIELDS & args.keys():
        value = args[key]
        if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
            try:
                args[key] = json.loads(value)
            except json.JSONDecodeError as exc:
                raise SlackError(f"invalid_{key}_format" if key == "blocks" else "invalid_arguments") from exc
    return args


class LoopbackServer(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 and a free port, serving ``route`` from a daemon thread. Like Slack's, it
    keeps a connection open for the client's next request (HTTP/1.1); ``connections`` counts those accepted."""

    daemon_threads = True
    request_queue_size = 256  # the default 5 makes bursts of concurrent clients wait a second for SYN retries

    def __init__(self, route: Route) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.route = route
        self.connections = 0
        self._count_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._count_lock:
            self.connections += 1
        super().process_request(request, client_address)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> LoopbackServer:
        self._thread = threading.Thread(
            target=self.serve_forever,
            name="fake-slack",
            kwargs={"poll_interval": 0.05},
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 15
    wbufsize = 64 * 1024  # headers and body leave in one write: no Nagle/delayed-ACK stalls on keep-alive
    disable_nagle_algorithm = True
    server: LoopbackServer

    def do_POST(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        reply = self.server.route(parts.path, parts.query, self.headers, body)
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
