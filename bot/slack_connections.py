"""Web API calls over kept-alive connections.

slack_sdk's ``WebClient`` sends each call through ``urllib``, which opens a new TCP (and TLS) connection and
closes it after the answer. ``KeptAliveWebClient`` sends the same request, headers and body over an HTTP/1.1
connection borrowed from a ``ConnectionPool`` and handed back afterwards, so the next call, from any thread,
skips the handshakes. Everything above the socket stays slack_sdk's: retries, rate-limit handling, errors.
"""

from __future__ import annotations

import io
import select
import threading
from http.client import HTTPConnection, HTTPSConnection
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient

Origin = tuple[str, str, int]  # scheme, host, port


class ConnectionPool:
    """Idle connections per origin, shared by threads: a call borrows one (or opens one) and gives it back
    when the answer was read and the server keeps it open. At most ``max_idle`` wait per origin."""

    def __init__(self, *, max_idle: int = 16) -> None:
        self.max_idle = max_idle
        self.opened = 0  # connections opened so far, for the curious (and the tests)
        self._lock = threading.Lock()
        self._idle: dict[Origin, list[HTTPConnection]] = {}

    def borrow(self, origin: Origin, *, timeout: float, context: Any) -> HTTPConnection:
        while True:
            with self._lock:
                idle = self._idle.get(origin)
                connection = idle.pop() if idle else None
            if connection is None:
                break
            if _still_open(connection):
                connection.timeout = timeout
                if connection.sock is not None:
                    connection.sock.settimeout(timeout)
                return connection
            connection.close()
        scheme, host, port = origin
        with self._lock:
            self.opened += 1
        if scheme == "https":
            return HTTPSConnection(host, port, timeout=timeout, context=context)
        return HTTPConnection(host, port, timeout=timeout)

    def give_back(self, origin: Origin, connection: HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(origin, [])
            if len(idle) < self.max_idle:
                idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            idle = [c for connections in self._idle.values() for c in connections]
            self._idle.clear()
        for connection in idle:
            connection.close()


def _still_open(connection: HTTPConnection) -> bool:
    """An idle connection the server has not closed meanwhile: nothing is waiting to be read on it (a
    closed one reads as end of file at once)."""
    sock = connection.sock
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


class KeptAliveWebClient(WebClient):
    """slack_sdk's client, its HTTP layer swapped for pooled keep-alive connections (thread-safe: each
    call has a connection to itself). Clients made with ``sharing`` use the same pool."""

    def __init__(self, *args: Any, pool: ConnectionPool | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pool = pool if pool is not None else ConnectionPool()

    def sharing(self, *, token: str | None, team_id: str | None = None) -> KeptAliveWebClient:
        """A client like this one, for another token or team, over the same connections."""
        return KeptAliveWebClient(
            token=token,
            base_url=self.base_url,
            timeout=self.timeout,
            ssl=self.ssl,
            proxy=self.proxy,
            headers=dict(self.headers),
            team_id=team_id,
            logger=self._logger,
            retry_handlers=list(self.retry_handlers),
            pool=self.pool,
        )

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        parts = urlsplit(url)
        if self.proxy is not None or parts.scheme not in ("http", "https") or not parts.hostname:
            return super()._perform_urllib_http_request_internal(url, req)
        origin = (parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection = self.pool.borrow(origin, timeout=self.timeout, context=self.ssl)
        try:
            try:
                connection.request(req.get_method(), path, body=req.data, headers=dict(req.header_items()))
            except OSError as error:  # as urllib reports a request it could not send
                raise URLError(error) from error
            answer = connection.getresponse()
            body = answer.read()
        except BaseException:
            connection.close()
            raise
        if answer.will_close:
            connection.close()
        else:
            self.pool.give_back(origin, connection)
        headers = answer.headers
        if not 200 <= answer.status < 300:  # urllib raises these; slack_sdk reads status and body from it
            raise HTTPError(url, answer.status, answer.reason, headers, io.BytesIO(body))
        if headers.get_content_type() == "application/gzip":
            return {"status": answer.status, "headers": headers, "body": body}
        charset = headers.get_content_charset() or "utf-8"
        return {"status": answer.status, "headers": headers, "body": body.decode(charset)}
