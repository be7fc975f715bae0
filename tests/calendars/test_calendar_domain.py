"""The planner's view of calendars: busy intervals, the "not checked" state, and the helpers."""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.rotation.calendars import (
    BusyInterval,
    CalendarUnavailable,
    LeaderCalendar,
    NoCalendar,
    SchoolDaysOff,
    busy_on_day,
    calendar_checked,
    clip_busy,
    is_free,
    merge_busy,
)

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = datetime(2026, 1, 5, tzinfo=CHICAGO)


def at(hour: float) -> datetime:
    return MONDAY + timedelta(hours=hour)


def test_busy_interval_refuses_naive_or_backwards_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        BusyInterval(datetime(2026, 1, 5, 9), datetime(2026, 1, 5, 10))
    with pytest.raises(ValueError, match="end after it starts"):
        BusyInterval(at(10), at(9))


def test_back_to_back_and_overlapping_meetings_read_as_one_block() -> None:
    merged = merge_busy(
        [
            BusyInterval(at(13), at(14)),
            BusyInterval(at(8), at(9)),
            BusyInterval(at(9), at(10)),  # touches the 8-9 meeting
            BusyInterval(at(9.5), at(9.75)),  # inside it
        ]
    )
    assert merged == [BusyInterval(at(8), at(10)), BusyInterval(at(13), at(14))]


def test_intervals_in_different_zones_merge_by_instant() -> None:
    new_york_ten = datetime(2026, 1, 5, 10, tzinfo=ZoneInfo("America/New_York"))  # 09:00 in Chicago
    merged = merge_busy(
        [BusyInterval(at(8), at(9.5)), BusyInterval(new_york_ten, new_york_ten + timedelta(hours=1))]
    )
    assert merged == [BusyInterval(at(8), at(10))]


def test_clip_keeps_only_the_part_inside_the_window() -> None:
    clipped = clip_busy([BusyInterval(at(7), at(9)), BusyInterval(at(11), at(12))], at(8), at(11))
    assert clipped == [BusyInterval(at(8), at(9))]


def test_a_visit_fits_only_outside_busy_time_and_an_unread_calendar_counts_as_free() -> None:
    busy = {
        "pat@school.org": [BusyInterval(at(9), at(10))],
        "lee@school.org": CalendarUnavailable("HTTP 500"),
    }
    assert not is_free(busy, "pat@school.org", at(9.5), at(10.25))
    assert is_free(busy, "pat@school.org", at(10), at(10.75))
    assert is_free(busy, "lee@school.org", at(9.5), at(10.25))
    assert is_free(busy, "nobody@school.org", at(9.5), at(10.25))


def test_no_calendar_says_not_configured_rather_than_failed() -> None:
    calendar: LeaderCalendar = NoCalendar()
    days: SchoolDaysOff = NoCalendar()

    busy = calendar.busy(calendar_ids=["pat@school.org", "lee@school.org"], start=at(0), end=at(24))
    off = days.days_off(start=date(2026, 1, 5), end=date(2026, 1, 9))

    assert set(busy) == {"pat@school.org", "lee@school.org"}
    for value in [*busy.values(), off]:
        assert isinstance(value, CalendarUnavailable)
        assert value.configured is False


def test_no_calendar_still_refuses_a_naive_window() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        NoCalendar().busy(calendar_ids=["pat"], start=datetime(2026, 1, 5), end=datetime(2026, 1, 6))


def test_a_day_of_busy_time_reads_as_local_wall_clock_pairs_for_the_planner() -> None:
    utc_meeting = BusyInterval(datetime(2026, 1, 5, 15, tzinfo=UTC), datetime(2026, 1, 5, 16, tzinfo=UTC))
    late_into_the_night = BusyInterval(at(22), at(26))
    busy = [utc_meeting, BusyInterval(at(-2), at(7.5)), late_into_the_night]

    assert busy_on_day(busy, date(2026, 1, 5), CHICAGO) == (
        (time(0), time(7, 30)),
        (time(9), time(10)),
        (time(22), time.max),
    )
    assert busy_on_day(busy, date(2026, 1, 6), CHICAGO) == ((time(0), time(2)),)


def test_an_all_day_event_blocks_the_whole_day_even_when_the_clocks_change() -> None:
    dst_day = date(2026, 3, 8)  # 23 hours long in Chicago
    start = datetime.combine(dst_day, time(), tzinfo=CHICAGO)
    all_day = BusyInterval(start, datetime.combine(date(2026, 3, 9), time(), tzinfo=CHICAGO))

    assert busy_on_day([all_day], dst_day, CHICAGO) == ((time(0), time.max),)


def test_only_a_configured_calendar_that_could_not_be_read_is_worth_a_warning() -> None:
    assert busy_on_day(CalendarUnavailable("HTTP 500"), date(2026, 1, 5), CHICAGO) == ()
    assert not calendar_checked(CalendarUnavailable("HTTP 500"))
    assert calendar_checked(CalendarUnavailable("no calendar configured", configured=False))
    assert calendar_checked([BusyInterval(at(9), at(10))])
    assert calendar_checked([])
    assert calendar_checked(None)


minutes = st.integers(min_value=0, max_value=24 * 60)


@given(st.lists(st.tuples(minutes, st.integers(min_value=1, max_value=180)), max_size=12), minutes)
def test_merged_busy_is_sorted_disjoint_and_covers_the_same_minutes(
    spans: list[tuple[int, int]], probe: int
) -> None:
    base = datetime(2026, 1, 5, tzinfo=UTC)
    intervals = [BusyInterval(base + timedelta(minutes=s), base + timedelta(minutes=s + d)) for s, d in spans]
    merged = merge_busy(intervals)

    assert all(a.end < b.start for a, b in itertools.pairwise(merged))
    moment = base + timedelta(minutes=probe)
    covered_before = any(i.start <= moment < i.end for i in intervals)
    covered_after = any(i.start <= moment < i.end for i in merged)
    assert covered_before == covered_after
