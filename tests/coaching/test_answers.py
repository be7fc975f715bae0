"""After an entry: the teacher's reflection and "let's talk again", the coach's edits, and forged clicks and
submissions naming someone else's note."""

from __future__ import annotations

import json

from sqlmodel import select

from bot import ids
from bot.demo.coaching_scene import find, log_values
from bot.demo.slack_requests import plain_text_value
from tests.coaching.support import log_coaching
from tests.walkthroughs.support import buttons, click, dm_messages, message_text, wait_for
from workflows.coaching.models import CoachingEntry, EntryReflection


def _opened_from(app, slack, user: str, message: dict, action_id: str) -> dict:
    before = len(slack.calls_to("views.open"))
    click(app.driver, user, message, action_id)
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    return slack.open_views()[-1]


def _reflection(text: str) -> dict:
    return {ids.COACHING_REFLECTION_BLOCK: {ids.COACHING_REFLECTION_INPUT: plain_text_value(text)}}


def test_the_teachers_reflection_reaches_the_coach_once_and_both_messages_show_it(app, slack, sessions, worker):
    log_coaching(app.driver, slack, worker)
    [dm] = dm_messages(slack, "UBEN")
    modal = _opened_from(app, slack, "UBEN", dm, ids.COACHING_REFLECT)
    assert "On your one-on-one conversation with Cleo Ramos, Tue 3 Mar." in message_text(modal)

    for _ in range(2):
        response = app.driver.submit_view("UBEN", modal, _reflection("Rehearsal gave the quiet pairs a voice."))
        assert response.status_code == 200 and response.text in ("", "null")
    worker.drain(timeout=10)

    receipt, notice = dm_messages(slack, "UCOACH")
    assert "Ben Lindqvist added a reflection" in message_text(notice)
    assert "Rehearsal gave the quiet pairs a voice." in message_text(notice)
    assert "✓ 1 reflection" in message_text(receipt)
    [updated] = dm_messages(slack, "UBEN")
    assert updated["ts"] == dm["ts"] and "✓ 1 reflection sent" in message_text(updated)
    with sessions() as session:
        assert len(session.exec(select(EntryReflection)).all()) == 1


def test_lets_talk_again_tells_the_coach_once_with_a_button_to_log_the_next_conversation(app, slack, worker):
    log_coaching(app.driver, slack, worker)
    [dm] = dm_messages(slack, "UBEN")
    for _ in range(2):
        click(app.driver, "UBEN", dm, ids.COACHING_TALK)
    worker.drain(timeout=10)

    _receipt, notice = dm_messages(slack, "UCOACH")
    assert "would like to talk again" in message_text(notice)
    assert buttons(notice) == [ids.COACHING_LOG_FOR]
    assert ids.COACHING_TALK not in buttons(dm_messages(slack, "UBEN")[0])
    log = _opened_from(app, slack, "UCOACH", notice, ids.COACHING_LOG_FOR)
    teacher = find(log, ids.COACHING_TEACHER_BLOCK)["element"]["initial_option"]["text"]["text"]
    assert teacher == "Ben Lindqvist — Maple Elementary"


def test_the_author_edits_the_entry_and_the_teachers_message_changes_in_place(app, slack, sessions, worker):
    log_coaching(app.driver, slack, worker)
    [receipt] = dm_messages(slack, "UCOACH")
    [dm] = dm_messages(slack, "UBEN")
    modal = _opened_from(app, slack, "UCOACH", receipt, ids.COACHING_EDIT)
    assert find(modal, ids.COACHING_WORKING_BLOCK)["element"]["initial_value"].startswith("Sentence stems")
    assert find(modal, ids.COACHING_TEACHER_BLOCK)["type"] == "section"

    values = log_values(modal, working="Sentence stems on every desk, and pairs rehearsed twice.")
    for _ in range(2):
        assert app.driver.submit_view("UCOACH", modal, values).text in ("", "null")
    worker.drain(timeout=10)

    [updated] = dm_messages(slack, "UBEN")
    assert updated["ts"] == dm["ts"]
    assert "pairs rehearsed twice" in message_text(updated) and "edited" in message_text(updated)
    with sessions() as session:
        assert session.exec(select(CoachingEntry.revision)).one() == 2


def test_no_one_else_can_open_answer_or_edit_a_note_even_with_forged_requests(app, slack, sessions, worker):
    log_coaching(app.driver, slack, worker)
    [dm] = dm_messages(slack, "UBEN")
    [receipt] = dm_messages(slack, "UCOACH")
    with sessions() as session:
        entry = session.exec(select(CoachingEntry)).one()
    forged_dm = dict(dm, channel=slack.dm_channel_for("UBEN"))
    forged_receipt = dict(receipt, channel=slack.dm_channel_for("UCOACH"))

    for user in ("UBEA", "ULEAD", "UADMIN", "UCOACH2"):
        click(app.driver, user, forged_dm, ids.COACHING_REFLECT)
        click(app.driver, user, forged_dm, ids.COACHING_TALK)
    for user in ("UCOACH2", "ULEAD", "UBEN"):
        click(app.driver, user, forged_receipt, ids.COACHING_EDIT)
    wait_for(lambda: len(slack.responses()) == 11)

    texts = sorted({r["text"] for r in slack.responses()})
    assert texts == [
        "Only the coach who wrote this note can edit it.",
        "Only the teacher this note is about can answer it.",
    ]
    assert len(slack.calls_to("views.open")) == 1  # the coach's own log, nothing since
    reflection_view = {"id": "VFORGED1", "callback_id": ids.COACHING_REFLECTION_MODAL, "type": "modal",
                       "private_metadata": json.dumps({"entry_id": entry.id, "key": "forged-1"}),
                       "blocks": [{"type": "input", "block_id": ids.COACHING_REFLECTION_BLOCK}]}  # fmt: skip
    refused = app.driver.submit_view("UBEA", reflection_view, _reflection("I can see this?")).json()
    assert refused["errors"] == {ids.COACHING_REFLECTION_BLOCK: "Only the teacher this note is about can answer it."}
    edit_view = {"id": "VFORGED2", "callback_id": ids.COACHING_MODAL, "type": "modal",
                 "private_metadata": json.dumps({"key": "forged-2", "editing_id": entry.id, "revision": 1}),
                 "blocks": [{"type": "input", "block_id": ids.COACHING_WORKING_BLOCK}]}  # fmt: skip
    values = {ids.COACHING_WORKING_BLOCK: {ids.COACHING_WORKING_INPUT: plain_text_value("Rewritten by someone else")}}
    for user in ("UCOACH2", "ULEAD"):
        errors = app.driver.submit_view(user, edit_view, values).json()["errors"]
        assert errors == {ids.COACHING_WORKING_BLOCK: "Only the coach who wrote this note can edit it."}
    worker.drain(timeout=10)
    with sessions() as session:
        assert session.exec(select(CoachingEntry.working)).one().startswith("Sentence stems")
        assert session.exec(select(EntryReflection)).all() == []
    assert len(dm_messages(slack, "UCOACH")) == 1 and len(dm_messages(slack, "UBEN")) == 1
    for user in ("UBEA", "ULEAD", "UADMIN", "UCOACH2"):
        assert dm_messages(slack, user) == []
