"""The deployment files, checked without a container engine: compose.yaml, the Dockerfile and the locks.

What `docker compose up` would run must be real `rounds` commands with real options, health checks that
`rounds healthcheck` accepts, and an image built from hash-checked locks without the developer tools.
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from bot.cli import cli

ROOT = Path(__file__).resolve().parent.parent
# (packaging is no longer one of them: matplotlib, for the digests' charts, needs it at run time.)
DEV_TOOLS = {"pytest", "hypothesis", "ruff", "iniconfig", "pluggy", "sortedcontainers"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def runs(argv: list[str]) -> None:
    """`argv` is a `rounds` command line whose command and options exist (checked with --help)."""
    assert argv[0] == "rounds", argv
    result = CliRunner().invoke(cli, [*argv[1:], "--help"])
    assert result.exit_code == 0, f"{shlex.join(argv)}: {result.output}"


def test_compose_runs_postgres_serve_and_the_worker(compose):
    services = compose["services"]
    assert set(services) == {"db", "serve", "worker"}
    db = services["db"]
    assert db["image"] == "postgres:16"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    [volume] = db["volumes"]
    assert volume.split(":")[0] in compose["volumes"]  # a named volume: the data outlives the container

    serve, worker = services["serve"], services["worker"]
    assert serve["command"][:2] == ["rounds", "serve"] and worker["command"][:2] == ["rounds", "worker"]
    for service in (serve, worker):
        runs(service["command"])
        assert service["build"] == "." and service["image"] == serve["image"]  # the one image
        assert service["depends_on"] == {"db": {"condition": "service_healthy"}}
        assert service["env_file"] == ".env"
        assert service["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "@db:5432/" in service["environment"]["DATABASE_URL"]
    assert "3000:3000" in serve["ports"] and "--port" in serve["command"]
    # Both migrate at start (the advisory lock makes starting together safe): the worker must ask for it.
    assert "--migrate" in worker["command"] and "--no-migrate" not in serve["command"]


def test_compose_health_checks_are_rounds_healthcheck_commands(compose):
    serve = compose["services"]["serve"]["healthcheck"]["test"]
    worker = compose["services"]["worker"]["healthcheck"]["test"]
    assert serve[0] == worker[0] == "CMD"
    runs(serve[1:])
    runs(worker[1:])
    assert serve[1:3] == ["rounds", "healthcheck"] and "http://127.0.0.1:3000/healthz" in serve
    assert worker[1:] == ["rounds", "healthcheck", "--max-heartbeat-age", "120"]
    # The worker beats well within the age its check allows.
    params = {p.name: p for p in typer.main.get_command(cli).commands["worker"].params}
    assert params["heartbeat_every"].default * 3 <= float(worker[-1])


def _instructions(path: Path) -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", path.read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def _stages(instructions: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for keyword, args in instructions:
        if keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword, args))
    return stages


def test_the_dockerfile_builds_from_hashed_locks_and_runs_rounds_unprivileged():
    builder, final = _stages(_instructions(ROOT / "Dockerfile"))
    assert builder[0][1].endswith("AS builder")

    installs = [args for keyword, args in builder if keyword == "RUN" and "pip install" in args]
    locked = [args for args in installs if "-r " in args]
    assert locked and all("--require-hashes" in args for args in locked)
    copied = {Path(args.split()[0]).name for keyword, args in builder if keyword == "COPY"}
    assert "requirements-runtime.lock" in copied
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    assert {name.rstrip("*") for name in packages["include"]} <= copied  # every package is in the image

    keywords = dict(final)
    assert "--from=builder" in keywords["COPY"]
    assert keywords["USER"] not in ("root", "0")
    assert "rounds healthcheck" in keywords["HEALTHCHECK"]
    runs(shlex.split(keywords["HEALTHCHECK"].split("CMD", 1)[1].replace("${PORT}", "3000")))
    command = json.loads(keywords["CMD"])
    assert command == ["rounds", "serve"]
    runs(command)
    assert not any("pip install" in args for keyword, args in final if keyword == "RUN")


def _pins(path: Path) -> dict[str, str]:
    """name -> version of a lock file; every requirement must carry at least one hash."""
    text = path.read_text()
    requirements = re.findall(
        r"^([a-z0-9][a-z0-9._-]*)==(\S+)((?: \\\n\s+--hash=sha256:[0-9a-f]{64})+)", text, re.M
    )
    assert len(requirements) == len(re.findall(r"^[a-z0-9][a-z0-9._-]*==", text, re.M)), (
        f"{path.name}: a pin has no hash"
    )
    return {name: version for name, version, _ in requirements}


def test_the_locks_pin_the_same_versions_with_hashes_and_the_runtime_one_has_no_dev_tools():
    development = _pins(ROOT / "requirements.lock")
    runtime = _pins(ROOT / "requirements-runtime.lock")
    assert set(development) >= DEV_TOOLS
    assert not DEV_TOOLS & set(runtime)
    assert {name: development[name] for name in runtime} == runtime
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for requirement in project:
        name = re.split(r"[\[<>=~ ]", requirement, maxsplit=1)[0].lower()
        assert name in runtime, name
    assert "--require-hashes -r requirements.lock" in (ROOT / "dev").read_text()
