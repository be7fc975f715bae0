"""Leaders' busy time from Google Calendar's freebusy query, for the rotation planner.

Rounds reads free/busy only (never event titles) through a service account with domain-wide delegation,
impersonating a delegated admin of the school's Google Workspace. Google caps one query at 50 calendars and
rejects long time ranges, so a request is split into batches of calendars and windows of time. Quota errors
and server errors are retried with exponential back-off; whatever still fails becomes `CalendarUnavailable`
for the calendars concerned, so one bad answer never stops the morning plan.

A `GoogleFreeBusyCalendar` holds one httplib2 connection: use one instance per thread.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import google_auth_httplib2
import httplib2
from google.auth.exceptions import RefreshError, TransportError
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from workflows.rotation.calendars import (
    BusyByCalendar,
    BusyInterval,
    CalendarUnavailable,
    clip_busy,
    require_aware_range,
)

log = logging.getLogger(__name__)

FREEBUSY_SCOPE = "https://www.googleapis.com/auth/calendar.freebusy"
"""The narrowest scope `freebusy.query` accepts; `calendar.readonly` works too but reads far more."""

MAX_CALENDARS_PER_QUERY = 50
DEFAULT_WINDOW = timedelta(days=30)
"""Google rejects freebusy ranges longer than about 90 days ("timeRangeTooLong"); 30 stays well clear."""

_RETRYABLE_403_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_CALENDAR_ERROR_WORDS = {
    "notFound": "calendar not found, or not shared with the Workspace admin Rounds acts as",
    "internalError": "Google could not work out the busy time",
    "groupTooBig": "the id is a group too large to expand",
    "tooManyCalendarsRequested": "too many calendars in one query",
}

ServiceFactory = Callable[[], Any]
"""Builds a googleapiclient `calendar` v3 resource; called once, on the first query."""


class GoogleFreeBusyCalendar:
    """A `LeaderCalendar` over Google Calendar freebusy; calendar ids are leaders' Workspace emails."""

    def __init__(
        self,
        service_factory: ServiceFactory,
        *,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        max_attempts: int = 5,
        first_delay: float = 1.0,
        max_delay: float = 32.0,
        window: timedelta = DEFAULT_WINDOW,
        calendars_per_query: int = MAX_CALENDARS_PER_QUERY,
    ) -> None:
        if not 1 <= calendars_per_query <= MAX_CALENDARS_PER_QUERY:
            raise ValueError(f"calendars_per_query must be between 1 and {MAX_CALENDARS_PER_QUERY}")
        if max_attempts < 1 or window <= timedelta(0):
            raise ValueError("max_attempts must be at least 1 and window must be positive")
        self._service_factory = service_factory
        self._service: Any = None
        self._sleep = sleep
        self._jitter = jitter
        self._max_attempts = max_attempts
        self._first_delay = first_delay
        self._max_delay = max_delay
        self._window = window
        self._per_query = calendars_per_query

    @classmethod
    def from_service_account_file(
        cls,
        path: str,
        subject: str,
        *,
        scopes: Sequence[str] = (FREEBUSY_SCOPE,),
        http: httplib2.Http | None = None,
        timeout: float = 30.0,
        **options: Any,
    ) -> GoogleFreeBusyCalendar:
        """Read a service-account key file (`GOOGLE_APPLICATION_CREDENTIALS`) and act as `subject`.

        A missing or malformed key file raises here, at start-up, where a configuration mistake belongs.
        `http` replaces the transport (tests pass googleapiclient's `HttpMockSequence`); `options` go to
        the constructor (`sleep`, `max_attempts`, ...).
        """
        credentials = service_account.Credentials.from_service_account_file(
            path, scopes=list(scopes), subject=subject
        )

        def service() -> Any:
            transport = http if http is not None else httplib2.Http(timeout=timeout)
            authorized = google_auth_httplib2.AuthorizedHttp(credentials, http=transport)
            return build("calendar", "v3", http=authorized, static_discovery=True, cache_discovery=False)

        return cls(service, **options)

    def busy(self, *, calendar_ids: Sequence[str], start: datetime, end: datetime) -> BusyByCalendar:
        require_aware_range(start, end)
        ids = list(dict.fromkeys(calendar_ids))
        found: dict[str, list[BusyInterval]] = {calendar_id: [] for calendar_id in ids}
        failed: dict[str, CalendarUnavailable] = {}
        for batch in _batches(ids, self._per_query):
            for low, high in _windows(start, end, self._window):
                answer = self._query(batch, low, high)
                if isinstance(answer, CalendarUnavailable):
                    log.warning("google freebusy failed for %d calendars: %s", len(batch), answer.reason)
                    for calendar_id in batch:
                        failed.setdefault(calendar_id, answer)
                    break
                for calendar_id in batch:
                    if calendar_id in failed:
                        continue
                    intervals = _read_calendar(answer, calendar_id)
                    if isinstance(intervals, CalendarUnavailable):
                        failed[calendar_id] = intervals
                    else:
                        found[calendar_id].extend(intervals)
        return {
            calendar_id: failed.get(calendar_id) or clip_busy(found[calendar_id], start, end)
            for calendar_id in ids
        }

    def _query(self, batch: list[str], low: datetime, high: datetime) -> dict[str, Any] | CalendarUnavailable:
        """One freebusy call, retried on quota and server errors; the answer or why there is none."""
        body = {
            "timeMin": _rfc3339(low),
            "timeMax": _rfc3339(high),
            "timeZone": "UTC",
            "items": [{"id": calendar_id} for calendar_id in batch],
        }
        trouble = "no answer from Google Calendar"
        for attempt in range(1, self._max_attempts + 1):
            retry_after = 0.0
            try:
                service = self._built_service()
                answer = service.freebusy().query(body=body).execute(num_retries=0)
            except HttpError as error:
                if not _is_retryable(error):
                    return CalendarUnavailable(_describe_http_error(error))
                trouble = _describe_http_error(error)
                retry_after = _retry_after(error)
            except RefreshError as error:
                return CalendarUnavailable(f"Google refused Rounds' service account ({_short(error)})")
            except (TransportError, httplib2.HttpLib2Error, OSError) as error:
                trouble = f"could not reach Google Calendar ({type(error).__name__})"
            else:
                if isinstance(answer, dict):
                    return answer
                return CalendarUnavailable("Google Calendar sent an answer Rounds could not read")
            if attempt < self._max_attempts:
                self._sleep(self._delay(attempt, retry_after))
        return CalendarUnavailable(f"{trouble}; gave up after {self._max_attempts} attempts")

    def _built_service(self) -> Any:
        if self._service is None:
            self._service = self._service_factory()
        return self._service

    def _delay(self, attempt: int, retry_after: float) -> float:
        """Exponential back-off with a little jitter, at least what Google asked for, at most max_delay."""
        delay = self._first_delay * 2 ** (attempt - 1) + self._jitter() * self._first_delay
        return min(self._max_delay, max(delay, retry_after))


