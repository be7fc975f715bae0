"""The reminder scheduler: one job per school at its local reminder time, and the catch-up on start."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.demo.district import DemoDistrict
from bot.demo.fake_slack import FakeSlack
from bot.jobs import REMINDER_JOB, build_scheduler, catch_up, job_id, run_reminder_job
from bot.runtime import Runtime
from bot.settings import Settings
from tests.rotation.support import CEDAR, HOLIDAY, MONDAY, SATURDAY, SUMMIT, Clock, at, load_demo, school_id
from workflows.db import Sessions, transaction
from workflows.deliveries.service import pending_count
from workflows.rotation.calendars import NoCalendars
from workflows.rotation.job_runs import job_runs

CALENDARS = NoCalendars()


@pytest.fixture
def demo(sessions: Sessions, slack: FakeSlack) -> DemoDistrict:
    return load_demo(sessions, slack)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def runtime(settings: Settings, sessions: Sessions, clock: Clock) -> Runtime:
    return Runtime(settings=settings, sessions=sessions, clock=clock)


def ids_of(sessions: Sessions) -> dict[str, int]:
    with transaction(sessions) as session:
        return {ref: school_id(session, ref) for ref in (CEDAR, SUMMIT)}


def queued(sessions: Sessions) -> int:
    with transaction(sessions) as session:
        return pending_count(session)


def runs(sessions: Sessions, day=MONDAY) -> dict[int, str]:
    with transaction(sessions) as session:
        return {r.school_id: r.status for r in job_runs(session, job=REMINDER_JOB, day=day)}


def test_each_school_fires_at_its_own_local_reminder_time_on_weekdays(runtime, sessions, demo):
    scheduler = build_scheduler(runtime, calendars=CALENDARS)
    schools = ids_of(sessions)
    cedar = scheduler.get_job(job_id(schools[CEDAR])).trigger  # America/Chicago
    summit = scheduler.get_job(job_id(schools[SUMMIT])).trigger  # America/Denver

    assert cedar.get_next_fire_time(None, at(MONDAY, 6)) == at(MONDAY, 7, 15)
    assert summit.get_next_fire_time(None, at(MONDAY, 6)) == at(MONDAY, 7, 15, tz="America/Denver")
    assert summit.get_next_fire_time(None, at(MONDAY, 6)) - cedar.get_next_fire_time(
        None, at(MONDAY, 6)
    ) == timedelta(hours=1)
    # Friday after the reminder: the next one is Monday's, never the weekend's.
    friday = MONDAY - timedelta(days=3)
    assert cedar.get_next_fire_time(None, at(friday, 8)) == at(MONDAY, 7, 15)
    job = scheduler.get_job(job_id(schools[CEDAR]))
    assert job.coalesce and job.misfire_grace_time == 3600


def test_the_job_queues_one_dm_per_leader_and_records_its_run(runtime, sessions, demo, clock):
    schools = ids_of(sessions)
    clock.now = at(MONDAY, 7, 15)

    first = run_reminder_job(runtime, CALENDARS, schools[CEDAR])
    again = run_reminder_job(runtime, CALENDARS, schools[CEDAR])

    assert (first.queued, first.already) == (3, 0)
    assert (again.queued, again.already) == (0, 3)
    assert queued(sessions) == 3
    assert runs(sessions) == {schools[CEDAR]: "ran"}


def test_the_job_sends_nothing_on_a_day_off(runtime, sessions, demo, clock):
    schools = ids_of(sessions)
    clock.now = at(HOLIDAY, 7, 15)

    result = run_reminder_job(runtime, CALENDARS, schools[CEDAR])

    assert not result.school_day and queued(sessions) == 0
    assert runs(sessions, HOLIDAY) == {schools[CEDAR]: "no_school"}


def test_catch_up_runs_a_reminder_missed_within_the_grace_window_once(runtime, sessions, demo, clock):
    schools = ids_of(sessions)
    clock.now = at(MONDAY, 7, 50)  # Chicago: 35 minutes late; Denver: 6:50, not yet due

    first = catch_up(runtime, CALENDARS, grace=timedelta(hours=1))
    second = catch_up(runtime, CALENDARS, grace=timedelta(hours=1))

    assert first == {schools[CEDAR]: "ran", schools[SUMMIT]: "not_due"}
    assert second == {schools[CEDAR]: "already", schools[SUMMIT]: "not_due"}
    assert queued(sessions) == 3


def test_catch_up_records_a_reminder_missed_beyond_the_grace_window_and_sends_nothing(
    runtime, sessions, demo, clock
):
    schools = ids_of(sessions)
    clock.now = at(MONDAY, 10)  # Chicago: 2h45 late; Denver 9:00, 1h45 late

    outcomes = catch_up(runtime, CALENDARS, grace=timedelta(hours=1))
    again = catch_up(runtime, CALENDARS, grace=timedelta(hours=1))

    assert outcomes == {schools[CEDAR]: "missed", schools[SUMMIT]: "missed"}
    assert set(again.values()) == {"already"}
    assert queued(sessions) == 0
    assert runs(sessions) == {schools[CEDAR]: "missed", schools[SUMMIT]: "missed"}


def test_catch_up_does_nothing_at_the_weekend(runtime, sessions, demo, clock):
    clock.now = at(SATURDAY, 8)

    assert set(catch_up(runtime, CALENDARS).values()) == {"not_due"}
    assert queued(sessions) == 0


def test_schools_of_a_workspace_rounds_was_removed_from_get_no_reminder_jobs(runtime, sessions, demo, clock):
    from datetime import UTC, datetime

    from workflows.roster.models import School
    from workflows.workspaces.service import record_install, record_uninstall

    schools = ids_of(sessions)
    with transaction(sessions) as session:
        record_install(
            session, team_id="T0SUMMIT", enterprise_id=None, is_enterprise_install=False, name="Summit",
            installer_user_id=None, now=datetime(2026, 11, 1, tzinfo=UTC),
        )  # fmt: skip
        summit = session.get(School, schools[SUMMIT])
        summit.workspace = "T0SUMMIT"
        session.add(summit)
    assert build_scheduler(runtime, calendars=CALENDARS).get_job(job_id(schools[SUMMIT])) is not None

    with transaction(sessions) as session:
        record_uninstall(session, key="T0SUMMIT", reason="app_uninstalled", now=datetime(2026, 11, 29, tzinfo=UTC))
    scheduler = build_scheduler(runtime, calendars=CALENDARS)
    clock.now = at(MONDAY, 9)

    assert scheduler.get_job(job_id(schools[SUMMIT])) is None
    assert scheduler.get_job(job_id(schools[CEDAR])) is not None
    assert catch_up(runtime, CALENDARS) == {schools[CEDAR]: "missed"}
