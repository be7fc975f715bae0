"""The outbox: write a message once under its idempotency key, then claim, record and query its sending.

Callers only ever ``enqueue``; the delivery worker (``bot/deliveries/``) does the rest through the
claim/record functions below. Every state change is one short UPDATE guarded by the row's status and owner,
so two workers, a restarted worker and a worker that lost its lease never both own a row.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from workflows.deliveries.models import Delivery, DeliveryStatus

# `files.upload_v2` is slack_sdk's upload (files.getUploadURLExternal, the bytes, files.completeUploadExternal
# naming the channel) as one delivery: args `channel`, `filename`, `title`, `content_b64`, and optionally
# `thread_of`, the key of the message to reply under (sent after it, in its thread).
UPLOAD = "files.upload_v2"
METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral", "views.publish", UPLOAD})

_table = Delivery.__table__  # type: ignore[attr-defined]
_c = _table.c


class DeliveryError(ValueError):
    """A delivery that could never be sent (unknown method, missing recipient, bad update_of)."""


@dataclass(frozen=True)
class Message:
    """One message to write into the outbox (see `enqueue`)."""

    workspace: str
    key: str
    method: str
    args: dict[str, Any]
    not_before: datetime | None = None
    update_of: str | None = None


def enqueue(
    session: Session,
    *,
    workspace: str,
    key: str,
    method: str,
    args: dict[str, Any],
    not_before: datetime | None = None,
    update_of: str | None = None,
    now: datetime | None = None,
) -> Delivery:
    """Write a message to send, once: a second call with the same key returns the first row unchanged.

    Race-safe (INSERT … ON CONFLICT DO NOTHING on the unique key), so two schedulers enqueueing the same
    reminder at the same moment still make one row. ``now`` defaults to the database's clock.
    """
    message = Message(workspace, key, method, args, not_before=not_before, update_of=update_of)
    return enqueue_all(session, [message], now=now)[0]


def enqueue_all(session: Session, messages: Sequence[Message], *, now: datetime | None = None) -> list[Delivery]:
    """Write several messages at once, each once (as `enqueue`), in one statement: the rows come back
    from the INSERT itself (RETURNING); only a key already there is read again. In the order given."""
    for message in messages:
        _check(key=message.key, method=message.method, args=message.args, update_of=message.update_of)
        if message.not_before is not None and message.not_before.utcoffset() is None:
            raise DeliveryError("not_before must be timezone-aware")
    if not messages:
        return []
    rows = [
        {
            "workspace": m.workspace,
            "key": m.key,
            "method": m.method,
            "args": m.args,
            "status": DeliveryStatus.PENDING.value,
            "attempts": 0,
            "not_before": m.not_before,
            "update_of": m.update_of,
        }
        | ({"created_at": now} if now is not None else {})
        for m in messages
    ]
    statement = _insert_new(session.get_bind().dialect.name, database_clock=now is None)
    written = {row.key: row for row in session.scalars(statement, rows)}
    for message in messages:
        if message.key not in written:  # already there: a retry, or a concurrent twin that won
            found = get(session, key=message.key)
            assert found is not None, "the row was already there"
            written[message.key] = found
    return [written[m.key] for m in messages]


@cache
def _insert_new(dialect: str, *, database_clock: bool) -> Any:
    """INSERT … ON CONFLICT (key) DO NOTHING RETURNING the new rows, built once: as one statement with its
    values inline it could not be cached, and compiling it was a sixth of a walkthrough's submission."""
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(Delivery)
    if database_clock:
        statement = statement.values(created_at=func.now())
    return statement.on_conflict_do_nothing(index_elements=["key"]).returning(Delivery)


def _check(*, key: str, method: str, args: dict[str, Any], update_of: str | None) -> None:
    if not key or len(key) > 255:
        raise DeliveryError("a delivery key is 1 to 255 characters")
    if method not in METHODS:
        raise DeliveryError(f"unsupported method {method!r}; use one of {sorted(METHODS)}")
    if not isinstance(args, dict):
        raise DeliveryError("args must be a dict of Slack Web API arguments")
    if method == "views.publish" and not args.get("user_id"):
        raise DeliveryError("views.publish needs args['user_id']")
    if method in ("chat.postMessage", "chat.postEphemeral") and not args.get("channel"):
        raise DeliveryError(f"{method} needs args['channel'] (a channel id, or a user id for a DM)")
    if method == "chat.update" and update_of is None and not (args.get("channel") and args.get("ts")):
        raise DeliveryError("chat.update needs update_of=<key>, or args['channel'] and args['ts']")
    if method == UPLOAD and not (args.get("channel") and args.get("content_b64") and args.get("filename")):
        raise DeliveryError(f"{UPLOAD} needs args['channel'], args['filename'] and args['content_b64']")
    if update_of is not None and method != "chat.update":
        raise DeliveryError("update_of is only for chat.update")


