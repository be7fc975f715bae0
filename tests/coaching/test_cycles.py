"""Cycles and their phases, on both App Homes: the coach's teachers with "due soon" and "overdue", the
teacher's own cycle and notes, one button to move a cycle on, and no one else seeing any of it."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot import ids
from tests.coaching.support import click_in_home, home, home_elements, log_coaching
from tests.walkthroughs.support import dm_messages, message_text, wait_for
from workflows.coaching.models import CoachingCycle, CoachingEntry
from workflows.coaching.settings import update_coaching_settings
from workflows.db import transaction
from workflows.roster.models import School

NOTE = "Sentence stems on every desk"
GOAL = "Every student explains their reasoning"


def test_the_coachs_home_lists_their_teachers_with_the_cycle_its_phase_and_next_check_back(app, slack, worker):
    log_coaching(app.driver, slack, worker)
    log_coaching(app.driver, slack, worker, kind="visit", minutes="45", measure_value="9 of 24",
                 steps=[("Name a reporter in each pair.", "2026-03-12")])  # fmt: skip

    text = message_text(home(app.driver, slack, "UCOACH"))

    assert "*Ben Lindqvist* · Maple Elementary — _identify_, week 1 of ~6" in text
    assert "2 entries (1 one-on-one conversation, 1 classroom visit)" in text
    assert "75 min (identify 75)" in text and "steps: 0 done, 2 open" in text
    assert "next check-back Tue 10 Mar" in text and "measure: 4 of 24 → 9 of 24" in text
    assert "next contact by Tue 10 Mar" in text
    assert NOTE not in text  # the coach's Home names and dates only: no note text on a shared screen


def test_the_teachers_home_shows_their_own_cycle_and_notes_and_no_one_else_sees_them(app, slack, worker):
    log_coaching(app.driver, slack, worker)

    ben = message_text(home(app.driver, slack, "UBEN"))
    assert f"*Goal:* {GOAL}" in ben and "with Cleo Ramos" in ben
    assert "Phases: *identify* → learn → improve" in ben
    assert "Pairs rehearse before every share-out. — check back Tue 10 Mar" in ben
    assert NOTE in ben and "school leaders never see them" in ben
    for user in ("UBEA", "ULEAD", "UADMIN", "UCOACH2", "UCOACH3", "UOTTO"):
        shown = message_text(home(app.driver, slack, user))
        assert NOTE not in shown and GOAL not in shown and "Pairs rehearse" not in shown, user
    assert "No coaching yet" in message_text(home(app.driver, slack, "UBEA"))
    assert "No cycles yet" in message_text(home(app.driver, slack, "UCOACH2"))


def test_one_button_moves_a_cycle_through_its_phases_and_the_teacher_hears_of_each(app, slack, sessions, worker):
    log_coaching(app.driver, slack, worker)
    view = home(app.driver, slack, "UCOACH")
    [move] = home_elements(view, ids.COACHING_NEXT_PHASE)
    assert move["text"]["text"] == "Move to learn"

    for _ in range(2):  # a double click on the same Home moves it once
        assert click_in_home(app.driver, "UCOACH", view, move).status_code == 200
    wait_for(lambda: len(slack.calls_to("views.publish")) >= 3)
    worker.drain(timeout=10)
    log_coaching(app.driver, slack, worker)  # logged in the learn phase now
    view = home(app.driver, slack, "UCOACH")
    assert "_learn_" in message_text(view) and "60 min (identify 30, learn 30)" in message_text(view)
    [move] = home_elements(view, ids.COACHING_NEXT_PHASE)
    click_in_home(app.driver, "UCOACH", view, move)
    wait_for(lambda: "_improve_" in message_text(slack.published_home("UCOACH") or {}))
    [complete] = home_elements(slack.published_home("UCOACH"), ids.COACHING_NEXT_PHASE)
    assert complete["text"]["text"] == "Complete cycle"
    click_in_home(app.driver, "UCOACH", slack.published_home("UCOACH"), complete)
    wait_for(lambda: "No cycles yet" in message_text(slack.published_home("UCOACH") or {}))
    worker.drain(timeout=10)

    with sessions() as session:
        assert session.exec(select(CoachingEntry.phase).order_by(CoachingEntry.id)).all() == ["identify", "learn"]
        assert session.exec(select(CoachingCycle.status)).one() == "completed"
    moved = [message_text(m) for m in dm_messages(slack, "UBEN") if "coaching cycle" in message_text(m)]
    assert len(moved) == 3
    assert "moved to *learn*" in moved[0] and "moved to *improve*" in moved[1] and "complete" in moved[2]
    assert "(completed)" in message_text(home(app.driver, slack, "UBEN"))


def test_a_forged_click_on_someone_elses_cycle_changes_nothing(app, slack, sessions, worker):
    log_coaching(app.driver, slack, worker)
    view = home(app.driver, slack, "UCOACH")
    [move] = home_elements(view, ids.COACHING_NEXT_PHASE)
    [menu] = home_elements(view, ids.COACHING_CYCLE_MENU)

    for user in ("UCOACH2", "UBEN", "ULEAD", "UADMIN"):
        assert click_in_home(app.driver, user, view, move).status_code == 200
        assert click_in_home(app.driver, user, view, menu, option="Complete").status_code == 200
    wait_for(lambda: len(slack.calls_to("views.open")) == 9)  # the log, then eight refusals

    refusals = {message_text(v).strip() for v in slack.open_views()[1:]}
    assert refusals == {"Only the coach of this cycle can move it on."}
    with sessions() as session:
        cycle = session.exec(select(CoachingCycle)).one()
        assert (cycle.phase_index, cycle.status) == (0, "active")


def test_pausing_and_resuming_from_the_menu(app, slack, sessions, worker):
    log_coaching(app.driver, slack, worker)
    view = home(app.driver, slack, "UCOACH")
    [menu] = home_elements(view, ids.COACHING_CYCLE_MENU)
    click_in_home(app.driver, "UCOACH", view, menu, option="Pause")
    wait_for(lambda: "⏸ paused" in message_text(slack.published_home("UCOACH") or {}))
    paused = slack.published_home("UCOACH")
    assert home_elements(paused, ids.COACHING_NEXT_PHASE) == []
    [menu] = home_elements(paused, ids.COACHING_CYCLE_MENU)
    click_in_home(app.driver, "UCOACH", paused, menu, option="Resume")
    wait_for(lambda: "⏸ paused" not in message_text(slack.published_home("UCOACH") or {"blocks": []}))
    with sessions() as session:
        assert session.exec(select(CoachingCycle.status)).one() == "active"


def test_due_soon_and_overdue_follow_the_cadence_the_school_sets_per_phase(app, slack, sessions, worker, clock):
    log_coaching(app.driver, slack, worker)  # Tue 3 Mar; identify: every 7 days by default

    clock.advance(timedelta(days=5))
    assert "🟡 due soon: by Tue 10 Mar" in message_text(home(app.driver, slack, "UCOACH"))
    clock.advance(timedelta(days=3))
    assert "🔴 overdue since Tue 10 Mar (last contact Tue 3 Mar)" in message_text(home(app.driver, slack, "UCOACH"))

    with transaction(sessions) as session:
        maple = session.exec(select(School).where(School.sourced_id == "s-maple")).one()
        update_coaching_settings(session, school_id=maple.id, now=clock(), cadence_days=[14, 7, 14])
    assert "next contact by Tue 17 Mar" in message_text(home(app.driver, slack, "UCOACH"))
