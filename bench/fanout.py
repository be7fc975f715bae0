"""Fan-out: N reminders through the outbox and the delivery worker to a fake Slack that enforces its limits.

The fake allows one message a second per channel (burst 3) and a workspace-wide rate for chat.postMessage
(default 100/s, burst 100). The floor is the least time those limits allow for the run's messages,
computed from the same limits and counts; the ratio is the worker's time (first claim to last message
stored) over that floor. Enqueueing is timed separately: it is the scheduler's cost, not the worker's.

    python -m bench fanout [--n 2000] [--postgres] [--failures 0.05]
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

import migrations
from bot.deliveries import DeliveryWorker
from bot.demo.fake_slack import FakeSlack
from bot.slack_tokens import StaticTokens
from workflows.db import Sessions, make_engine, make_sessions, transaction
from workflows.deliveries import service
from workflows.workspaces.models import DEFAULT_WORKSPACE

TOKEN = "xoxb-bench"
CHANNEL_RATE = 1.0
CHANNEL_BURST = 3
POSTGRES_ADMIN_URL = os.environ.get(
    "ROUNDS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@dataclass(frozen=True)
class Scenario:
    """``dms`` teachers get one DM each; ``channels`` team channels get ``per_channel`` digests each."""

    name: str
    dms: int = 0
    channels: int = 0
    per_channel: int = 0
    failure_rate: float = 0.0

    @property
    def total(self) -> int:
        return self.dms + self.channels * self.per_channel

    def floor(self, workspace_rate: float, workspace_burst: float) -> float:
        """Seconds the fake's limits force, whatever the sender does."""
        workspace = max(0.0, self.total - workspace_burst) / workspace_rate
        channel = max(0.0, self.per_channel - CHANNEL_BURST) / CHANNEL_RATE if self.channels else 0.0
        return max(workspace, channel)


@dataclass(frozen=True)
class Result:
    scenario: Scenario
    floor: float
    took: float
    enqueue: float
    duplicates: int
    lost: int
    refused: int
    injected: int
    failed_rows: int


@contextmanager
def scratch_database(postgres: bool) -> Iterator[str]:
    """A migrated, empty database for one scenario, removed afterwards."""
    if not postgres:
        with tempfile.TemporaryDirectory(prefix="rounds-bench-") as folder:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            migrations.upgrade(url)
            yield url
        return
    name = f"rounds_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        migrations.upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def enqueue_all(sessions: Sessions, scenario: Scenario) -> dict[str, str]:
    """The outbox rows, as the morning-reminder job would write them; returns key → expected text."""
    expected: dict[str, str] = {}
    with transaction(sessions) as session:
        for n in range(scenario.dms):
            key, body = f"reminder:U{n:06d}:2026-11-24", f"Your classrooms today ({n})"
            service.enqueue(
                session,
                workspace=DEFAULT_WORKSPACE, key=key, method="chat.postMessage", args={"channel": f"U{n:06d}", "text": body}
            )
            expected[key] = body
        for k in range(scenario.per_channel):
            for c in range(scenario.channels):
                key, body = f"digest:C{c:05d}:{k}", f"Team digest {c}/{k}"
                service.enqueue(
                    session,
                    workspace=DEFAULT_WORKSPACE, key=key, method="chat.postMessage", args={"channel": f"C{c:05d}", "text": body}
                )
                expected[key] = body
    return expected


