"""The teacher's side: Thanks, Add a reflection, Let's talk; each tells the leader through the outbox."""

from __future__ import annotations

from sqlmodel import func, select

from bot import ids
from bot.demo.slack_requests import plain_text_value
from tests.walkthroughs.support import buttons, click, dm_messages, log_visit, message_text, wait_for
from workflows.walkthroughs.models import Reflection, Walkthrough


def test_thanks_tells_the_leader_once_and_the_teachers_message_shows_it_was_sent(
    app, slack, sessions, worker
):
    log_visit(app.driver, slack, worker)
    [dm] = dm_messages(slack, "UBEN")

    assert click(app.driver, "UBEN", dm, ids.WALKTHROUGH_THANKS).status_code == 200
    click(app.driver, "UBEN", dm, ids.WALKTHROUGH_THANKS)
    worker.drain(timeout=10)

    [updated] = dm_messages(slack, "UBEN")
    assert updated["ts"] == dm["ts"]
    assert ids.WALKTHROUGH_THANKS not in buttons(updated)
    assert "Thanks sent to Ada" in message_text(updated)
    _receipt, notice = dm_messages(slack, "ULEAD")
    assert "Ben Lindqvist said thanks" in message_text(notice)


def test_a_reflection_is_stored_and_the_leader_reads_it(app, slack, sessions, worker):
    log_visit(app.driver, slack, worker)
    [dm] = dm_messages(slack, "UBEN")

    click(app.driver, "UBEN", dm, ids.WALKTHROUGH_REFLECT)
    wait_for(lambda: slack.calls_to("views.open")[1:])
    modal = slack.open_views()[-1]
    assert modal["callback_id"] == ids.REFLECTION_MODAL
    empty = app.driver.submit_view(
        "UBEN", modal, {ids.REFLECTION_BLOCK: {ids.REFLECTION_INPUT: plain_text_value(" ")}}
    ).json()
    assert empty == {
        "response_action": "errors",
        "errors": {ids.REFLECTION_BLOCK: "Write a few words before sending."},
    }
    words = "I'll try pairs comparing strategies before the share-out tomorrow."
    for _ in range(2):  # Slack retries; saved once
        app.driver.submit_view(
            "UBEN", modal, {ids.REFLECTION_BLOCK: {ids.REFLECTION_INPUT: plain_text_value(words)}}
        )
    worker.drain(timeout=10)

    with sessions() as session:
        assert session.exec(select(Reflection.text)).all() == [words]
    notices = dm_messages(slack, "ULEAD")[1:]
    assert len(notices) == 1 and words in message_text(notices[0])
    assert "1 reflection sent" in message_text(dm_messages(slack, "UBEN")[0])


def test_lets_talk_asks_the_leader_to_schedule_a_conversation(app, slack, worker):
    log_visit(app.driver, slack, worker)
    [dm] = dm_messages(slack, "UBEN")

    click(app.driver, "UBEN", dm, ids.WALKTHROUGH_TALK)
    worker.drain(timeout=10)

    request = dm_messages(slack, "ULEAD")[-1]
    assert "would like to talk" in message_text(request)
    assert buttons(request) == [ids.WALKTHROUGH_RECORD_CONVERSATION]
    assert "Ada will find a time to talk" in message_text(dm_messages(slack, "UBEN")[0])


def test_nobody_but_the_teacher_visited_can_answer(app, slack, sessions, worker):
    log_visit(app.driver, slack, worker)
    [dm] = dm_messages(slack, "UBEN")
    forged = dict(dm, channel=slack.dm_channel_for("UBEN"))

    click(app.driver, "UBEA", forged, ids.WALKTHROUGH_THANKS)
    click(app.driver, "ULEAD", forged, ids.WALKTHROUGH_TALK)
    worker.drain(timeout=10)

    with sessions() as session:
        row = session.exec(select(Walkthrough)).one()
        assert row.thanked_at is None and row.talk_requested_at is None
        assert session.exec(select(func.count()).select_from(Reflection)).one() == 0
    assert len(dm_messages(slack, "ULEAD")) == 1
    assert all("Only the teacher visited" in r["text"] for r in slack.responses())
    assert len(slack.responses()) == 2


def test_an_unshared_visit_sends_the_teacher_nothing(app, slack, worker):
    log_visit(app.driver, slack, worker, share=False)

    assert dm_messages(slack, "UBEN") == []
    assert "Not shared with Ben" in message_text(dm_messages(slack, "ULEAD")[0])
