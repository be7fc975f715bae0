"""The Web API client, pointed at SLACK_API_URL (Slack itself, or the fake in tests and demos), over
kept-alive connections (bot/slack_connections.py)."""

from __future__ import annotations

from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings
from bot.slack_connections import KeptAliveWebClient


def make_client(settings: Settings, *, token: str | None = None) -> KeptAliveWebClient:
    """A client that waits out HTTP 429 (Retry-After) and retries 5xx and dropped connections a few times."""
    return _client(settings, token if token is not None else settings.secret("slack_bot_token"))


def make_app_client(settings: Settings) -> KeptAliveWebClient:
    """The client given to ``build_app``: with ``SLACK_BOT_TOKEN`` in single-workspace mode; without a token
    in multi-workspace mode, where Bolt gives each request its workspace's token and the OAuth flow calls
    ``oauth.v2.access`` with the app's credentials."""
    return _client(settings, None) if settings.multi_workspace else make_client(settings)


def _client(settings: Settings, token: str | None) -> KeptAliveWebClient:
    return KeptAliveWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
