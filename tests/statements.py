"""Counting the SQL statements a request costs, as the database sees them (a count is deterministic).

`counted(engine)` records every statement the engine sends to the database while the block runs, from any
thread (Bolt runs listeners on its own pool), and the transactions and pooled connections they took, so a
test can hold a surface to its budget.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Engine, event


@dataclass
class Statements:
    """The statements sent while counting, in order."""

    sent: list[str] = field(default_factory=list)
    transactions: int = 0  # BEGINs, whether sent as a statement or implied by the driver
    connections: int = 0  # connections taken from the pool
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, statement: str) -> None:
        with self._lock:
            self.sent.append(" ".join(statement.split()))

    @property
    def count(self) -> int:
        return len(self.sent)

    def of_kind(self, verb: str) -> list[str]:
        return [s for s in self.sent if s.upper().startswith(verb.upper())]

    def __str__(self) -> str:
        return "\n".join(f"{i + 1:>2}. {s[:300]}" for i, s in enumerate(self.sent))


@contextmanager
def counted(engine: Engine) -> Iterator[Statements]:
    """Every statement `engine` executes inside the block."""
    found = Statements()

    def record(_conn, _cursor, statement, _parameters, _context, executemany):  # type: ignore[no-untyped-def]
        found.add(statement)

    def began(_conn) -> None:  # type: ignore[no-untyped-def]
        with found._lock:
            found.transactions += 1

    def checked_out(*_: object) -> None:
        with found._lock:
            found.connections += 1

    listeners = ((engine, "before_cursor_execute", record), (engine, "begin", began))
    listeners += ((engine.pool, "checkout", checked_out),)
    for target, name, function in listeners:
        event.listen(target, name, function)
    try:
        yield found
    finally:
        for target, name, function in listeners:
            event.remove(target, name, function)
