"""iCalendar feeds: real .ics text served through httpx's MockTransport, and once over loopback HTTP."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import httpx
import pytest

from integrations.calendars.ical import ICalendarFeeds, ICalendarSchoolDaysOff
from workflows.rotation.calendars import BusyInterval, CalendarUnavailable

CHICAGO = ZoneInfo("America/Chicago")


def chicago(day: int, hour: int = 0, minute: int = 0, month: int = 1) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=CHICAGO)


def ics(*events: str) -> str:
    body = "".join(f"BEGIN:VEVENT\r\n{event.strip()}\r\nEND:VEVENT\r\n" for event in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Rounds tests//EN\r\n{body}END:VCALENDAR\r\n".replace(
        "\n\n", "\n"
    )


def event(*lines: str) -> str:
    return "\r\n".join(lines)


# A principal's week in January 2026, school time zone America/Chicago.
LEADER_FEED = ics(
    event(  # staff meeting every Monday 8-9, not on the 12th
        "UID:staff-meeting@school.org",
        "DTSTART;TZID=America/Chicago:20260105T080000",
        "DTEND;TZID=America/Chicago:20260105T090000",
        "RRULE:FREQ=WEEKLY;COUNT=4",
        "EXDATE;TZID=America/Chicago:20260112T080000",
        "SUMMARY:Staff meeting",
    ),
    event(  # a district call set up in New York: 13:00 there is 12:00 here
        "UID:district-call@district.org",
        "DTSTART;TZID=America/New_York:20260106T130000",
        "DTEND;TZID=America/New_York:20260106T140000",
        "SUMMARY:District call",
    ),
    event(  # a UTC event: 15:00Z is 09:00 here
        "UID:vendor@example.com",
        "DTSTART:20260107T150000Z",
        "DTEND:20260107T160000Z",
        "SUMMARY:Vendor demo",
    ),
    event(  # a floating time: read in the school's zone
        "UID:parent@school.org",
        "DTSTART:20260108T100000",
        "DURATION:PT1H",
        "SUMMARY:Parent conference",
    ),
    event(  # an all-day training: busy the whole day
        "UID:training@district.org",
        "DTSTART;VALUE=DATE:20260109",
        "DTEND;VALUE=DATE:20260110",
        "SUMMARY:Leadership training",
    ),
    event(
        "UID:cancelled@school.org",
        "DTSTART;TZID=America/Chicago:20260107T130000",
        "DTEND;TZID=America/Chicago:20260107T140000",
        "STATUS:CANCELLED",
        "SUMMARY:Budget review (cancelled)",
    ),
    event(
        "UID:free@school.org",
        "DTSTART;TZID=America/Chicago:20260108T130000",
        "DTEND;TZID=America/Chicago:20260108T140000",
        "TRANSP:TRANSPARENT",
        "SUMMARY:Lunch duty reminder (shown as free)",
    ),
)

LEADER_BUSY = [
    BusyInterval(chicago(5, 8), chicago(5, 9)),
    BusyInterval(chicago(6, 12), chicago(6, 13)),
    BusyInterval(chicago(7, 9), chicago(7, 10)),
    BusyInterval(chicago(8, 10), chicago(8, 11)),
    BusyInterval(chicago(9), chicago(10)),
    BusyInterval(chicago(19, 8), chicago(19, 9)),
]

SECRET = "private-token-abc123"


def serve(routes: dict[str, Callable[[httpx.Request], httpx.Response] | httpx.Response]) -> httpx.Client:
    """A client whose requests are answered by path; `seen` on the client lists the paths asked for."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        route = routes.get(request.url.path, httpx.Response(404))
        return route(request) if callable(route) else route

    client = httpx.Client(transport=httpx.MockTransport(handler))
    client.seen = seen  # type: ignore[attr-defined]
    return client


def feed(text: str) -> httpx.Response:
    return httpx.Response(200, text=text, headers={"content-type": "text/calendar"})


