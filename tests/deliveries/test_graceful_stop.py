"""SIGTERM while a message is in flight: the process finishes that call and records it, hands back what it
never tried, then exits. Restarted, nothing is sent twice (issue: the teacher got the same DM twice)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.processes import free_port, start_serve, wait_until
from workflows.db import transaction
from workflows.deliveries.service import enqueue, get
from workflows.workspaces.models import DEFAULT_WORKSPACE

TEACHERS = tuple(f"UTEACH{n}" for n in range(1, 7))


def _queue(sessions) -> None:
    with transaction(sessions) as session:
        for n, teacher in enumerate(TEACHERS, 1):
            enqueue(
                session, workspace=DEFAULT_WORKSPACE, key=f"walkthrough:{n}:teacher", method="chat.postMessage",
                args={"channel": teacher, "text": "Notes from today's visit"},
            )  # fmt: skip


def _statuses(sessions) -> list[str]:
    with sessions() as session:
        return [get(session, key=f"walkthrough:{n}:teacher").status for n in range(1, len(TEACHERS) + 1)]


def _start(kind: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    if kind == "serve":
        return start_serve(free_port(), env)
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker", "--senders", "1"], env={**os.environ, **env},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


@pytest.mark.parametrize("kind", ["serve", "worker"])
def test_sigterm_mid_message_finishes_it_and_hands_back_the_rest(kind, database_url, sessions, slack):
    for teacher in TEACHERS:
        slack.add_user(teacher, email=f"{teacher.lower()}@example.org", real_name=teacher)
    _queue(sessions)
    gate = slack.hold("chat.postMessage")  # the first DM is in flight until the test lets it through
    env = {
        "DATABASE_URL": database_url, "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
    }  # fmt: skip
    process = _start(kind, env)
    try:
        wait_until(gate.arrived.is_set, "the first DM reached Slack", [process])
        process.send_signal(signal.SIGTERM)
        gate.release()
        assert process.wait(timeout=30) == 0, process.communicate()
    finally:
        if process.poll() is None:
            process.kill()

    in_flight = len(slack.calls_to("chat.postMessage"))
    statuses = _statuses(sessions)
    assert statuses.count("sent") == in_flight >= 1, "every DM in flight went out and was recorded"
    assert statuses.count("pending") == len(TEACHERS) - in_flight, "nothing is left `sending` to resend"
    if kind == "worker":
        assert in_flight == 1, "one sender: one DM in flight, nothing new taken after SIGTERM"

    restarted = _start(kind, env)
    try:
        everything = ["sent"] * len(TEACHERS)
        wait_until(lambda: _statuses(sessions) == everything, "the restart sends the rest", [restarted])
    finally:
        restarted.send_signal(signal.SIGTERM)
        restarted.wait(timeout=30)
    channels = [call.args["channel"] for call in slack.calls_to("chat.postMessage")]
    assert len(channels) == len(set(channels)) == len(TEACHERS), "each teacher got their DM once"
