"""``FakeSlack``: start and stop the fake, set up its teams, tokens, directory and failures, and read what it saw."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from email.message import Message
from zoneinfo import ZoneInfo

from bot.demo.fake_slack import conversations, interactions
from bot.demo.fake_slack.api import Gate, WebApi
from bot.demo.fake_slack.files import serve_upload
from bot.demo.fake_slack.http_server import LoopbackServer, Reply
from bot.demo.fake_slack.limits import FailureInjector, PostingLimits
from bot.demo.fake_slack.oauth import OAuth, OAuthApp
from bot.demo.fake_slack.readers import Readers
from bot.demo.fake_slack.tokens import Token, TokenBook
from bot.demo.fake_slack.workspace import ChannelFacts, Shared, User, Workspace

log = logging.getLogger(__name__)


class FakeSlack(Readers):
    """The Slack Web API on 127.0.0.1, recording every call and keeping Slack-shaped state.

    It holds one or more teams. The default team (``team_id``, ``T0001``) exists from the start with the
    bot tokens given as ``tokens``; :meth:`add_workspace` adds others, and the app can be installed in any
    of them over OAuth (:meth:`register_app`, :meth:`approve_install` or the authorize page). A token
    speaks for its own team only: another team's users and channels are ``user_not_found`` /
    ``channel_not_found`` to it. Setup and readers take ``team_id=`` (None: the default team); the call
    log, 429 counts and failures injected without a team span every team.

    Teams, tokens and the registered app survive :meth:`reset`; everything else (users, channels, calls,
    messages, views, DMs, files, triggers, response URLs, rate budgets, injected failures, codes) is
    forgotten.
    """

    def __init__(
        self,
        *,
        tokens: Iterable[str] = ("xoxb-test",),
        clock: Callable[[], float] = time.monotonic,
        enforce_tiers: bool = False,
        workspace_rate_per_sec: float | None = None,
        workspace_burst: float | None = None,
        channel_rate_per_sec: float = 1.0,
        channel_burst: float = 3,
        slow_seconds: float = 2.0,
        team_id: str = "T0001",
        team_domain: str = "rounds-demo",
        team_name: str = "Rounds Demo",
        bot_user_id: str = "UBOT",
        bot_id: str = "B0001",
        app_id: str = "A0001",
        ts_base: int = 1_700_000_000,
    ) -> None:
        self.clock = clock
        posting = PostingLimits(channel_rate_per_sec, channel_burst, workspace_rate_per_sec, workspace_burst)
        self._shared = Shared(clock=clock, posting=posting, app_id=app_id, ts_base=ts_base)
        self.default_team_id = team_id
        self._teams: dict[str, Workspace] = {}
        self._book = TokenBook()
        self._oauth = OAuth(self._shared, self._teams, self._book)
        self._failures = FailureInjector()
        self._api = WebApi(
            self._shared,
            self._teams,
            self._book,
            self._oauth,
            self._failures,
            enforce_tiers=enforce_tiers,
            slow_seconds=slow_seconds,
        )
        self._server: LoopbackServer | None = None
        self._teams[team_id] = Workspace(
            self._shared,
            team_id=team_id,
            name=team_name,
            team_domain=team_domain,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            primary=True,
        )
        for token in tokens:
            self.add_token(token)

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeSlack:
        if self._server is None:
            self._server = LoopbackServer(self._route).start()
            self._shared.server_url = self._server.url
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
            self._shared.server_url = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running fake."""
        return self._ws(None).base_url

    @property
    def connections_opened(self) -> int:
        """TCP connections clients have opened to the fake since it started (each serves many calls)."""
        return self._server.connections if self._server is not None else 0

    @property
    def api_url(self) -> str:
        """The ``base_url`` to give ``slack_sdk.WebClient``; it appends the method name."""
        return f"{self.base_url}/api/"

    @property
    def authorize_url(self) -> str:
        """Slack's authorize page on the fake (Bolt's ``OAuthSettings(authorization_url=...)``)."""
        return f"{self.base_url}/oauth/v2/authorize"

    @property
    def slow_seconds(self) -> float:
        """How long an injected "slow" failure holds the call before serving it."""
        return self._api.slow_seconds

    @slow_seconds.setter
    def slow_seconds(self, seconds: float) -> None:
        self._api.slow_seconds = seconds

    # ----------------------------------------------------------------- teams and tokens

    def add_workspace(
        self,
        team_id: str,
        *,
        name: str,
        bot_token: str | None = None,
        team_domain: str | None = None,
        bot_user_id: str | None = None,
        bot_id: str | None = None,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
    ) -> None:
        """Another team. With ``bot_token`` the app is already installed there; without, install it over
        OAuth. ``enterprise_id`` puts the team in an Enterprise Grid organisation."""
        with self._shared.lock:
            if team_id in self._teams:
                raise ValueError(f"team {team_id} is already on this fake")
            self._teams[team_id] = Workspace(
                self._shared,
                team_id=team_id,
                name=name,
                team_domain=team_domain or team_id.lower(),
                bot_user_id=bot_user_id or f"U{team_id}BOT",
                bot_id=bot_id or f"B{team_id}",
                enterprise_id=enterprise_id,
                enterprise_name=enterprise_name or (f"{name} (org)" if enterprise_id else None),
            )
            if bot_token is not None:
                self.add_token(bot_token, team_id=team_id)

    def add_token(self, token: str, *, team_id: str | None = None, scopes: Iterable[str] = ()) -> None:
        """A bot token of a team (the default one unless ``team_id``); with ``scopes``, calls needing
        another scope are ``missing_scope``."""
        with self._shared.lock:
            ws = self._ws(team_id)
            self._book.add(Token(token, ws.team_id, "bot", ws.bot_user_id, tuple(scopes)))

    def tokens(self, team_id: str | None = None, *, valid_only: bool = True) -> list[Token]:
        """The access tokens of a team (issued or given), oldest first: the ones Slack takes now, or all."""
        with self._shared.lock:
            ws, now = self._ws(team_id), self.clock()
            found = [t for t in self._book.access.values() if t.team_id == ws.team_id]
            if valid_only:
                found = [
                    t for t in found if t.revoked is None and (t.expires_at is None or now < t.expires_at)
                ]
            return [replace(t) for t in found]

    def revoke_tokens(
        self, team_id: str | None = None, *, bot: bool = True, user_ids: Iterable[str] = ()
    ) -> int:
        """Revoke a team's bot tokens and/or some users' tokens, as ``tokens_revoked`` reports them:
        calls with them answer ``token_revoked``. Returns how many were revoked."""
        with self._shared.lock:
            ws, users = self._ws(team_id), tuple(user_ids)
            revoked = self._book.revoke(team_id=ws.team_id, error="token_revoked", kind="bot") if bot else 0
            if users:
                revoked += self._book.revoke(
                    team_id=ws.team_id, error="token_revoked", kind="user", user_ids=users
                )
            return revoked

    def uninstall(self, team_id: str | None = None) -> None:
        """The app is removed from a team: its bot tokens answer ``account_inactive``, users' ``token_revoked``."""
        with self._shared.lock:
            ws = self._ws(team_id)
            self._book.revoke(team_id=ws.team_id, error="account_inactive", kind="bot")
            self._book.revoke(team_id=ws.team_id, error="token_revoked", kind="user")

    # ----------------------------------------------------------------- installing over OAuth

    def register_app(
        self,
        *,
        client_id: str,
        client_secret: str,
        redirect_urls: Iterable[str] = (),
        token_rotation: bool = False,
        token_ttl_seconds: float = 12 * 3600,
    ) -> None:
        """The app's OAuth credentials, as on its "Basic Information" page; rotating tokens expire after
        ``token_ttl_seconds`` by the fake's clock."""
        with self._shared.lock:
            self._oauth.app = OAuthApp(
                client_id, client_secret, tuple(redirect_urls), token_rotation, token_ttl_seconds
            )

    def sign_in(self, team_id: str, user_id: str, *, approve: bool = True) -> str:
        """A browser signed in to Slack as ``user_id``: the value of cookie ``d`` (``SESSION_COOKIE``).

        On the authorize page that person clicks Allow (or Cancel, with ``approve=False``)."""
        with self._shared.lock:
            return self._oauth.sign_in(team_id, user_id, approve=approve)

    def approve_install(
        self,
        team_id: str,
        user_id: str,
        *,
        scopes: Iterable[str],
        user_scopes: Iterable[str] = (),
        redirect_uri: str | None = None,
    ) -> str:
        """``user_id`` approves the app in ``team_id`` on Slack's authorize page: the one-use code (valid
        ten minutes) that Slack hands the redirect URL."""
        with self._shared.lock:
            return self._oauth.approve(
                team_id,
                user_id,
                scopes=tuple(scopes),
                user_scopes=tuple(user_scopes),
                redirect_uri=redirect_uri,
            )

    # ----------------------------------------------------------------- directory and failures

    def add_user(
        self,
        user_id: str,
        *,
        email: str,
        real_name: str,
        tz: str = "America/Chicago",
        is_bot: bool = False,
        deleted: bool = False,
        team_id: str | None = None,
    ) -> None:
        ZoneInfo(tz)  # fail early on a time zone Slack would never report
        with self._shared.lock:
            self._ws(team_id).users[user_id] = User(user_id, email, real_name, tz, is_bot, deleted)

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        team_id: str | None = None,
        private: bool = False,
        archived: bool = False,
        ext_shared: bool = False,
        bot_member: bool = True,
    ) -> None:
        """A channel; by default public with the app's bot in it. ``ext_shared``: a Slack Connect channel."""
        with self._shared.lock:
            ws = self._ws(team_id)
            ws.channels[channel_id] = name.lstrip("#")
            ws.channel_facts[channel_id] = ChannelFacts(private, archived, ext_shared, bot_member)

    def remove_bot_from(self, channel_id: str, *, team_id: str | None = None) -> None:
        """Someone removed the app's bot from a channel (its posts there are ``not_in_channel`` now)."""
        with self._shared.lock:
            self._ws(team_id).facts(channel_id).bot_member = False

    def invite_bot(self, channel_id: str, *, team_id: str | None = None) -> None:
        """Someone ran ``/invite @Rounds`` in the channel."""
        with self._shared.lock:
            self._ws(team_id).facts(channel_id).bot_member = True

    def person_posts(
        self, channel: str, user: str, text: str, *, thread_ts: str | None = None, team_id: str | None = None
    ) -> dict:
        """A person posts in a channel (a thread reply with ``thread_ts``): the ``message`` event to deliver."""
        with self._shared.lock:
            return conversations.person_posts(self._ws(team_id), channel=channel, user=user, text=text,
                                              thread_ts=thread_ts)  # fmt: skip

    def person_reacts(
        self, channel: str, ts: str, user: str, reaction: str, *, team_id: str | None = None
    ) -> dict:
        """A person adds an emoji reaction to a message: the ``reaction_added`` event to deliver."""
        with self._shared.lock:
            return conversations.person_reacts(self._ws(team_id), channel=channel, ts=ts, user=user,
                                               reaction=reaction)  # fmt: skip

    def hold(self, method: str) -> Gate:
        """Hold every call of ``method`` until ``gate.release()``; ``gate.arrived`` is set by the first."""
        with self._shared.lock:
            gate = self._api.gates[method] = Gate()
            return gate

    def fail(self, method: str, *, kind: str, times: int = 1, team_id: str | None = None) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``kind`` (see ``limits.FAILURE_KINDS``):
        in one team's calls only, or (no ``team_id``) in any team's."""
        self._injector(team_id).fail(method, kind=kind, times=times)

    def fail_randomly(
        self,
        method: str | None = None,
        *,
        rate: float = 0.2,
        kinds: Iterable[str] = ("429", "500"),
        seed: int = 1,
        team_id: str | None = None,
    ) -> None:
        """Fail a share ``rate`` of the calls of ``method`` (all methods when None), reproducibly; in
        one team's calls only, or (no ``team_id``) in any team's."""
        self._injector(team_id).fail_randomly(method, rate=rate, kinds=kinds, seed=seed)

    def clear_failures(self) -> None:
        with self._shared.lock:
            self._failures.clear()
            for ws in self._teams.values():
                ws.failures.clear()

    def reset(self, *, keep_directory: bool = False) -> None:
        """Forget calls, injected failures and everything the API created, so tests sharing one server
        stay independent. Users and channels go too unless ``keep_directory``; teams, tokens and the
        registered app always stay."""
        with self._shared.lock:
            for gate in self._api.gates.values():
                gate.release()
            self._api.forget()
            self._failures.clear()
            self._oauth.forget()
            for ws in self._teams.values():
                ws.forget()
                if not keep_directory:
                    ws.forget_directory()

    # ----------------------------------------------------------------- interaction helpers

    def new_trigger_id(
        self, *, user_id: str | None = None, view_id: str | None = None, team_id: str | None = None
    ) -> str:
        """A trigger id valid for 3 seconds and one use, as Slack hands out with each interaction.

        ``view_id`` ties it to the modal the interaction came from, so ``views.push`` stacks on it.
        """
        with self._shared.lock:
            return interactions.new_trigger_id(self._ws(team_id), user_id=user_id, view_id=view_id)

    def new_response_url(self, *, team_id: str | None = None) -> str:
        """A response URL on the fake; up to 5 posts within 30 minutes, as Slack allows."""
        with self._shared.lock:
            return interactions.new_response_url(self._ws(team_id))

    # ----------------------------------------------------------------- internals

    def _injector(self, team_id: str | None) -> FailureInjector:
        with self._shared.lock:
            return self._failures if team_id is None else self._ws(team_id).failures

    def _route(self, path: str, query: str, headers: Message, body: bytes) -> Reply:
        try:
            if path.startswith("/api/"):
                return self._api.serve(path.removeprefix("/api/"), query, headers, body)
            if path == "/oauth/v2/authorize":
                with self._shared.lock:
                    return self._oauth.authorize_page(query, headers)
            if path.startswith("/upload/"):
                file_id = path.removeprefix("/upload/")
                with self._shared.lock:
                    owner = next((ws for ws in self._teams.values() if file_id in ws.files), self._ws(None))
                return serve_upload(owner, file_id, headers, body)
            if path.startswith("/response/"):
                key = path.removeprefix("/response/")
                with self._shared.lock:
                    owner = self._teams.get(key.split("/", 1)[0])
                if owner is None:
                    return Reply.text("no_service", status=404)
                return interactions.serve_response(owner, key, body)
            return Reply.text("Not Found", status=404)
        except Exception:
            log.exception("fake Slack failed on %s", path)
            return Reply.json({"ok": False, "error": "fatal_error"}, status=500)