def run(scenario: Scenario, *, postgres: bool, workspace_rate: float, senders: int) -> Result:
    with (
        scratch_database(postgres) as url,
        FakeSlack(
            tokens=(TOKEN,),
            workspace_rate_per_sec=workspace_rate,
            workspace_burst=workspace_rate,
            channel_rate_per_sec=CHANNEL_RATE,
            channel_burst=CHANNEL_BURST,
        ) as fake,
    ):
        for n in range(scenario.dms):
            fake.add_user(f"U{n:06d}", email=f"teacher{n}@bench.example.org", real_name=f"Teacher {n}")
        for c in range(scenario.channels):
            fake.add_channel(f"C{c:05d}", f"team-{c}")
        if scenario.failure_rate:
            fake.fail_randomly("chat.postMessage", rate=scenario.failure_rate, kinds=("429", "500", "503"))
        engine = make_engine(url)
        sessions = make_sessions(engine)
        started = time.perf_counter()
        expected = enqueue_all(sessions, scenario)
        enqueued = time.perf_counter() - started

        worker = DeliveryWorker(
            sessions, tokens=StaticTokens(default=TOKEN), api_url=fake.api_url, senders=senders
        )
        started = time.perf_counter()
        worker.drain(timeout=600)
        took = time.perf_counter() - started

        copies = Counter(m["text"] for m in fake.messages())
        with transaction(sessions) as session:
            failed_rows = len(service.failed(session))
        engine.dispose()
        calls = fake.calls_to("chat.postMessage")
        return Result(
            scenario=scenario,
            floor=scenario.floor(workspace_rate, workspace_rate),
            took=took,
            enqueue=enqueued,
            duplicates=sum(n - 1 for n in copies.values() if n > 1),
            lost=sum(1 for body in expected.values() if copies[body] == 0),
            refused=sum(1 for c in calls if c.outcome == "ratelimited" and not c.injected),
            injected=sum(1 for c in calls if c.injected),
            failed_rows=failed_rows,
        )


def report(results: list[Result], *, backend: str, workspace_rate: float) -> str:
    header = (
        f"{'scenario':<34}{'msgs':>6}{'floor s':>9}{'took s':>9}{'ratio':>7}{'dupes':>7}{'lost':>6}"
        f"{'failed':>8}{'429 real':>10}{'injected':>10}{'enqueue s':>11}"
    )
    lines = [
        f"Fan-out on {backend}; fake Slack: {workspace_rate:g} posts/s per workspace (burst {workspace_rate:g}), "
        f"{CHANNEL_RATE:g}/s per channel (burst {CHANNEL_BURST})",
        header,
        "-" * len(header),
    ]
    for r in results:
        lines.append(
            f"{r.scenario.name:<34}{r.scenario.total:>6}{r.floor:>9.1f}{r.took:>9.1f}{r.took / r.floor:>7.2f}"
            f"{r.duplicates:>7}{r.lost:>6}{r.failed_rows:>8}{r.refused:>10}{r.injected:>10}{r.enqueue:>11.1f}"
        )
    lines.append(
        "ratio = took / floor (1.00 is the limits' minimum); the worker paces channels at 1/s and does not spend "
        "the per-channel burst, so channel-bound runs sit above 1 by design."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench fanout", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="DMs in the fan-out (default 2000)")
    parser.add_argument("--postgres", action="store_true", help="use a scratch PostgreSQL database")
    parser.add_argument("--failures", type=float, default=0.05, help="injected 429/5xx share (default 0.05)")
    parser.add_argument("--workspace-rate", type=float, default=100.0, help="fake's posts/s per workspace")
    parser.add_argument("--senders", type=int, default=4, help="worker sender threads")
    options = parser.parse_args(argv)
    if options.n < 1 or not 0 <= options.failures < 1 or options.workspace_rate <= 0:
        parser.error("--n must be ≥ 1, --failures in [0, 1), --workspace-rate > 0")
    logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)  # injected failures are expected here
    scenarios = [
        Scenario(f"{options.n} DMs", dms=options.n),
        Scenario(
            f"{options.n} DMs, {options.failures:.0%} 429/5xx", dms=options.n, failure_rate=options.failures
        ),
        Scenario("6 team channels x 10 digests", channels=6, per_channel=10),
    ]
    started = time.perf_counter()
    results = []
    for scenario in scenarios:
        results.append(
            run(
                scenario,
                postgres=options.postgres,
                workspace_rate=options.workspace_rate,
                senders=options.senders,
            )
        )
        print(f"  {scenario.name}: done", flush=True)
    print(
        report(
            results,
            backend="PostgreSQL" if options.postgres else "SQLite (file)",
            workspace_rate=options.workspace_rate,
        )
    )
    print(f"(measured in {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
