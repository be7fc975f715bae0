"""What tests read from the fake: the call log, 429 counts, and each team's messages, DMs and views."""

from __future__ import annotations

import copy
from typing import Any

from bot.demo.fake_slack.api import Call, WebApi
from bot.demo.fake_slack.files import file_dict
from bot.demo.fake_slack.workspace import Shared, Workspace


class Readers:
    """The read side of :class:`~bot.demo.fake_slack.fake.FakeSlack`; ``team_id=None`` is the default team."""

    _shared: Shared
    _api: WebApi
    _teams: dict[str, Workspace]
    default_team_id: str

    @property
    def calls(self) -> list[Call]:
        """Every call, in every team, in arrival order (each names its ``team_id``)."""
        with self._shared.lock:
            return list(self._api.calls)

    def calls_to(self, method: str, *, team_id: str | None = None) -> list[Call]:
        """The calls of ``method``: in every team, or in ``team_id``'s only."""
        with self._shared.lock:
            return [c for c in self._api.calls if c.method == method and team_id in (None, c.team_id)]

    @property
    def rate_limited_count(self) -> int:
        """How many calls were answered 429 (limits and injected "429" alike), in every team."""
        with self._shared.lock:
            return sum(self._api.rate_limited.values())

    def rate_limited_in(self, team_id: str) -> int:
        """How many of one team's calls were answered 429."""
        with self._shared.lock:
            return self._api.rate_limited.get(team_id, 0)

    def messages(self, channel: str | None = None, *, team_id: str | None = None) -> list[dict[str, Any]]:
        """Stored messages (latest content after updates), oldest first, each with its ``channel``."""
        with self._shared.lock:
            stored = self._ws(team_id).messages
            channels = [channel] if channel is not None else list(stored)
            found = [m for c in channels for m in stored.get(c, {}).values()]
            return copy.deepcopy(sorted(found, key=lambda m: float(m["ts"])))

    def message(self, channel: str, ts: str, *, team_id: str | None = None) -> dict[str, Any] | None:
        with self._shared.lock:
            return copy.deepcopy(self._ws(team_id).messages.get(channel, {}).get(ts))

    def ephemerals(self, channel: str | None = None, *, team_id: str | None = None) -> list[dict[str, Any]]:
        with self._shared.lock:
            stored = self._ws(team_id).ephemerals
            return copy.deepcopy([e for e in stored if channel in (None, e["channel"])])

    def dm_channel_for(self, user_id: str, *, team_id: str | None = None) -> str | None:
        """The DM channel id opened with ``user_id``, or None if no DM was ever opened."""
        with self._shared.lock:
            return self._ws(team_id).dms.get(user_id)

    def published_home(self, user_id: str, *, team_id: str | None = None) -> dict[str, Any] | None:
        with self._shared.lock:
            ws = self._ws(team_id)
            view_id = ws.homes.get(user_id)
            return copy.deepcopy(ws.views[view_id]) if view_id else None

    def open_views(self, *, team_id: str | None = None) -> list[dict[str, Any]]:
        """Modals opened or pushed, in order, with their latest content."""
        with self._shared.lock:
            return copy.deepcopy([v for v in self._ws(team_id).views.values() if v["type"] == "modal"])

    def view(self, view_id: str, *, team_id: str | None = None) -> dict[str, Any] | None:
        with self._shared.lock:
            return copy.deepcopy(self._ws(team_id).views.get(view_id))

    def uploaded_files(self, *, team_id: str | None = None) -> list[dict[str, Any]]:
        """Files whose upload was completed: id, name, title, size, content bytes and channels."""
        with self._shared.lock:
            ws = self._ws(team_id)
            done = [f for f in ws.files.values() if f.title]
            return [file_dict(ws, f) | {"content": f.content} for f in done]

    def responses(self, url: str | None = None, *, team_id: str | None = None) -> list[dict[str, Any]]:
        """JSON bodies posted to response URLs (all of them, or to ``url``), in arrival order."""
        with self._shared.lock:
            stored = self._ws(team_id).responses
            return copy.deepcopy([body for u, body in stored if url in (None, u)])

    def _ws(self, team_id: str | None) -> Workspace:
        ws = self._teams.get(team_id or self.default_team_id)
        if ws is None:
            raise KeyError(f"no team {team_id} on this fake; add_workspace({team_id!r}, name=...) first")
        return ws
