"""The rotation on the demo district's real data: a day is planned once, Skip and Swap change it, coverage."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest
from sqlmodel import select

from bot.demo.district import DemoDistrict
from bot.demo.fake_slack import FakeSlack
from integrations.oneroster import read_bundle
from tests.rotation.support import (
    CEDAR,
    HOLIDAY,
    MONDAY,
    MONDAY_EARLY,
    SATURDAY,
    SUMMIT,
    TUESDAY,
    at,
    leaders_at,
    load_demo,
    log_walkthrough,
    person_id,
    school_id,
)
from workflows.db import Sessions, transaction
from workflows.roster.models import Person
from workflows.roster.service import apply_roster
from workflows.roster.snapshot import Role
from workflows.rotation.calendars import NoCalendars
from workflows.rotation.changes import skip_visit, swap_visit
from workflows.rotation.coverage import coverage
from workflows.rotation.days import SchoolPlan, leader_day, stored_plan
from workflows.rotation.leaders import RotationError
from workflows.rotation.models import PlannedVisit, VisitStatus
from workflows.rotation.plans import plan_school_day

CALENDARS = NoCalendars()


@pytest.fixture
def demo(sessions: Sessions, slack: FakeSlack) -> DemoDistrict:
    return load_demo(sessions, slack)


def plan(sessions: Sessions, school: str, day=MONDAY, now=MONDAY_EARLY) -> SchoolPlan:
    with transaction(sessions) as session:
        return plan_school_day(
            session, school_id=school_id(session, school), day=day, calendars=CALENDARS, now=now
        )


def test_a_day_is_planned_once_and_every_leader_gets_three_visits_without_sharing_a_room(sessions, demo):
    first = plan(sessions, CEDAR)
    again = plan(sessions, CEDAR, now=at(MONDAY, 9))

    assert first.created and not again.created
    assert again.leaders == first.leaders
    assert {d.leader_name for d in first.leaders} == {p.name for p in leaders_at(demo, CEDAR)}
    for day in first.leaders:
        assert len(day.visits) == 3
        assert len({v.teacher_id for v in day.visits}) == 3
        assert all(v.reason for v in day.visits)
    rooms = Counter((v.period, v.room) for d in first.leaders for v in d.visits)
    assert max(rooms.values()) == 1
    with transaction(sessions) as session:
        stored = session.exec(select(PlannedVisit)).all()
    assert len(stored) == 9


def test_no_visits_are_planned_on_a_holiday_or_a_weekend(sessions, demo):
    for day in (HOLIDAY, SATURDAY):
        result = plan(sessions, SUMMIT, day=day)
        assert not result.school_day
        assert all(not d.visits for d in result.leaders)
        assert "not a school day" in result.notes[0]


def test_a_skipped_teacher_is_at_the_top_of_the_next_days_plan(sessions, demo):
    monday = plan(sessions, CEDAR)
    leader = monday.leaders[0]
    skipped = leader.visits[1]

    with transaction(sessions) as session:
        day = skip_visit(
            session, key=skipped.key, leader_id=leader.leader_id, reason="Fire drill", now=at(MONDAY, 9)
        )
    assert [v.status for v in day.visits if v.key == skipped.key] == [VisitStatus.SKIPPED]
    assert day.revision == 1

    tuesday = plan(sessions, CEDAR, day=TUESDAY, now=at(TUESDAY, 7))
    mine = next(d for d in tuesday.leaders if d.leader_id == leader.leader_id)
    back = [v for v in mine.visits if v.teacher_id == skipped.teacher_id]
    assert back and back[0].reason.startswith("skipped on Nov 30 — back at the top of the queue")


def test_a_planned_visit_never_logged_is_missed_and_comes_back_first(sessions, demo):
    monday = plan(sessions, SUMMIT)
    leader = monday.leaders[0]
    logged, missed = leader.visits[0], leader.visits[1]
    with transaction(sessions) as session:
        log_walkthrough(
            session, school=monday.school_id, observer=leader.leader_id, teacher=logged.teacher_id, day=MONDAY,
            period=logged.period, key=logged.key,
        )  # fmt: skip
        seen = leader_day(session, school_id=monday.school_id, leader_id=leader.leader_id, day=MONDAY)
    assert seen is not None and seen.visits[0].status == VisitStatus.DONE
    assert seen.seen_this_cycle == 1

    tuesday = plan(sessions, SUMMIT, day=TUESDAY, now=at(TUESDAY, 7, tz="America/Denver"))
    mine = next(d for d in tuesday.leaders if d.leader_id == leader.leader_id)
    assert any(
        v.teacher_id == missed.teacher_id and v.reason.startswith("missed on Nov 30") for v in mine.visits
    )
    assert logged.teacher_id not in {v.teacher_id for v in mine.visits}
    with transaction(sessions) as session:
        statuses = dict(
            session.exec(
                select(PlannedVisit.key, PlannedVisit.status).where(PlannedVisit.day == MONDAY)
            ).all()
        )
    assert statuses[logged.key] == VisitStatus.DONE and statuses[missed.key] == VisitStatus.MISSED


def test_swap_puts_another_teacher_in_the_slot_after_now_and_clear_of_other_leaders(sessions, demo):
    monday = plan(sessions, CEDAR)
    leader = monday.leaders[0]
    dropped = leader.visits[0]
    now = at(MONDAY, 7, 30)

    with transaction(sessions) as session:
        result = swap_visit(session, key=dropped.key, leader_id=leader.leader_id, now=now)
        everyone = stored_plan(session, school_id=monday.school_id, day=MONDAY)
    assert result.replaced
    current = result.leader_day.current
    assert len(current) == 3 and dropped.key not in {v.key for v in current}
    new = next(v for v in current if v.key not in {k.key for k in leader.visits})
    assert new.teacher_id not in {v.teacher_id for v in leader.visits}
    assert new.start.hour * 60 + new.start.minute >= 7 * 60 + 30
    others = [v for d in everyone.leaders if d.leader_id != leader.leader_id for v in d.current]
    assert (new.period, new.room) not in {(v.period, v.room) for v in others}
    assert result.leader_day.revision == 1


def test_only_the_leader_may_change_their_visits_and_only_once(sessions, demo):
    monday = plan(sessions, CEDAR)
    mine, theirs = monday.leaders[0], monday.leaders[1]
    key = mine.visits[0].key
    with transaction(sessions) as session:
        with pytest.raises(RotationError, match="isn't on your plan"):
            skip_visit(session, key=key, leader_id=theirs.leader_id, reason="no", now=MONDAY_EARLY)
        with pytest.raises(RotationError, match="isn't on your plan"):
            swap_visit(session, key="visit:forged", leader_id=mine.leader_id, now=MONDAY_EARLY)
        with pytest.raises(RotationError, match="why"):
            skip_visit(session, key=key, leader_id=mine.leader_id, reason="   ", now=MONDAY_EARLY)
        skip_visit(session, key=key, leader_id=mine.leader_id, reason="Sick", now=MONDAY_EARLY)
        with pytest.raises(RotationError, match="Already skipped"):
            swap_visit(session, key=key, leader_id=mine.leader_id, now=MONDAY_EARLY)


def test_coverage_lists_teachers_not_seen_this_cycle_longest_first(sessions, demo):
    principal = leaders_at(demo, CEDAR)[0]
    with transaction(sessions) as session:
        school = school_id(session, CEDAR)
        leader = person_id(session, principal)
        before = coverage(session, school_id=school, leader_id=leader, today=MONDAY)
        teachers = [line.teacher_id for line in before.not_seen]
        log_walkthrough(
            session, school=school, observer=leader, teacher=teachers[0], day=MONDAY
        )  # this cycle
        log_walkthrough(
            session, school=school, observer=leader, teacher=teachers[1], day=SATURDAY.replace(month=10)
        )
        after = coverage(session, school_id=school, leader_id=leader, today=MONDAY)

    assert before.caseload == len(before.not_seen) == 22
    assert len(after.not_seen) == 21
    assert teachers[0] not in {line.teacher_id for line in after.not_seen}
    assert [line.last_seen for line in after.not_seen[:20]] == [None] * 20
    oldest_seen = after.not_seen[-1]
    assert oldest_seen.teacher_id == teachers[1] and oldest_seen.days_since == 33


def test_a_school_that_splits_its_caseloads_gets_each_leader_only_their_own_teachers(
    sessions, demo, tmp_path
):
    first, second = leaders_at(demo, CEDAR)[:2]
    teachers = [p.sourced_id for p in demo.teachers if p.has_role(Role.TEACHER, CEDAR)]
    half = len(teachers) // 2
    bundle = shutil.copytree(demo.folder, tmp_path / "bundle")
    (bundle / "caseloads.csv").write_text(
        "schoolSourcedId,leaderSourcedId,teacherSourcedIds\n"
        f'{CEDAR},{first.sourced_id},"{",".join(teachers[:half])}"\n'
        f'{CEDAR},{second.sourced_id},"{",".join(teachers[half:])}"\n',
        encoding="utf-8",
    )
    with transaction(sessions) as session:
        apply_roster(session, snapshot=read_bundle(bundle))

    planned = plan(sessions, CEDAR)

    with sessions() as session:
        sourced = {p.id: p.sourced_id for p in session.exec(select(Person)).all()}
    by_leader = {day.leader_name: {sourced[v.teacher_id] for v in day.visits} for day in planned.leaders}
    assert by_leader[first.name] and by_leader[first.name] <= set(teachers[:half])
    assert by_leader[second.name] and by_leader[second.name] <= set(teachers[half:])
