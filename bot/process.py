"""How a serving process (`rounds serve`, `rounds socket`) runs its Slack requests: see the README's
"Process model"."""

from __future__ import annotations

import gc

# How many Slack requests one process works on at once. More would only share one core's GIL; the rest
# wait their turn, in order, costing nothing but an open socket (HTTP) or a queued message (Socket Mode).
REQUEST_THREADS = 8


def freeze_start_up() -> None:
    """Move everything built at start-up (the app, its listeners, the models, the imported modules) out of
    the garbage collector's sight: a full collection then walks only what requests create, instead of
    pausing a request for the ~135k objects every process starts with."""
    gc.collect()
    gc.freeze()
