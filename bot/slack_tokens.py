"""Which bot token speaks for a workspace: the one `SLACK_BOT_TOKEN` in single-workspace mode, the
installation store's (refreshed when it is about to expire) when Rounds is installed over OAuth.

Processes with no incoming request to carry a token (the delivery worker, the scheduler, the CLI) ask a
`BotTokens` for each workspace they send to.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class WorkspaceGone(Exception):
    """Rounds has no token for this workspace (never installed, uninstalled, or its tokens revoked).

    `code` is the short reason deliveries are failed with (visible in `rounds deliveries --failed`).
    """

    def __init__(self, workspace: str, code: str = "workspace_not_installed"):
        super().__init__(f"no bot token for workspace {workspace} ({code})")
        self.workspace = workspace
        self.code = code


class BotTokens(Protocol):
    def bot_token(self, workspace: str) -> str:
        """The bot token to call Slack with for `workspace`; raises `WorkspaceGone` when there is none."""
        ...


class StaticTokens:
    """Tokens known up front: single-workspace mode is `StaticTokens(default=SLACK_BOT_TOKEN)`, which
    speaks for every workspace key (there is only one workspace)."""

    def __init__(self, tokens: Mapping[str, str] | None = None, *, default: str | None = None) -> None:
        self._tokens = dict(tokens or {})
        self._default = default

    def bot_token(self, workspace: str) -> str:
        token = self._tokens.get(workspace, self._default)
        if token is None:
            raise WorkspaceGone(workspace)
        return token

