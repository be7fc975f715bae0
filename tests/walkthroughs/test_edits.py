"""After the visit: editing for 24 hours (the teacher's message changes in place), the conversation record,
changing the form in the modal, and paired visits for calibration."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from bot import ids
from bot.demo.slack_requests import datepicker_value, radio_value, select_action, select_value
from tests.walkthroughs.support import (
    block,
    buttons,
    click,
    dm_messages,
    filled_values,
    latest_view,
    log_visit,
    look_for_labels,
    message_text,
    open_modal,
    wait_for,
)
from workflows.walkthroughs.models import Conversation, Walkthrough, WalkthroughRating


def _open_from(app, slack, user: str, message: dict, action_id: str) -> dict:
    before = len(slack.calls_to("views.open"))
    click(app.driver, user, message, action_id)
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    return slack.open_views()[-1]


def test_an_edit_within_24_hours_updates_the_teachers_message_in_place(app, slack, sessions, worker, clock):
    log_visit(app.driver, slack, worker)
    [receipt] = dm_messages(slack, "ULEAD")
    [original] = dm_messages(slack, "UBEN")
    clock.advance(timedelta(hours=23))

    modal = _open_from(app, slack, "ULEAD", receipt, ids.WALKTHROUGH_EDIT)
    assert (
        "Students explained how they split 24 counters"
        in (block(modal, ids.WALKTHROUGH_EVIDENCE_BLOCK)["element"]["initial_value"])
    )
    values = filled_values(modal, evidence="Students explained how they split 36 counters into equal groups.")
    for _ in range(2):  # a retried edit changes nothing more
        assert app.driver.submit_view("ULEAD", modal, values).status_code == 200
    worker.drain(timeout=10)

    [updated] = dm_messages(slack, "UBEN")
    assert updated["ts"] == original["ts"]
    assert "36 counters" in message_text(updated) and "24 counters" not in message_text(updated)
    assert "edited" in message_text(updated)
    with sessions() as session:
        assert session.exec(select(Walkthrough.revision)).one() == 2


def test_after_24_hours_edits_are_refused(app, slack, sessions, worker, clock):
    log_visit(app.driver, slack, worker)
    [receipt] = dm_messages(slack, "ULEAD")
    clock.advance(timedelta(hours=23, minutes=59))
    modal = _open_from(app, slack, "ULEAD", receipt, ids.WALKTHROUGH_EDIT)
    clock.advance(timedelta(minutes=2))

    late = app.driver.submit_view("ULEAD", modal, filled_values(modal, evidence="Changed my mind")).json()
    click(app.driver, "ULEAD", receipt, ids.WALKTHROUGH_EDIT)
    wait_for(slack.responses)

    assert "24 hours" in late["errors"][ids.WALKTHROUGH_EVIDENCE_BLOCK]
    assert "can be edited for 24 hours" in slack.responses()[-1]["text"]
    assert len(slack.calls_to("views.open")) == 2  # the first modal and the edit modal, nothing after
    with sessions() as session:
        assert "24 counters" in session.exec(select(Walkthrough.evidence)).one()


def test_the_leader_records_the_feedback_conversation_and_its_role(app, slack, sessions, worker, clock):
    log_visit(app.driver, slack, worker)
    [receipt] = dm_messages(slack, "ULEAD")

    modal = _open_from(app, slack, "ULEAD", receipt, ids.WALKTHROUGH_RECORD_CONVERSATION)
    assert block(modal, ids.CONVERSATION_ROLE_BLOCK)["element"]["initial_option"]["value"] == "reflective"
    values = {
        ids.CONVERSATION_DATE_BLOCK: {ids.CONVERSATION_DATE_INPUT: datepicker_value("2026-03-03")},
        ids.CONVERSATION_ROLE_BLOCK: {ids.CONVERSATION_ROLE_INPUT: radio_value("directive")},
    }
    too_early = {
        **values,
        ids.CONVERSATION_DATE_BLOCK: {ids.CONVERSATION_DATE_INPUT: datepicker_value("2026-03-01")},
    }
    assert (
        "between the visit and today"
        in app.driver.submit_view("ULEAD", modal, too_early).json()["errors"][ids.CONVERSATION_DATE_BLOCK]
    )
    assert app.driver.submit_view("ULEAD", modal, values).status_code == 200
    worker.drain(timeout=10)

    with sessions() as session:
        conversation = session.exec(select(Conversation)).one()
        walkthrough = session.exec(select(Walkthrough)).one()
    assert (conversation.held_on, conversation.role) == (date(2026, 3, 3), "directive")
    assert (conversation.leader_id, conversation.teacher_id) == (
        walkthrough.observer_id,
        walkthrough.teacher_id,
    )
    [receipt] = dm_messages(slack, "ULEAD")
    assert "conversation on Tue 3 Mar (Directive (boss))" in message_text(receipt)


def test_changing_the_form_rebuilds_the_look_fors_in_place(app, slack):
    view = open_modal(app.driver, slack, "ULEAD", "ben")
    before = look_for_labels(view)
    form_options = block(view, ids.WALKTHROUGH_FORM_BLOCK)["element"]["options"]
    quick = next(o for o in form_options if o["text"]["text"] == "Quick visit")
    values = filled_values(view, evidence="half-typed evidence")
    values[ids.WALKTHROUGH_FORM_BLOCK] = {
        ids.WALKTHROUGH_FORM_SELECT: select_value(quick["value"], "Quick visit")
    }

    app.driver.action(
        "ULEAD",
        [
            select_action(
                ids.WALKTHROUGH_FORM_SELECT,
                quick["value"],
                text="Quick visit",
                block_id=ids.WALKTHROUGH_FORM_BLOCK,
            )
        ],
        view={**view, "state": {"values": values}},
    )
    wait_for(lambda: slack.calls_to("views.update"))

    call = slack.calls_to("views.update")[-1]
    assert call.ok and call.args["hash"] == view["hash"]
    updated = latest_view(slack, view["id"])
    after = look_for_labels(updated)
    assert after != before and len(after) == 4
    assert after[0].startswith("Nearly all students are working on the lesson's task")
    assert updated["private_metadata"] == view["private_metadata"]


def test_a_paired_visit_invites_the_second_observer_to_log_their_own_ratings(app, slack, sessions, worker):
    log_visit(
        app.driver, slack, worker, second_observer="UMIA", ratings={"Students explain the": "Proficient"}
    )
    [invitation] = dm_messages(slack, "UMIA")
    assert "paired walkthrough of *Ben Lindqvist*" in message_text(invitation)

    modal = _open_from(app, slack, "UMIA", invitation, ids.WALKTHROUGH_LOG_PAIRED)
    assert (
        "Ben Lindqvist"
        in block(modal, ids.WALKTHROUGH_TEACHER_BLOCK)["element"]["initial_option"]["text"]["text"]
    )
    assert "initial_options" not in block(modal, ids.WALKTHROUGH_SHARE_BLOCK)["element"]
    values = filled_values(modal, share=False, ratings={"Students explain the": "Developing"})
    assert app.driver.submit_view("UMIA", modal, values).status_code == 200
    worker.drain(timeout=10)

    with sessions() as session:
        first, second = session.exec(select(Walkthrough).order_by(Walkthrough.id)).all()
        pairs = {
            row.walkthrough_id: row.value
            for row in session.exec(select(WalkthroughRating).where(WalkthroughRating.observed)).all()
        }
    assert second.paired_with_id == first.id
    assert (second.class_id, second.period, second.visit_date) == (
        first.class_id,
        first.period,
        first.visit_date,
    )
    assert pairs == {first.id: 3, second.id: 2}
    assert len(dm_messages(slack, "UBEN")) == 1
    assert buttons(dm_messages(slack, "UMIA")[-1]) == [
        ids.WALKTHROUGH_EDIT,
        ids.WALKTHROUGH_RECORD_CONVERSATION,
    ]
