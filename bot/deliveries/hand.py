"""The claimed rows a worker holds, grouped into lanes, and the book-keeping of one run.

Not thread-safe by itself: the worker holds its lock around every use.
"""

from __future__ import annotations

import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.deliveries.pacing import Lane


@dataclass
class Item:
    """A claimed row in the worker's hands."""

    id: int
    workspace: str
    key: str
    method: str
    args: dict[str, Any]
    lane: Lane
    update_of: str | None
    first_tried_at: datetime
    attempts: int
    started: float = field(default_factory=time.perf_counter)
    tries: int = 0


class Hand:
    """Claimed rows by lane, oldest first; ``busy`` lanes have a call in flight."""

    def __init__(self) -> None:
        self.lanes: dict[Lane, deque[Item]] = {}
        self.busy: set[Lane] = set()
        self.per_workspace: Counter[str] = Counter()  # rows held, in flight included

    @property
    def count(self) -> int:
        return sum(self.per_workspace.values())

    def add(self, item: Item) -> None:
        self.lanes.setdefault(item.lane, deque()).append(item)
        self.per_workspace[item.workspace] += 1

    def put_back(self, item: Item) -> None:
        """An item whose try ended in a short retry goes back to the front of its lane."""
        self.lanes.setdefault(item.lane, deque()).appendleft(item)

    def take_next(self, lane: Lane) -> Item:
        """Start the next call of ``lane``: its first item, the lane busy until :meth:`done`."""
        queue = self.lanes[lane]
        item = queue.popleft()
        if not queue:
            del self.lanes[lane]
        self.busy.add(lane)
        return item

    def done(self, item: Item, *, finished: bool) -> None:
        """The call for ``item`` is over; ``finished``: the row left the hand (sent, failed, handed back)."""
        self.busy.discard(item.lane)
        if finished:
            self.forget(item)

    def forget(self, item: Item) -> None:
        self.per_workspace[item.workspace] -= 1
        if self.per_workspace[item.workspace] <= 0:
            del self.per_workspace[item.workspace]

    def take_lane(self, lane: Lane) -> list[Item]:
        """The waiting items of ``lane``, removed from the hand."""
        items = list(self.lanes.pop(lane, ()))
        for item in items:
            self.forget(item)
        return items

    def take_where(self, keep_order: bool, wanted: Callable[[Lane, Item], bool]) -> list[Item]:
        """Remove the waiting items of the lanes whose first item is ``wanted``. With ``keep_order``,
        lanes with a call in flight stay, so what is handed back never overtakes it."""
        taken: list[Item] = []
        for lane, queue in list(self.lanes.items()):
            if queue and wanted(lane, queue[0]) and not (keep_order and lane in self.busy):
                taken.extend(self.take_lane(lane))
        return taken


@dataclass
class Run:
    """Book-keeping for one ``run_once``."""

    max_items: int
    claimed: int = 0
    finished: int = 0
    exhausted: bool = False  # nothing more to claim in this run
    claim_again_at: float = 0.0  # a short claim that skipped workspaces: look again from then
    refilling: bool = False
    stopped: bool = False
    crash: BaseException | None = None
    gone: dict[str, str] = field(default_factory=dict)  # workspace → why its messages fail this run
