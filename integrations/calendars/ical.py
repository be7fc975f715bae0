"""Busy time and days off from iCalendar (.ics) feeds: a leader's published calendar, a school's calendar.

Feeds are fetched over HTTP(S) with a time limit and a size limit, parsed with `icalendar`, and their
recurring events expanded with `recurring_ical_events`. Times keep their own zone (TZID or UTC); floating
times and all-day events are read in the school's zone. Cancelled events never count, and neither do
events marked "free" (TRANSP:TRANSPARENT) on a leader's calendar.

A feed that cannot be fetched or read becomes `CalendarUnavailable` with a short reason. Reasons and logs
never include the URL: private iCalendar URLs are secrets.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

import httpx
import icalendar
import recurring_ical_events

from workflows.rotation.calendars import (
    NOT_CONFIGURED_REASON,
    BusyByCalendar,
    BusyInterval,
    CalendarUnavailable,
    clip_busy,
    require_aware_range,
)

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BYTES = 5_000_000
_MARGIN = timedelta(days=1)  # expand a little wider, then clip: floating times are placed after expansion


class ICalendarFeeds:
    """A `LeaderCalendar` over one iCalendar URL per leader; calendar ids are whatever keys you map."""

    def __init__(
        self,
        urls_by_calendar_id: Mapping[str, str],
        *,
        tz: tzinfo,
        client: httpx.Client | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self._urls = dict(urls_by_calendar_id)
        self._tz = tz
        self._client = client
        self._timeout = timeout
        self._max_bytes = max_bytes

    def busy(self, *, calendar_ids: Sequence[str], start: datetime, end: datetime) -> BusyByCalendar:
        require_aware_range(start, end)
        read: dict[str, list[BusyInterval] | CalendarUnavailable] = {}  # by URL: one fetch per feed
        result: BusyByCalendar = {}
        with _client(self._client) as client:
            for calendar_id in dict.fromkeys(calendar_ids):
                url = self._urls.get(calendar_id)
                if not url:
                    result[calendar_id] = CalendarUnavailable(NOT_CONFIGURED_REASON, configured=False)
                    continue
                if url not in read:
                    read[url] = self._busy_in_feed(client, url, start, end)
                    if isinstance(read[url], CalendarUnavailable):
                        log.warning("ical feed for %s unreadable: %s", calendar_id, read[url].reason)
                result[calendar_id] = read[url]
        return result

    def _busy_in_feed(
        self, client: httpx.Client, url: str, start: datetime, end: datetime
    ) -> list[BusyInterval] | CalendarUnavailable:
        calendar = fetch_calendar(client, url, timeout=self._timeout, max_bytes=self._max_bytes)
        if isinstance(calendar, CalendarUnavailable):
            return calendar
        try:
            intervals = [
                BusyInterval(*span)
                for event in _occurrences(calendar, start - _MARGIN, end + _MARGIN)
                if _is_busy(event) and (span := _span(event, self._tz)) is not None
            ]
        except Exception as error:  # an untrusted feed may trip the parser anywhere; that feed alone fails
            log.warning("ical feed could not be expanded (%s)", type(error).__name__)  # no event text in logs
            return CalendarUnavailable("the calendar feed has events Rounds could not read")
        return clip_busy(intervals, start, end)


class ICalendarSchoolDaysOff:
    """A `SchoolDaysOff` over a school's feed of non-instructional days: every event in it marks days off.

    All-day events mark each date they cover (DTEND exclusive); timed events mark every date, in the
    school's zone, that they touch. Cancelled events do not count; transparency is ignored, because
    calendar apps mark all-day events "free" by default.
    """

    def __init__(
        self,
        url: str,
        *,
        tz: tzinfo,
        client: httpx.Client | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self._url = url
        self._tz = tz
        self._client = client
        self._timeout = timeout
        self._max_bytes = max_bytes

    def days_off(self, *, start: date, end: date) -> set[date] | CalendarUnavailable:
        if end < start:
            raise ValueError(f"days-off query must not end before it starts ({start} .. {end})")
        with _client(self._client) as client:
            calendar = fetch_calendar(client, self._url, timeout=self._timeout, max_bytes=self._max_bytes)
        if isinstance(calendar, CalendarUnavailable):
            log.warning("school days-off feed unreadable: %s", calendar.reason)
            return calendar
        days: set[date] = set()
        try:
            for event in _occurrences(calendar, start - _MARGIN, end + 2 * _MARGIN):
                if not _is_cancelled(event):
                    start_at, end_at = _moment(event.start, self._tz), _moment(event.end, self._tz)
                    days.update(_dates_touched(start_at, end_at, tz=self._tz))
        except Exception as error:  # an untrusted feed may trip the parser anywhere
            log.warning("school days-off feed could not be expanded (%s)", type(error).__name__)
            return CalendarUnavailable("the school calendar feed has events Rounds could not read")
        return {day for day in days if start <= day <= end}


def fetch_calendar(
    client: httpx.Client, url: str, *, timeout: float, max_bytes: int
) -> icalendar.Calendar | CalendarUnavailable:
    """Fetch and parse one feed, or say briefly why not (never naming the URL)."""
    body = _fetch(client, url, timeout=timeout, max_bytes=max_bytes)
    if isinstance(body, CalendarUnavailable):
        return body
    try:
        calendar = icalendar.Calendar.from_ical(body)
    except Exception:  # icalendar raises assorted errors on garbage; all mean "not a feed we can read"
        return CalendarUnavailable("the address did not return an iCalendar feed")
    if not isinstance(calendar, icalendar.Calendar) or calendar.name != "VCALENDAR":
        return CalendarUnavailable("the address did not return an iCalendar feed")
    return calendar


def _fetch(client: httpx.Client, url: str, *, timeout: float, max_bytes: int) -> bytes | CalendarUnavailable:
    if url.lower().startswith("webcal://"):  # how calendar apps publish subscription links
        url = "https://" + url[len("webcal://") :]
    try:
        with client.stream("GET", url, follow_redirects=True, timeout=timeout) as response:
            if response.status_code != httpx.codes.OK:
                return CalendarUnavailable(f"the calendar feed answered HTTP {response.status_code}")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                return _too_large(max_bytes)
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    return _too_large(max_bytes)
    except httpx.TimeoutException:
        return CalendarUnavailable("the calendar feed timed out")
    except httpx.TooManyRedirects:
        return CalendarUnavailable("the calendar feed redirected too many times")
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        return CalendarUnavailable(f"could not fetch the calendar feed ({type(error).__name__})")
    return bytes(body)


def _too_large(max_bytes: int) -> CalendarUnavailable:
    return CalendarUnavailable(f"the calendar feed is larger than {max_bytes // 1_000_000} MB")


@contextmanager
def _client(given: httpx.Client | None) -> Iterator[httpx.Client]:
    """The caller's client as is, or a short-lived one of our own that is closed afterwards."""
    if given is not None:
        yield given
        return
    with httpx.Client(headers={"User-Agent": "Rounds calendar reader"}) as own:
        yield own


