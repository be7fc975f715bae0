"""Logging coaching: `/coach` opens the log, the type-ahead, the submission saved once, the teacher's DM."""

from __future__ import annotations

from sqlmodel import func, select

from bot import ids
from bot.demo.coaching_scene import find, log_values, starting
from bot.demo.slack_requests import select_action
from tests.coaching.support import log_coaching, open_log
from tests.walkthroughs.support import dm_messages, latest_view, message_text, wait_for
from workflows.coaching.models import ActionStep, CoachingCycle, CoachingEntry, NeedsTag
from workflows.deliveries.models import Delivery


def _count(sessions, model) -> int:
    with sessions() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_coach_with_a_name_opens_the_log_for_that_teacher_today_starting_a_cycle(app, slack):
    view = open_log(app.driver, slack, "UCOACH", "ben")

    teacher = find(view, ids.COACHING_TEACHER_BLOCK)["element"]["initial_option"]
    assert teacher["text"]["text"] == "Ben Lindqvist — Maple Elementary"
    assert find(view, ids.COACHING_DATE_BLOCK)["element"]["initial_date"] == "2026-03-03"
    kinds = [o["text"]["text"] for o in find(view, ids.COACHING_KIND_BLOCK)["element"]["options"]]
    assert kinds == [
        "One-on-one conversation", "Classroom visit", "Modeling", "Co-teaching", "Co-planning", "Debrief", "Other",
    ]  # fmt: skip
    cycle = starting(view, ids.COACHING_CYCLE_BLOCK)
    assert cycle["element"]["initial_option"]["text"]["text"] == "Start a new cycle"
    assert "first phase, identify" in cycle["hint"]["text"]
    assert find(view, ids.COACHING_GOAL_BLOCK) is not None
    areas = [g["label"]["text"] for g in find(view, ids.COACHING_FOCUS_BLOCK)["element"]["option_groups"]]
    assert areas[:2] == ["Student engagement", "Academic discussion"]
    needs = [o["text"]["text"] for o in find(view, ids.COACHING_NEEDS_BLOCK)["element"]["options"]]
    assert "Checks for understanding" in needs


def test_logging_coaching_sends_the_teacher_what_was_shared_and_the_coach_a_receipt(app, slack, sessions, worker):
    log_coaching(
        app.driver, slack, worker, focus=["explain their reasoning"], needs=["Academic discussion"],
        steps=[("Pairs rehearse before every share-out.", "2026-03-10"), ("Cold-call with names sticks.", "2026-03-17")],
    )  # fmt: skip

    [dm] = dm_messages(slack, "UBEN")
    text = message_text(dm)
    assert "From your coaching with Cleo Ramos" in text
    assert "One-on-one conversation · Tue 3 Mar · 30 min" in text
    assert "Students explain their reasoning" in text  # the focus, in the framework's words
    assert "Sentence stems on every desk" in text and "same three students" in text
    assert "Pairs rehearse before every share-out. — check back Tue 10 Mar" in text
    assert "Cold-call with names sticks. — check back Tue 17 Mar" in text
    assert "phase: identify" in text and "Academic discussion" in text
    assert "school leaders never see them" in text
    assert [e["text"]["text"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]] == [
        "Add a reflection", "Let's talk again",
    ]  # fmt: skip
    assert "Sentence stems" not in dm["text"]  # the notification shows no note text
    [receipt] = dm_messages(slack, "UCOACH")
    assert "Logged your one-on-one conversation with *Ben Lindqvist*" in message_text(receipt)
    assert "Ben has your notes now" in message_text(receipt)
    for user in ("ULEAD", "UADMIN", "UCOACH2", "UBEA"):
        assert dm_messages(slack, user) == []
    with sessions() as session:
        cycle = session.exec(select(CoachingCycle)).one()
        assert (cycle.phase, cycle.status, cycle.expected_weeks, cycle.baseline) == ("identify", "active", 6, "4 of 24")
        assert session.exec(select(CoachingEntry.phase)).one() == "identify"
        assert len(session.exec(select(ActionStep)).all()) == 2
        assert session.exec(select(NeedsTag.tag)).all() == ["area:discussion"]


def test_a_retried_or_double_submitted_log_is_stored_and_sent_once(app, slack, sessions, worker):
    view = open_log(app.driver, slack, "UCOACH", "ben")
    values = log_values(view)

    for _ in range(3):
        assert app.driver.submit_view("UCOACH", view, values).status_code == 200
    worker.drain(timeout=10)
    assert app.driver.submit_view("UCOACH", view, values).status_code == 200
    worker.drain(timeout=10)

    assert _count(sessions, CoachingEntry) == 1 and _count(sessions, CoachingCycle) == 1
    assert _count(sessions, ActionStep) == 1
    assert len(dm_messages(slack, "UBEN")) == 1 and len(dm_messages(slack, "UCOACH")) == 1
    assert _count(sessions, Delivery) == 2


def test_the_next_entry_is_logged_in_the_teachers_active_cycle(app, slack, sessions, worker):
    log_coaching(app.driver, slack, worker)
    view = open_log(app.driver, slack, "UCOACH", "ben")

    cycle = starting(view, ids.COACHING_CYCLE_BLOCK)["element"]
    assert cycle["initial_option"]["text"]["text"].startswith("Every student explains their reasoning")
    assert [o["text"]["text"] for o in cycle["options"]][-1] == "Start a new cycle"
    assert find(view, ids.COACHING_GOAL_BLOCK) is None
    assert "Measured as: Share of students explaining" in find(view, ids.COACHING_MEASURE_VALUE_BLOCK)["hint"]["text"]
    response = app.driver.submit_view(
        "UCOACH", view, log_values(view, kind="visit", minutes="45", measure_value="9 of 24")
    )
    assert response.text in ("", "null"), response.text

    with sessions() as session:
        assert _count(sessions, CoachingCycle) == 1
        assert session.exec(select(CoachingEntry.measure_value).order_by(CoachingEntry.id)).all() == ["", "9 of 24"]


