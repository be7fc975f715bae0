"""The walkthrough modal on a phone: the demo's walkthrough logged through the real app, and measured with
`tests.walkthroughs.phone` (blocks, inputs, rows, screens, taps, swipes).

Measured on the modal before it was cut (17 blocks, a menu per look-for, the role as radio buttons with no
default, every optional part shown):

    opened: 17 blocks, 15 inputs, 1119 characters to read, 103 rows = 4 screens
    saved:  17 blocks, 16 inputs, 1153 characters, 107 rows = 5 screens
    the demo's walkthrough: 10 taps and 4 swipes, 3 fields typed in

The bounds below hold the cut: the look-fors in one menu, the role preset, the strength, the question and
the second observer behind one button.
"""

from __future__ import annotations

from sqlmodel import select

from bot import ids
from bot.demo.slack_requests import SlackDriver
from bot.demo.walkthrough_scenes import DEMO_EVIDENCE, log_walkthrough_for
from tests.walkthroughs.phone import Recorder, effort, layout
from tests.walkthroughs.support import block, log_visit, open_modal
from workflows.walkthroughs.models import Walkthrough, WalkthroughRating


def _log_the_demo_walkthrough(app, slack, worker):
    """The demo's walkthrough as its leader logs it; the modal as opened, as saved, and the effort."""
    recorder = Recorder(app.http)
    driver = SlackDriver(signer=app.driver.signer, fake=slack, http=recorder)
    text = log_walkthrough_for(
        driver, slack, leader_user_id="ULEAD", teacher_name="Ben", deliver=lambda: worker.drain(timeout=10)
    )
    assert DEMO_EVIDENCE in text
    opened = slack.calls_to("views.open")[0].args["view"]
    view_id = next(p["view"]["id"] for p in recorder.payloads if p["type"] == "view_submission")
    saved = slack.view(view_id)
    return layout(opened), layout(saved), effort(recorder.payloads, {view_id: saved})


def test_the_demos_walkthrough_fits_two_phone_screens_and_a_dozen_touches(app, slack, worker):
    opened, saved, spent = _log_the_demo_walkthrough(app, slack, worker)

    # was 17 blocks / 15 inputs / 1119 characters / 4 screens
    assert (opened.blocks, opened.inputs, opened.required) == (8, 6, 4)
    assert opened.label_chars < 250 and opened.screens == 2
    # was 17 blocks / 16 inputs / 1153 characters / 5 screens
    assert (saved.blocks, saved.inputs) == (10, 10)
    assert saved.label_chars < 350 and saved.screens == 2
    # was 10 taps + 4 swipes
    assert (spent.taps, spent.swipes, spent.typed) == (11, 1, 3)
    assert spent.taps + spent.swipes < 14


def test_nothing_the_demos_leader_recorded_is_lost(app, slack, sessions, worker):
    _log_the_demo_walkthrough(app, slack, worker)

    with sessions() as session:
        walkthrough = session.exec(select(Walkthrough)).one()
        observed = session.exec(select(WalkthroughRating).where(WalkthroughRating.observed)).all()
        rated = session.exec(select(WalkthroughRating)).all()
    assert walkthrough.evidence == DEMO_EVIDENCE
    assert walkthrough.strength.startswith("Pairs had sentence stems")
    assert walkthrough.next_step.startswith("What would happen if pairs compared")
    assert (walkthrough.planned_role, walkthrough.shared_at is not None) == ("reflective", True)
    assert [r.value for r in observed] == [3]  # Proficient, on the first look-for
    assert len(rated) == 7  # the six left out are recorded as not observed


def test_the_role_planned_last_time_with_this_teacher_is_preset(app, slack, worker):
    log_visit(app.driver, slack, worker, role="directive")

    view = open_modal(app.driver, slack, "ULEAD", "ben")

    assert block(view, ids.WALKTHROUGH_ROLE_BLOCK)["element"]["initial_option"]["value"] == "directive"