# --------------------------------------------------------------------------- queries for features and admins


def get(session: Session, *, key: str) -> Delivery | None:
    return session.execute(select(Delivery).where(_c.key == key)).scalars().first()


def stop_workspace(session: Session, *, workspace: str, reason: str) -> int:
    """Fail every unsent delivery of a workspace Rounds was removed from; admins see the reason."""
    unsent = _c.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value])
    result = session.execute(
        update(_table)
        .where(_c.workspace == workspace, unsent)
        .values(status=DeliveryStatus.FAILED.value, last_error=reason[:64], lease_until=None, claimed_by=None)
    )
    return result.rowcount


def failed(session: Session, *, since: datetime | None = None) -> list[Delivery]:
    """Deliveries that were given up on, newest first (admins: `rounds deliveries --failed`)."""
    query = select(Delivery).where(_c.status == DeliveryStatus.FAILED.value)
    if since is not None:
        query = query.where(_c.created_at >= since)
    return list(session.execute(query.order_by(_c.id.desc())).scalars())


# Slack's refusals of a post in a channel Rounds cannot write in (archived, private without Rounds, Rounds not
# a member): final for that message; the feature that sent it tells a person.
CHANNEL_REFUSALS = frozenset({"not_in_channel", "is_archived", "channel_not_found"})


def refused_by_channel(session: Session, *, key_prefix: str) -> list[Delivery]:
    """Posts under `key_prefix` that Slack refused for their channel, oldest first."""
    query = select(Delivery).where(
        _c.key.startswith(key_prefix), _c.status == DeliveryStatus.FAILED.value,
        _c.last_error.in_(sorted(CHANNEL_REFUSALS)), _c.method == "chat.postMessage",
    )  # fmt: skip
    return list(session.execute(query.order_by(_c.id)).scalars())


def recent(session: Session, *, limit: int = 50) -> list[Delivery]:
    """The latest deliveries in any state, newest first."""
    return list(session.execute(select(Delivery).order_by(_c.id.desc()).limit(limit)).scalars())


def pending_count(session: Session) -> int:
    """Deliveries not yet sent or given up on (waiting, or being sent right now)."""
    unfinished = _c.status.in_([DeliveryStatus.PENDING.value, DeliveryStatus.SENDING.value])
    return int(session.execute(select(func.count()).select_from(_table).where(unfinished)).scalar_one())


@dataclass(frozen=True)
class Outstanding:
    """What a worker draining the outbox still has to wait for (None: nothing of that kind)."""

    retry_at: datetime | None  # earliest due-or-retrying pending row (never-tried future rows excluded)
    lease_until: datetime | None  # earliest lease of a row some worker is sending right now

    @property
    def nothing(self) -> bool:
        return self.retry_at is None and self.lease_until is None


def outstanding(session: Session, *, now: datetime) -> Outstanding:
    """Rows due now, rows waiting out a retry (tried before) and rows claimed by any worker.

    Rows scheduled for later that were never tried are not outstanding: draining does not wait for them.
    """
    pending = _c.status == DeliveryStatus.PENDING.value
    retrying = and_(
        pending, or_(_c.first_tried_at.is_not(None), _c.not_before.is_(None), _c.not_before <= now)
    )
    retry_at = session.execute(
        select(func.min(func.coalesce(_c.not_before, now))).where(retrying)
    ).scalar_one()
    lease = session.execute(
        select(func.min(_c.lease_until)).where(_c.status == DeliveryStatus.SENDING.value)
    ).scalar_one()
    return Outstanding(
        retry_at=_aware(retry_at) if retry_at is not None else None,
        lease_until=_aware(lease) if lease is not None else None,
    )


