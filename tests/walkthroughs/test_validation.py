"""Bad input is answered inside the modal, field by field, and writes nothing; only leaders log visits."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlmodel import func, select

from bot import ids
from bot.demo.slack_requests import multi_select_value, plain_text_value
from tests.walkthroughs.support import (
    block,
    filled_values,
    level_option,
    look_fors_block,
    open_modal,
    person_id,
    show_more,
)
from workflows.db import transaction
from workflows.deliveries.models import Delivery
from workflows.frameworks.service import default_framework_text, load_framework, parse_framework
from workflows.roster.models import School
from workflows.walkthroughs.models import Walkthrough


def _nothing_written(sessions) -> bool:
    with sessions() as session:
        walkthroughs = session.exec(select(func.count()).select_from(Walkthrough)).one()
        deliveries = session.exec(select(func.count()).select_from(Delivery)).one()
    return walkthroughs == 0 and deliveries == 0


def _errors(response) -> dict[str, str]:
    body = response.json()
    assert body["response_action"] == "errors"
    return body["errors"]


def test_empty_evidence_is_refused_on_the_evidence_field(app, slack, sessions):
    view = open_modal(app.driver, slack, "ULEAD", "ben")

    errors = _errors(app.driver.submit_view("ULEAD", view, filled_values(view, evidence="   \n ")))

    assert list(errors) == [ids.WALKTHROUGH_EVIDENCE_BLOCK]
    assert "what you saw and heard" in errors[ids.WALKTHROUGH_EVIDENCE_BLOCK]
    assert _nothing_written(sessions)


def test_a_forged_submission_naming_a_teacher_at_another_school_is_refused(app, slack, sessions):
    view = open_modal(app.driver, slack, "ULEAD", "ben")
    with sessions() as session:
        oak = session.exec(select(School.id).where(School.name == "Oak Middle")).one()
    olga = f"{person_id(sessions, 'UOLGA')}:{oak}"

    errors = _errors(
        app.driver.submit_view("ULEAD", view, filled_values(view, teacher=(olga, "Olga Novak — Oak Middle")))
    )

    assert errors == {
        ids.WALKTHROUGH_TEACHER_BLOCK: "You can log walkthroughs only for teachers at the schools you lead."
    }
    assert _nothing_written(sessions)


def test_text_over_slacks_limits_is_refused_even_when_the_payload_skips_max_length(app, slack, sessions):
    view = show_more(app.driver, slack, "ULEAD", open_modal(app.driver, slack, "ULEAD", "ben"))
    values = filled_values(view, evidence="x" * 3001, strength="y" * 501)

    errors = _errors(app.driver.submit_view("ULEAD", view, values))

    assert "under 3000 characters" in errors[ids.WALKTHROUGH_EVIDENCE_BLOCK]
    assert "under 500 characters" in errors[ids.WALKTHROUGH_STRENGTH_BLOCK]
    assert _nothing_written(sessions)


def test_a_form_retired_while_the_modal_was_open_is_refused_on_the_form_field(app, slack, sessions):
    view = open_modal(app.driver, slack, "ULEAD", "ben")
    assert block(view, ids.WALKTHROUGH_FORM_BLOCK)["element"]["initial_option"]["text"]["text"] == (
        "Whole-group discussion"
    )
    text = default_framework_text().replace(
        "    name: Whole-group discussion\n", "    name: Whole-group discussion\n    retired: true\n"
    )
    spec = parse_framework(text, source="district.yml")
    with transaction(sessions) as session:
        load_framework(session, spec=spec, district_id=None, source_digest=spec.digest, now=datetime.now(UTC))

    errors = _errors(app.driver.submit_view("ULEAD", view, filled_values(view)))

    assert errors == {
        ids.WALKTHROUGH_FORM_BLOCK: "This form was retired after you opened the walkthrough; choose another."
    }
    assert _nothing_written(sessions)


def test_the_conversation_role_must_be_chosen_and_levels_must_come_from_the_scale(app, slack, sessions):
    view = open_modal(app.driver, slack, "ULEAD", "ben")
    values = filled_values(view, role=None)
    looks = look_fors_block(view)
    first = looks["element"]["option_groups"][0]["options"][0]["value"].split(":")[0]
    values[looks["block_id"]] = {ids.WALKTHROUGH_LOOK_FORS_SELECT: multi_select_value([f"{first}:99"])}

    errors = _errors(app.driver.submit_view("ULEAD", view, values))

    assert errors[ids.WALKTHROUGH_ROLE_BLOCK] == "Choose the role you plan for the feedback conversation."
    assert errors[looks["block_id"]] == "Choose a level from the list."
    assert _nothing_written(sessions)


def test_two_levels_for_one_look_for_are_refused_on_the_look_fors_field(app, slack, sessions):
    view = open_modal(app.driver, slack, "ULEAD", "ben")
    values = filled_values(view)
    twice = [level_option(view, "Students explain", level)["value"] for level in ("Developing", "Proficient")]
    values[look_fors_block(view)["block_id"]] = {ids.WALKTHROUGH_LOOK_FORS_SELECT: multi_select_value(twice)}

    errors = _errors(app.driver.submit_view("ULEAD", view, values))

    assert errors == {
        look_fors_block(view)[
            "block_id"
        ]: "Choose one level for “Students explain their reasoning to a partner or to the cla…”, not two."
    }
    assert _nothing_written(sessions)


def test_a_second_observer_must_lead_the_teachers_school(app, slack, sessions):
    view = show_more(app.driver, slack, "ULEAD", open_modal(app.driver, slack, "ULEAD", "ben"))

    errors = _errors(app.driver.submit_view("ULEAD", view, filled_values(view, second_observer="UOTTO")))

    assert errors == {
        ids.WALKTHROUGH_SECOND_OBSERVER_BLOCK: "The second observer must be a leader at this teacher's school."
    }


def test_a_teacher_typing_walkthrough_gets_a_polite_no_and_no_modal(app, slack):
    reply = app.driver.command("UBEN", ids.WALKTHROUGH_COMMAND, "bea").json()

    assert reply["response_type"] == "ephemeral"
    assert "logged by school leaders" in reply["text"]
    assert slack.calls_to("views.open") == []


def test_someone_not_on_the_roster_is_told_so(app, slack):
    slack.add_user("UVISITOR", email="visitor@elsewhere.example", real_name="Vera Visitor")

    reply = app.driver.command("UVISITOR", ids.WALKTHROUGH_COMMAND, "").json()

    assert "not on the roster yet" in reply["text"]


def test_a_teacher_forging_a_submission_writes_nothing(app, slack, sessions):
    view = open_modal(app.driver, slack, "ULEAD", "ben")

    errors = _errors(app.driver.submit_view("UBEN", view, filled_values(view)))

    assert "logged by school leaders" in errors[ids.WALKTHROUGH_TEACHER_BLOCK]
    assert _nothing_written(sessions)


def test_the_shortcut_opens_the_modal_for_a_leader_and_an_explanation_for_a_teacher(app, slack):
    from tests.walkthroughs.support import wait_for

    app.driver.shortcut("ULEAD", ids.WALKTHROUGH_SHORTCUT)
    wait_for(lambda: slack.calls_to("views.open"))
    app.driver.shortcut("UBEN", ids.WALKTHROUGH_SHORTCUT)
    wait_for(lambda: len(slack.calls_to("views.open")) == 2)

    leader_modal, teacher_modal = slack.open_views()
    assert leader_modal["callback_id"] == ids.WALKTHROUGH_MODAL
    assert block(leader_modal, ids.WALKTHROUGH_TEACHER_BLOCK)["type"] == "input"
    assert teacher_modal["callback_id"] == ""
    assert "logged by school leaders" in teacher_modal["blocks"][0]["text"]["text"]


def test_evidence_of_exactly_the_limit_is_accepted(app, slack, sessions):
    view = open_modal(app.driver, slack, "ULEAD", "ben")
    values = filled_values(view, evidence="e" * 3000)
    values[ids.WALKTHROUGH_NEXT_STEP_BLOCK] = {ids.WALKTHROUGH_NEXT_STEP_INPUT: plain_text_value(None)}

    response = app.driver.submit_view("ULEAD", view, values)

    assert response.status_code == 200 and response.text in ("", "null")
    with sessions() as session:
        assert len(session.exec(select(Walkthrough.evidence)).one()) == 3000