def _read_calendar(answer: dict[str, Any], calendar_id: str) -> list[BusyInterval] | CalendarUnavailable:
    calendars = answer.get("calendars")
    calendars = calendars if isinstance(calendars, dict) else {}
    entry = calendars.get(calendar_id)
    if entry is None:  # Google may echo an email in another case
        entry = next((v for k, v in calendars.items() if k.lower() == calendar_id.lower()), None)
    if not isinstance(entry, dict):
        return CalendarUnavailable("Google Calendar did not answer for this calendar")
    if entry.get("errors"):
        reasons = [str(error.get("reason", "unknown")) for error in entry["errors"]]
        return CalendarUnavailable("; ".join(_CALENDAR_ERROR_WORDS.get(r, f"Google: {r}") for r in reasons))
    intervals = []
    try:
        for period in entry.get("busy") or []:
            start, end = datetime.fromisoformat(period["start"]), datetime.fromisoformat(period["end"])
            if end > start:
                intervals.append(BusyInterval(start, end))
    except (KeyError, TypeError, ValueError):
        return CalendarUnavailable("Google Calendar sent busy times Rounds could not read")
    return intervals


def _is_retryable(error: HttpError) -> bool:
    status = error.status_code
    if status == 429 or status >= 500:
        return True
    if status != 403:
        return False
    return any(
        detail.get("reason") in _RETRYABLE_403_REASONS or detail.get("domain") == "usageLimits"
        for detail in _error_details(error)
    )


def _error_details(error: HttpError) -> list[dict[str, Any]]:
    try:
        details = json.loads(error.content)["error"]["errors"]
    except (ValueError, KeyError, TypeError):
        return []
    return [detail for detail in details if isinstance(detail, dict)] if isinstance(details, list) else []


def _describe_http_error(error: HttpError) -> str:
    status = error.status_code
    if status == 401:
        return "Google refused Rounds' credentials (HTTP 401)"
    reasons = [str(detail["reason"]) for detail in _error_details(error) if "reason" in detail]
    return f"Google Calendar answered HTTP {status}" + (f" ({', '.join(reasons)})" if reasons else "")


def _retry_after(error: HttpError) -> float:
    try:
        return max(0.0, float(error.resp.get("retry-after", 0)))
    except (TypeError, ValueError):
        return 0.0


def _short(error: Exception) -> str:
    text = str(error.args[0]) if error.args else type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _batches(ids: list[str], size: int) -> Iterator[list[str]]:
    for first in range(0, len(ids), size):
        yield ids[first : first + size]


def _windows(start: datetime, end: datetime, step: timedelta) -> Iterator[tuple[datetime, datetime]]:
    low = start
    while low < end:
        high = min(end, low + step)
        yield low, high
        low = high
