"""A team member's "Feedback on the form", saved once per member and counted on the leader's App Home and in
their weekly digest."""

from __future__ import annotations

import json

from sqlmodel import select

from bot import ids
from bot.demo.slack_requests import plain_text_value, radio_value, select_value
from bot.digest_jobs import run_due_digests
from bot.notices.leader_digest import queue_leader_digests
from tests.coaching.support import home
from tests.digests.support import G3, GRADE3, add_walkthroughs, school_id, term_weeks
from tests.walkthroughs.support import click, wait_for
from workflows.db import transaction
from workflows.digests.models import FormFeedback
from workflows.rotation.calendars import NoCalendars


def _digest(app, sessions, slack, worker) -> dict:
    with transaction(sessions) as session:
        add_walkthroughs(session, weeks=term_weeks(count=2), teachers=[s for s, *_ in GRADE3])
        school = school_id(session)
    run_due_digests(app.runtime, NoCalendars(), school)
    worker.drain(timeout=20)
    (message,) = [m for m in slack.messages(G3) if m.get("subtype") == "bot_message"]
    return message


def _give(driver, slack, user: str, message: dict, *, look_for: int = 0, kind: str = "unclear", note: str = ""):
    before = len(slack.calls_to("views.open"))
    response = click(driver, user, message, ids.DIGEST_FEEDBACK)
    assert response.status_code == 200
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    assert slack.calls_to("views.open")[-1].ok
    view = slack.open_views()[-1]
    options = next(b for b in view["blocks"] if b.get("block_id") == ids.DIGEST_FEEDBACK_LOOK_FOR_BLOCK)
    option = options["element"]["options"][look_for]
    values = {
        ids.DIGEST_FEEDBACK_LOOK_FOR_BLOCK: {
            ids.DIGEST_FEEDBACK_LOOK_FOR_INPUT: select_value(option["value"], option["text"]["text"])
        },
        ids.DIGEST_FEEDBACK_KIND_BLOCK: {ids.DIGEST_FEEDBACK_KIND_INPUT: radio_value(kind)},
        ids.DIGEST_FEEDBACK_NOTE_BLOCK: {ids.DIGEST_FEEDBACK_NOTE_INPUT: plain_text_value(note)},
    }
    return driver.submit_view(user, view, values), option["text"]["text"]


def test_members_feedback_is_saved_once_each_and_counted_on_the_leaders_home(app, sessions, slack, worker):
    message = _digest(app, sessions, slack, worker)
    driver = app.driver
    for user in ("UG30", "UG31"):
        response, look_for = _give(driver, slack, user, message, note="what counts as most of the class?")
        assert response.status_code == 200 and response.text in ("", "null"), response.text
    again, _ = _give(driver, slack, "UG30", message, note="said it twice")  # the same member, same look-for
    assert again.text in ("", "null")
    view = home(driver, slack, "ULEAD")
    blocks = view["blocks"]
    start = next(i for i, b in enumerate(blocks) if "Feedback on the walkthrough form" in json.dumps(b))
    shown = json.dumps(blocks[start : start + 2])
    assert f"{look_for[:40]}" in shown and "unclear, 2 members" in shown
    assert "Tess" not in shown and "Ugo" not in shown and "said it twice" not in shown  # counted, never who
    # the leader's weekly digest of that week counts it the same way
    with transaction(sessions) as session:
        week = session.exec(select(FormFeedback.week_of)).first()
        (digest,) = queue_leader_digests(session, week_start=week, school_id=school_id(session), dry_run=True)
    said = json.dumps(digest.message)
    assert "Feedback on the walkthrough form" in said and "unclear, 2 members" in said
    assert "said it twice" not in said


def test_a_missing_look_for_needs_a_note_and_outsiders_are_refused(app, sessions, slack, worker):
    message = _digest(app, sessions, slack, worker)
    response, _ = _give(app.driver, slack, "UG30", message, look_for=-1, kind="missing")
    body = response.json()
    assert body["response_action"] == "errors"
    assert "missing" in body["errors"][ids.DIGEST_FEEDBACK_NOTE_BLOCK]
    before = len(slack.calls_to("views.open"))
    click(app.driver, "UG40", message, ids.DIGEST_FEEDBACK)  # a Grade 4 teacher, not on this team
    wait_for(lambda: slack.responses())
    assert "Only the team's members" in slack.responses()[-1]["text"]
    assert len(slack.calls_to("views.open")) == before