def test_every_field_is_checked_and_a_refused_log_writes_nothing(app, slack, sessions):
    view = open_log(app.driver, slack, "UCOACH", "ben")
    values = log_values(
        view, held_on="2026-03-04", kind=None, minutes="0", goal="", measure="", weeks="90",
        working="", challenges="", steps=[("Try think-pair-share", None), ("", "2026-03-20")],
    )  # fmt: skip

    errors = app.driver.submit_view("UCOACH", view, values).json()["errors"]

    assert errors == {
        ids.COACHING_DATE_BLOCK: "Choose today or a day before: log coaching once it has happened.",
        ids.COACHING_KIND_BLOCK: "Choose what kind of coaching this was.",
        ids.COACHING_MINUTES_BLOCK: "How many minutes? A whole number from 1 to 480.",
        ids.COACHING_GOAL_BLOCK: "State the goal in terms of what students will do or learn.",
        ids.COACHING_MEASURE_BLOCK: "Say how you'll know: what you will measure, and how.",
        ids.COACHING_WEEKS_BLOCK: "The expected length in weeks: a whole number from 1 to 40.",
        f"{ids.COACHING_STEP_DATE_BLOCK_PREFIX}1": "When will you check back on this step?",
        f"{ids.COACHING_STEP_BLOCK_PREFIX}2": "Write the step, or clear its check-back date.",
        ids.COACHING_WORKING_BLOCK: "Write what is working, a challenge, or a next step: the teacher reads this.",
    }
    assert _count(sessions, CoachingEntry) == 0 and _count(sessions, CoachingCycle) == 0
    assert _count(sessions, Delivery) == 0
    early = log_values(view, steps=[("Rehearse", "2026-03-02")])
    assert app.driver.submit_view("UCOACH", view, early).json()["errors"] == {
        f"{ids.COACHING_STEP_DATE_BLOCK_PREFIX}1": "Check back on or after the day of the coaching."
    }


def test_a_second_active_cycle_with_the_same_teacher_is_refused(app, slack, sessions, worker):
    log_coaching(app.driver, slack, worker)
    view = open_log(app.driver, slack, "UCOACH", "ben")
    values = log_values(view, cycle="new")
    values[ids.COACHING_GOAL_BLOCK] = {}
    errors = app.driver.submit_view("UCOACH", view, values).json()["errors"]
    assert "already has an active cycle with you" in errors[starting(view, ids.COACHING_CYCLE_BLOCK)["block_id"]]
    assert _count(sessions, CoachingCycle) == 1


def test_the_type_ahead_finds_any_part_of_a_name_at_the_coachs_schools_only(app, slack):
    def options(user: str, value: str) -> list[str]:
        response = app.driver.options(
            user, ids.COACHING_TEACHER_SELECT, block_id=ids.COACHING_TEACHER_BLOCK, value=value
        )
        return [o["text"]["text"] for o in response.json()["options"]]

    assert options("UCOACH", "LIND") == ["Bea Lindgren — Maple Elementary", "Ben Lindqvist — Maple Elementary"]
    assert options("UCOACH", "sous") == ["Joana Sousa — Maple Elementary"]
    assert "Olga Novak — Oak Middle" not in options("UCOACH", "o")
    assert options("UCOACH3", "a") == ["Olga Novak — Oak Middle"]
    assert options("ULEAD", "ben") == [] and options("UBEN", "bea") == []


def test_choosing_another_teacher_in_the_log_shows_their_cycles(app, slack, worker):
    log_coaching(app.driver, slack, worker)  # Ben has a cycle now; Bea has none
    view = open_log(app.driver, slack, "UCOACH")
    assert starting(view, ids.COACHING_CYCLE_BLOCK) is None
    assert "Choose a teacher to see your cycles with them." in message_text(view)
    options = app.driver.options(
        "UCOACH", ids.COACHING_TEACHER_SELECT, block_id=ids.COACHING_TEACHER_BLOCK, value="ben"
    ).json()["options"]
    chosen = options[0]

    app.driver.action(
        "UCOACH",
        [select_action(ids.COACHING_TEACHER_SELECT, chosen["value"], text=chosen["text"]["text"],
                       block_id=ids.COACHING_TEACHER_BLOCK, type="external_select")],
        view=view,
    )  # fmt: skip
    wait_for(lambda: slack.calls_to("views.update"))
    updated = latest_view(slack, view["id"])
    cycle = starting(updated, ids.COACHING_CYCLE_BLOCK)["element"]
    assert cycle["initial_option"]["text"]["text"].startswith("Every student explains")


def test_the_shortcut_and_the_home_button_open_the_log_and_others_are_told_it_is_for_coaches(app, slack):
    assert app.driver.shortcut("UCOACH", ids.COACH_SHORTCUT).status_code == 200
    wait_for(lambda: slack.calls_to("views.open"))
    assert slack.open_views()[-1]["callback_id"] == ids.COACHING_MODAL

    leader = app.driver.command("ULEAD", ids.COACH_COMMAND, "ben").json()
    assert leader["text"].startswith("`/coach` is for instructional coaches")
    assert app.driver.shortcut("UBEN", ids.COACH_SHORTCUT).status_code == 200
    wait_for(lambda: len(slack.calls_to("views.open")) == 2)
    refusal = slack.open_views()[-1]
    assert not refusal.get("callback_id") and "is for instructional coaches" in message_text(refusal)
    assert dm_messages(slack, "UBEN") == []
