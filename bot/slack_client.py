"""The Web API client, pointed at SLACK_API_URL (Slack itself, or the fake in tests and demos)."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.settings import Settings


def make_client(settings: Settings, *, token: str | None = None) -> WebClient:
    """A client that waits out HTTP 429 (Retry-After) and retries 5xx and dropped connections a few times."""
    return WebClient(
        token=token if token is not None else settings.secret("slack_bot_token"),
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=5),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )
