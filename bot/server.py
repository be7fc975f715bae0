"""The HTTP endpoint: `POST /slack/events` for everything Slack sends, `GET /healthz` for the platform."""

from __future__ import annotations

import time

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool

from bot import slack_http


def build_server(*, app: App, engine: Engine) -> FastAPI:
    server = FastAPI(title="Rounds", docs_url=None, redoc_url=None, openapi_url=None)

    verifier = _verifier(app)

    @server.post("/slack/events")
    async def slack_events(request: Request) -> Response:
        started = time.perf_counter()
        body = await slack_http.read_body(request)
        if isinstance(body, slack_http.Refusal):
            return _refused(body, started)
        refusal = slack_http.check_signed(verifier, body, request.headers) or slack_http.check_shape(
            body, request.headers.get("content-type")
        )
        if refusal is not None:
            return _refused(refusal, started)
        # Bolt's dispatch blocks until the listener acknowledges; keep it off the event loop.
        bolt_response = await run_in_threadpool(app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)

    @server.get("/healthz")
    def healthz() -> JSONResponse:
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:  # any failure to reach the database is "unhealthy"
            return JSONResponse({"ok": False, "database": type(error).__name__}, status_code=503)
        return JSONResponse({"ok": True})

    return server


def _refused(refusal: slack_http.Refusal, started: float) -> Response:
    """The refusal as an HTTP answer; after a 413 the connection closes, so the rest is never read."""
    slack_http.log_refusal(refusal, started=started)
    headers = {"Connection": "close"} if refusal.status == 413 else None
    return Response(slack_http.refusal_body(refusal), refusal.status, headers, media_type="application/json")


def _verifier(app: App) -> SignatureVerifier:
    """The signature check Bolt itself runs, done first on the raw bytes (Bolt keeps the secret as set)."""
    return SignatureVerifier(app._signing_secret)  # Bolt has no public accessor
