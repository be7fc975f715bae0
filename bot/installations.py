"""Multi-workspace mode: Rounds installed over OAuth, each workspace's tokens in slack_sdk's installation store.

``RoundsInstallationStore`` is slack_sdk's SQLAlchemy store on Rounds' own database, with two additions:

- saving an installation also records it in our ``workspace`` table, in the same transaction, so an
  install is kept whole or not at all;
- with token rotation on, ``find_bot`` hands out a bot token good for at least ``REFRESH_MINUTES``,
  refreshing it first with slack_sdk's ``TokenRotator``. Slack invalidates a refresh token once used, so
  two processes (the server, a worker, the scheduler) must never both spend it: the refresh takes a
  per-workspace turn (``workflows.workspaces.service.take_turn``), reads the bot again, refreshes only if
  it is still the stale one, saves and commits before the next process gets its turn.

Bolt authorises each request through ``find_bot`` and so always gets a fresh token; its own rotation
(``token_rotation_expiration_minutes``) is set below ours and never fires. Processes with no incoming
request ask ``InstalledTokens``, the ``BotTokens`` of this mode; ``bot_tokens()`` picks the right one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy import Connection
from sqlmodel import Session

from bot import logs
from bot.installation_tables import BOTS_TABLE, INSTALLATIONS_TABLE
from bot.settings import Settings
from bot.slack_client import make_app_client
from bot.slack_tokens import BotTokens, StaticTokens, WorkspaceGone
from workflows.db import Sessions, transaction
from workflows.workspaces.service import find, record_install, take_turn, workspace_key

# A rotating token is refreshed when it has less than this left (Slack's last 12 hours).
REFRESH_MINUTES = 10
# Bolt's own threshold, below ours: by the time Bolt would refresh, find_bot already has.
BOLT_REFRESH_MINUTES = REFRESH_MINUTES - 2
# We decide when to refresh (by our clock); this makes TokenRotator agree whatever its clock says.
_ALWAYS = 60 * 24 * 365 * 100

Clock = Callable[[], datetime]


class _InOurTransaction:
    """What slack_sdk's store asks of an engine (``begin()``, ``connect()``), answered with a connection
    already inside our transaction: its statements then commit, or roll back, with ours."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        yield self._connection

    connect = begin


class RoundsInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's store on Rounds' database; records installs, refreshes rotating tokens one at a time."""

    def __init__(
        self,
        *,
        client_id: str,
        sessions: Sessions,
        clock: Clock,
        rotator: TokenRotator | None = None,
        logger: logging.Logger | None = None,
    ) -> None:
        engine = sessions.kw["bind"]
        super().__init__(
            client_id=client_id,
            engine=engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
            logger=logger or logs.logger("installations"),
        )
        self.sessions = sessions
        self.clock = clock
        self.rotator = rotator

    def save(self, installation: Installation) -> None:
        """The tokens, and the workspace they are for, in one transaction."""
        with transaction(self.sessions) as session:
            SQLAlchemyInstallationStore.save(self._in(session), installation)
            record_install(
                session,
                team_id=installation.team_id,
                enterprise_id=installation.enterprise_id,
                is_enterprise_install=bool(installation.is_enterprise_install),
                name=installation.team_name or installation.enterprise_name,
                installer_user_id=installation.user_id,
                now=self.clock(),
            )

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        """The workspace's latest bot; a rotating token about to expire is refreshed first."""
        bot = super().find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=is_enterprise_install
        )
        if bot is None or not self._expiring(bot):
            return bot
        return self.refresh(bot)

    def refresh(self, seen: Bot, *, refused: bool = False) -> Bot | None:
        """Refresh ``seen`` (expiring, or ``refused`` by Slack) unless another process already has.

        Returns the bot to use: the one refreshed here, the one another process refreshed while we waited,
        or ``seen`` while it still works and Slack would not refresh it; None once the bot was removed.
        """
        key = _key_of(seen)
        with transaction(self.sessions) as session:
            take_turn(session, key=key)
            store = self._in(session)
            current = SQLAlchemyInstallationStore.find_bot(
                store,
                enterprise_id=seen.enterprise_id,
                team_id=seen.team_id,
                is_enterprise_install=seen.is_enterprise_install,
            )
            if current is None or current.bot_token != seen.bot_token:
                return current  # uninstalled meanwhile, or refreshed by the process before us
            if (
                not (refused or self._expiring(current))
                or self.rotator is None
                or not current.bot_refresh_token
            ):
                return current
            try:
                refreshed = self.rotator.perform_bot_token_rotation(
                    bot=current, minutes_before_expiration=_ALWAYS
                )
            except SlackTokenRotationError as error:
                return self._not_refreshed(key, current, error)
            if refreshed is None:  # Slack answered with another kind of token
                return current
            store.save_bot(refreshed)
        self.logger.info(
            "workspace=%s bot token refreshed, expires_at=%s", key, refreshed.bot_token_expires_at
        )
        return refreshed

    def _not_refreshed(self, key: str, current: Bot, error: SlackTokenRotationError) -> Bot:
        """A refresh Slack refused: keep using the token while it lasts; after that the workspace is gone."""
        code = str(error.api_error.response.get("error") or "unknown")
        self.logger.warning("workspace=%s bot token refresh refused: %s", key, code)
        if self._expired(current):
            raise WorkspaceGone(key, "token_refresh_failed") from error
        return current

    def _in(self, session: Session) -> SQLAlchemyInstallationStore:
        """slack_sdk's own store, its statements running in ``session``'s transaction."""
        return SQLAlchemyInstallationStore(
            client_id=self.client_id,
            engine=_InOurTransaction(session.connection()),  # type: ignore[arg-type]
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
            logger=self.logger,
        )

    def _expiring(self, bot: Bot) -> bool:
        left = self._left(bot)
        return left is not None and left <= REFRESH_MINUTES * 60

    def _expired(self, bot: Bot) -> bool:
        left = self._left(bot)
        return left is not None and left <= 0

    def _left(self, bot: Bot) -> float | None:
        """Seconds the bot token has left by our clock; None when it never expires."""
        if self.rotator is None or bot.bot_token_expires_at is None:
            return None
        return bot.bot_token_expires_at - self.clock().timestamp()


