"""Installing the app over OAuth v2: Slack's authorize page, and ``oauth.v2.access``.

The fake plays the person on Slack's authorize page: :meth:`OAuth.approve` is them clicking "Allow" in a
team (a one-use code, valid ten minutes), and ``GET /oauth/v2/authorize`` is the page itself, answering a
browser signed in with :meth:`OAuth.sign_in` by redirecting to the app's redirect URL with a code (or with
``error=access_denied`` when that person cancels). ``oauth.v2.access`` exchanges the code, checking the
client id and secret, or (``grant_type=refresh_token``) trades a refresh token for new tokens.
"""

from __future__ import annotations

import base64
import binascii
import html
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import Message
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from bot.demo.fake_slack.http_server import Reply
from bot.demo.fake_slack.rules import SlackError
from bot.demo.fake_slack.tokens import RefreshToken, TokenBook
from bot.demo.fake_slack.workspace import Shared, Workspace

CODE_TTL_SECONDS = 600
SESSION_COOKIE = "d"  # the name of Slack's own session cookie


@dataclass(frozen=True)
class OAuthApp:
    """The app as registered with Slack: credentials, allowed redirect URLs, token rotation."""

    client_id: str
    client_secret: str
    redirect_urls: tuple[str, ...] = ()
    token_rotation: bool = False
    token_ttl_seconds: float = 12 * 3600  # what Slack gives a rotating token


@dataclass
class Grant:
    """What one person approved in one team, waiting to be exchanged for tokens."""

    team_id: str
    user_id: str
    scopes: tuple[str, ...]
    user_scopes: tuple[str, ...]
    redirect_uri: str | None
    issued_at: float
    used: bool = False


@dataclass(frozen=True)
class BrowserSession:
    team_id: str
    user_id: str
    approve: bool = True


