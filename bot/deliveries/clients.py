"""The worker's Web API clients: one per bot token, asked of ``BotTokens`` for each row's workspace.

Clients have no retry handlers: the worker paces and retries itself, per lane and per workspace
(slack_sdk's handlers would block a sender thread on one channel's 429). Each workspace's DM channels
are remembered, so a user's DM is opened once. All of them share one pool of kept-alive connections.
"""

from __future__ import annotations

import threading

from slack_sdk import WebClient

from bot.slack_connections import ConnectionPool, KeptAliveWebClient
from bot.slack_tokens import BotTokens


class WorkspaceClients:
    """A cached ``WebClient`` per token; a workspace whose token changed (rotation, reinstall) gets a new
    one and its old one is dropped."""

    def __init__(self, tokens: BotTokens, *, api_url: str, timeout: float) -> None:
        self.tokens = tokens
        self.api_url = api_url
        self.timeout = timeout
        self.pool = ConnectionPool()
        self._lock = threading.Lock()
        self._by_token: dict[str, WebClient] = {}
        self._token_of: dict[str, str] = {}
        self._dms: dict[tuple[str, str], str] = {}

    def client(self, workspace: str) -> WebClient:
        """The client speaking for ``workspace`` now; raises ``WorkspaceGone`` when none does."""
        token = self.tokens.bot_token(workspace)
        with self._lock:
            old = self._token_of.get(workspace)
            if old is not None and old != token:
                self._token_of.pop(workspace)
                if old not in self._token_of.values():
                    self._by_token.pop(old, None)
            self._token_of[workspace] = token
            client = self._by_token.get(token)
            if client is None:
                client = KeptAliveWebClient(
                    token=token, base_url=self.api_url, timeout=self.timeout, retry_handlers=[], pool=self.pool
                )
                self._by_token[token] = client
            return client

    def dm_channel(self, workspace: str, user: str) -> str | None:
        with self._lock:
            return self._dms.get((workspace, user))

    def remember_dm(self, workspace: str, user: str, channel: str) -> None:
        with self._lock:
            self._dms[(workspace, user)] = channel
