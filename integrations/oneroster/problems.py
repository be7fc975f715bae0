"""Collects every problem in a bundle so the admin can fix them all in one go, not one per upload."""

from __future__ import annotations

from workflows.roster.snapshot import RosterError, RosterProblem

MAX_REPORTED = 50


class Problems:
    """Problems found so far; `raise_if_any` turns them into one `RosterError`, capped for readability."""

    def __init__(self, bundle_name: str) -> None:
        self.bundle_name = bundle_name
        self._items: list[RosterProblem] = []
        self._more = 0

    def add(self, file: str, row: int | None, column: str | None, message: str) -> None:
        if len(self._items) < MAX_REPORTED:
            self._items.append(RosterProblem(file, row, column, message))
        else:
            self._more += 1

    def __bool__(self) -> bool:
        return bool(self._items)

    def raise_if_any(self) -> None:
        if not self._items:
            return
        problems = list(self._items)
        if self._more:
            problems.append(RosterProblem(self.bundle_name, None, None, f"... and {self._more} more"))
        raise RosterError(problems)