@dataclass
class OAuth:
    """The app's registration, the codes handed out, and the browsers signed in to the fake."""

    shared: Shared
    teams: Mapping[str, Workspace]
    book: TokenBook
    app: OAuthApp | None = None
    codes: dict[str, Grant] = field(default_factory=dict)
    sessions: dict[str, BrowserSession] = field(default_factory=dict)

    def forget(self) -> None:
        self.codes.clear()
        self.sessions.clear()

    # ------------------------------------------------------------- the authorize page

    def sign_in(self, team_id: str, user_id: str, *, approve: bool = True) -> str:
        """A session cookie for a browser signed in as ``user_id``, who will click Allow (or Cancel)."""
        self._member(team_id, user_id)
        value = secrets.token_urlsafe(24)
        self.sessions[value] = BrowserSession(team_id, user_id, approve)
        return value

    def approve(
        self,
        team_id: str,
        user_id: str,
        *,
        scopes: tuple[str, ...],
        user_scopes: tuple[str, ...] = (),
        redirect_uri: str | None = None,
    ) -> str:
        """``user_id`` clicks Allow in ``team_id``: the code Slack sends to the redirect URL."""
        app = self._app()
        self._member(team_id, user_id)
        if redirect_uri is not None and app.redirect_urls and redirect_uri not in app.redirect_urls:
            raise ValueError(f"bad_redirect_uri: {redirect_uri} is not one of the app's redirect URLs")
        code = f"{self.shared.next_number()}.{secrets.token_hex(16)}"
        self.codes[code] = Grant(team_id, user_id, scopes, user_scopes, redirect_uri, self.shared.clock())
        return code

    def authorize_page(self, query: str, headers: Message) -> Reply:
        """``GET /oauth/v2/authorize``: redirect back with a code, or with the reason there is none."""
        args = dict(parse_qsl(query, keep_blank_values=True))
        app = self.app
        if app is None or args.get("client_id") != app.client_id:
            return _page(400, "Something went wrong", "invalid_client_id")
        redirect_uri = args.get("redirect_uri") or (app.redirect_urls[0] if app.redirect_urls else None)
        if redirect_uri is None or (app.redirect_urls and redirect_uri not in app.redirect_urls):
            return _page(400, "Something went wrong", "bad_redirect_uri")
        session = self.sessions.get(_cookie(headers, SESSION_COOKIE) or "")
        if session is None:
            return _page(200, "Sign in to your workspace", "Sign in to Slack to install this app.")
        back: dict[str, str] = {"state": args.get("state", "")}
        if session.approve:
            back["code"] = self.approve(
                session.team_id,
                session.user_id,
                scopes=_scopes(args.get("scope")),
                user_scopes=_scopes(args.get("user_scope")),
                redirect_uri=args.get("redirect_uri") or None,
            )
        else:
            back = {"error": "access_denied", **back}
        separator = "&" if "?" in redirect_uri else "?"
        location = f"{redirect_uri}{separator}{urlencode(back)}"
        return Reply(status=302, body=b"", content_type="text/html", headers={"Location": location})

    # ------------------------------------------------------------- oauth.v2.access

    def access(self, args: dict[str, Any], headers: Message) -> tuple[str, dict[str, Any]]:
        """The team the tokens are for, and the answer Slack gives."""
        app = self._app()
        client_id, client_secret = _client_credentials(args, headers)
        if client_id != app.client_id:
            raise SlackError("invalid_client_id")
        if client_secret != app.client_secret:
            raise SlackError("bad_client_secret")
        grant_type = args.get("grant_type") or "authorization_code"
        if grant_type == "refresh_token":
            return self._refresh(app, self.book.use_refresh(args.get("refresh_token")))
        if grant_type != "authorization_code":
            raise SlackError("invalid_grant_type")
        grant = self.codes.get(str(args.get("code") or ""))
        if grant is None or self.shared.clock() - grant.issued_at > CODE_TTL_SECONDS:
            raise SlackError("invalid_code")
        if grant.used:
            raise SlackError("code_already_used")
        if grant.redirect_uri is not None and args.get("redirect_uri") != grant.redirect_uri:
            raise SlackError("bad_redirect_uri")
        grant.used = True
        return grant.team_id, self._install(app, grant)

    def _install(self, app: OAuthApp, grant: Grant) -> dict[str, Any]:
        ws = self.teams[grant.team_id]
        answer = _team_fields(ws)
        authed_user: dict[str, Any] = {"id": grant.user_id}
        if grant.user_scopes:
            authed_user |= self._issue(app, ws, "user", grant.user_id, grant.user_scopes)
        if grant.scopes:
            answer |= self._issue(app, ws, "bot", ws.bot_user_id, grant.scopes)
            answer["bot_user_id"] = ws.bot_user_id
        answer["authed_user"] = authed_user
        return answer

    def _refresh(self, app: OAuthApp, refresh: RefreshToken) -> tuple[str, dict[str, Any]]:
        ws = self.teams[refresh.team_id]
        answer = _team_fields(ws) | self._issue(
            app, ws, refresh.kind, refresh.user_id, refresh.scopes, rotate=True
        )
        if refresh.kind == "bot":
            answer["bot_user_id"] = ws.bot_user_id
        else:
            answer["user_id"] = refresh.user_id
        return ws.team_id, answer

    def _issue(
        self,
        app: OAuthApp,
        ws: Workspace,
        kind: str,
        user_id: str | None,
        scopes: tuple[str, ...],
        *,
        rotate: bool = False,
    ) -> dict[str, Any]:
        expires_at = self.shared.clock() + app.token_ttl_seconds if app.token_rotation or rotate else None
        token, refresh = self.book.issue(
            team_id=ws.team_id,
            kind=kind,
            user_id=user_id,
            scopes=scopes,
            expires_at=expires_at,
            number=self.shared.next_number(),
        )
        fields: dict[str, Any] = {"access_token": token.value, "token_type": kind, "scope": ",".join(scopes)}
        if refresh is not None:
            fields |= {"refresh_token": refresh.value, "expires_in": int(app.token_ttl_seconds)}
        return fields

    # ------------------------------------------------------------- helpers

    def _app(self) -> OAuthApp:
        if self.app is None:
            raise SlackError("invalid_client_id")
        return self.app

    def _member(self, team_id: str, user_id: str) -> None:
        ws = self.teams.get(team_id)
        if ws is None:
            raise ValueError(f"no team {team_id} on this fake; add_workspace() it first")
        if user_id not in ws.users:
            raise ValueError(f"{user_id} is not a user of {team_id}; add_user(..., team_id=) first")


def _team_fields(ws: Workspace) -> dict[str, Any]:
    enterprise = {"id": ws.enterprise_id, "name": ws.enterprise_name} if ws.enterprise_id else None
    return {
        "app_id": ws.app_id,
        "team": {"id": ws.team_id, "name": ws.name},
        "enterprise": enterprise,
        "is_enterprise_install": False,
    }


def _scopes(value: str | None) -> tuple[str, ...]:
    return tuple(s for s in (value or "").split(",") if s)


def _client_credentials(args: dict[str, Any], headers: Message) -> tuple[str | None, str | None]:
    """HTTP Basic auth (what slack_sdk sends) or the form fields ``client_id`` / ``client_secret``."""
    auth = headers.get("Authorization") or ""
    if auth.lower().startswith("basic "):
        try:
            client_id, _, client_secret = base64.b64decode(auth[6:].strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        return client_id, client_secret
    return args.get("client_id"), args.get("client_secret")


def _cookie(headers: Message, name: str) -> str | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(headers.get("Cookie") or "")
    except CookieError:
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


def _page(status: int, title: str, text: str) -> Reply:
    body = f"<html><head><title>{html.escape(title)}</title></head><body><p>{html.escape(text)}</p></body></html>"
    return Reply.text(body, status=status, content_type="text/html; charset=utf-8")
