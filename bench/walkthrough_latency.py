"""Walkthrough latency on loopback: Rounds against a floor app and a bare Bolt app, measured in the same run.

Two interactions (and the same two for `/coach` and the coaching log), each at 1 and at 20 concurrent users:
- `/walkthrough`: from sending the signed command until the app's `views.open` reaches the (fake) Slack;
  the floor reads the caller and the teacher and opens the very modal Rounds opened (bench/_floor.py);
  the bare app acknowledges and opens a one-block modal.
- the modal's submission: from sending it until the acknowledgement; Rounds validates, stores the
  walkthrough and writes its messages to the outbox first; the floor reads the caller and inserts, in one
  transaction, the rows a sample Rounds submission inserted; the bare app only acknowledges.

Each app runs under uvicorn in a process of its own (as in production; the load generator and the fake
Slack run in this one), with signatures checked, on one database: a temporary SQLite file, or
`--database-url` (e.g. PostgreSQL). Each server's CPU time and SQL statements are read before and after
each run (`GET /bench/stats`) and reported per request.
Run: `python -m bench.walkthrough_latency` (or `python -m bench walkthrough_latency`).
"""

from __future__ import annotations

import json
import logging
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import httpx
from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy import Engine

import migrations
from bench._floor import Floor, add_stats, build_floor_server, count_statements, primary_keys, rows_added
from bot import ids
from bot.app import build_app
from bot.demo.coaching_scene import log_values
from bot.demo.fake_slack import FakeSlack
from bot.demo.slack_requests import SlackRequestSigner, select_value, view_submission_payload
from bot.demo.walkthrough_scenes import modal_values
from bot.process import freeze_start_up
from bot.runtime import Runtime
from bot.server import build_server
from bot.settings import Settings
from bot.slack_client import make_client
from workflows.db import Sessions, make_engine, make_sessions, transaction
from workflows.roster.service import apply_roster
from workflows.roster.snapshot import (
    BellPeriodRecord,
    ClassRecord,
    DistrictRecord,
    Role,
    RosterSnapshot,
    SchoolRecord,
    StaffMember,
)

TOKEN = "xoxb-bench"
SECRET = "bench-signing-secret"
LEADERS = 20
TEACHERS = 40
# A Tuesday, 9:20 in Chicago: period 2 of the bench school's bell schedule.
NOW = datetime(2026, 3, 3, 15, 20, tzinfo=UTC)


APPS = ("rounds", "floor", "bare")


@dataclass(frozen=True)
class Timing:
    interaction: str
    users: int
    samples: dict[str, list[float]]  # per app
    cpu_ms: dict[str, float]  # server CPU per request, per app
    statements: dict[str, float]  # SQL statements per request, per app


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))]


# ── the world: a school, leaders, teachers, the two apps ─────────────────────────────────────────────


def _roster() -> RosterSnapshot:
    leaders = [
        StaffMember(
            f"l-{i}", f"Leader{i}", "Bench", f"leader{i}@bench.example", frozenset({("s-1", Role.LEADER)})
        )
        for i in range(LEADERS)
    ]
    teachers = [
        StaffMember(
            f"t-{i}", f"Teacher{i}", "Bench", f"teacher{i}@bench.example", frozenset({("s-1", Role.TEACHER)})
        )
        for i in range(TEACHERS)
    ]
    classes = [
        ClassRecord(
            f"c-{i}-{p}", "s-1", f"Class {i}{p}", None, ("Math",), ("05",), (p,), f"{100 + i}", (f"t-{i}",)
        )
        for i in range(TEACHERS)
        for p in ("1", "2", "3")
    ]
    bells = [
        BellPeriodRecord("s-1", "regular", str(p), clock_time(7 + p, 0), clock_time(7 + p, 50))
        for p in (1, 2, 3)
    ]
    coaches = [
        StaffMember(
            f"k-{i}", f"Coach{i}", "Bench", f"coach{i}@bench.example", frozenset({("s-1", Role.COACH)})
        )
        for i in range(LEADERS)
    ]
    return RosterSnapshot(
        districts=(DistrictRecord("d-1", "Bench District"),),
        schools=(SchoolRecord("s-1", "Bench Elementary", "d-1", "America/Chicago"),),
        staff=tuple(leaders + teachers + coaches),
        classes=tuple(classes),
        bell_periods=tuple(bells),
    )


def _bare_app(client: WebClient) -> App:
    """The floor: a Bolt app that acknowledges (and, for the command, opens a one-block modal)."""
    app = App(
        client=client, signing_secret=SECRET, request_verification_enabled=True, process_before_response=False
    )
    modal = {
        "type": "modal",
        "callback_id": ids.WALKTHROUGH_MODAL,
        "title": {"type": "plain_text", "text": "Bare"},
        "blocks": [{"type": "section", "text": {"type": "plain_text", "text": "hello"}}],
    }

    @app.command(ids.WALKTHROUGH_COMMAND)
    @app.command(ids.COACH_COMMAND)
    def command(ack: Ack, command: dict, client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=command["trigger_id"], view=modal)

    @app.view(ids.WALKTHROUGH_MODAL)
    @app.view(ids.COACHING_MODAL)
    def submit(ack: Ack) -> None:
        ack()

    return app