def timing_out(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


def test_a_leaders_feed_gives_busy_time_across_zones_recurrences_and_all_day_events() -> None:
    client = serve({"/pat.ics": feed(LEADER_FEED)})
    calendar = ICalendarFeeds({"pat": "https://cal.example.org/pat.ics"}, tz=CHICAGO, client=client)

    busy = calendar.busy(calendar_ids=["pat"], start=chicago(5), end=chicago(26))

    assert busy == {"pat": LEADER_BUSY}


def test_busy_time_is_clipped_to_the_window_asked_about() -> None:
    client = serve({"/pat.ics": feed(LEADER_FEED)})
    calendar = ICalendarFeeds({"pat": "https://cal.example.org/pat.ics"}, tz=CHICAGO, client=client)

    busy = calendar.busy(calendar_ids=["pat"], start=chicago(5, 8, 30), end=chicago(5, 12))

    assert busy == {"pat": [BusyInterval(chicago(5, 8, 30), chicago(5, 9))]}


def test_floating_times_follow_the_school_zone_given() -> None:
    client = serve({"/pat.ics": feed(LEADER_FEED)})
    new_york = ZoneInfo("America/New_York")
    calendar = ICalendarFeeds({"pat": "https://cal.example.org/pat.ics"}, tz=new_york, client=client)

    busy = calendar.busy(calendar_ids=["pat"], start=chicago(8), end=chicago(8, 23))

    assert busy == {
        "pat": [
            BusyInterval(datetime(2026, 1, 8, 10, tzinfo=new_york), datetime(2026, 1, 8, 11, tzinfo=new_york))
        ]
    }


def test_one_broken_feed_never_spoils_the_others_and_reasons_never_leak_the_url() -> None:
    client = serve(
        {
            "/pat.ics": feed(LEADER_FEED),
            "/down.ics": httpx.Response(500, text="oops"),
            "/slow.ics": timing_out,
            "/garbage.ics": httpx.Response(
                200, text="<html><body>Sign in to see this calendar</body></html>"
            ),
            "/broken-event.ics": feed(ics(event("UID:no-start@school.org", "SUMMARY:no DTSTART"))),
            "/old.ics": httpx.Response(301, headers={"location": "https://cal.example.org/pat.ics"}),
        }
    )
    base = f"https://cal.example.org/{{}}.ics?token={SECRET}"
    calendar = ICalendarFeeds(
        {name: base.format(name) for name in ("pat", "down", "slow", "garbage", "broken-event", "old")},
        tz=CHICAGO,
        client=client,
    )

    busy = calendar.busy(
        calendar_ids=["pat", "down", "slow", "garbage", "broken-event", "old", "unset"],
        start=chicago(5),
        end=chicago(26),
    )

    assert busy["pat"] == LEADER_BUSY
    assert busy["old"] == LEADER_BUSY  # redirects are followed
    expected_words = {
        "down": "HTTP 500",
        "slow": "timed out",
        "garbage": "did not return an iCalendar feed",
        "broken-event": "could not read",
    }
    for leader, words in expected_words.items():
        unavailable = busy[leader]
        assert isinstance(unavailable, CalendarUnavailable)
        assert words in unavailable.reason
        assert unavailable.configured
        assert SECRET not in unavailable.reason and "example.org" not in unavailable.reason
    assert busy["unset"] == CalendarUnavailable("no calendar configured", configured=False)


def test_a_feed_larger_than_the_limit_is_refused() -> None:
    client = serve({"/big.ics": feed(LEADER_FEED)})
    calendar = ICalendarFeeds(
        {"pat": "https://cal.example.org/big.ics"}, tz=CHICAGO, client=client, max_bytes=1000
    )

    busy = calendar.busy(calendar_ids=["pat"], start=chicago(5), end=chicago(26))

    assert isinstance(busy["pat"], CalendarUnavailable)
    assert "larger than" in busy["pat"].reason


def test_leaders_sharing_a_feed_cost_one_fetch_and_webcal_links_are_fetched_over_https() -> None:
    client = serve({"/office.ics": feed(LEADER_FEED)})
    shared = "webcal://cal.example.org/office.ics"
    calendar = ICalendarFeeds({"pat": shared, "lee": shared}, tz=CHICAGO, client=client)

    busy = calendar.busy(calendar_ids=["pat", "lee"], start=chicago(5), end=chicago(26))

    assert busy == {"pat": LEADER_BUSY, "lee": LEADER_BUSY}
    assert client.seen == ["/office.ics"]  # type: ignore[attr-defined]


SCHOOL_FEED = ics(
    event(
        "UID:labor-day@district.org",
        "DTSTART;VALUE=DATE:20260907",
        "DTEND;VALUE=DATE:20260908",
        "SUMMARY:Labor Day",
    ),
    event(  # first Friday of each month is a PD day, except October's was moved
        "UID:pd-day@district.org",
        "DTSTART;VALUE=DATE:20260904",
        "RRULE:FREQ=MONTHLY;BYDAY=1FR;COUNT=3",
        "EXDATE;VALUE=DATE:20261002",
        "SUMMARY:PD day - no students",
    ),
    event(  # a timed event in the feed still marks its day
        "UID:institute@district.org",
        "DTSTART;TZID=America/Chicago:20261012T080000",
        "DTEND;TZID=America/Chicago:20261012T150000",
        "SUMMARY:Teacher institute",
    ),
    event(
        "UID:thanksgiving@district.org",
        "DTSTART;VALUE=DATE:20261123",
        "DTEND;VALUE=DATE:20261128",
        "SUMMARY:Thanksgiving break",
    ),
    event(
        "UID:snow-makeup@district.org",
        "DTSTART;VALUE=DATE:20261130",
        "DTEND;VALUE=DATE:20261201",
        "STATUS:CANCELLED",
        "SUMMARY:Snow day (cancelled)",
    ),
    event(
        "UID:winter-break@district.org",
        "DTSTART;VALUE=DATE:20261221",
        "DTEND;VALUE=DATE:20270102",
        "TRANSP:TRANSPARENT",
        "SUMMARY:Winter break",
    ),
)


def test_a_school_feed_marks_holidays_breaks_and_recurring_pd_days_off() -> None:
    client = serve({"/school.ics": feed(SCHOOL_FEED)})
    days = ICalendarSchoolDaysOff("https://cal.example.org/school.ics", tz=CHICAGO, client=client)

    off = days.days_off(start=date(2026, 9, 1), end=date(2026, 12, 23))

    thanksgiving = {date(2026, 11, 23) + timedelta(days=n) for n in range(5)}
    assert off == {
        date(2026, 9, 7),
        date(2026, 9, 4),
        date(2026, 11, 6),
        date(2026, 10, 12),
        *thanksgiving,
        date(2026, 12, 21),
        date(2026, 12, 22),
        date(2026, 12, 23),
    }


def test_an_unreachable_school_feed_is_reported_not_raised() -> None:
    client = serve({"/school.ics": httpx.Response(503)})
    days = ICalendarSchoolDaysOff(
        f"https://cal.example.org/school.ics?token={SECRET}", tz=CHICAGO, client=client
    )

    off = days.days_off(start=date(2026, 9, 1), end=date(2026, 12, 23))

    assert isinstance(off, CalendarUnavailable)
    assert "HTTP 503" in off.reason
    assert SECRET not in off.reason


class _FeedHandler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow.ics":
            time.sleep(0.6)
        body = LEADER_FEED.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up waiting
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FeedHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_over_real_http_with_its_own_client_a_slow_feed_times_out(loopback: str) -> None:
    calendar = ICalendarFeeds(
        {"pat": f"{loopback}/pat.ics", "slow": f"{loopback}/slow.ics"}, tz=CHICAGO, timeout=0.2
    )

    busy = calendar.busy(calendar_ids=["pat", "slow"], start=chicago(5), end=chicago(26))

    assert busy["pat"] == LEADER_BUSY
    assert busy["slow"] == CalendarUnavailable("the calendar feed timed out")