def _key_of(bot: Bot) -> str:
    return workspace_key(
        team_id=bot.team_id,
        enterprise_id=bot.enterprise_id,
        is_enterprise_install=bool(bot.is_enterprise_install),
    )


class InstalledTokens:
    """``BotTokens`` of multi-workspace mode: each workspace's latest bot, fresh, from the store."""

    def __init__(self, store: RoundsInstallationStore) -> None:
        self.store = store

    def bot_token(self, workspace: str) -> str:
        return self._bot(workspace).bot_token  # type: ignore[return-value]

    def refused(self, workspace: str, token: str) -> str:
        """Slack answered ``token_expired`` for ``token``: a token that works, refreshed at most once
        however many callers report the same refusal."""
        bot = self._bot(workspace)
        if bot.bot_token != token:
            return bot.bot_token  # type: ignore[return-value]
        fresh = self.store.refresh(bot, refused=True)
        if fresh is None or not fresh.bot_token:
            raise WorkspaceGone(workspace, "workspace_not_installed")
        return fresh.bot_token

    def _bot(self, workspace: str) -> Bot:
        with self.store.sessions() as session:
            row = find(session, key=workspace)
        if row is None:
            raise WorkspaceGone(workspace)
        if row.uninstalled_at is not None:
            raise WorkspaceGone(workspace, "workspace_uninstalled")
        bot = self.store.find_bot(
            enterprise_id=row.enterprise_id,
            team_id=row.team_id,
            is_enterprise_install=row.is_enterprise_install,
        )
        if bot is None or not bot.bot_token:
            raise WorkspaceGone(workspace)
        return bot


def installation_store(
    settings: Settings, sessions: Sessions, *, clock: Clock | None = None
) -> RoundsInstallationStore:
    """The store of a multi-workspace process, refreshing tokens when ``SLACK_TOKEN_ROTATION`` is on."""
    client_id = settings.slack_client_id
    if not client_id:
        raise ValueError("the installation store is for multi-workspace mode (SLACK_CLIENT_ID)")
    rotator = None
    if settings.slack_token_rotation:
        rotator = TokenRotator(
            client_id=client_id,
            client_secret=settings.secret("slack_client_secret"),
            client=make_app_client(settings),  # no token: oauth.v2.access takes the app's credentials
        )
    return RoundsInstallationStore(
        client_id=client_id, sessions=sessions, clock=clock or (lambda: datetime.now(UTC)), rotator=rotator
    )


def bot_tokens(settings: Settings, sessions: Sessions, *, clock: Clock | None = None) -> BotTokens:
    """The ``BotTokens`` of a process: the installation store in multi-workspace mode (``SLACK_CLIENT_ID``
    set), else the one ``SLACK_BOT_TOKEN`` (``MissingSetting`` when unset)."""
    if settings.multi_workspace:
        return InstalledTokens(installation_store(settings, sessions, clock=clock))
    return StaticTokens(default=settings.secret("slack_bot_token"))
