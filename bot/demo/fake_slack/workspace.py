"""The Slack workspace the fake keeps: its directory, and everything the Web API has created in it.

One :class:`Workspace` is shared by every method family (chat, directory, views, files, interactions).
It is not thread-safe by itself: whoever reads or changes it holds ``workspace.lock``.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.demo.fake_slack.limits import Limit, PostingLimits, RateLimiter
from bot.demo.fake_slack.rules import SlackError


def dm_channel_id(user_id: str) -> str:
    """The stable id of the app's DM with a user (the same for every fake, so logs line up)."""
    return "D" + hashlib.sha1(user_id.encode()).hexdigest()[:10].upper()


@dataclass
class User:
    id: str
    email: str
    real_name: str
    tz: str
    is_bot: bool
    deleted: bool


@dataclass
class File:
    """An upload: announced by ``files.getUploadURLExternal``, filled by a POST, shared on completion."""

    id: str
    name: str
    length: int
    alt_txt: str | None
    content: bytes | None = None
    title: str | None = None
    channels: list[str] = field(default_factory=list)


@dataclass
class Trigger:
    issued_at: float
    user_id: str | None
    view_id: str | None
    used: bool = False


@dataclass
class ResponseUrl:
    issued_at: float
    uses: int = 0


class Workspace:
    """Who is in the workspace (users, channels) and what the API made (messages, DMs, views, files)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        posting: PostingLimits,
        team_id: str,
        team_domain: str,
        bot_user_id: str,
        bot_id: str,
        app_id: str,
        ts_base: int,
    ) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.posting = posting
        self.team_id = team_id
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.ts_base = ts_base
        self.server_url: str | None = None
        self.users: dict[str, User] = {}
        self.channels: dict[str, str] = {}
        self._counter = itertools.count(1)
        self.forget()

    def forget(self) -> None:
        """Drop everything the API created and every rate budget; the directory stays."""
        self.messages: dict[str, dict[str, dict[str, Any]]] = {}
        self.ephemerals: list[dict[str, Any]] = []
        self.dms: dict[str, str] = {}
        self.views: dict[str, dict[str, Any]] = {}
        self.homes: dict[str, str] = {}
        self.files: dict[str, File] = {}
        self.triggers: dict[str, Trigger] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.responses: list[tuple[str, dict[str, Any]]] = []
        self.rate_limits = RateLimiter()

    def forget_directory(self) -> None:
        self.users.clear()
        self.channels.clear()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running fake."""
        if self.server_url is None:
            raise RuntimeError("FakeSlack is not started; use start() or a with block")
        return self.server_url

    def spend(self, limits: list[Limit]) -> None:
        self.rate_limits.spend(limits, self.clock())

    # ----------------------------------------------------------------- ids

    def next_number(self) -> int:
        """One counter for every id, ts and hash, so they never collide and survive ``reset``."""
        return next(self._counter)

    def next_ts(self) -> str:
        micros = self.next_number() * 100
        return f"{self.ts_base + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def new_hash(self) -> str:
        return f"{self.ts_base + self.next_number()}.{secrets.token_hex(4)}"

    # ----------------------------------------------------------------- channels

    def resolve_channel(self, channel: Any, *, open_dm: bool = True) -> str:
        """A channel id, ``#name``, an opened DM, or a user id (Slack posts to the DM with that user).

        With ``open_dm=False`` a user's DM id is answered without opening it, for calls that may still
        be refused and must then leave no trace.
        """
        if not isinstance(channel, str) or not channel:
            raise SlackError("channel_not_found")
        if channel in self.channels or channel in self.dms.values():
            return channel
        if channel.startswith("#"):
            for channel_id, name in self.channels.items():
                if name == channel[1:]:
                    return channel_id
        user = self.users.get(channel)
        if user is not None and not user.deleted:
            return self.open_dm(channel) if open_dm else dm_channel_id(channel)
        raise SlackError("channel_not_found")

    def open_dm(self, user_id: str) -> str:
        return self.dms.setdefault(user_id, dm_channel_id(user_id))


# A Web API method: the workspace and the decoded arguments in, the ``ok: true`` answer's fields out.
Method = Callable[[Workspace, dict[str, Any]], dict[str, Any]]
