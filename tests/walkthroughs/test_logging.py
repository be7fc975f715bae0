"""Logging a visit: `/walkthrough` opens the modal, the type-ahead, the submission, retries, the teacher's DM."""

from __future__ import annotations

from sqlmodel import func, select

from bot import ids
from tests.walkthroughs.support import (
    block,
    block_starting,
    dm_messages,
    filled_values,
    latest_view,
    look_for_labels,
    look_fors_block,
    message_text,
    open_modal,
    show_more,
    teacher_option,
    wait_for,
)
from workflows.deliveries.models import Delivery
from workflows.walkthroughs.models import Walkthrough

EVIDENCE = "Students explained how they split 24 counters into equal groups."


def _count(sessions, model) -> int:
    with sessions() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_walkthrough_with_a_name_opens_the_modal_prefilled_with_teacher_and_the_class_meeting_now(app, slack):
    view = open_modal(app.driver, slack, "ULEAD", "ben")

    teacher = block(view, ids.WALKTHROUGH_TEACHER_BLOCK)["element"]["initial_option"]
    assert teacher["text"]["text"] == "Ben Lindqvist — Maple Elementary"
    class_choice = block_starting(view, ids.WALKTHROUGH_CLASS_BLOCK)["element"]
    assert class_choice["initial_option"]["text"]["text"] == "Grade 3 Math · period 1 · room 104"
    assert [o["text"]["text"] for o in class_choice["options"]] == [
        "Grade 3 Math · period 1 · room 104",
        "Grade 3 Science · period 2 · room 104",
    ]
    assert len(look_for_labels(view)) == 7  # nothing chosen: every look-for counts as not observed
    assert "initial_options" not in look_fors_block(view)["element"]
    assert "(the rest: not observed)" in look_fors_block(view)["label"]["text"]
    role = block(view, ids.WALKTHROUGH_ROLE_BLOCK)["element"]
    roles = [o["value"] for o in role["options"]]
    assert role["initial_option"]["value"] == "reflective"  # preset: no walkthrough of Ben yet
    assert roles == ["directive", "reflective", "reflexive"]


def test_logging_a_visit_sends_the_teacher_the_evidence_in_the_frameworks_words(app, slack, sessions, worker):
    view = show_more(app.driver, slack, "ULEAD", open_modal(app.driver, slack, "ULEAD", "ben"))
    values = filled_values(view, ratings={"Students explain the": "Proficient"})

    response = app.driver.submit_view("ULEAD", view, values)

    assert response.status_code == 200 and response.text in ("", "null")
    assert _count(sessions, Walkthrough) == 1
    worker.drain(timeout=10)
    [dm] = dm_messages(slack, "UBEN")
    text = message_text(dm)
    assert EVIDENCE in text
    assert "Ada Okafor" in text and "Grade 3 Math" in text and "Tue 3 Mar, 8:20 AM" in text
    assert "Proficient" in text and "Students explain their reasoning" in text
    assert "Not observed" not in text
    assert "Every student had a whiteboard" in text and "compare strategies first" in text
    [receipt] = dm_messages(slack, "ULEAD")
    assert "Logged your walkthrough of *Ben Lindqvist*" in message_text(receipt)
    assert dm_messages(slack, "UBEA") == [] and dm_messages(slack, "UOLGA") == []


def test_a_retried_or_double_submitted_modal_is_stored_and_sent_once(app, slack, sessions, worker):
    view = open_modal(app.driver, slack, "ULEAD", "ben")
    values = filled_values(view)

    for _ in range(3):
        assert app.driver.submit_view("ULEAD", view, values).status_code == 200
    worker.drain(timeout=10)
    assert app.driver.submit_view("ULEAD", view, values).status_code == 200
    worker.drain(timeout=10)

    assert _count(sessions, Walkthrough) == 1
    assert len(dm_messages(slack, "UBEN")) == 1
    assert len(dm_messages(slack, "ULEAD")) == 1
    assert _count(sessions, Delivery) == 2


def test_the_type_ahead_offers_matching_teachers_at_the_leaders_schools_only(app, slack):
    options = app.driver.options(
        "ULEAD", ids.WALKTHROUGH_TEACHER_SELECT, block_id=ids.WALKTHROUGH_TEACHER_BLOCK, value="lind"
    ).json()["options"]
    assert [o["text"]["text"] for o in options] == [
        "Bea Lindgren — Maple Elementary",
        "Ben Lindqvist — Maple Elementary",
    ]

    everyone = app.driver.options(
        "ULEAD", ids.WALKTHROUGH_TEACHER_SELECT, block_id=ids.WALKTHROUGH_TEACHER_BLOCK, value="o"
    ).json()["options"]
    assert "Olga Novak — Oak Middle" not in [o["text"]["text"] for o in everyone]
    assert all(len(o["text"]["text"]) <= 75 for o in everyone)


def test_picking_a_teacher_in_the_modal_fills_in_their_classes(app, slack):
    view = open_modal(app.driver, slack, "ULEAD")
    assert block_starting(view, ids.WALKTHROUGH_CLASS_BLOCK) is None
    chosen = teacher_option(app.driver, "ULEAD", "bea", "Bea Lindgren")
    values = filled_values(view, teacher=chosen)

    from bot.demo.slack_requests import select_action

    app.driver.action(
        "ULEAD",
        [
            select_action(
                ids.WALKTHROUGH_TEACHER_SELECT,
                chosen[0],
                text=chosen[1],
                block_id=ids.WALKTHROUGH_TEACHER_BLOCK,
                type="external_select",
            )
        ],
        view={**view, "state": {"values": values}},
    )
    wait_for(lambda: slack.calls_to("views.update"))
    updated = latest_view(slack, view["id"])
    class_choice = block_starting(updated, ids.WALKTHROUGH_CLASS_BLOCK)["element"]
    assert class_choice["initial_option"]["text"]["text"] == "Grade 4 Reading · period 1 · room 201"