def _occurrences(calendar: icalendar.Calendar, low: date | datetime, high: date | datetime) -> Iterator[Any]:
    yield from recurring_ical_events.of(calendar).between(low, high)


def _is_cancelled(event: Any) -> bool:
    return str(event.get("STATUS", "")).upper() == "CANCELLED"


def _is_busy(event: Any) -> bool:
    return not _is_cancelled(event) and str(event.get("TRANSP", "")).upper() != "TRANSPARENT"


def _span(event: Any, tz: tzinfo) -> tuple[datetime, datetime] | None:
    """Where the occurrence sits in absolute time; None for a zero-length one, which blocks nothing."""
    start, end = _moment(event.start, tz), _moment(event.end, tz)
    return (start, end) if end > start else None


def _moment(value: date | datetime, tz: tzinfo) -> datetime:
    if not isinstance(value, datetime):  # an all-day date: midnight in the school's zone
        return datetime.combine(value, time(), tzinfo=tz)
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def _dates_touched(start: datetime, end: datetime, *, tz: tzinfo) -> Iterator[date]:
    """Dates in the school's zone that [start, end) touches; ending at midnight does not touch that day.

    A zero-length event (a timed DTSTART without an end) still touches its own date.
    """
    day = start.astimezone(tz).date()
    last = max(day, (end.astimezone(tz) - timedelta(microseconds=1)).date())
    while day <= last:
        yield day
        day += timedelta(days=1)
