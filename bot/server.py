"""The HTTP endpoint: `POST /slack/events` for everything Slack sends, `GET /healthz` and `GET /metrics`
for the platform, and (multi-workspace mode) `GET /slack/install` and `GET /slack/oauth_redirect` for
Bolt's OAuth flow."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from bot import health, slack_http
from bot.app import RoundsApp
from bot.metrics import CONTENT_TYPE, Metrics
from bot.process import REQUEST_THREADS
from workflows.db import make_sessions


def build_server(
    *,
    app: App,
    engine: Engine,
    on_shutdown: Callable[[], None] | None = None,
    request_threads: int = REQUEST_THREADS,
) -> FastAPI:
    """The ASGI app; `on_shutdown` runs (in a thread) when the server stops gracefully, after the last
    request was answered: a serving process's delivery worker stops there. At most `request_threads`
    Slack requests are dispatched at once; the others queue."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if on_shutdown is not None:
            await run_in_threadpool(on_shutdown)

    server = FastAPI(title="Rounds", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)

    verifier = _verifier(app)
    turns = asyncio.Semaphore(request_threads)
    metrics = app.metrics if isinstance(app, RoundsApp) else Metrics()
    metrics.watch_database(make_sessions(engine))

    def refused(refusal: slack_http.Refusal, started: float) -> Response:
        """Refused before Bolt: logged, and counted as rejected (413, 401) or malformed (400)."""
        metrics.observe_request(
            {}, status=401 if refusal.status != 400 else 400, seconds=time.perf_counter() - started
        )
        return _refused(refusal, started)

    @server.post("/slack/events")
    async def slack_events(request: Request) -> Response:
        started = time.perf_counter()
        body = await slack_http.read_body(request)
        if isinstance(body, slack_http.Refusal):
            return refused(body, started)
        refusal = slack_http.check_signed(verifier, body, request.headers)
        signed = refusal if refusal is not None else slack_http.parse_signed(body, request.headers.get("content-type"))
        if isinstance(signed, slack_http.Refusal):
            return refused(signed, started)
        # Bolt's dispatch runs the listener to its end; keep it off the event loop, a few at a time.
        async with turns:
            bolt_response = await run_in_threadpool(app.dispatch, slack_http.bolt_request(request, signed))
        return to_starlette_response(bolt_response)

    flow = app.oauth_flow
    if flow is not None:
        # Bolt's OAuth flow serves both (the state cookie included); it calls the database and Slack, so it
        # runs off the event loop.
        @server.get(flow.install_path)
        async def slack_install(request: Request) -> Response:
            page = await run_in_threadpool(flow.handle_installation, to_bolt_request(request, b""))
            return to_starlette_response(page)

        @server.get(flow.redirect_uri_path)
        async def slack_oauth_redirect(request: Request) -> Response:
            page = await run_in_threadpool(flow.handle_callback, to_bolt_request(request, b""))
            return to_starlette_response(page)

    @server.get("/healthz")
    def healthz() -> JSONResponse:
        """Database, schema, outbox backlog and worker heartbeat; 503 when the database or schema is not
        usable. An old heartbeat is reported, not failed: see bot/health.py."""
        report = health.check(engine, now=datetime.now(UTC))
        return JSONResponse(report.as_json(), status_code=200 if report.ok else 503)

    @server.get("/metrics")
    def prometheus() -> Response:
        """Prometheus' text format: request latency here, outbox and job figures from the database."""
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    return server


def _refused(refusal: slack_http.Refusal, started: float) -> Response:
    """The refusal as an HTTP answer; after a 413 the connection closes, so the rest is never read."""
    slack_http.log_refusal(refusal, started=started)
    headers = {"Connection": "close"} if refusal.status == 413 else None
    return Response(slack_http.refusal_body(refusal), refusal.status, headers, media_type="application/json")


def _verifier(app: App) -> SignatureVerifier:
    """The signature check Bolt itself runs, done first on the raw bytes (Bolt keeps the secret as set)."""
    return SignatureVerifier(app._signing_secret)  # Bolt has no public accessor
