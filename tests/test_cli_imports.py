"""`rounds --help` and each command's `--help` answer at once: they load none of Slack, the web server, the
database layer, the domain or the settings; a command pays for those only when it runs (DESIGN: every
command has --help). Checked by the modules a fresh interpreter holds after answering, which is
deterministic. (Typer itself loads pydantic to read a command's options, so a command's --help has it.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("slack_bolt", "slack_sdk", "sqlalchemy", "sqlmodel", "fastapi", "starlette", "uvicorn",
         "pydantic_settings", "alembic", "apscheduler", "httpx", "workflows", "integrations", "migrations")  # fmt: skip

ANSWER_AND_LIST = """
import json, sys
from bot.cli import cli
try:
    cli(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def loaded_by(*args: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", ANSWER_AND_LIST, *args], capture_output=True, text=True, timeout=60, check=True
    )
    assert "Usage" in done.stdout
    names = json.loads(done.stderr.strip().splitlines()[-1])
    return {name.split(".")[0] for name in names}


QUICK = [
    ("--help",), ("serve", "--help"), ("socket", "--help"), ("worker", "--help"), ("db", "upgrade", "--help"),
    ("healthcheck", "--help"), ("import-roster", "--help"), ("demo", "--help"),
]  # fmt: skip


@pytest.mark.parametrize("args", QUICK, ids=" ".join)
def test_help_loads_nothing_heavy(args: tuple[str, ...]):
    assert loaded_by(*args) & set(HEAVY) == set()


def test_the_list_of_commands_loads_not_even_pydantic():
    assert "pydantic" not in loaded_by("--help")