@dataclass
class _World:
    slack: FakeSlack
    sessions: Sessions
    engine: Engine
    settings: Settings


@contextmanager
def _world(database_url: str | None = None) -> Iterator[_World]:
    """A migrated, empty database (a temporary SQLite file unless given) with the bench roster."""
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rounds-bench-")))
        slack = stack.enter_context(FakeSlack(tokens=(TOKEN,), clock=time.perf_counter))
        url = database_url or f"sqlite:///{folder}/bench.sqlite3"
        migrations.upgrade(url)
        engine = make_engine(url)
        stack.callback(engine.dispose)
        sessions = make_sessions(engine)
        with transaction(sessions) as session:
            apply_roster(session, snapshot=_roster())
            from sqlmodel import select

            from workflows.roster.models import Person

            for person in session.exec(select(Person)).all():
                person.slack_user_id = "U" + person.sourced_id.upper().replace("-", "")
                session.add(person)
                slack.add_user(person.slack_user_id, email=person.email or "", real_name=person.name)
        settings = Settings(
            _env_file=None, database_url=url, slack_bot_token=TOKEN, slack_signing_secret=SECRET,
            slack_api_url=slack.api_url,
        )  # fmt: skip
        yield _World(slack=slack, sessions=sessions, engine=engine, settings=settings)


def _serve_forever(kind: str, port: int) -> None:
    """The child process: one app (Rounds, the floor or the bare Bolt app) behind its endpoint, settings from
    the environment, its statements counted."""
    import uvicorn
    from slack_sdk.signature import SignatureVerifier

    logging.getLogger("slack_bolt").setLevel(logging.ERROR)
    settings = Settings()
    engine = make_engine(settings.database_url)
    statements = count_statements(engine)
    client = make_client(settings)
    if kind == "floor":
        samples = json.loads(Path(os.environ["BENCH_FLOOR_SAMPLES"]).read_text())
        server = build_floor_server(Floor(engine, client, samples), SignatureVerifier(SECRET))
    elif kind == "rounds":
        runtime = Runtime(settings=settings, sessions=make_sessions(engine), clock=lambda: NOW)
        server = build_server(app=build_app(runtime, client=client), engine=engine)
    else:
        server = build_server(app=_bare_app(client), engine=engine)
    add_stats(server, statements)
    freeze_start_up()  # as `rounds serve` does
    uvicorn.run(server, host="127.0.0.1", port=port, log_level="warning")


@contextmanager
def _served(kind: str, world: _World, **extra_env: str) -> Iterator[str]:
    """Each app in a process of its own, as in production: the load and the fake Slack don't share its CPU."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": world.settings.database_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": world.settings.slack_api_url,
        **extra_env,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.walkthrough_latency", "--serve", kind, "--port", str(port)], env=env
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/healthz", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the {kind} app did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


# ── the two measurements ─────────────────────────────────────────────────────────────────────────────


def _command_latency(slack: FakeSlack, user: str, signer: SlackRequestSigner, http: httpx.Client) -> float:
    """Seconds from sending `/walkthrough @teacher` (a leader) or `/coach @teacher` (a coach) until the
    app's views.open reaches Slack."""
    trigger = slack.new_trigger_id(user_id=user)
    teacher = "UT" + user[2:]  # each leader (UL…) and coach (UK…) has "their" teacher
    command = ids.COACH_COMMAND if user.startswith("UK") else ids.WALKTHROUGH_COMMAND
    body, headers = signer.slash_command(command, f"<@{teacher}|teacher>", user_id=user, trigger_id=trigger)
    started = time.perf_counter()
    response = http.post("/slack/events", content=body, headers=headers)
    response.raise_for_status()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for call in reversed(slack.calls_to("views.open")):
            if call.args.get("trigger_id") == trigger:
                if not call.ok:
                    raise RuntimeError(f"views.open failed: {call.error}")
                return call.at - started if call.at - started <= 3.0 else math.inf
        time.sleep(0.02)  # the time is Slack's arrival stamp; polling slowly leaves the CPU to the apps
    return math.inf  # never opened: the trigger expired or the listener gave up


