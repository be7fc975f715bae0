"""SQL expressions the leader digest aggregates with, the same on SQLite and PostgreSQL.

Datetimes are stored in UTC; a visit's school-local time of day is its UTC seconds plus the school's UTC
offset on that day, given as a CASE over date ranges (the offset is constant between clock changes, so a
school year needs two or three branches). Bell times are local already.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Integer, case, cast, func, literal
from sqlmodel import Session

DAY_SECONDS = 86400


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def epoch_seconds(session: Session, column: object) -> ColumnElement[int]:
    """Seconds since 1970 of a stored UTC datetime."""
    if dialect(session) == "sqlite":
        return cast(func.strftime("%s", column), Integer)
    return cast(func.extract("epoch", column), Integer)


def time_seconds(session: Session, column: object) -> ColumnElement[int]:
    """Seconds since midnight of a stored time of day."""
    if dialect(session) == "sqlite":
        return cast(func.strftime("%s", literal("1970-01-01 ").op("||")(column)), Integer)
    return cast(func.extract("epoch", column), Integer)


def days_between(session: Session, earlier: object, later: object) -> ColumnElement[int]:
    """Whole days from one stored date to another."""
    if dialect(session) == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier  # type: ignore[operator, return-value]


def offset_ranges(zone: ZoneInfo, first: date, last: date) -> list[tuple[date, date, int]]:
    """(from, to, UTC offset in seconds at noon) for runs of days with one offset, first to last."""
    ranges: list[tuple[date, date, int]] = []
    day = first
    while day <= last:
        offset = datetime.combine(day, time(12), tzinfo=zone).utcoffset() or timedelta(0)
        seconds = int(offset.total_seconds())
        if ranges and ranges[-1][2] == seconds:
            ranges[-1] = (ranges[-1][0], day, seconds)
        else:
            ranges.append((day, day, seconds))
        day += timedelta(days=1)
    return ranges


def local_seconds_of_day(
    session: Session, *, moment: object, day: object, zone: ZoneInfo, first: date, last: date
) -> ColumnElement[int]:
    """A stored UTC moment's school-local seconds since midnight, for moments on days first..last."""
    ranges: Sequence[tuple[date, date, int]] = offset_ranges(zone, first, last)
    offset = case(*((day.between(a, b), seconds) for a, b, seconds in ranges), else_=0)  # type: ignore[attr-defined]
    return (epoch_seconds(session, moment) + offset + DAY_SECONDS) % DAY_SECONDS
