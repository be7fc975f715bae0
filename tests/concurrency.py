"""Making two requests really concurrent: each is held where it first reads a table until the other is too.

Each request is answered once its listener is done (README, "Process model"), so the two requests of a
race are sent from two threads at once; even then they may run one after the other. `together` holds the first statement that names a table in each
of `parties` threads at a barrier; once all have arrived they go on at once, so the race the test is about
(both read the visit before either writes) happens every time, on both databases, without a sleep.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event


class Held:
    """What the barrier saw: how many requests went through it together, and whether it timed out."""

    def __init__(self, parties: int, timeout: float) -> None:
        self.barrier = threading.Barrier(parties, timeout=timeout)
        self.passed = 0
        self.lock = threading.Lock()

    @property
    def met(self) -> bool:
        """Every party arrived, and they went on together."""
        return self.passed == self.barrier.parties and not self.barrier.broken


@contextmanager
def together(engine: Engine, *, table: str, parties: int = 2, timeout: float = 15.0) -> Iterator[Held]:
    """Hold the first statement naming `table` in each of the first `parties` threads until all are there."""
    held = Held(parties, timeout)
    names = re.compile(rf"\b{re.escape(table)}\b")
    threads: set[int] = set()

    def hold(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if not names.search(statement):
            return
        me = threading.get_ident()
        with held.lock:
            if me in threads or len(threads) >= parties:
                return
            threads.add(me)
        held.barrier.wait()
        with held.lock:
            held.passed += 1

    event.listen(engine, "before_cursor_execute", hold)
    try:
        yield held
    finally:
        event.remove(engine, "before_cursor_execute", hold)