def _submission_latency(
    http: httpx.Client, signer: SlackRequestSigner, user: str, view: dict, values: dict, n: int
) -> float:
    """Seconds from sending a new modal's submission until it is acknowledged."""
    meta = json.loads(view.get("private_metadata") or "{}")
    meta["key"] = f"bench-{user}-{n}-{time.perf_counter_ns()}"
    fresh = {**view, "private_metadata": json.dumps(meta)}
    payload = view_submission_payload(user, fresh, values, f"{n}.{n}.bench")
    body, headers = signer.interactivity(payload)
    started = time.perf_counter()
    response = http.post("/slack/events", content=body, headers=headers)
    elapsed = time.perf_counter() - started
    if (
        response.status_code == 404
    ):  # Bolt gave up waiting for the listener's ack (3 s): Slack would show an error
        return math.inf
    if response.status_code != 200 or response.text not in ("", "null"):
        raise RuntimeError(f"submission refused: {response.status_code} {response.text[:200]}")
    return elapsed


def _in_parallel(
    users: list[str], per_user: int, one: Callable[[str, httpx.Client, int], float], url: str
) -> list[float]:
    samples: list[float] = []
    lock = threading.Lock()
    failures: list[BaseException] = []

    def run(user: str) -> None:
        try:
            with httpx.Client(base_url=url, timeout=30) as http:
                one(user, http, -1)  # warm the connection
                mine = [one(user, http, i) for i in range(per_user)]
            with lock:
                samples.extend(mine)
        except BaseException as problem:  # surfaced below, with the thread's own traceback
            failures.append(problem)

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    return samples


def _stats(url: str) -> dict[str, float]:
    return httpx.get(f"{url}/bench/stats", timeout=10).json()


def measure(
    *, single: int = 200, per_user_concurrent: int = 25, database_url: str | None = None
) -> list[Timing]:
    """Run the three apps through both interactions at 1 and 20 users; seconds per sample. 200 samples at
    1 user and 500 at 20, so that a p99 is a percentile (with 160 samples it was the second-slowest one,
    and the same app's p99 moved by 1.5× from one run to the next)."""
    timings: list[Timing] = []
    with _world(database_url) as world, tempfile.TemporaryDirectory(prefix="rounds-floor-") as scratch:
        signer = SlackRequestSigner(SECRET)
        leaders = [f"UL{i}" for i in range(LEADERS)]
        coaches = [f"UK{i}" for i in range(LEADERS)]
        with _served("rounds", world) as rounds_url:
            views, modals = _opened_views(world.slack, signer, rounds_url, leaders + coaches)
            rows = {
                kind: _sample_rows(world.engine, rounds_url, signer, user, views[user])
                for kind, user in (("walkthrough", leaders[0]), ("coaching", coaches[0]))
            }
            samples = Path(scratch) / "floor.json"
            samples.write_text(json.dumps({"views": modals, "rows": rows}))
            with (
                _served("floor", world, BENCH_FLOOR_SAMPLES=str(samples)) as floor_url,
                _served("bare", world) as bare_url,
            ):
                urls = {"rounds": rounds_url, "floor": floor_url, "bare": bare_url}
                for users in (leaders[:1], leaders, coaches[:1], coaches):
                    timings.extend(_one_row(world, signer, urls, users, views, single, per_user_concurrent))
    return timings


def _one_row(
    world: _World, signer: SlackRequestSigner, urls: dict[str, str], users: list[str],
    views: dict[str, tuple[dict, dict]], single: int, per_user_concurrent: int,
) -> list[Timing]:  # fmt: skip
    """The command and the submission, for these users, on each app in turn."""
    per_user = single if len(users) == 1 else per_user_concurrent
    requests = len(users) * (per_user + 1)  # the samples and each user's warm-up
    found: dict[str, dict[str, Any]] = {"command": {}, "submission": {}}
    for name in APPS:
        url = urls[name]
        world.slack.reset(keep_directory=True)
        runs = {
            "command": lambda user, http, _n: _command_latency(world.slack, user, signer, http),
            "submission": lambda user, http, n: _submission_latency(http, signer, user, *views[user], n),
        }
        for interaction, one in runs.items():
            before = _stats(url)
            samples = _in_parallel(users, per_user, one, url)
            after = _stats(url)
            found[interaction][name] = (
                samples,
                (after["cpu_seconds"] - before["cpu_seconds"]) * 1000 / requests,
                (after["statements"] - before["statements"]) / requests,
            )
    coaching = users[0].startswith("UK")
    labels = {
        "command": "/coach → views.open" if coaching else "/walkthrough → views.open",
        "submission": "coaching log → ack" if coaching else "submission → ack",
    }
    return [
        Timing(
            labels[interaction],
            len(users),
            samples={n: found[interaction][n][0] for n in APPS},
            cpu_ms={n: found[interaction][n][1] for n in APPS},
            statements={n: found[interaction][n][2] for n in APPS},
        )
        for interaction in ("command", "submission")
    ]


