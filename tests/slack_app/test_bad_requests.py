"""Bad requests to `/slack/events` are refused cheaply: 413 before buffering, 401 before parsing, then 400.

An attacker's script sends what it likes. A body over Slack's size is refused from its Content-Length or
while it streams in; an unsigned or stale request is 401 whatever it holds; a signed but malformed one is
400; none of them writes anything, calls Slack, or logs a traceback.
"""

from __future__ import annotations

import json
import logging
import select
import socket
import time
import tracemalloc
from collections.abc import Iterator
from urllib.parse import urlencode, urlsplit

import pytest

from bot.demo.slack_requests import SlackRequestSigner, block_actions_payload, view_submission_payload
from bot.slack_http import MAX_BODY_BYTES
from tests.conftest import SIGNING_SECRET
from tests.roster_factory import load_small_roster

FORM = "application/x-www-form-urlencoded"
SAFETY_NET = 60.0  # seconds; never reached when the server behaves


def _form(payload: object) -> bytes:
    return urlencode({"payload": payload if isinstance(payload, str) else json.dumps(payload)}).encode()


_NO_USER = block_actions_payload("U1", [{"action_id": "x", "type": "button"}], "1.2.3")
_NO_USER.pop("user")
_NO_ACTIONS = block_actions_payload("U1", [], "1.2.3")
_NO_ACTIONS.pop("actions")
_NO_VIEW = view_submission_payload("U1", {"callback_id": "walkthrough_modal"}, {}, "1.2.3")
_NO_VIEW.pop("view")
_STRING_USER = block_actions_payload("U1", [{"action_id": "x", "type": "button"}], "1.2.3") | {"user": "U1"}

MALFORMED: dict[str, tuple[bytes, str]] = {
    "invalid JSON in payload=": (_form("{not json"), FORM),
    "a JSON list in payload=": (_form([1, 2, 3]), FORM),
    "a JSON string in payload=": (_form('"hello"'), FORM),
    "a JSON list body": (b"[1, 2, 3]", "application/json"),
    "a JSON string body": (b'"event_callback"', "application/json"),
    "invalid JSON body": (b'{"type": "event_callback", ', "application/json"),
    "non-UTF-8 bytes": (b"payload=\xff\xfe\xfa" + bytes(range(128, 160)), FORM),
    "block_actions without user": (_form(_NO_USER), FORM),
    "block_actions without actions": (_form(_NO_ACTIONS), FORM),
    "block_actions whose user is a string": (_form(_STRING_USER), FORM),
    "view_submission without view": (_form(_NO_VIEW), FORM),
    "an event without its event": (
        json.dumps({"type": "event_callback", "team_id": "T0001"}).encode(),
        "application/json",
    ),
    "app_home_opened without user": (
        json.dumps({"type": "event_callback", "event": {"type": "app_home_opened"}}).encode(),
        "application/json",
    ),
}


@pytest.fixture
def every_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Every log record, uvicorn's own "Exception in ASGI application" included (it does not propagate)."""
    caplog.set_level(logging.DEBUG)
    uvicorn_error = logging.getLogger("uvicorn.error")
    uvicorn_error.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        uvicorn_error.removeHandler(caplog.handler)


def _slack_asked(slack) -> list[str]:
    """What the app asked Slack, beyond the auth.test Bolt makes once when the app is built."""
    return [c.method for c in slack.calls if c.method != "auth.test"]


