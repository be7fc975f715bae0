"""A real server on a database of the test's choosing (one behind, or one that cannot be reached)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

from sqlalchemy import Engine

from bot.app import build_app
from bot.demo.serve import serve_in_thread
from bot.runtime import Runtime
from bot.server import build_server
from bot.settings import Settings
from bot.slack_client import make_client
from workflows.db import make_sessions


def server_on(engine: Engine, settings: Settings) -> AbstractContextManager[str]:
    app = build_app(Runtime(settings=settings, sessions=make_sessions(engine)), client=make_client(settings))
    return serve_in_thread(build_server(app=app, engine=engine))


def unreachable_url(tmp_path: Path) -> str:
    """A SQLite file in a folder that does not exist: every connection fails."""
    return f"sqlite:///{tmp_path}/no/such/folder/rounds.sqlite3"
