"""Data reviews (seed 001, practice 5) end to end: the digest asks for one when 30 observations are in,
its button opens the modal, the decisions are recorded once, and they come back at the next review."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot import ids
from bot.demo.slack_requests import button_action, plain_text_value
from bot.leader_digest_jobs import run_digest_job
from tests.coaching.support import home
from tests.leader_digest.support import school_days, visit
from tests.walkthroughs.support import dm_messages, message_text, wait_for
from workflows.db import transaction
from workflows.digests.leader_models import DataReview
from workflows.roster.models import School

DECISIONS = "Pair each grade 3 teacher with a colleague strong in checks for understanding; revisit in April."
NEXT_MONDAY = datetime(2026, 3, 16, 7, 0, tzinfo=ZoneInfo("America/Chicago"))


def maple(sessions) -> int:
    with sessions() as session:
        return session.exec(select(School.id).where(School.sourced_id == "s-maple")).one()


def digest_of(slack, user: str, week: str) -> dict:
    return next(m for m in dm_messages(slack, user) if m.get("text", "").startswith(f"Your week, {week}"))


def review_button(message: dict) -> dict:
    return next(
        e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
        if e["action_id"] == ids.DATA_REVIEW_OPEN
    )  # fmt: skip


def open_review(app, slack, user: str, message: dict) -> dict:
    before = len(slack.calls_to("views.open"))
    element = review_button(message)
    response = app.driver.action(
        user, [button_action(element["action_id"], element["value"], text=element["text"]["text"])],
        channel_id=slack.dm_channel_for(user), message=message,
    )  # fmt: skip
    assert response.status_code == 200
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    assert slack.calls_to("views.open")[-1].ok
    return slack.open_views()[-1]


def submit(app, user: str, view: dict, decisions: str, strengths: str = ""):  # type: ignore[no-untyped-def]
    return app.driver.submit_view(user, view, {
        ids.DATA_REVIEW_STRENGTHS_BLOCK: {ids.DATA_REVIEW_STRENGTHS_INPUT: plain_text_value(strengths)},
        ids.DATA_REVIEW_DECISIONS_BLOCK: {ids.DATA_REVIEW_DECISIONS_INPUT: plain_text_value(decisions)},
    })  # fmt: skip


def thirty_more(sessions) -> None:
    """The week of 9 March: Ada and Mia see Ben twice a day and Bea once: 30 new observations."""
    with transaction(sessions) as session:
        for day in school_days(date(2026, 3, 9), 5):
            for leader in ("p-ada", "p-mia"):
                for teacher, period, klass in (("p-ben", "1", "c-math"), ("p-ben", "2", "c-sci"), ("p-bea", "1", "c-read")):
                    visit(session, school_ref="s-maple", leader=leader, teacher=teacher, day=day, period=period,
                          class_ref=klass, ratings={"check-every-student": 3})  # fmt: skip


def test_a_review_is_recorded_through_the_modal_once_and_shown_again_at_the_next(app, slack, sessions, worker, clock):
    run_digest_job(app.runtime, maple(sessions))
    worker.drain(timeout=10)
    ada_digest, mia_digest = digest_of(slack, "ULEAD", "Mon 2 Mar"), digest_of(slack, "UMIA", "Mon 2 Mar")
    assert "*A data review is due* (50 new observations since the last review)" in message_text(ada_digest)

    ada_view = open_review(app, slack, "ULEAD", ada_digest)
    mia_view = open_review(app, slack, "UMIA", mia_digest)
    assert "Maple Elementary* — data review 1" in message_text(ada_view)

    empty = submit(app, "ULEAD", ada_view, "   ")
    assert empty.json()["response_action"] == "errors"
    assert "Write the decisions" in empty.json()["errors"][ids.DATA_REVIEW_DECISIONS_BLOCK]
    assert submit(app, "ULEAD", ada_view, DECISIONS, "Student engagement is strong everywhere.").text in ("", "null")
    assert submit(app, "ULEAD", ada_view, DECISIONS).text in ("", "null")  # Slack's retry: nothing new
    taken = submit(app, "UMIA", mia_view, "Something else.")
    assert "Ada Okafor already recorded this data review on Mon 9 Mar" in taken.json()["errors"][
        ids.DATA_REVIEW_DECISIONS_BLOCK]  # fmt: skip
    worker.drain(timeout=10)

    with sessions() as session:
        [review] = session.exec(select(DataReview)).all()
    assert (review.sequence, review.observations, review.decisions) == (1, 50, DECISIONS)
    assert [m["text"] for m in dm_messages(slack, "ULEAD") if m["text"].startswith("Data review")] == [
        "Data review 1 of Maple Elementary recorded. Its decisions come back in your digest and at the next review."
    ]
    # Nothing is due right after: the Home shows the decisions taken, and no button.
    view = home(app.driver, slack, "ULEAD")
    assert f"> {DECISIONS}" in message_text(view)
    assert not any(e.get("action_id") == ids.DATA_REVIEW_OPEN for b in view["blocks"] if b["type"] == "actions"
                   for e in b["elements"])  # fmt: skip

    thirty_more(sessions)
    clock.now = NEXT_MONDAY
    run_digest_job(app.runtime, maple(sessions))
    worker.drain(timeout=10)

    text = message_text(digest_of(slack, "UMIA", "Mon 9 Mar"))
    assert "*A data review is due* (30 new observations since the last review)" in text
    assert "*Decisions of the last data review* (Mon 9 Mar, Ada Okafor):" in text
    assert f"> {DECISIONS}" in text and "Strengths noted: Student engagement is strong everywhere." in text
    modal = open_review(app, slack, "UMIA", digest_of(slack, "UMIA", "Mon 9 Mar"))
    assert "data review 2" in message_text(modal) and DECISIONS in message_text(modal)


def test_a_leader_of_another_school_cannot_record_its_review(app, slack, sessions, worker):
    run_digest_job(app.runtime, maple(sessions))
    worker.drain(timeout=10)
    view = open_review(app, slack, "ULEAD", digest_of(slack, "ULEAD", "Mon 2 Mar"))

    refused = submit(app, "UOTTO", view, "We decide for Maple.")

    assert "Only the school's leaders record its data reviews." in refused.json()["errors"][
        ids.DATA_REVIEW_DECISIONS_BLOCK]  # fmt: skip
    with sessions() as session:
        assert session.exec(select(DataReview)).all() == []


def test_the_review_button_after_the_review_was_recorded_says_so(app, slack, sessions, worker, clock):
    run_digest_job(app.runtime, maple(sessions))
    worker.drain(timeout=10)
    digest = digest_of(slack, "ULEAD", "Mon 2 Mar")
    assert submit(app, "ULEAD", open_review(app, slack, "ULEAD", digest), DECISIONS).text in ("", "null")
    clock.advance(timedelta(minutes=5))

    again = open_review(app, slack, "UMIA", digest_of(slack, "UMIA", "Mon 2 Mar"))

    assert "This data review has been recorded already, or none is due." in message_text(again)


def test_the_home_shows_the_delivered_digest_with_its_review_as_it_is_now(app, slack, sessions, worker, engine):
    """Once the DM is out, the Home shows it as delivered (not recomputed: a few statements, not fifty), and
    its data review as it stands: recorded by Mia, Ada's Home shows the decisions, no longer the button."""
    from tests.statements import counted

    with counted(engine) as computing:
        home(app.driver, slack, "ULEAD")  # before the DM: the digest is computed for the Home
    run_digest_job(app.runtime, maple(sessions))
    worker.drain(timeout=10)
    digest = digest_of(slack, "ULEAD", "Mon 2 Mar")
    with counted(engine) as opening:
        before = home(app.driver, slack, "ULEAD")
    start = next(i for i, b in enumerate(before["blocks"]) if b == digest["blocks"][0])
    assert before["blocks"][start : start + len(digest["blocks"])] == digest["blocks"]
    # the Home's own sections and the review as it is now; the digest itself is one read (87 when computed)
    assert opening.count <= 28 and computing.count - opening.count >= 50, (computing.count, opening)

    assert submit(app, "UMIA", open_review(app, slack, "UMIA", digest_of(slack, "UMIA", "Mon 2 Mar")),
                  DECISIONS).text in ("", "null")  # fmt: skip
    after = message_text(home(app.driver, slack, "ULEAD"))
    assert DECISIONS in after and "A data review is due" not in after
    assert "Record the data review" not in json.dumps(home(app.driver, slack, "ULEAD")["blocks"])
