"""The HTTP endpoint: `POST /slack/events` for everything Slack sends, `GET /healthz` for the platform, and
(multi-workspace mode) `GET /slack/install` and `GET /slack/oauth_redirect` for Bolt's OAuth flow."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool

# Slack's payloads are a few kilobytes; anything far larger is not from Slack.
MAX_BODY_BYTES = 1_000_000


def build_server(*, app: App, engine: Engine) -> FastAPI:
    server = FastAPI(title="Rounds", docs_url=None, redoc_url=None, openapi_url=None)

    @server.post("/slack/events")
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": "request too large"}, status_code=413)
        # Bolt's dispatch blocks until the listener acknowledges; keep it off the event loop.
        bolt_response = await run_in_threadpool(app.dispatch, to_bolt_request(request, body))
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
        try:
            with engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:  # any failure to reach the database is "unhealthy"
            return JSONResponse({"ok": False, "database": type(error).__name__}, status_code=503)
        return JSONResponse({"ok": True})

    return server
