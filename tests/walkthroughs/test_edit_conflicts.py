"""Two Edit modals opened from the same revision: the first to save wins, the other is told in its modal
(which stays open with what the leader typed) and overwrites nothing; a retried save changes nothing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select

from bot import ids
from bot.blocks.walkthroughs import EDITED_MEANWHILE
from tests.concurrency import together
from tests.walkthroughs.support import (
    click,
    dm_messages,
    filled_values,
    log_visit,
    message_text,
    wait_for,
)
from workflows.walkthroughs.models import Walkthrough


def _edit_modal(app, slack, receipt: dict) -> dict:
    before = len(slack.calls_to("views.open"))
    click(app.driver, "ULEAD", receipt, ids.WALKTHROUGH_EDIT)
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    return slack.open_views()[-1]


def _stored(sessions) -> Walkthrough:
    with sessions() as session:
        return session.exec(select(Walkthrough)).one()


def test_the_second_of_two_edit_modals_gets_a_field_error_and_the_first_edit_stands(
    app, slack, sessions, worker
):
    log_visit(app.driver, slack, worker)
    [receipt] = dm_messages(slack, "ULEAD")
    first, second = _edit_modal(app, slack, receipt), _edit_modal(app, slack, receipt)
    saved = filled_values(first, evidence="Students explained how they split 36 counters into equal groups.")
    typed = filled_values(second, evidence="Students split 48 counters; two pairs used arrays.")

    assert app.driver.submit_view("ULEAD", first, saved).content == b""
    refused = app.driver.submit_view("ULEAD", second, typed).json()
    retried = app.driver.submit_view("ULEAD", first, saved)  # Slack retrying the first save
    worker.drain(timeout=10)

    assert refused == {
        "response_action": "errors",
        "errors": {ids.WALKTHROUGH_EVIDENCE_BLOCK: EDITED_MEANWHILE},
    }
    assert retried.status_code == 200 and retried.content == b""
    stored = _stored(sessions)
    assert (stored.revision, stored.evidence) == (
        2,
        saved[ids.WALKTHROUGH_EVIDENCE_BLOCK][ids.WALKTHROUGH_EVIDENCE_INPUT]["value"],
    )
    [teacher_dm] = dm_messages(slack, "UBEN")
    assert "36 counters" in message_text(teacher_dm) and "48 counters" not in message_text(teacher_dm)


def test_two_edits_saved_at_once_keep_one_and_tell_the_other(app, slack, sessions, worker, engine):
    log_visit(app.driver, slack, worker)
    [receipt] = dm_messages(slack, "ULEAD")
    first, second = _edit_modal(app, slack, receipt), _edit_modal(app, slack, receipt)
    texts = ("Students split 36 counters.", "Students split 48 counters.")

    with ThreadPoolExecutor(2) as pool, together(engine, table="walkthrough") as held:
        answers = list(
            pool.map(
                lambda modal, text: app.driver.submit_view(
                    "ULEAD", modal, filled_values(modal, evidence=text)
                ),
                (first, second),
                texts,
            )
        )
    worker.drain(timeout=10)

    assert held.met
    refused = [a.json() for a in answers if a.content]
    assert refused == [
        {"response_action": "errors", "errors": {ids.WALKTHROUGH_EVIDENCE_BLOCK: EDITED_MEANWHILE}}
    ]
    saved = texts[[bool(a.content) for a in answers].index(False)]
    stored = _stored(sessions)
    assert (stored.revision, stored.evidence) == (2, saved)
    [teacher_dm] = dm_messages(slack, "UBEN")
    assert saved in message_text(teacher_dm)
