"""The `rounds` command line as an IT admin meets it: help everywhere, clear refusals, a real server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from typer.testing import CliRunner

from bot.cli import cli
from bot.demo.slack_requests import SlackDriver, SlackRequestSigner
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from workflows.db import transaction
from workflows.deliveries.service import enqueue, get
from workflows.workspaces.models import DEFAULT_WORKSPACE

COMMANDS = [
    ["serve"],
    ["socket"],
    ["worker"],
    ["healthcheck"],
    ["import-roster"],
    ["plan"],
    ["remind"],
    ["deliveries"],
    ["framework"],
    ["framework", "load"],
    ["framework", "show"],
    ["framework", "template"],
    ["db"],
    ["db", "upgrade"],
    ["demo"],
    ["community", "set"],
    ["community", "show"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_explains_itself(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage: rounds " + " ".join(command) in result.output


def test_top_level_help_lists_the_commands():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in (
        "serve",
        "socket",
        "worker",
        "healthcheck",
        "import-roster",
        "plan",
        "remind",
        "deliveries",
        "framework",
        "db",
        "demo",
    ):
        assert name in result.output


@pytest.mark.parametrize(
    ("command", "missing"),
    [(["serve"], "SLACK_SIGNING_SECRET"), (["socket"], "SLACK_APP_TOKEN")],
)
def test_a_missing_secret_is_named(tmp_path, command, missing):
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        "SLACK_BOT_TOKEN": "xoxb-x",
        "SLACK_SIGNING_SECRET": "s",
    }
    env[missing] = ""
    result = CliRunner().invoke(cli, command, env=env)
    assert result.exit_code == 2
    assert f"{missing} is not set" in result.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_rounds_serve_migrates_a_fresh_database_and_answers_slack(tmp_path, slack):
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/fresh.sqlite3",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.api_url,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as http:
            deadline = time.monotonic() + 30
            while True:
                try:
                    health = http.get("/healthz")
                    break
                except httpx.TransportError:
                    assert server.poll() is None, server.stdout.read().decode()
                    assert time.monotonic() < deadline, "rounds serve did not start"
                    time.sleep(0.2)
            assert health.status_code == 200 and health.json()["ok"] is True
            driver = SlackDriver(SlackRequestSigner(SIGNING_SECRET), slack, http)
            reply = driver.command("UNOBODY", "/rounds", "help")
            assert reply.status_code == 200
            assert "not on the roster yet" in reply.json()["text"]
            forged = SlackDriver(SlackRequestSigner("wrong"), slack, http).command(
                "UNOBODY", "/rounds", "help"
            )
            assert forged.status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_rounds_worker_sends_what_is_queued_and_stops_cleanly_on_sigterm(database_url, sessions, slack):
    slack.add_user("UTEACH", email="teacher@example.org", real_name="Tess Teacher")
    with transaction(sessions) as session:
        enqueue(
            session,
            workspace=DEFAULT_WORKSPACE,
            key="test:worker:1",
            method="chat.postMessage",
            args={"channel": "UTEACH", "text": "Hello"},
        )
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": slack.api_url,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 30
        while not (slack.dm_channel_for("UTEACH") and slack.messages(slack.dm_channel_for("UTEACH"))):
            assert worker.poll() is None, worker.stdout.read().decode()
            assert time.monotonic() < deadline, "rounds worker sent nothing"
            time.sleep(0.1)
        # A container health check passes once the worker has beaten (at start, then every 30 s).
        while (
            check := CliRunner().invoke(cli, ["healthcheck", "--max-heartbeat-age", "120"], env=env)
        ).exit_code:
            assert time.monotonic() < deadline, check.output
            time.sleep(0.1)
        assert check.output.startswith("healthy: database reachable")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
    assert [m["text"] for m in slack.messages(slack.dm_channel_for("UTEACH"))] == ["Hello"]
    with sessions() as session:
        assert get(session, key="test:worker:1").status == "sent"


def test_help_starts_without_loading_slack_the_web_server_or_the_database():
    """`rounds --help` (and a container's health check) should not pay for importing the whole app."""
    probe = (
        "import sys; from bot.cli import cli; from typer.testing import CliRunner; "
        "assert CliRunner().invoke(cli, ['--help']).exit_code == 0; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'slack_bolt', 'slack_sdk', 'fastapi', 'uvicorn', 'sqlalchemy', 'alembic', 'workflows'}))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
