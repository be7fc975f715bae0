"""Tokens: which team each one speaks for, and whether Slack would still take it.

A token belongs to one team, so a call made with it sees that team's users and channels only. A token
issued with rotation on expires by the fake's clock (``token_expired``); a refresh token works once
(Slack answers the refresh with a new access token and a new refresh token, and the old refresh token is
then ``invalid_refresh_token``); a revoked token answers the error Slack gives for the way it went.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from bot.demo.fake_slack.rules import SlackError


@dataclass
class Token:
    """An access token (bot ``xoxb``, user ``xoxp``; ``xoxe.`` in front when it rotates)."""

    value: str
    team_id: str
    kind: str = "bot"  # "bot" or "user"
    user_id: str | None = None  # the bot user, or the user who authorised a user token
    scopes: tuple[str, ...] = ()
    expires_at: float | None = None  # by the fake's clock; None never expires
    revoked: str | None = None  # the error Slack answers once it is gone ("token_revoked", ...)


@dataclass
class RefreshToken:
    """A refresh token: one use, then replaced by the one issued with the new access token."""

    value: str
    team_id: str
    kind: str
    user_id: str | None
    scopes: tuple[str, ...]
    used: bool = False


class TokenBook:
    """Every access and refresh token the fake issued or was given. Callers hold the fake's lock."""

    def __init__(self) -> None:
        self.access: dict[str, Token] = {}
        self.refresh: dict[str, RefreshToken] = {}

    def add(self, token: Token) -> Token:
        self.access[token.value] = token
        return token

    def team_of(self, value: str | None) -> str | None:
        """The team a token names, valid or not (for failures injected before the token is checked)."""
        found = self.access.get(value or "")
        return found.team_id if found else None

    def check(self, value: str | None, now: float) -> Token:
        """The token, if Slack would take it now; else the error Slack answers."""
        if not value:
            raise SlackError("not_authed")
        token = self.access.get(value)
        if token is None:
            raise SlackError("invalid_auth")
        if token.revoked is not None:
            raise SlackError(token.revoked)
        if token.expires_at is not None and now >= token.expires_at:
            raise SlackError("token_expired")
        return token

    def issue(
        self,
        *,
        team_id: str,
        kind: str,
        user_id: str | None,
        scopes: tuple[str, ...],
        expires_at: float | None,
        number: int,
    ) -> tuple[Token, RefreshToken | None]:
        """A new access token (and, when it expires, the refresh token that replaces it)."""
        prefix = "xoxb" if kind == "bot" else "xoxp"
        rotating = "xoxe." if expires_at is not None else ""
        value = f"{rotating}{prefix}-{number}-{team_id}-{secrets.token_hex(12)}"
        token = self.add(Token(value, team_id, kind, user_id, scopes, expires_at))
        if expires_at is None:
            return token, None
        refresh = RefreshToken(f"xoxe-1-{team_id}-{secrets.token_hex(16)}", team_id, kind, user_id, scopes)
        self.refresh[refresh.value] = refresh
        return token, refresh

    def use_refresh(self, value: str | None) -> RefreshToken:
        """Spend a refresh token; a used or unknown one is refused as Slack refuses it."""
        refresh = self.refresh.get(value or "")
        if refresh is None or refresh.used:
            raise SlackError("invalid_refresh_token")
        refresh.used = True
        return refresh

    def revoke(
        self, *, team_id: str, error: str, kind: str | None = None, user_ids: tuple[str, ...] = ()
    ) -> int:
        """Revoke a team's tokens (of one kind, or of some users): they answer ``error`` from now on."""

        def chosen(token: Token | RefreshToken) -> bool:
            return (
                token.team_id == team_id
                and kind in (None, token.kind)
                and (not user_ids or token.user_id in user_ids)
            )

        revoked = [t for t in self.access.values() if t.revoked is None and chosen(t)]
        for token in revoked:
            token.revoked = error
        for refresh in self.refresh.values():
            if chosen(refresh):
                refresh.used = True
        return len(revoked)
