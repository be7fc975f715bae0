"""What a walkthrough marks as logged on the morning DM: only the submitting leader's own planned visit to
the teacher submitted, today. The planned visit's key in the modal's metadata is never trusted: after a
teacher switch, or forged to point at a colleague's visit or another school's, the walkthrough is saved
and no visit is marked, no DM updated."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from bot import ids
from bot.deliveries import DeliveryWorker
from bot.demo.district import DemoDistrict, DemoPerson
from bot.demo.fake_slack import FakeSlack
from bot.demo.slack_requests import button_action, select_action, select_value
from bot.demo.walkthrough_scenes import modal_values
from bot.jobs import remind_all
from bot.settings import Settings
from tests.conftest import RunningRounds
from tests.rotation.support import (
    CEDAR,
    MONDAY,
    SUMMIT,
    TUESDAY,
    Clock,
    at,
    block_texts,
    buttons,
    dm_messages,
    leaders_at,
    load_demo,
    person_id,
    school_id,
)
from tests.walkthroughs.support import open_modal, teacher_option, wait_for
from workflows.db import Sessions, transaction
from workflows.roster.snapshot import Role
from workflows.rotation.calendars import NoCalendars
from workflows.rotation.models import PlannedVisit, VisitStatus
from workflows.rotation.plans import plan_school_day
from workflows.walkthroughs.models import Walkthrough


@pytest.fixture
def clock() -> Clock:
    return Clock(at(MONDAY, 10))


@pytest.fixture
def demo(sessions: Sessions, slack: FakeSlack) -> DemoDistrict:
    return load_demo(sessions, slack)


@pytest.fixture
def app(rounds: RunningRounds, demo: DemoDistrict) -> RunningRounds:
    return rounds


@pytest.fixture
def worker(settings: Settings, sessions: Sessions) -> DeliveryWorker:
    return DeliveryWorker.from_settings(sessions, settings, channel_interval=0, senders=2)


@pytest.fixture
def morning(sessions: Sessions, worker: DeliveryWorker) -> None:
    remind_all(sessions, calendars=NoCalendars(), now=at(MONDAY, 7, 15), day=MONDAY)
    worker.drain(timeout=30)


def _visit(sessions: Sessions, key: str) -> PlannedVisit:
    with transaction(sessions) as session:
        return session.exec(select(PlannedVisit).where(PlannedVisit.key == key)).one()


def _walkthrough(sessions: Sessions) -> Walkthrough:
    with transaction(sessions) as session:
        return session.exec(select(Walkthrough)).one()


def _morning_dm(slack: FakeSlack, user: str) -> dict:
    """A leader's morning DM (the first message in their DM), as it reads now."""
    return dm_messages(slack, user)[0]


def _submit(app: RunningRounds, user: str, view: dict, values: dict) -> None:
    response = app.driver.submit_view(user, view, values)
    assert response.status_code == 200 and not response.content, response.text  # saved: the modal closes


def _values(view: dict) -> dict:
    return modal_values(
        view, evidence="Students compared two strategies.", strength="", next_step="", role="directive",
        observed_level=None,
    )  # fmt: skip


def test_switching_the_teacher_in_a_modal_from_log_visit_marks_no_visit(
    app, sessions, slack, demo, worker, morning
):
    principal = leaders_at(demo, CEDAR)[0]
    message = _morning_dm(slack, principal.slack_user_id)
    key = buttons(message, ids.ROTATION_LOG_VISIT)[0]["value"]
    planned = {v["value"] for v in buttons(message, ids.ROTATION_LOG_VISIT)}
    app.driver.action(
        principal.slack_user_id, [button_action(ids.ROTATION_LOG_VISIT, key)],
        channel_id=message["channel"], message={k: v for k, v in message.items() if k != "channel"},
    )  # fmt: skip
    modal = wait_for(lambda: [v for v in slack.open_views() if v["callback_id"] == ids.WALKTHROUGH_MODAL])[0]
    with transaction(sessions) as session:
        on_plan = {v.teacher_id for v in session.exec(select(PlannedVisit)).all() if v.key in planned}
    other = next(
        t for t in demo.teachers if t.has_role(Role.TEACHER, CEDAR) and _id(sessions, t) not in on_plan
    )
    value, text = teacher_option(app.driver, principal.slack_user_id, other.name, other.name)
    app.driver.action(
        principal.slack_user_id,
        [select_action(ids.WALKTHROUGH_TEACHER_SELECT, value, text=text, block_id=ids.WALKTHROUGH_TEACHER_BLOCK,
                       type="external_select")],
        view={**modal, "state": {"values": {ids.WALKTHROUGH_TEACHER_BLOCK: {
            ids.WALKTHROUGH_TEACHER_SELECT: select_value(value, text, type="external_select")}}}},
    )  # fmt: skip
    wait_for(lambda: slack.calls_to("views.update"))
    switched = slack.view(modal["id"])
    assert switched is not None and key in switched["private_metadata"]  # the first teacher's visit, still

    _submit(app, principal.slack_user_id, switched, _values(switched))
    worker.drain(timeout=10)

    walkthrough = _walkthrough(sessions)
    assert walkthrough.teacher_id == _id(sessions, other) and walkthrough.planned_visit_key is None
    assert _visit(sessions, key).status == VisitStatus.PLANNED
    assert slack.calls_to("chat.update") == []
    assert "Logged." not in block_texts(_morning_dm(slack, principal.slack_user_id))


