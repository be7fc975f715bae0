"""A delivery worker in its own process, for the kill test: `python -m tests.deliveries.worker_main`."""

from __future__ import annotations

import argparse
import sys
import threading

from bot.deliveries import DeliveryWorker
from bot.slack_tokens import StaticTokens
from workflows.db import make_engine, make_sessions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database_url")
    parser.add_argument("api_url")
    parser.add_argument("--lease", type=float, default=1.0)
    parser.add_argument(
        "--drain", action="store_true", help="send what is due, then exit (else run until killed)"
    )
    parser.add_argument("--on-go", action="store_true", help="start only when a line arrives on stdin")
    options = parser.parse_args()
    worker = DeliveryWorker(
        make_sessions(make_engine(options.database_url)),
        tokens=StaticTokens(default="xoxb-test"),
        api_url=options.api_url,
        lease_seconds=options.lease,
    )
    print("ready", flush=True)
    if options.on_go:
        sys.stdin.readline()
    if options.drain:
        worker.drain(timeout=60)
    else:
        worker.run_forever(threading.Event())


if __name__ == "__main__":
    main()
