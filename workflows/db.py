"""Engines and sessions. Built by factories so each process and each test owns its own.

A query on a request's path is built once, by a `functools.cache`d function beside its use that returns it
with `bindparam`s for what changes (`_profile_statement` in `workflows/roster/service.py`, say): composing
a `select` costs more CPU than SQLAlchemy's cached compilation and the database's answer together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, SQLModel, create_engine

T = TypeVar("T")

Sessions = sessionmaker[Session]


def make_engine(url: str) -> Engine:
    """An engine with the settings each backend needs to behave like the other."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


HELD = "rounds.held"


def make_sessions(engine: Engine) -> Sessions:
    """Sessions of one process: they share its reference data cache (`workflows.reference.cache`)."""
    from workflows.reference.cache import CACHE, ReferenceCache, forget_transaction

    sessions = sessionmaker(engine, class_=Session, expire_on_commit=False, info={CACHE: ReferenceCache()})
    for ended in ("after_commit", "after_rollback"):
        event.listen(sessions, ended, forget_transaction)
    event.listen(sessions, "loaded_as_persistent", _hold)
    event.listen(sessions, "pending_to_persistent", _hold)
    return sessions


def hold_loaded(session: Session) -> None:
    """Keep what this session loads until it closes, so `session.get` finds it again without a query (a
    session holds its objects only weakly). For the short sessions of one request."""
    session.info.setdefault(HELD, [])


def _hold(session: Session, instance: object) -> None:
    held = session.info.get(HELD)
    if held is not None:
        held.append(instance)


@contextmanager
def transaction(sessions: Sessions) -> Iterator[Session]:
    """One unit of work: commits when the block ends, rolls back everything if it raises."""
    with sessions() as session, session.begin():
        yield session


def in_transaction(
    sessions: Sessions,
    work: Callable[[Session], T],
    *,
    opening: Callable[[], AbstractContextManager[Session]] | None = None,
) -> T:
    """Run `work` in a transaction; when a concurrent duplicate wins the race, run it once more.

    Slack retries and double clicks arrive together; the second run finds the row the first one wrote (by
    its idempotency key) and changes nothing. `opening`: how the transaction is opened (a caller's, see
    `bot.callers.Caller.transaction`); by default, a new one of `sessions`.
    """
    open_one = opening if opening is not None else (lambda: transaction(sessions))
    try:
        with open_one() as session:
            return work(session)
    except (IntegrityError, OperationalError):
        with open_one() as session:
            return work(session)


def insert_once(session: Session, model: type[SQLModel], *, unique: list[str], **values: Any) -> bool:
    """Insert a row unless one with the same `unique` columns exists; False when it did.

    Race-safe on SQLite and PostgreSQL (INSERT … ON CONFLICT DO NOTHING): of two processes inserting at
    once, exactly one gets True.
    """
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = model.__table__  # type: ignore[attr-defined]
    statement = insert(table).values(**values).on_conflict_do_nothing(index_elements=unique)
    # RETURNING, not rowcount: drivers may report -1 for INSERT … ON CONFLICT.
    return session.execute(statement.returning(table.c[unique[0]])).first() is not None
