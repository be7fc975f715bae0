"""The worker runs each school's digests once a week at the school's time: Monday 07:30 school-local by
default, the next school day when Monday has no school, never twice."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.digest_jobs import run_due_digests
from tests.digests.support import G3, GRADE3, add_walkthroughs, school_id, term_weeks
from workflows.db import transaction
from workflows.digests.settings import update_digest_settings
from workflows.roster.models import CalendarDay
from workflows.rotation.calendars import NoCalendars


def chicago(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo("America/Chicago")).astimezone(UTC)


def _posts(slack) -> int:
    return len([m for m in slack.messages(G3) if m.get("subtype") == "bot_message"])


def test_monday_at_the_schools_time_once(app, sessions, slack, worker, clock):
    with transaction(sessions) as session:
        add_walkthroughs(session, weeks=term_weeks(count=2), teachers=[s for s, *_ in GRADE3])
        school = school_id(session)
    clock.now = chicago(date(2026, 3, 9), 7, 29)
    assert run_due_digests(app.runtime, NoCalendars(), school) == []
    clock.now = chicago(date(2026, 3, 9), 7, 30)
    assert run_due_digests(app.runtime, NoCalendars(), school)
    worker.drain(timeout=20)
    clock.now = chicago(date(2026, 3, 10), 7, 30)  # Tuesday: already ran this week
    assert run_due_digests(app.runtime, NoCalendars(), school) == []
    worker.drain(timeout=5)
    assert _posts(slack) == 1


def test_a_monday_without_school_moves_it_to_tuesday_and_the_school_sets_its_time(app, sessions, slack, worker, clock):
    with transaction(sessions) as session:
        add_walkthroughs(session, weeks=term_weeks(count=2), teachers=[s for s, *_ in GRADE3])
        school = school_id(session)
        session.add(CalendarDay(school_id=school, day=date(2026, 3, 9), day_type="none"))
        update_digest_settings(session, school_id=school, now=clock(), at=time(8, 0))
    clock.now = chicago(date(2026, 3, 9), 8, 5)
    assert run_due_digests(app.runtime, NoCalendars(), school) == []
    clock.now = chicago(date(2026, 3, 10), 7, 45)
    outcomes = run_due_digests(app.runtime, NoCalendars(), school)
    assert [o.title for o in outcomes] == ["Grade 3 team", "Grade 4 team", "Grade 5 team"]
    assert {o.key for o in outcomes} == {f"digest:team:{o.key.split(':')[2]}:2026-03-02" for o in outcomes}
    worker.drain(timeout=20)
    assert _posts(slack) == 1
