"""Two districts on one Rounds, each in its own workspace: nothing of one is ever shown or sent in the other.

Both districts import the very same export (the same sourcedIds, the same names), so the only thing that
keeps them apart is the workspace a request or a message belongs to.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot import ids
from bot.deliveries import DeliveryWorker
from bot.demo.slack_requests import SlackDriver, button_action
from bot.installations import bot_tokens
from bot.jobs import remind_all
from tests.roster_factory import small_roster
from tests.walkthroughs.support import filled_values, wait_for
from workflows.db import transaction
from workflows.deliveries.models import Delivery
from workflows.roster.models import Person, School
from workflows.roster.service import apply_roster
from workflows.rotation.calendars import NoCalendars
from workflows.walkthroughs.models import Walkthrough

from .conftest import HILLSIDE, LINCOLN, MultiRounds

PEOPLE = {"t-lead": "LEAD", "t-teach": "TEACH", "t-coach": "COACH"}
TUESDAY_9AM = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 09:00 in Chicago


def user(team: str, role: str) -> str:
    return f"U{team[2:4]}{role}"  # U LI LEAD, U HI TEACH …


@pytest.fixture
def clock():
    return lambda: TUESDAY_9AM


@pytest.fixture
def districts(multi_rounds: MultiRounds, sessions) -> MultiRounds:
    """Rounds installed in both workspaces, and the same roster imported into each."""
    for team in (LINCOLN, HILLSIDE):
        assert multi_rounds.install(team).status_code == 200
        with transaction(sessions) as session:
            apply_roster(session, snapshot=small_roster(), workspace=team)
            for person in session.exec(select(Person).where(Person.workspace == team)):
                person.slack_user_id = user(team, PEOPLE[person.sourced_id])
                session.add(person)
        for sourced, role in PEOPLE.items():
            multi_rounds.fake.add_user(
                user(team, role),
                email=f"{sourced}@{team.lower()}.example.org",
                real_name=role.title(),
                team_id=team,
            )
    return multi_rounds


def driver_for(districts: MultiRounds, team: str) -> SlackDriver:
    return SlackDriver(
        signer=districts.driver.signer, fake=districts.fake, http=districts.driver.http, team_id=team
    )


def worker(districts: MultiRounds, sessions) -> DeliveryWorker:
    settings = districts.runtime.settings
    return DeliveryWorker.from_settings(sessions, settings, tokens=bot_tokens(settings, sessions))


def bot_token_of(districts: MultiRounds, team: str) -> str:
    [token] = [t.value for t in districts.fake.tokens(team) if t.kind == "bot"]
    return token


def log_hillside_walkthrough(districts: MultiRounds, sessions) -> int:
    hillside = driver_for(districts, HILLSIDE)
    assert hillside.command(user(HILLSIDE, "LEAD"), ids.WALKTHROUGH_COMMAND, "ben").status_code == 200
    view = wait_for(lambda: districts.fake.open_views(team_id=HILLSIDE))[-1]
    assert hillside.submit_view(user(HILLSIDE, "LEAD"), view, filled_values(view)).status_code == 200
    with sessions() as session:
        return session.exec(select(Walkthrough.id)).one()


def test_each_workspace_gets_its_own_messages_with_its_own_token(districts, sessions):
    log_hillside_walkthrough(districts, sessions)
    remind_all(sessions, calendars=NoCalendars(), now=TUESDAY_9AM)
    worker(districts, sessions).drain(timeout=20)

    for team in (LINCOLN, HILLSIDE):
        token = bot_token_of(districts, team)
        posts = [c for c in districts.fake.calls_to("chat.postMessage") if c.team_id == team]
        assert posts and all(c.token == token for c in posts), f"{team}'s messages use {team}'s token only"
        leader_dm = districts.fake.dm_channel_for(user(team, "LEAD"), team_id=team)
        texts = [m.get("text", "") for m in districts.fake.messages(leader_dm, team_id=team)]
        assert any("classroom" in t.lower() for t in texts), f"{team}'s leader got their morning DM"
    lincoln_teacher = districts.fake.dm_channel_for(user(LINCOLN, "TEACH"), team_id=LINCOLN)
    hillside_teacher = districts.fake.dm_channel_for(user(HILLSIDE, "TEACH"), team_id=HILLSIDE)
    assert hillside_teacher and districts.fake.messages(hillside_teacher, team_id=HILLSIDE)
    assert lincoln_teacher is None, "Lincoln's teacher hears nothing of Hillside's visit"


def test_a_leader_cannot_find_or_log_for_a_teacher_of_the_other_workspace(districts, sessions):
    lincoln = driver_for(districts, LINCOLN)
    with sessions() as session:
        theirs = session.exec(
            select(Person.id).where(Person.workspace == HILLSIDE, Person.sourced_id == "t-teach")
        ).one()

    options = lincoln.options(
        user(LINCOLN, "LEAD"),
        ids.WALKTHROUGH_TEACHER_SELECT,
        block_id=ids.WALKTHROUGH_TEACHER_BLOCK,
        value="ben",
    ).json()["options"]
    assert options and all(not o["value"].startswith(f"{theirs}:") for o in options)

    assert (
        lincoln.command(
            user(LINCOLN, "LEAD"), ids.WALKTHROUGH_COMMAND, f"<@{user(HILLSIDE, 'TEACH')}>"
        ).status_code
        == 200
    )
    view = wait_for(lambda: districts.fake.open_views(team_id=LINCOLN))[-1]
    assert "Lindqvist" not in json.dumps(view["blocks"]), "the other workspace's teacher is not preselected"

    with sessions() as session:
        school = session.exec(select(School.id).where(School.workspace == HILLSIDE)).one()
    forged = filled_values(view, teacher=(f"{theirs}:{school}", "Ben Lindqvist"))
    answer = lincoln.submit_view(user(LINCOLN, "LEAD"), view, forged)
    assert answer.json()["response_action"] == "errors"
    with sessions() as session:
        assert session.exec(select(Walkthrough)).all() == []


def test_forged_clicks_naming_the_other_workspaces_walkthrough_get_nothing(districts, sessions):
    walkthrough_id = log_hillside_walkthrough(districts, sessions)
    lincoln = driver_for(districts, LINCOLN)
    before = len(districts.fake.calls_to("views.open"))

    for action in (ids.WALKTHROUGH_EDIT, ids.WALKTHROUGH_RECORD_CONVERSATION, ids.WALKTHROUGH_THANKS):
        lincoln.action(user(LINCOLN, "LEAD"), [button_action(action, str(walkthrough_id))])
        lincoln.action(user(LINCOLN, "TEACH"), [button_action(action, str(walkthrough_id))])

    opened = districts.fake.calls_to("views.open")[before:]
    assert all("Students explained" not in json.dumps(c.args) for c in opened), "no evidence crosses over"
    with sessions() as session:
        walkthrough = session.get(Walkthrough, walkthrough_id)
        assert not walkthrough.thanked_at
        keys = session.exec(select(Delivery.key, Delivery.workspace)).all()
    assert all(workspace == HILLSIDE for key, workspace in keys if key.startswith("walkthrough:"))


def test_a_person_of_one_workspace_is_a_stranger_in_the_other(districts):
    lincoln = driver_for(districts, LINCOLN)
    answer = lincoln.command(user(HILLSIDE, "LEAD"), ids.ROUNDS_COMMAND, "today")
    assert answer.status_code == 200
    assert "not on the roster" in answer.json()["text"]


def test_a_coachs_question_reaches_their_own_districts_community_only(districts, sessions):
    """Both districts call their community channel C0IPS: a Hillside coach's question is posted in Hillside's,
    with Hillside's token, and Lincoln's channel and Lincoln's coach hear nothing of it."""
    from workflows.community.channels import set_channel
    from workflows.roster.models import District

    for team in (LINCOLN, HILLSIDE):
        districts.fake.add_channel("C0IPS", "ip-community", team_id=team)
        with transaction(sessions) as session:
            district = session.exec(select(District).where(District.workspace == team)).one()
            set_channel(session, district_id=district.id, workspace=team, channel_id="C0IPS", name="ip-community",
                        private=False, shared=False, set_by_id=None, now=TUESDAY_9AM)  # fmt: skip
    hillside = driver_for(districts, HILLSIDE)
    question = "How do your teachers run number talks with a wide range of readiness?"
    assert hillside.command(user(HILLSIDE, "COACH"), ids.SHARE_COMMAND, f"question {question}").status_code == 200
    worker(districts, sessions).drain(timeout=20)

    posted = districts.fake.messages("C0IPS", team_id=HILLSIDE)
    assert [m for m in posted if "number talks" in json.dumps(m)], "the question is in Hillside's channel"
    posts = [c for c in districts.fake.calls_to("chat.postMessage") if c.args.get("channel") == "C0IPS"]
    assert posts and all(c.team_id == HILLSIDE and c.token == bot_token_of(districts, HILLSIDE) for c in posts)
    assert "number talks" not in json.dumps(districts.fake.messages("C0IPS", team_id=LINCOLN))
    lincoln_coach = districts.fake.dm_channel_for(user(LINCOLN, "COACH"), team_id=LINCOLN)
    assert lincoln_coach is None or "number talks" not in json.dumps(
        districts.fake.messages(lincoln_coach, team_id=LINCOLN)
    )
