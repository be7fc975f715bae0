"""The floor of the walkthrough latency bench: the least an app can do for the same request, on the same
server stack (FastAPI under uvicorn, the same number of request threads, a frozen start-up heap).

- a command: Slack's signature checked, the caller and the teacher read by their indexed Slack ids, and one
  views.open of the very modal Rounds opened for that caller (over a kept-alive connection);
- a submission: the signature checked, the caller read, and one transaction inserting the rows Rounds'
  own submission of that modal inserted (copied from a sample: new ids, fresh unique keys).

Each server process (Rounds, the floor, the bare Bolt app) counts its SQL statements and answers
`GET /bench/stats` with them and its CPU time, so the bench can report both per request.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request, Response
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Connection, Engine, Table, event, select, text
from sqlmodel import SQLModel
from starlette.concurrency import run_in_threadpool

from bot import ids
from bot.process import REQUEST_THREADS
from bot.slack_connections import KeptAliveWebClient

Row = dict[str, Any]


def count_statements(engine: Engine) -> Callable[[], int]:
    """Every statement the process sends to the database from now on, counted."""
    seen = [0]
    lock = threading.Lock()

    def count(*_: Any) -> None:
        with lock:
            seen[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    return lambda: seen[0]


def add_stats(server: FastAPI, statements: Callable[[], int]) -> None:
    @server.get("/bench/stats")
    def stats() -> dict[str, float]:
        return {"statements": statements(), "cpu_seconds": time.process_time()}


# ── the rows a submission writes, as a sample to copy ────────────────────────────────────────────────


def primary_keys(engine: Engine) -> dict[str, set[tuple]]:
    """Every row's primary key, per table: what was there before a sample submission."""
    found: dict[str, set[tuple]] = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            columns = list(table.primary_key.columns)
            found[table.name] = {tuple(r) for r in conn.execute(select(*columns))}
    return found


def rows_added(engine: Engine, before: dict[str, set[tuple]]) -> list[tuple[str, Row]]:
    """The rows inserted since `before`, parents before children, as JSON-able dicts."""
    added: list[tuple[str, Row]] = []
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            keys = [c.name for c in table.primary_key.columns]
            for row in conn.execute(select(table)).mappings():
                if tuple(row[k] for k in keys) not in before[table.name]:
                    added.append((table.name, {k: _plain(v) for k, v in row.items()}))
    return added


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


# ── the floor's server ───────────────────────────────────────────────────────────────────────────────


class Floor:
    """What the floor knows: each caller's modal and the sample rows of each kind of submission."""

    def __init__(self, engine: Engine, client: KeptAliveWebClient, samples: dict) -> None:
        self.engine = engine
        self.client = client
        self.views: dict[str, dict] = samples["views"]
        self.rows: dict[str, list[tuple[str, Row]]] = samples["rows"]
        self.tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
        self.serial = 0
        self.lock = threading.Lock()

    def command(self, form: dict[str, str]) -> Response:
        user, teacher = form["user_id"], form["text"].split("|")[0].lstrip("<@")
        with self.engine.connect() as conn:
            conn.execute(_PERSON, {"user": user}).one()
            conn.execute(_PERSON, {"user": teacher}).one()
        self.client.views_open(trigger_id=form["trigger_id"], view=self.views[user])
        return Response(status_code=200)

    def submission(self, payload: dict) -> Response:
        user = payload["user"]["id"]
        kind = "coaching" if payload["view"]["callback_id"] == ids.COACHING_MODAL else "walkthrough"
        with self.lock:
            self.serial += 1
            suffix = f"-floor{self.serial}"
        prepared = [(self.tables[name], self._fresh(self.tables[name], row, suffix)) for name, row in self.rows[kind]]
        with self.engine.begin() as conn:
            conn.execute(_PERSON, {"user": user}).one()
            _insert_all(conn, prepared)
        return Response(status_code=200)

    @staticmethod
    def _fresh(table: Table, row: Row, suffix: str) -> Row:
        unique = {c.name for c in table.columns if c.unique} | {
            c.name for index in table.indexes if index.unique for c in index.columns
        }
        fresh = {k: (v + suffix if k in unique and isinstance(v, str) else v) for k, v in row.items()}
        for column in table.columns:
            if column.name in fresh and isinstance(fresh[column.name], str) and _is_time(column):
                kind = datetime if "TIME" in str(column.type).upper() else date
                fresh[column.name] = kind.fromisoformat(fresh[column.name])
        return fresh


_PERSON = text("SELECT id FROM person WHERE slack_user_id = :user")


def _is_time(column: Any) -> bool:
    name = str(column.type).upper()
    return "DATE" in name or "TIMESTAMP" in name


def _insert_all(conn: Connection, prepared: list[tuple[Table, Row]]) -> None:
    """Insert the copies in order; an autoincrement id is the database's, and children point at the new one."""
    new_ids: dict[tuple[str, Any], Any] = {}
    for table, row in prepared:
        values = dict(row)
        for column in table.columns:
            for fk in column.foreign_keys:
                old = values.get(column.name)
                if (fk.column.table.name, old) in new_ids:
                    values[column.name] = new_ids[(fk.column.table.name, old)]
        own_id = "id" in table.c and table.c.id.autoincrement in (True, "auto") and table.c.id.primary_key
        old_id = values.pop("id", None) if own_id else None
        result = conn.execute(table.insert().values(**values))
        if own_id:
            new_ids[(table.name, old_id)] = result.inserted_primary_key[0]


def build_floor_server(floor: Floor, verifier: SignatureVerifier) -> FastAPI:
    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    turns = asyncio.Semaphore(REQUEST_THREADS)

    @server.post("/slack/events")
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        if not verifier.is_valid_request(body, dict(request.headers)):
            return Response(status_code=401)
        form = dict(parse_qsl(body.decode()))
        async with turns:
            if "payload" in form:
                return await run_in_threadpool(floor.submission, json.loads(form["payload"]))
            return await run_in_threadpool(floor.command, form)

    @server.get("/healthz")
    def healthz() -> dict[str, bool]:
        return {"ok": True}

    return server
