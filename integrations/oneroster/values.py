"""Cell values shared by the OneRoster files and Rounds' own files: lists, times, dates and status."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from enum import Enum

_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Status(Enum):
    """A row's OneRoster `status`; a blank status in a bulk file means active."""

    ACTIVE = "active"
    TO_BE_DELETED = "tobedeleted"


def split_list(value: str) -> tuple[str, ...]:
    """A multi-value cell ("1,2,3", quoted in the file) as its non-empty parts, in order, once each."""
    if not value:
        return ()
    return tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))


def parse_time(value: str) -> time | None:
    """HH:MM on a 24-hour clock, or None if the text is not such a time."""
    match = _TIME.fullmatch(value)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_date(value: str) -> date | None:
    """An ISO calendar date (YYYY-MM-DD), or None."""
    if not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_datetime(value: str) -> datetime | None:
    """An ISO 8601 date or date-time as OneRoster writes `dateLastModified` (2024-08-01T12:00:00.000Z)."""
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
