"""The Slack workspaces the fake keeps: each team's directory, and everything the Web API created in it.

A :class:`Workspace` is one team, seen by every method family (chat, directory, views, files,
interactions) through a token of that team. The teams of one fake share a :class:`Shared`: one lock,
one clock, one id counter (so ids never collide across teams) and the app they all installed. Nothing
here is thread-safe by itself: whoever reads or changes a workspace holds ``workspace.lock``.
"""

from __future__ import annotations

import hashlib
import itertools
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.demo.fake_slack.limits import FailureInjector, Limit, PostingLimits, RateLimiter
from bot.demo.fake_slack.rules import SlackError


def dm_channel_id(user_id: str, team_id: str | None = None) -> str:
    """The stable id of the app's DM with a user (the same for every fake, so logs line up).

    The default team's DMs are named by the user alone; another team's by team and user, so the same
    user id in two teams never shares a DM.
    """
    seed = user_id if team_id is None else f"{team_id}/{user_id}"
    return "D" + hashlib.sha1(seed.encode()).hexdigest()[:10].upper()


@dataclass
class User:
    id: str
    email: str
    real_name: str
    tz: str
    is_bot: bool
    deleted: bool


@dataclass
class ChannelFacts:
    """What Slack knows of a channel beyond its name: its kind, whether it is archived or shared with
    other organisations (Slack Connect), and whether the app's bot is in it (posting needs that)."""

    private: bool = False
    archived: bool = False
    ext_shared: bool = False
    bot_member: bool = True


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


class Shared:
    """What every team of one fake shares: the lock, the clock, the id counter, the app, the URL."""

    def __init__(
        self, *, clock: Callable[[], float], posting: PostingLimits, app_id: str, ts_base: int
    ) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.posting = posting
        self.app_id = app_id
        self.ts_base = ts_base
        self.server_url: str | None = None
        self._counter = itertools.count(1)

    def next_number(self) -> int:
        """One counter for every id, ts and hash, so they never collide and survive ``reset``."""
        return next(self._counter)


class Workspace:
    """One team: who is in it (users, channels) and what the API made there (messages, DMs, views, files).

    Its rate budgets and injected failures are its own, so a storm in one team never touches another.
    """

    def __init__(
        self,
        shared: Shared,
        *,
        team_id: str,
        name: str,
        team_domain: str,
        bot_user_id: str,
        bot_id: str,
        enterprise_id: str | None = None,
        enterprise_name: str | None = None,
        primary: bool = False,
    ) -> None:
        self.shared = shared
        self.team_id = team_id
        self.name = name
        self.team_domain = team_domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.enterprise_id = enterprise_id
        self.enterprise_name = enterprise_name
        self.primary = primary
        self.failures = FailureInjector()
        self.users: dict[str, User] = {}
        self.channels: dict[str, str] = {}
        self.channel_facts: dict[str, ChannelFacts] = {}
        self.forget()

    # What the team shares with the others on the same fake.
    @property
    def lock(self) -> threading.RLock:
        return self.shared.lock

    @property
    def clock(self) -> Callable[[], float]:
        return self.shared.clock

    @property
    def posting(self) -> PostingLimits:
        return self.shared.posting

    @property
    def app_id(self) -> str:
        return self.shared.app_id

    @property
    def ts_base(self) -> int:
        return self.shared.ts_base

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
        self.failures.clear()

    def forget_directory(self) -> None:
        self.users.clear()
        self.channels.clear()
        self.channel_facts.clear()

    def facts(self, channel_id: str) -> ChannelFacts:
        """A channel's kind and membership (a channel added without any is public, with the bot in it)."""
        return self.channel_facts.setdefault(channel_id, ChannelFacts())

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` of the running fake."""
        if self.shared.server_url is None:
            raise RuntimeError("FakeSlack is not started; use start() or a with block")
        return self.shared.server_url

    def spend(self, limits: list[Limit]) -> None:
        self.rate_limits.spend(limits, self.clock())

    # ----------------------------------------------------------------- ids

    def next_number(self) -> int:
        return self.shared.next_number()

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
            return self.open_dm(channel) if open_dm else self.dm_id(channel)
        raise SlackError("channel_not_found")

    def check_postable(self, channel: str) -> None:
        """Slack's refusals of a post (or a file share) in a channel the app's bot cannot write in."""
        if channel not in self.channels:
            return  # a DM
        facts = self.facts(channel)
        if facts.private and not facts.bot_member:
            raise SlackError("channel_not_found")  # a private channel is invisible to a bot not in it
        if facts.archived:
            raise SlackError("is_archived")
        if not facts.bot_member:
            raise SlackError("not_in_channel")

    def open_dm(self, user_id: str) -> str:
        return self.dms.setdefault(user_id, self.dm_id(user_id))

    def dm_id(self, user_id: str) -> str:
        return dm_channel_id(user_id, None if self.primary else self.team_id)


# A Web API method: the workspace and the decoded arguments in, the ``ok: true`` answer's fields out.
Method = Callable[[Workspace, dict[str, Any]], dict[str, Any]]
