"""What the rotation planner needs to know about calendars, and nothing about where it comes from.

The planner plans each leader's visits around their busy time and skips a school's non-instructional days.
It is handed a `LeaderCalendar` and a `SchoolDaysOff`; adapters in `integrations.calendars` implement them
over Google Calendar and iCalendar feeds. The rotation's database side asks one `RotationCalendars` for
both, per leader and per school; `bot/` chooses which calendar serves each.

"Not checked" is one state, expressed one way: a `CalendarUnavailable` value in place of the busy list (or
the set of days off). The planner then plans from the bell schedule alone, as if the leader were free, and
the morning DM says the calendar could not be checked - unless `configured` is False, which means nobody
set a calendar up, so there is nothing to warn about. Adapters never raise for one unreadable calendar.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Protocol

NOT_CONFIGURED_REASON = "no calendar configured"


@dataclass(frozen=True)
class BusyInterval:
    """A stretch of time, timezone-aware, in which a leader cannot visit a classroom."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if not (_is_aware(self.start) and _is_aware(self.end)):
            raise ValueError("a busy interval needs timezone-aware start and end")
        if self.end <= self.start:
            raise ValueError(f"a busy interval must end after it starts ({self.start} .. {self.end})")

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """True when this interval and [start, end) share any time; touching ends do not count."""
        return self.start < end and start < self.end


@dataclass(frozen=True)
class CalendarUnavailable:
    """A calendar that could not be read; the plan goes ahead without it.

    `reason` is short and fit to show a leader ("HTTP 404", "timed out"); it never holds a URL, because
    private iCalendar URLs carry secrets. `configured` is False when no calendar was set up at all.
    """

    reason: str
    configured: bool = True


BusyByCalendar = dict[str, list[BusyInterval] | CalendarUnavailable]


class LeaderCalendar(Protocol):
    """Busy time per calendar: a leader's email for Google Calendar, a leader key for iCalendar feeds."""

    def busy(self, *, calendar_ids: Sequence[str], start: datetime, end: datetime) -> BusyByCalendar:
        """Merged, sorted busy intervals within [start, end) for every id asked for, or why it is unknown."""
        ...


class SchoolDaysOff(Protocol):
    """A school's non-instructional days (holidays, breaks, PD days), from outside Rounds."""

    def days_off(self, *, start: date, end: date) -> set[date] | CalendarUnavailable:
        """The days off between start and end, both inclusive."""
        ...


class NoCalendar:
    """Stands in when nothing is configured: everyone is free, no day is off, and nothing was checked."""

    def busy(self, *, calendar_ids: Sequence[str], start: datetime, end: datetime) -> BusyByCalendar:
        require_aware_range(start, end)
        not_configured = CalendarUnavailable(NOT_CONFIGURED_REASON, configured=False)
        return dict.fromkeys(calendar_ids, not_configured)

    def days_off(self, *, start: date, end: date) -> set[date] | CalendarUnavailable:
        return CalendarUnavailable(NOT_CONFIGURED_REASON, configured=False)


@dataclass(frozen=True)
class LeaderContact:
    """What a calendar adapter needs to find a leader's busy time."""

    person_id: int
    email: str | None
    calendar_url: str | None


BusyByLeader = dict[int, list[BusyInterval] | CalendarUnavailable]


class RotationCalendars(Protocol):
    """Leaders' busy time and schools' days off, however they are configured (bot/ chooses)."""

    def busy(
        self, *, leaders: Sequence[LeaderContact], start: datetime, end: datetime, tz: tzinfo
    ) -> BusyByLeader: ...

    def days_off(
        self, *, url: str | None, start: date, end: date, tz: tzinfo
    ) -> set[date] | CalendarUnavailable: ...


class NoCalendars:
    """A `RotationCalendars` with nothing configured: everyone is free, only the roster's calendar counts."""

    def busy(
        self, *, leaders: Sequence[LeaderContact], start: datetime, end: datetime, tz: tzinfo
    ) -> BusyByLeader:
        not_configured = CalendarUnavailable(NOT_CONFIGURED_REASON, configured=False)
        return {leader.person_id: not_configured for leader in leaders}

    def days_off(
        self, *, url: str | None, start: date, end: date, tz: tzinfo
    ) -> set[date] | CalendarUnavailable:
        return CalendarUnavailable(NOT_CONFIGURED_REASON, configured=False)


def require_aware_range(start: datetime, end: datetime) -> None:
    """Reject a naive or empty query window: that is a caller's bug, not a calendar's failure."""
    if not (_is_aware(start) and _is_aware(end)):
        raise ValueError("calendar queries need timezone-aware start and end")
    if end <= start:
        raise ValueError(f"calendar query must end after it starts ({start} .. {end})")


def merge_busy(intervals: Iterable[BusyInterval]) -> list[BusyInterval]:
    """Sort and join overlapping or touching intervals, so back-to-back meetings read as one busy block."""
    merged: list[BusyInterval] = []
    for interval in sorted(intervals, key=lambda i: (i.start, i.end)):
        if merged and interval.start <= merged[-1].end:
            last = merged[-1]
            if interval.end > last.end:
                merged[-1] = BusyInterval(last.start, interval.end)
        else:
            merged.append(interval)
    return merged


def clip_busy(intervals: Iterable[BusyInterval], start: datetime, end: datetime) -> list[BusyInterval]:
    """The parts of the intervals that fall within [start, end), merged."""
    clipped = (
        BusyInterval(max(i.start, start), min(i.end, end)) for i in intervals if i.overlaps(start, end)
    )
    return merge_busy(clipped)


def is_free(busy: BusyByCalendar, calendar_id: str, start: datetime, end: datetime) -> bool:
    """Whether a visit in [start, end) fits the calendar; an unreadable calendar counts as free."""
    intervals = busy.get(calendar_id)
    if intervals is None or isinstance(intervals, CalendarUnavailable):
        return True
    return not any(i.overlaps(start, end) for i in intervals)


def busy_on_day(
    busy: list[BusyInterval] | CalendarUnavailable, day: date, tz: tzinfo
) -> tuple[tuple[time, time], ...]:
    """A leader's busy time on one school day as local wall-clock (start, end) pairs: the planner's input.

    Time that runs past midnight ends at `time.max`, so an all-day event blocks the whole day. An unread
    calendar gives no busy time; pair this with `calendar_checked` so the DM can say so.
    """
    if isinstance(busy, CalendarUnavailable):
        return ()
    day_start = datetime.combine(day, time(), tzinfo=tz)
    day_end = datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)
    return tuple(
        (i.start.astimezone(tz).time(), time.max if i.end >= day_end else i.end.astimezone(tz).time())
        for i in clip_busy(busy, day_start, day_end)
    )


def calendar_checked(busy: list[BusyInterval] | CalendarUnavailable | None) -> bool:
    """False only when a configured calendar could not be read: the case the morning DM should mention.

    With no calendar configured (or none asked for) there is nothing to warn about, so this is True.
    """
    return not (isinstance(busy, CalendarUnavailable) and busy.configured)


def _is_aware(moment: datetime) -> bool:
    return moment.tzinfo is not None and moment.utcoffset() is not None