@pytest.mark.parametrize("whose", ["a colleague at the same school", "a leader at another school"])
def test_a_forged_planned_visit_key_marks_nobody_elses_visit(
    app, sessions, slack, demo, worker, morning, whose
):
    principal = leaders_at(demo, CEDAR)[0]
    colleague = leaders_at(demo, CEDAR)[1] if "same" in whose else _only_at(demo, SUMMIT)
    theirs = buttons(_morning_dm(slack, colleague.slack_user_id), ids.ROTATION_LOG_VISIT)[0]["value"]
    view = open_modal(app.driver, slack, principal.slack_user_id, "")
    leader = _id(sessions, principal)
    with sessions() as session:  # a teacher not on the principal's own plan: nothing of theirs to mark
        mine = set(session.exec(select(PlannedVisit.teacher_id).where(PlannedVisit.leader_id == leader)))
    teacher = next(
        t for t in demo.teachers if t.has_role(Role.TEACHER, CEDAR) and _id(sessions, t) not in mine
    )
    value, text = teacher_option(app.driver, principal.slack_user_id, teacher.name, teacher.name)
    values = _values(view)
    values[ids.WALKTHROUGH_TEACHER_BLOCK] = {
        ids.WALKTHROUGH_TEACHER_SELECT: select_value(value, text, type="external_select")
    }
    forged = {**view, "private_metadata": json.dumps({"key": "wt-forged-1", "planned_visit_key": theirs})}

    _submit(app, principal.slack_user_id, forged, values)
    worker.drain(timeout=10)

    assert _walkthrough(sessions).planned_visit_key is None
    assert _visit(sessions, theirs).status == VisitStatus.PLANNED
    assert slack.calls_to("chat.update") == []
    assert "Logged." not in block_texts(_morning_dm(slack, colleague.slack_user_id))


def test_a_key_for_my_own_visit_on_another_day_marks_nothing_today(
    app, sessions, slack, demo, worker, morning
):
    principal = leaders_at(demo, CEDAR)[0]
    leader = _id(sessions, principal)
    with transaction(sessions) as session:
        today = {
            v.teacher_id for v in session.exec(select(PlannedVisit).where(PlannedVisit.leader_id == leader))
        }
        plan_school_day(
            session,
            school_id=school_id(session, CEDAR),
            day=TUESDAY,
            calendars=NoCalendars(),
            now=at(MONDAY, 10),
        )
        tomorrow = next(
            v
            for v in session.exec(
                select(PlannedVisit).where(PlannedVisit.leader_id == leader, PlannedVisit.day == TUESDAY)
            )
            if v.teacher_id not in today
        )
    teacher = next(t for t in demo.teachers if _id(sessions, t) == tomorrow.teacher_id)
    view = open_modal(app.driver, slack, principal.slack_user_id, "")
    value, text = teacher_option(app.driver, principal.slack_user_id, teacher.name, teacher.name)
    values = _values(view)
    values[ids.WALKTHROUGH_TEACHER_BLOCK] = {
        ids.WALKTHROUGH_TEACHER_SELECT: select_value(value, text, type="external_select")
    }
    forged = {
        **view,
        "private_metadata": json.dumps({"key": "wt-forged-2", "planned_visit_key": tomorrow.key}),
    }

    _submit(app, principal.slack_user_id, forged, values)

    assert _walkthrough(sessions).planned_visit_key is None
    assert _visit(sessions, tomorrow.key).status == VisitStatus.PLANNED


def test_a_walkthrough_of_a_teacher_on_todays_plan_marks_that_visit_however_the_modal_was_opened(
    app, sessions, slack, demo, worker, morning
):
    principal = leaders_at(demo, CEDAR)[0]
    message = _morning_dm(slack, principal.slack_user_id)
    key = buttons(message, ids.ROTATION_LOG_VISIT)[1]["value"]
    teacher_id = _visit(sessions, key).teacher_id
    teacher = next(t for t in demo.teachers if _id(sessions, t) == teacher_id)
    view = open_modal(app.driver, slack, principal.slack_user_id, "")
    value, text = teacher_option(app.driver, principal.slack_user_id, teacher.name, teacher.name)
    values = _values(view)
    values[ids.WALKTHROUGH_TEACHER_BLOCK] = {
        ids.WALKTHROUGH_TEACHER_SELECT: select_value(value, text, type="external_select")
    }

    _submit(app, principal.slack_user_id, view, values)
    worker.drain(timeout=10)

    assert _walkthrough(sessions).planned_visit_key == key
    assert _visit(sessions, key).status == VisitStatus.DONE
    assert block_texts(_morning_dm(slack, principal.slack_user_id)).count("Logged.") == 1


def _id(sessions: Sessions, person: DemoPerson) -> int:
    with transaction(sessions) as session:
        return person_id(session, person)


def _only_at(demo: DemoDistrict, school: str) -> DemoPerson:
    """A leader of `school` and of no other."""
    return next(p for p in demo.leaders if p.schools_for(Role.LEADER) == (school,))