def _aware(value: datetime | str) -> datetime:
    """Aggregates skip the column type on some backends; bring them back to aware UTC datetimes."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.utcoffset() is not None else value.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- the worker's side


def _due(now: datetime):  # type: ignore[no-untyped-def]
    waiting = and_(
        _c.status == DeliveryStatus.PENDING.value, or_(_c.not_before.is_(None), _c.not_before <= now)
    )
    abandoned = and_(_c.status == DeliveryStatus.SENDING.value, _c.lease_until < now)
    return or_(waiting, abandoned)


def claim(
    session: Session,
    *,
    worker: str,
    now: datetime,
    lease: timedelta,
    limit: int,
    skip_workspaces: Collection[str] = (),
) -> list[Delivery]:
    """Take up to ``limit`` due rows, oldest first, for ``worker`` until ``now + lease``.

    Due: pending and past ``not_before``, or claimed by a worker whose lease ran out (it crashed or hung).
    ``skip_workspaces``: workspaces the worker already holds enough rows of (so others' are taken).
    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` so concurrent workers take disjoint rows without waiting. SQLite
    serialises writers, so the single UPDATE … WHERE id IN (…) is already atomic.
    """
    picked = select(_c.id).where(_due(now))
    if skip_workspaces:
        picked = picked.where(_c.workspace.not_in(list(skip_workspaces)))
    picked = picked.order_by(_c.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        picked = picked.with_for_update(skip_locked=True)
    statement = (
        update(Delivery)
        .where(_c.id.in_(picked.scalar_subquery()), _due(now))
        .values(
            status=DeliveryStatus.SENDING.value,
            claimed_by=worker,
            lease_until=now + lease,
            first_tried_at=func.coalesce(_c.first_tried_at, now),
        )
        .returning(Delivery)
        .execution_options(synchronize_session=False)
    )
    rows = list(session.execute(statement).scalars())
    return sorted(rows, key=lambda row: row.id or 0)


def start_attempt(
    session: Session, *, delivery_id: int, worker: str, attempts: int, lease_until: datetime
) -> bool:
    """Renew the lease before a call, only if ``worker`` still owns the row; False: someone retook it.

    The worker does this when its claim is close to lapsing (rows wait in a paced lane, or a retry was held),
    so a worker whose lease ran out never sends a row another worker has taken.
    """
    result = session.execute(
        update(_table)
        .where(_c.id == delivery_id, _c.status == DeliveryStatus.SENDING.value, _c.claimed_by == worker)
        .values(attempts=attempts, lease_until=lease_until)
    )
    return result.rowcount == 1


def mark_sent(
    session: Session, *, delivery_id: int, attempts: int, now: datetime, channel: str | None, ts: str | None
) -> None:
    """Record what Slack made of it. Unconditional on owner: it was sent, whoever holds the row now."""
    session.execute(
        update(_table)
        .where(_c.id == delivery_id, _c.status != DeliveryStatus.SENT.value)
        .values(
            status=DeliveryStatus.SENT.value,
            attempts=attempts,
            slack_channel=channel,
            slack_ts=ts,
            sent_at=now,
            lease_until=None,
            last_error=None,
        )
    )


def mark_failed(session: Session, *, delivery_id: int, worker: str, attempts: int, error: str) -> bool:
    """Give up on a row this worker owns; ``error`` is a short code, shown to admins."""
    result = session.execute(
        update(_table)
        .where(_c.id == delivery_id, _c.status == DeliveryStatus.SENDING.value, _c.claimed_by == worker)
        .values(
            status=DeliveryStatus.FAILED.value, attempts=attempts, last_error=error[:64], lease_until=None
        )
    )
    return result.rowcount == 1


def retry_later(
    session: Session, *, delivery_id: int, worker: str, attempts: int, not_before: datetime, error: str | None
) -> bool:
    """Hand a row back to the outbox after a failed call, to be tried again from ``not_before``."""
    result = session.execute(
        update(_table)
        .where(_c.id == delivery_id, _c.status == DeliveryStatus.SENDING.value, _c.claimed_by == worker)
        .values(attempts=attempts)
    )
    release(session, delivery_ids=[delivery_id], worker=worker, not_before=not_before, error=error)
    return result.rowcount == 1


def release(
    session: Session, *, delivery_ids: Sequence[int], worker: str, not_before: datetime, error: str | None
) -> int:
    """Hand rows back to the outbox until ``not_before`` (a retry, or waiting for another delivery)."""
    if not delivery_ids:
        return 0
    values: dict[str, Any] = {
        "status": DeliveryStatus.PENDING.value,
        "not_before": not_before,
        "claimed_by": None,
        "lease_until": None,
    }
    if error is not None:
        values["last_error"] = error[:64]
    result = session.execute(
        update(_table)
        .where(
            _c.id.in_(list(delivery_ids)),
            _c.status == DeliveryStatus.SENDING.value,
            _c.claimed_by == worker,
        )
        .values(**values)
    )
    return result.rowcount
