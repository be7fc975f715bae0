"""Loading frameworks into the database: versions, retired look-fors kept in history, the queries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from tests.frameworks.support import SMALL, STARTER_TEXT, edited, starter_changed
from workflows.db import Sessions, transaction
from workflows.frameworks.models import Form, Framework, LookFor
from workflows.frameworks.service import (
    FrameworkChanges,
    FrameworkError,
    LoadResult,
    active_forms,
    current_framework,
    ensure_default_framework,
    form_look_fors,
    load_framework,
    parse_framework,
    rating_scale,
)
from workflows.roster.models import District

MONDAY = datetime(2026, 9, 14, 7, 30, tzinfo=UTC)


def load(sessions: Sessions, text: str, *, district_id: int | None = None) -> LoadResult:
    spec = parse_framework(text, source="framework.yml")
    with transaction(sessions) as session:
        return load_framework(
            session, spec=spec, district_id=district_id, source_digest=spec.digest, now=MONDAY
        )


def form_named(session: Session, framework: Framework, key: str) -> Form:
    return session.exec(select(Form).where(Form.framework_id == framework.id, Form.key == key)).one()


def look_for(session: Session, framework: Framework, key: str) -> LookFor:
    return session.exec(select(LookFor).where(LookFor.framework_id == framework.id, LookFor.key == key)).one()


def test_the_starter_framework_loads_as_version_1(sessions: Sessions) -> None:
    result = load(sessions, STARTER_TEXT)

    assert (result.outcome, result.version) == ("created", 1)
    with sessions() as session:
        framework = current_framework(session)
        assert framework is not None and framework.key == "rounds-starter"
        forms = active_forms(session, framework_id=framework.id)
        assert [form.name for form in forms] == [
            "Whole-group discussion",
            "Small groups and learning centers",
            "Core curriculum lesson",
            "Quick visit",
        ]
        quick = form_look_fors(session, form_id=forms[-1].id)
        assert [lf.key for lf in quick] == [
            "on-task",
            "explain-reasoning",
            "check-every-student",
            "materials-as-designed",
        ]
        scale = rating_scale(framework)
        assert [level.label for level in scale if level.observed] == [
            "Beginning",
            "Developing",
            "Proficient",
            "Exemplary",
        ]
        assert [level.label for level in scale if not level.observed] == ["Not observed"]


def test_loading_the_same_file_again_changes_nothing(sessions: Sessions) -> None:
    first = load(sessions, STARTER_TEXT)
    again = load(sessions, "# reloaded after a comment edit\n" + STARTER_TEXT)

    assert (again.outcome, again.version, again.framework.id) == ("unchanged", 1, first.framework.id)
    assert again.changes == FrameworkChanges()
    with sessions() as session:
        assert len(session.exec(select(Framework)).all()) == 1
        assert len(session.exec(select(LookFor)).all()) == 16


def test_a_changed_file_makes_version_2_and_keeps_version_1_as_it_was(sessions: Sessions) -> None:
    first = load(sessions, STARTER_TEXT)
    second = load(sessions, starter_changed())

    assert (second.outcome, second.version) == ("new_version", 2)
    assert second.changes.look_fors_reworded == ("check-every-student",)
    assert second.changes.look_fors_retired == ("smooth-routines",)
    assert second.changes.forms_added == ("writing-block",)
    assert second.changes.forms_changed == ("small-groups-centers",)
    assert second.changes.look_fors_added == ()
    with sessions() as session:
        v1 = session.get(Framework, first.framework.id)
        v2 = current_framework(session)
        assert v1 is not None and v2 is not None
        assert (v1.current, v2.current, v2.id) == (False, True, second.framework.id)

        # Version 1's rows read exactly as they did: old walkthroughs point at them.
        old_check = look_for(session, v1, "check-every-student")
        assert old_check.text == "The teacher checks for understanding of every student before moving on."
        assert look_for(session, v1, "smooth-routines").retired is False
        v1_centers = form_look_fors(session, form_id=form_named(session, v1, "small-groups-centers").id)
        assert "smooth-routines" in [lf.key for lf in v1_centers]

        # Version 2 has its own rows: the dropped look-for is kept, retired, and off every form.
        assert look_for(session, v2, "check-every-student").text.startswith("Before moving on")
        assert look_for(session, v2, "check-every-student").id != old_check.id
        assert look_for(session, v2, "smooth-routines").retired is True
        on_forms = {
            lf.key
            for form in active_forms(session, framework_id=v2.id)
            for lf in form_look_fors(session, form_id=form.id)
        }
        assert "smooth-routines" not in on_forms
        assert [form.key for form in active_forms(session, framework_id=v2.id)][-1] == "writing-block"


def test_retired_look_fors_stay_in_every_later_version_and_can_come_back(sessions: Sessions) -> None:
    load(sessions, STARTER_TEXT)
    load(sessions, starter_changed())
    third = load(sessions, starter_changed() + "\n# the same file, a comment added\n")
    assert third.outcome == "unchanged"

    restored = load(sessions, STARTER_TEXT)

    assert (restored.outcome, restored.version) == ("new_version", 3)
    assert restored.changes.look_fors_restored == ("smooth-routines",)
    assert restored.changes.forms_retired == ("writing-block",)
    with sessions() as session:
        v3 = restored.framework
        assert look_for(session, v3, "smooth-routines").retired is False
        writing = form_named(session, v3, "writing-block")
        assert writing.retired is True, "a form dropped from the file is kept for history, retired"
        assert [f.key for f in active_forms(session, framework_id=v3.id)] == [
            "whole-group-discussion",
            "small-groups-centers",
            "core-curriculum",
            "quick-visit",
        ]


def test_a_look_for_marked_retired_leaves_the_forms(sessions: Sessions) -> None:
    load(sessions, SMALL)
    text = edited(
        SMALL,
        "    text: The teacher checks every student's understanding.\n",
        "    text: The teacher checks every student's understanding.\n    retired: true\n",
    )
    text = edited(text, "look_fors: [discussion, checks]", "look_fors: [discussion]")

    result = load(sessions, text)

    assert result.changes.look_fors_retired == ("checks",)
    with sessions() as session:
        talk = form_named(session, result.framework, "talk")
        assert [lf.key for lf in form_look_fors(session, form_id=talk.id)] == ["discussion"]
        assert look_for(session, result.framework, "checks").retired is True


def test_a_district_framework_comes_before_the_shared_one(sessions: Sessions) -> None:
    with transaction(sessions) as session:
        ours, theirs = (
            District(sourced_id="d-ours", name="Ours"),
            District(sourced_id="d-theirs", name="Theirs"),
        )
        session.add_all([ours, theirs])
    load(sessions, STARTER_TEXT)
    load(sessions, SMALL, district_id=ours.id)

    with sessions() as session:
        assert current_framework(session, district_id=ours.id).key == "test-district"
        assert current_framework(session, district_id=theirs.id).key == "rounds-starter"
        assert current_framework(session).key == "rounds-starter"

    with pytest.raises(FrameworkError) as refused:
        load(sessions, SMALL, district_id=theirs.id)
    assert refused.value.problems == [
        "framework.yml, line 1: the key 'test-district' belongs to another district's framework; "
        "give this framework a key of its own"
    ]


def test_a_new_key_for_the_same_district_replaces_its_framework(sessions: Sessions) -> None:
    load(sessions, STARTER_TEXT)

    result = load(sessions, SMALL)

    assert result.outcome == "created"
    assert result.changes == FrameworkChanges(replaced_frameworks=("rounds-starter",))
    with sessions() as session:
        assert current_framework(session).key == "test-district"
        assert len(session.exec(select(Framework).where(Framework.current)).all()) == 1


def test_first_run_loads_the_starter_framework_once(sessions: Sessions) -> None:
    with transaction(sessions) as session:
        first = ensure_default_framework(session, now=MONDAY)
    with transaction(sessions) as session:
        second = ensure_default_framework(session, now=MONDAY)

    assert (first.key, first.version) == ("rounds-starter", 1)
    assert second.id == first.id
    with sessions() as session:
        assert len(session.exec(select(Framework)).all()) == 1