def _sample_rows(
    engine: Engine, url: str, signer: SlackRequestSigner, user: str, view_and_values: tuple[dict, dict]
) -> list[tuple[str, dict]]:
    """The rows one Rounds submission of this modal inserts: what the floor's submission inserts too."""
    before = primary_keys(engine)
    with httpx.Client(base_url=url, timeout=30) as http:
        _submission_latency(http, signer, user, *view_and_values, -3)
    return rows_added(engine, before)


def _opened_views(
    slack: FakeSlack, signer: SlackRequestSigner, url: str, leaders: list[str]
) -> tuple[dict[str, tuple[dict, dict]], dict[str, dict]]:
    """Each leader's walkthrough modal (each coach's coaching log) for a teacher, as opened by Rounds, and the
    values they would submit; and the modal as Rounds sent it to views.open (what the floor sends)."""
    found: dict[str, tuple[dict, dict]] = {}
    sent: dict[str, dict] = {}
    with httpx.Client(base_url=url, timeout=30) as http:
        for i, user in enumerate(leaders):
            _command_latency(slack, user, signer, http)
            view = slack.open_views()[-1]
            if user.startswith("UK"):  # the first entry starts the teacher's cycle; the bench logs into it
                _submission_latency(http, signer, user, view, log_values(view), -2)
                _command_latency(slack, user, signer, http)
                view = slack.open_views()[-1]
                sent[user] = slack.calls_to("views.open")[-1].args["view"]
                found[user] = (view, log_values(view, working=f"Bench note {i}: pairs explained their thinking."))
                continue
            sent[user] = slack.calls_to("views.open")[-1].args["view"]
            teacher = next(b for b in view["blocks"] if b.get("block_id") == ids.WALKTHROUGH_TEACHER_BLOCK)
            teacher = teacher["element"]["initial_option"]
            values = modal_values(
                view, evidence=f"Bench evidence {i}: students explained their thinking to a partner.",
                strength="Clear routines.", next_step="What if pairs compared strategies?", role="reflective",
                observed_level="Proficient",
            )  # fmt: skip
            values[ids.WALKTHROUGH_TEACHER_BLOCK] = {
                ids.WALKTHROUGH_TEACHER_SELECT: select_value(
                    teacher["value"], teacher["text"]["text"], type="external_select"
                )
            }
            found[user] = (view, values)
    return found, sent


def report(timings: list[Timing]) -> str:
    header = (
        f"{'interaction':<26}{'users':>6}{'n':>5}{'late':>5}{'p50':>7}{'p99':>7}{'floor':>7}{'p99':>7}"
        f"{'bare':>6}{'p99':>6}{'÷floor':>8}{'p99':>6}{'÷bare':>7}{'p99':>6}"
        f"{'cpu ms':>8}{'floor':>6}{'sql':>5}{'floor':>6}"
    )
    lines = [header, "-" * len(header)]
    for t in timings:
        r, f, b = t.samples["rounds"], t.samples["floor"], t.samples["bare"]
        r50, r99 = percentile(r, 0.5) * 1000, percentile(r, 0.99) * 1000
        f50, f99 = percentile(f, 0.5) * 1000, percentile(f, 0.99) * 1000
        b50, b99 = percentile(b, 0.5) * 1000, percentile(b, 0.99) * 1000
        lines.append(
            f"{t.interaction:<26}{t.users:>6}{len(r):>5}{sum(map(math.isinf, r)):>5}"
            f"{r50:>7.1f}{r99:>7.1f}{f50:>7.1f}{f99:>7.1f}{b50:>6.1f}{b99:>6.1f}"
            f"{r50 / f50:>8.2f}{r99 / f99:>6.2f}{r50 / b50:>7.2f}{r99 / b99:>6.2f}"
            f"{t.cpu_ms['rounds']:>8.1f}{t.cpu_ms['floor']:>6.1f}"
            f"{t.statements['rounds']:>5.1f}{t.statements['floor']:>6.1f}"
        )
    lines.append(
        "ms; late: over Slack's 3 s (counted as infinitely slow). ÷ is Rounds over the floor app (the same"
        " work, done minimally) and over the bare Bolt app, same run. cpu ms and sql: the server process's"
        " CPU time and SQL statements per request (Rounds, floor)."
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """`--database-url URL`: an empty database to use (e.g. PostgreSQL); default, a temporary SQLite file."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--serve" in args:
        _serve_forever(args[args.index("--serve") + 1], int(args[args.index("--port") + 1]))
        return
    url = args[args.index("--database-url") + 1] if "--database-url" in args else None
    logging.getLogger("slack_bolt").setLevel(logging.ERROR)  # late acks are counted in the table
    started = time.perf_counter()
    print(report(measure(database_url=url)))
    print(f"database: {'PostgreSQL' if url and url.startswith('postgresql') else 'SQLite'}")
    print(f"(measured in {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
