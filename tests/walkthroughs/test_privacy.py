"""Privacy through every surface: the App Home, the type-ahead, the buttons, and the rules themselves."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot import ids
from bot.demo.slack_requests import plain_text_value
from tests.walkthroughs.support import click, dm_messages, log_visit, message_text, person_id, wait_for
from workflows import privacy
from workflows.roster.service import identify
from workflows.walkthroughs.models import Walkthrough


def _home_text(app, slack, user: str) -> str:
    before = len(slack.calls_to("views.publish"))
    assert app.driver.open_home(user).status_code == 200
    wait_for(lambda: len(slack.calls_to("views.publish")) > before)
    return message_text(slack.published_home(user) or {})


def _viewer(sessions, user: str) -> privacy.Viewer:
    with sessions() as session:
        profile = identify(session, slack_user_id=user)
        assert profile is not None
        return privacy.Viewer.of(profile)


def test_a_teachers_home_lists_their_own_walkthroughs_newest_first_with_reflections(
    app, slack, worker, clock
):
    log_visit(app.driver, slack, worker, evidence="First visit: partners rehearsed before sharing.")
    clock.advance(timedelta(days=1))
    log_visit(app.driver, slack, worker, evidence="Second visit: exit tickets sorted into three piles.")
    older = dm_messages(slack, "UBEN")[0]
    click(app.driver, "UBEN", older, ids.WALKTHROUGH_REFLECT)
    wait_for(lambda: len(slack.calls_to("views.open")) == 3)
    modal = slack.open_views()[-1]
    app.driver.submit_view(
        "UBEN",
        modal,
        {ids.REFLECTION_BLOCK: {ids.REFLECTION_INPUT: plain_text_value("Rehearsal helped quiet kids.")}},
    )

    home = _home_text(app, slack, "UBEN")

    assert home.index("Second visit") < home.index("First visit")
    assert "Rehearsal helped quiet kids." in home
    assert "Walkthroughs of your classes" in home and "Your recent walkthroughs" not in home


def test_another_teachers_home_never_shows_someone_elses_walkthroughs(app, slack, worker):
    log_visit(app.driver, slack, worker, evidence="Ben's class: counters and equal groups.")
    log_visit(
        app.driver, slack, worker, text="bea", evidence="Bea's class: partner reading with sticky notes."
    )

    bea = _home_text(app, slack, "UBEA")
    olga = _home_text(app, slack, "UOLGA")

    assert "partner reading" in bea and "counters" not in bea
    assert "counters" not in olga and "partner reading" not in olga and "No walkthroughs yet" in olga
    assert dm_messages(slack, "UBEA") and all(
        "counters" not in message_text(m) for m in dm_messages(slack, "UBEA")
    )


def test_a_leaders_home_shows_their_walkthroughs_and_a_leader_of_another_school_sees_none(app, slack, worker):
    log_visit(app.driver, slack, worker)

    ada = _home_text(app, slack, "ULEAD")
    otto = _home_text(app, slack, "UOTTO")

    assert "Your recent walkthroughs" in ada and "Ben Lindqvist" in ada
    assert "Ben Lindqvist" not in otto and "None yet" in otto


def test_the_type_ahead_of_a_leader_of_another_school_offers_only_their_teachers(app, slack):
    options = app.driver.options(
        "UOTTO", ids.WALKTHROUGH_TEACHER_SELECT, block_id=ids.WALKTHROUGH_TEACHER_BLOCK, value=" "
    ).json()["options"]
    teacher_asks = app.driver.options(
        "UBEN", ids.WALKTHROUGH_TEACHER_SELECT, block_id=ids.WALKTHROUGH_TEACHER_BLOCK, value="bea"
    ).json()["options"]

    assert [o["text"]["text"] for o in options] == ["Olga Novak — Oak Middle"]
    assert teacher_asks == []


def test_only_the_observer_edits_or_records_the_conversation(app, slack, sessions, worker):
    log_visit(app.driver, slack, worker)
    [receipt] = dm_messages(slack, "ULEAD")
    forged = dict(receipt, channel=slack.dm_channel_for("ULEAD"))

    click(app.driver, "UMIA", forged, ids.WALKTHROUGH_EDIT)
    click(app.driver, "UOTTO", forged, ids.WALKTHROUGH_RECORD_CONVERSATION)
    wait_for(lambda: len(slack.responses()) == 2)

    assert len(slack.calls_to("views.open")) == 1
    texts = sorted(r["text"] for r in slack.responses())
    assert texts == [
        "Only the observer can edit this walkthrough.",
        "Only the observer records this conversation.",
    ]


def test_the_rules_leaders_see_their_schools_teachers_see_themselves_coaches_notes_stay_private(
    app, slack, sessions, worker
):
    log_visit(app.driver, slack, worker)
    with sessions() as session:
        walkthrough = session.exec(select(Walkthrough)).one()
        seen_by = {
            user: [w.id for w in session.exec(privacy.visible_walkthroughs(_viewer(sessions, user))).all()]
            for user in ("ULEAD", "UMIA", "UBEN", "UBEA", "UOTTO", "UCOACH", "UOLGA")
        }
    assert seen_by == {
        "ULEAD": [walkthrough.id],
        "UMIA": [walkthrough.id],
        "UBEN": [walkthrough.id],
        "UBEA": [],
        "UOTTO": [],
        "UCOACH": [],
        "UOLGA": [],
    }
    coach, ben = person_id(sessions, "UCOACH"), person_id(sessions, "UBEN")
    assert privacy.can_read_coaching_note(_viewer(sessions, "UCOACH"), coach_id=coach, teacher_id=ben)
    assert privacy.can_read_coaching_note(_viewer(sessions, "UBEN"), coach_id=coach, teacher_id=ben)
    assert not privacy.can_read_coaching_note(_viewer(sessions, "ULEAD"), coach_id=coach, teacher_id=ben)
    assert not privacy.can_read_coaching_note(_viewer(sessions, "UBEA"), coach_id=coach, teacher_id=ben)
    assert not privacy.can_log_walkthroughs(_viewer(sessions, "UCOACH"))
