"""What teachers open to coaches: a walkthrough shared with their coach (until then no coach sees its
evidence), and a request for coaching from the Home tab (the school's coaches are told, leaders are not)."""

from __future__ import annotations

import json

from sqlmodel import select

from bot import ids
from bot.demo.coaching_scene import find
from bot.demo.slack_requests import plain_text_value, select_value
from tests.coaching.support import click_in_home, home, home_elements, log_coaching
from tests.walkthroughs.support import (
    buttons,
    click,
    dm_messages,
    log_visit,
    message_text,
    person_id,
    wait_for,
)
from workflows import privacy
from workflows.coaching.models import CoachingRequest, WalkthroughShare
from workflows.roster.service import identify
from workflows.walkthroughs.models import Walkthrough

EVIDENCE = "Students explained how they split 24 counters into equal groups."


def _viewer(sessions, user: str) -> privacy.Viewer:
    with sessions() as session:
        return privacy.Viewer.of(identify(session, slack_user_id=user))


def _share_modal(app, slack, user: str, message: dict) -> dict:
    before = len(slack.calls_to("views.open"))
    click(app.driver, user, message, ids.WALKTHROUGH_SHARE_WITH_COACH)
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    return slack.open_views()[-1]


def _coach_value(modal: dict, name: str) -> dict:
    element = find(modal, ids.WALKTHROUGH_SHARE_COACH_BLOCK)["element"]
    option = next(o for o in element["options"] if o["text"]["text"] == name)
    return {ids.WALKTHROUGH_SHARE_COACH_BLOCK: {ids.WALKTHROUGH_SHARE_COACH_INPUT: select_value(option["value"])}}


def test_a_coach_sees_a_walkthrough_only_once_the_teacher_shares_it_with_them(app, slack, sessions, worker):
    log_coaching(app.driver, slack, worker)  # Ben has an active cycle with Cleo
    log_visit(app.driver, slack, worker, evidence=EVIDENCE)
    walkthrough_dm = next(m for m in dm_messages(slack, "UBEN") if EVIDENCE in message_text(m))
    assert ids.WALKTHROUGH_SHARE_WITH_COACH in buttons(walkthrough_dm)
    assert EVIDENCE not in message_text(home(app.driver, slack, "UCOACH"))
    with sessions() as session:
        assert session.exec(privacy.walkthroughs_shared_with(_viewer(sessions, "UCOACH"))).all() == []

    modal = _share_modal(app, slack, "UBEN", walkthrough_dm)
    element = find(modal, ids.WALKTHROUGH_SHARE_COACH_BLOCK)["element"]
    assert element["initial_option"]["text"]["text"] == "Cleo Ramos"
    assert [o["text"]["text"] for o in element["options"]] == ["Cleo Ramos", "Cy Moreau"]
    for _ in range(2):
        assert app.driver.submit_view("UBEN", modal, _coach_value(modal, "Cleo Ramos")).text in ("", "null")
    worker.drain(timeout=10)

    shared = [m for m in dm_messages(slack, "UCOACH") if "shared a walkthrough with you" in message_text(m)]
    assert len(shared) == 1 and EVIDENCE in message_text(shared[0])
    assert "Walkthroughs teachers shared with you" in message_text(home(app.driver, slack, "UCOACH"))
    for user in ("UCOACH2", "UCOACH3"):
        assert EVIDENCE not in message_text(home(app.driver, slack, user))
        assert all(EVIDENCE not in message_text(m) for m in dm_messages(slack, user))
    with sessions() as session:
        seen = {u: len(session.exec(privacy.walkthroughs_shared_with(_viewer(sessions, u))).all())
                for u in ("UCOACH", "UCOACH2", "UCOACH3", "ULEAD")}  # fmt: skip
    assert seen == {"UCOACH": 1, "UCOACH2": 0, "UCOACH3": 0, "ULEAD": 0}


