"""The real endpoint with signature checks on: `/rounds help`, unknown users, forged requests, /healthz."""

from __future__ import annotations

import json
import time

from sqlmodel import select

from bot.demo.slack_requests import SlackRequestSigner
from tests.conftest import SIGNING_SECRET
from tests.roster_factory import COACH, LEADER, TEACHER, load_small_roster
from workflows.db import transaction
from workflows.roster.models import Person


def _link(sessions, member, slack_user_id: str) -> None:
    with transaction(sessions) as session:
        person = session.exec(select(Person).where(Person.sourced_id == member.sourced_id)).one()
        person.slack_user_id = slack_user_id
        session.add(person)


def test_rounds_help_tells_a_leader_what_they_can_do(rounds, sessions, slack):
    load_small_roster(sessions)
    _link(sessions, LEADER, "ULEAD")

    response = rounds.driver.command("ULEAD", "/rounds", "help")

    assert response.status_code == 200
    reply = response.json()
    assert reply["response_type"] == "ephemeral"
    assert "Hi Ada!" in reply["text"]
    assert "Rounds knows you as: leader at Maple Elementary" in reply["text"]
    assert "/rounds help" in reply["text"]


def test_rounds_with_no_words_is_help_and_unknown_words_are_named(rounds, sessions):
    load_small_roster(sessions)
    _link(sessions, TEACHER, "UTEACH")

    help_reply = json.dumps(rounds.driver.command("UTEACH", "/rounds", "").json())
    assert "What you can do" in help_reply
    assert "the notes from every visit to your classes" in help_reply
    assert "/walkthrough" not in help_reply  # leaders' commands are not offered to teachers
    reply = rounds.driver.command("UTEACH", "/rounds", "dance").json()
    assert reply["text"].startswith("I don't know `/rounds dance`.")
    assert "teacher at Maple Elementary" in reply["text"]


def test_someone_not_on_the_roster_gets_a_friendly_answer(rounds, sessions, slack):
    load_small_roster(sessions)
    slack.add_user("UVISITOR", email="visitor@elsewhere.example", real_name="Vera Visitor")

    reply = rounds.driver.command("UVISITOR", "/rounds", "help").json()

    assert "not on the roster yet" in reply["text"]
    assert reply["response_type"] == "ephemeral"


def test_staff_who_joined_slack_after_the_import_are_linked_by_email(rounds, sessions, slack):
    load_small_roster(sessions)
    slack.add_user("UCOACH", email="Cleo.Ramos@example.org", real_name="Cleo Ramos")

    reply = rounds.driver.command("UCOACH", "/rounds", "help").json()

    assert "coach at Maple Elementary" in reply["text"]
    with sessions() as session:
        assert (
            session.exec(select(Person.slack_user_id).where(Person.sourced_id == COACH.sourced_id)).one()
            == "UCOACH"
        )


def _unlinked_coach_command(rounds, slack, signer: SlackRequestSigner, **kwargs):
    slack.add_user("UCOACH", email="cleo.ramos@example.org", real_name="Cleo Ramos")
    body, headers = signer.slash_command(
        "/rounds",
        "help",
        user_id="UCOACH",
        trigger_id=slack.new_trigger_id(),
        response_url=slack.new_response_url(),
        **kwargs,
    )
    return body, headers


def _coach_is_linked(sessions) -> bool:
    with sessions() as session:
        return (
            session.exec(select(Person.slack_user_id).where(Person.sourced_id == COACH.sourced_id)).one()
            is not None
        )


def test_forged_signature_is_rejected_and_writes_nothing(rounds, sessions, slack):
    load_small_roster(sessions)
    body, headers = _unlinked_coach_command(rounds, slack, SlackRequestSigner("not-the-secret"))

    response = rounds.http.post("/slack/events", content=body, headers=headers)

    assert response.status_code == 401
    assert not _coach_is_linked(sessions)
    assert slack.calls_to("users.info") == []


def test_unsigned_request_is_rejected(rounds, sessions, slack):
    load_small_roster(sessions)
    body, headers = _unlinked_coach_command(rounds, slack, SlackRequestSigner(SIGNING_SECRET))
    unsigned = {k: v for k, v in headers.items() if not k.lower().startswith("x-slack-")}

    assert rounds.http.post("/slack/events", content=body, headers=unsigned).status_code == 401
    assert not _coach_is_linked(sessions)


def test_six_minute_old_request_is_rejected_even_with_a_valid_signature(rounds, sessions, slack):
    load_small_roster(sessions)
    signer = SlackRequestSigner(SIGNING_SECRET)
    body, headers = _unlinked_coach_command(rounds, slack, signer, timestamp=int(time.time()) - 6 * 60)

    assert rounds.http.post("/slack/events", content=body, headers=headers).status_code == 401
    assert not _coach_is_linked(sessions)


def test_tampered_body_is_rejected(rounds, sessions, slack):
    load_small_roster(sessions)
    body, headers = _unlinked_coach_command(rounds, slack, SlackRequestSigner(SIGNING_SECRET))

    tampered = body.replace(b"UCOACH", b"ULEAD")
    assert rounds.http.post("/slack/events", content=tampered, headers=headers).status_code == 401


def test_healthz_answers_when_the_database_is_reachable(rounds):
    response = rounds.http.get("/healthz")
    assert response.status_code == 200
    assert response.json()["ok"] is True and response.json()["database"] == {"reachable": True}
