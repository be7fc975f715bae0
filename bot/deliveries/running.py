"""A delivery worker in a background thread of a serving process (`rounds serve`, the demo)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from bot.deliveries.worker import DeliveryWorker


@contextlib.contextmanager
def running(worker: DeliveryWorker) -> Iterator[threading.Event]:
    """Run ``worker.run_forever`` for the duration of a block; on leaving, finish the calls in flight."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop,), name="delivery-worker", daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        worker.wake()
        thread.join(timeout=30)