def test_only_the_teacher_shares_and_only_with_a_coach_of_the_school(app, slack, sessions, worker):
    log_visit(app.driver, slack, worker, evidence=EVIDENCE)
    walkthrough_dm = dm_messages(slack, "UBEN")[0]
    with sessions() as session:
        walkthrough_id = session.exec(select(Walkthrough.id)).one()

    for user in ("UBEA", "UCOACH", "ULEAD"):
        click(app.driver, user, dict(walkthrough_dm, channel=slack.dm_channel_for("UBEN")), ids.WALKTHROUGH_SHARE_WITH_COACH)
    wait_for(lambda: len(slack.responses()) == 3)
    assert {r["text"] for r in slack.responses()} == {"Only the teacher visited can share this walkthrough."}
    forged = {"id": "VFORGED", "callback_id": ids.WALKTHROUGH_SHARE_MODAL, "type": "modal",
              "private_metadata": json.dumps({"walkthrough_id": walkthrough_id}),
              "blocks": [{"type": "input", "block_id": ids.WALKTHROUGH_SHARE_COACH_BLOCK}]}  # fmt: skip
    cleo = str(person_id(sessions, "UCOACH"))
    pick = {ids.WALKTHROUGH_SHARE_COACH_BLOCK: {ids.WALKTHROUGH_SHARE_COACH_INPUT: select_value(cleo)}}
    assert app.driver.submit_view("UCOACH", forged, pick).json()["errors"] == {
        ids.WALKTHROUGH_SHARE_COACH_BLOCK: "Only the teacher visited can share this walkthrough."
    }
    oscar = str(person_id(sessions, "UCOACH3"))  # Oak's coach
    elsewhere = {ids.WALKTHROUGH_SHARE_COACH_BLOCK: {ids.WALKTHROUGH_SHARE_COACH_INPUT: select_value(oscar)}}
    assert app.driver.submit_view("UBEN", forged, elsewhere).json()["errors"] == {
        ids.WALKTHROUGH_SHARE_COACH_BLOCK: "Choose one of your school's coaches."
    }
    with sessions() as session:
        assert session.exec(select(WalkthroughShare)).all() == []


def test_a_teacher_asks_for_coaching_and_the_schools_coaches_are_told(app, slack, sessions, worker):
    view = home(app.driver, slack, "UBEA")
    [ask] = home_elements(view, ids.COACHING_ASK)
    click_in_home(app.driver, "UBEA", view, ask)
    wait_for(lambda: slack.calls_to("views.open"))
    modal = slack.open_views()[-1]
    assert "Leaders don't" in message_text(modal) and find(modal, ids.COACHING_REQUEST_SCHOOL_BLOCK) is None
    values = {ids.COACHING_REQUEST_BLOCK: {ids.COACHING_REQUEST_INPUT: plain_text_value("Partner talk in reading.")}}

    for _ in range(2):
        assert app.driver.submit_view("UBEA", modal, values).text in ("", "null")
    worker.drain(timeout=10)

    for coach in ("UCOACH", "UCOACH2"):
        [request] = dm_messages(slack, coach)
        assert "Bea Lindgren (Maple Elementary) would like coaching." in message_text(request)
        assert "Partner talk in reading." in message_text(request) and buttons(request) == [ids.COACHING_LOG_FOR]
    for user in ("UCOACH3", "ULEAD", "UADMIN", "UOTTO"):
        assert dm_messages(slack, user) == []
    wait_for(lambda: "You asked for coaching on Tue 3 Mar" in message_text(slack.published_home("UBEA") or {}))
    with sessions() as session:
        assert len(session.exec(select(CoachingRequest)).all()) == 1
    leader_view = home(app.driver, slack, "ULEAD")
    assert click_in_home(app.driver, "ULEAD", leader_view, ask).status_code == 200
    wait_for(lambda: len(slack.calls_to("views.open")) == 2)
    assert "Asking for coaching is for teachers" in message_text(slack.open_views()[-1])
