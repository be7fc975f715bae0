"""When the worker may next call Slack: per-channel lanes, Retry-After holds and per-workspace pauses.

Pure book-keeping: no threads, no clock of its own (every time is passed in, in seconds), so it is
tested with plain numbers. Everything is keyed by workspace first, so a 429 in one district never holds
back another's messages.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

# Methods whose per-channel pace Slack enforces (about one message a second per channel).
PACED_METHODS = frozenset({"chat.postMessage"})


class Lane(NamedTuple):
    """Messages sent in order, one call at a time: a channel (or DM, App Home, message updated) of a
    workspace."""

    workspace: str
    name: str


def lane_of(workspace: str, method: str, args: Mapping[str, Any], update_of: str | None) -> Lane:
    """The lane a delivery waits in: an App Home per user, updates of one message, or its channel."""
    if method == "views.publish":
        return Lane(workspace, f"home:{args.get('user_id')}")
    if update_of is not None:
        return Lane(workspace, f"update:{update_of}")
    return Lane(workspace, str(args.get("channel")))


class Pacing:
    """When each lane, and each method of each workspace, may next be called.

    A 429 holds its lane for Retry-After. When 429s come back from ``workspace_lanes`` different lanes of
    one workspace within ``workspace_window`` seconds, the limit is that workspace's, not a channel's: the
    method is paused for the whole workspace, and only for it.
    """

    def __init__(self, *, channel_interval: float, workspace_lanes: int, workspace_window: float) -> None:
        self.channel_interval = channel_interval
        self.workspace_lanes = workspace_lanes
        self.workspace_window = workspace_window
        self._lane_ready: dict[Lane, float] = {}
        self._method_ready: dict[tuple[str, str], float] = {}
        self._recent_429s: dict[tuple[str, str], deque[tuple[float, Lane]]] = {}

    def ready_at(self, lane: Lane, methods: Iterable[str]) -> float:
        """The earliest time ``lane`` may make its next call, which uses ``methods``."""
        paused = (self._method_ready.get((lane.workspace, m), 0.0) for m in methods)
        return max(self._lane_ready.get(lane, 0.0), *paused)

    def posted(self, lane: Lane, method: str, at: float) -> None:
        """A call to ``lane`` was answered at ``at``: a paced method spaces the next by the interval."""
        if method in PACED_METHODS:
            self.hold(lane, at + self.channel_interval)

    def hold(self, lane: Lane, until: float) -> None:
        self._lane_ready[lane] = max(self._lane_ready.get(lane, 0.0), until)

    def rate_limited(self, lane: Lane, method: str, at: float, retry_after: float) -> bool:
        """Honour a 429 answered at ``at``: its lane waits ``retry_after``; if other lanes of its workspace
        were refused just now too, ``method`` waits in that whole workspace. True when it did."""
        until = at + retry_after
        self.hold(lane, until)
        key = (lane.workspace, method)
        recent = self._recent_429s.setdefault(key, deque())
        recent.append((at, lane))
        while recent and recent[0][0] < at - self.workspace_window:
            recent.popleft()
        if len({refused for _, refused in recent}) >= self.workspace_lanes:
            self._method_ready[key] = max(self._method_ready.get(key, 0.0), until)
            return True
        return False

    def paused_until(self, workspace: str, method: str) -> float:
        """When ``method`` may be called again in ``workspace`` (0: never paused)."""
        return self._method_ready.get((workspace, method), 0.0)

    def forget_before(self, now: float) -> None:
        """Drop holds and pauses that are over, so a long-running worker's book stays small."""
        self._lane_ready = {lane: t for lane, t in self._lane_ready.items() if t > now}
        self._method_ready = {key: t for key, t in self._method_ready.items() if t > now}
        for key in [
            k for k, q in self._recent_429s.items() if not q or q[-1][0] < now - self.workspace_window
        ]:
            del self._recent_429s[key]
