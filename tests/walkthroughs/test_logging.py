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


# Everything form-encoding escapes, and what it doesn't: the endpoint decodes Slack's payload itself.
TYPED = 'Pairs wrote "50% + 20% = 70%" & 3/4 = 0.75;\nZoë\'s group 😀 used a\\b  chart  '


def test_evidence_with_symbols_accents_and_line_breaks_reaches_the_teacher_as_typed(
    app, slack, sessions, worker
):
    view = open_modal(app.driver, slack, "ULEAD", "ben")

    assert app.driver.submit_view("ULEAD", view, filled_values(view, evidence=TYPED)).status_code == 200

    with sessions() as session:
        assert session.exec(select(Walkthrough.evidence)).one() == TYPED.strip()
    worker.drain(timeout=10)
    [dm] = dm_messages(slack, "UBEN")
    assert 'Pairs wrote "50% + 20% = 70%" & 3/4 = 0.75;' in message_text(dm)
    assert "Zoë's group 😀 used a\\b  chart" in message_text(dm)


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


def test_json_logs_of_a_walkthrough_carry_no_token_and_no_evidence(database_url, district, slack):
    """A real `rounds serve` with LOG_FORMAT=json, as a log collector sees it, at the most verbose level."""
    import json

    import httpx

    from bot.demo.slack_requests import SlackDriver, SlackRequestSigner
    from tests.conftest import BOT_TOKEN, SIGNING_SECRET
    from tests.processes import free_port, healthy, start_serve, stop, wait_until
    from tests.walkthroughs.support import wait_for

    strength, next_step = "Every student had a whiteboard and used it.", "Pairs compare strategies first?"
    port = free_port()
    server = start_serve(
        port,
        {
            "DATABASE_URL": database_url,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url,
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "DEBUG",
        },
    )
    try:
        wait_until(lambda: healthy(port), "rounds serve answers /healthz", [server])
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            driver = SlackDriver(SlackRequestSigner(SIGNING_SECRET), slack, http)
            view = open_modal(driver, slack, "ULEAD", "ben")
            values = filled_values(view, evidence=EVIDENCE, strength=strength, next_step=next_step)
            assert driver.submit_view("ULEAD", view, values).status_code == 200
            wait_for(lambda: dm_messages(slack, "UBEN"), timeout=30)  # sent by serve's own worker
    finally:
        _, logged = stop(server)

    assert EVIDENCE in message_text(dm_messages(slack, "UBEN")[0])
    lines = [json.loads(line) for line in logged.splitlines()]
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    requests = [line["message"] for line in lines if line["logger"] == "rounds.slack"]
    assert any(
        m.startswith("request view_submission walkthrough_modal user=ULEAD status=200") for m in requests
    )
    assert any(line["logger"] == "rounds.delivery" for line in lines)
    for secret in (BOT_TOKEN, SIGNING_SECRET, EVIDENCE, strength, next_step, "24 counters"):
        assert secret not in logged
