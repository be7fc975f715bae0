"""Which calendar each leader's busy time comes from: Google Calendar when the district configured a
service account, else the leader's own iCalendar URL, else none (the plan uses the bell schedule alone).

Built once per process from the settings and handed to the rotation as its `RotationCalendars`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo

from bot.settings import Settings
from integrations.calendars.google import GoogleFreeBusyCalendar
from integrations.calendars.ical import ICalendarFeeds, ICalendarSchoolDaysOff
from workflows.rotation.calendars import (
    BusyByLeader,
    CalendarUnavailable,
    LeaderCalendar,
    LeaderContact,
    NoCalendar,
)

ICAL_TIMEOUT = 10.0


class ConfiguredCalendars:
    """A `RotationCalendars` choosing per leader: Google (by email) if configured, else iCal, else nothing."""

    def __init__(self, *, google: LeaderCalendar | None = None, ical_timeout: float = ICAL_TIMEOUT) -> None:
        self._google = google
        self._ical_timeout = ical_timeout

    def busy(
        self, *, leaders: Sequence[LeaderContact], start: datetime, end: datetime, tz: tzinfo
    ) -> BusyByLeader:
        found: BusyByLeader = {}
        by_email = {leader.email: leader for leader in leaders if self._google is not None and leader.email}
        if self._google is not None and by_email:
            answer = self._google.busy(calendar_ids=sorted(by_email), start=start, end=end)
            for email, leader in by_email.items():
                found[leader.person_id] = answer.get(
                    email, CalendarUnavailable("no answer from Google Calendar")
                )
        urls = {
            str(leader.person_id): leader.calendar_url for leader in leaders if leader.person_id not in found
        }
        feeds = ICalendarFeeds({k: u for k, u in urls.items() if u}, tz=tz, timeout=self._ical_timeout)
        for key, busy in feeds.busy(calendar_ids=sorted(urls), start=start, end=end).items():
            found[int(key)] = busy
        return found

    def days_off(
        self, *, url: str | None, start: date, end: date, tz: tzinfo
    ) -> set[date] | CalendarUnavailable:
        if not url:
            return NoCalendar().days_off(start=start, end=end)
        return ICalendarSchoolDaysOff(url, tz=tz, timeout=self._ical_timeout).days_off(start=start, end=end)


def calendars_from_settings(settings: Settings) -> ConfiguredCalendars:
    """Google freebusy when GOOGLE_APPLICATION_CREDENTIALS and the delegated admin are both set.

    A missing or unreadable key file raises here, at start-up, where a configuration mistake belongs.
    """
    path, subject = settings.google_application_credentials, settings.google_delegated_admin
    google = (
        GoogleFreeBusyCalendar.from_service_account_file(str(path), subject) if path and subject else None
    )
    return ConfiguredCalendars(google=google)