def _no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    with_trace = [r.getMessage() for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert with_trace == []


@pytest.mark.parametrize("case", list(MALFORMED))
def test_a_signed_malformed_body_is_400_without_a_traceback(rounds, sessions, slack, every_log, case):
    load_small_roster(sessions)
    body, content_type = MALFORMED[case]
    headers = SlackRequestSigner(SIGNING_SECRET).sign(body, content_type=content_type)

    response = rounds.http.post("/slack/events", content=body, headers=headers)

    assert response.status_code == 400, response.text
    _no_traceback(every_log)
    assert _slack_asked(slack) == []
    assert any("status=400" in r.getMessage() for r in every_log.records if r.name == "rounds.slack")


@pytest.mark.parametrize("case", list(MALFORMED))
@pytest.mark.parametrize("signing", ["unsigned", "forged", "stale"])
def test_an_unsigned_or_stale_request_is_401_whatever_its_body(rounds, slack, every_log, case, signing):
    body, content_type = MALFORMED[case]
    if signing == "unsigned":
        headers = {"Content-Type": content_type}
    elif signing == "forged":
        headers = SlackRequestSigner("not-the-secret").sign(body, content_type=content_type)
    else:
        stale = int(time.time()) - 6 * 60
        headers = SlackRequestSigner(SIGNING_SECRET).sign(body, stale, content_type=content_type)

    response = rounds.http.post("/slack/events", content=body, headers=headers)

    assert response.status_code == 401
    _no_traceback(every_log)
    assert _slack_asked(slack) == []


def _connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
    sock.settimeout(SAFETY_NET)  # only so an old server that waits for the whole body fails, not hangs
    return sock


def _read_response(sock: socket.socket) -> bytes:
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass  # the server closed on an upload it will not read; what it answered first is kept
    return received


def test_a_declared_huge_body_is_refused_before_any_of_it_is_sent(rounds, slack):
    """An unsigned 300 MB POST: the answer comes from the headers alone, not one byte of the body read."""
    sock = _connect(rounds.url)
    with sock:
        sock.sendall(
            b"POST /slack/events HTTP/1.1\r\nHost: rounds\r\nContent-Type: application/json\r\n"
            b"Content-Length: 300000000\r\n\r\n"
        )
        answer = _read_response(sock)

    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"request too large" in answer
    assert _slack_asked(slack) == []


def test_a_huge_streamed_body_is_cut_off_at_the_limit_without_buffering_it(rounds, slack):
    """A chunked upload of 128 MB with no Content-Length: the server stops reading and answers 413.

    Deterministic, no timing: the client sends only while the server has not answered (select), and
    counts what it managed to send; the app's Python allocations are traced while it happens.
    """
    offered = 128 * 1024 * 1024
    chunk = b"%x\r\n" % (64 * 1024) + b"a" * (64 * 1024) + b"\r\n"
    sock = _connect(rounds.url)
    sent = 0
    tracemalloc.start()
    try:
        with sock:
            sock.sendall(
                b"POST /slack/events HTTP/1.1\r\nHost: rounds\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            pending = memoryview(chunk)
            while sent < offered:
                readable, writable, _ = select.select([sock], [sock], [], SAFETY_NET)
                assert readable or writable, "the server neither read nor answered"
                if readable:
                    break  # the server has answered
                try:
                    n = sock.send(pending)
                except (BrokenPipeError, ConnectionResetError):
                    break
                sent += n
                pending = pending[n:] or memoryview(chunk)
            answer = _read_response(sock)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert answer.startswith(b"HTTP/1.1 413 "), answer[:100]
    # What was sent: the limit plus what the kernel's socket buffers took in, never the 128 MB offered.
    assert sent < offered // 2
    assert peak < 4 * MAX_BODY_BYTES, f"peak {peak:,} bytes"
    assert _slack_asked(slack) == []


def test_a_body_just_over_the_limit_is_413_and_one_within_it_reaches_the_app(rounds, slack):
    signer = SlackRequestSigner(SIGNING_SECRET)
    over = b'{"type": "event_callback", "pad": "' + b"x" * MAX_BODY_BYTES + b'"}'
    assert rounds.http.post("/slack/events", content=over, headers=signer.sign(over)).status_code == 413

    body, headers = signer.url_verification("challenge-accepted")
    response = rounds.http.post("/slack/events", content=body, headers=headers)
    assert response.status_code == 200
    assert "challenge-accepted" in response.text
