"""Reading a framework file: the starter file is sound, and each mistake is reported at its line."""

from __future__ import annotations

import pytest

from tests.frameworks.support import SMALL, STARTER_TEXT, edited
from workflows.frameworks.service import FrameworkError, parse_framework
from workflows.frameworks.spec import (
    LOOK_FOR_TEXT_MAX,
    MAX_LOOK_FORS_PER_FORM,
    OPTION_TEXT_MAX,
    RatingLevel,
)


def problems(text: str, source: str = "district.yml") -> list[str]:
    with pytest.raises(FrameworkError) as raised:
        parse_framework(text, source=source)
    return raised.value.problems


def test_the_starter_framework_has_areas_look_fors_and_forms_of_different_focus() -> None:
    spec = parse_framework(STARTER_TEXT, source="default.yml")

    assert [area.key for area in spec.areas] == [
        "engagement",
        "discussion",
        "checks",
        "curriculum",
        "environment",
        "differentiation",
    ]
    assert 12 <= len(spec.look_fors) <= 16
    assert all(len(look_for.text) <= LOOK_FOR_TEXT_MAX for look_for in spec.look_fors)
    forms = {form.key: form for form in spec.forms}
    assert set(forms) == {"whole-group-discussion", "small-groups-centers", "core-curriculum", "quick-visit"}
    assert len(forms["quick-visit"].look_fors) == 4
    assert "check-every-student" in forms["whole-group-discussion"].look_fors
    assert all(len(form.name) <= OPTION_TEXT_MAX for form in spec.forms)
    on_some_form = {key for form in spec.forms for key in form.look_fors}
    assert on_some_form == {look_for.key for look_for in spec.look_fors}, "every look-for is on a form"


def test_not_observed_is_its_own_level_outside_the_count() -> None:
    spec = parse_framework(STARTER_TEXT, source="default.yml")

    assert spec.rating_scale[0] == RatingLevel(
        value=0,
        label="Not observed",
        observed=False,
        description="The practice did not come up during this visit",
    )
    observed = [level for level in spec.rating_scale if level.observed]
    assert [(level.value, level.label) for level in observed] == [
        (1, "Beginning"),
        (2, "Developing"),
        (3, "Proficient"),
        (4, "Exemplary"),
    ]


def test_comments_and_spacing_do_not_change_the_framework_but_a_reworded_look_for_does() -> None:
    original = parse_framework(SMALL, source="a.yml")
    recommented = parse_framework(
        "# our framework\n" + SMALL.replace("name: Discussion", "name:   Discussion  # talk"), source="b.yml"
    )
    reworded = parse_framework(edited(SMALL, "to a partner.", "to a partner or the class."), source="c.yml")

    assert recommented == original
    assert recommented.digest == original.digest
    assert reworded.digest != original.digest


def test_folded_text_reads_as_one_line() -> None:
    text = edited(
        SMALL,
        "    text: Students explain their reasoning to a partner.\n",
        "    text: >\n      Students explain their reasoning\n      to a partner.\n",
    )

    spec = parse_framework(text, source="district.yml")

    assert spec.look_fors[0].text == "Students explain their reasoning to a partner."


def test_a_look_for_naming_an_unknown_area() -> None:
    text = edited(SMALL, "area: assessment", "area: assesment")

    assert problems(text, source="default.yml") == [
        "default.yml, line 18: look-for 'checks' names unknown area 'assesment' (did you mean 'assessment'?)"
    ]


def test_a_rating_scale_needs_two_observed_levels() -> None:
    text = edited(SMALL, "  - label: Proficient\n", "")

    assert problems(text) == [
        "district.yml, line 3: rating scale needs at least 2 levels besides the one marked observed: false"
    ]


def test_only_one_level_can_be_not_observed_and_labels_are_unique() -> None:
    text = edited(
        SMALL,
        "  - label: Proficient\n",
        "  - label: Proficient\n  - label: Skipped\n    observed: false\n  - label: beginning\n",
    )

    assert problems(text) == [
        "district.yml, line 8: level 'Skipped': only one level can be marked observed: false",
        "district.yml, line 10: rating scale repeats the level 'beginning'",
    ]


def test_a_duplicate_look_for_key_and_the_form_that_lost_its_look_for() -> None:
    text = edited(SMALL, "key: checks", "key: discussion")

    assert problems(text) == [
        "district.yml, line 17: duplicate look-for key 'discussion'",
        "district.yml, line 24: form 'talk' lists unknown look-for 'checks'",
    ]


def test_a_form_listing_an_unknown_look_for() -> None:
    text = edited(SMALL, "look_fors: [discussion, checks]", "look_fors: [discussion, x]")

    assert problems(text) == ["district.yml, line 24: form 'talk' lists unknown look-for 'x'"]


def test_a_form_cannot_list_a_retired_look_for() -> None:
    text = edited(
        SMALL,
        "    text: The teacher checks every student's understanding.\n",
        "    text: The teacher checks every student's understanding.\n    retired: true\n",
    )

    assert problems(text) == [
        "district.yml, line 25: form 'talk' lists retired look-for 'checks': take it off the form or un-retire it"
    ]


def test_yaml_syntax_errors_name_their_line() -> None:
    misindented = edited(SMALL, "    name: Academic discussion", "   name: Academic discussion")
    unclosed = edited(SMALL, "look_fors: [discussion, checks]", "look_fors: [discussion, checks")

    assert problems(misindented) == [
        "district.yml, line 10: not valid YAML: expected <block end>, but found '<block mapping start>' "
        "(while parsing a block collection that starts on line 9)"
    ]
    assert problems(unclosed)[0].startswith("district.yml, line 25: not valid YAML: ")
    assert "flow sequence that starts on line 24" in problems(unclosed)[0]


def test_misspelled_missing_and_repeated_fields() -> None:
    text = edited(SMALL, "    name: Discussion\n", "    nmae: Discussion\n    focus: Again.\n")

    assert problems(text) == [
        "district.yml, line 21: form 'talk' is missing 'name'",
        "district.yml, line 22: form 'talk' has unknown field 'nmae' (did you mean 'name'?)",
        "district.yml, line 24: form 'talk' repeats the field 'focus'",
    ]


def test_texts_that_would_not_fit_in_slack_are_refused() -> None:
    long_text = "Students " + "talk " * 60
    text = edited(SMALL, "text: Students explain their reasoning to a partner.", f"text: {long_text}")
    text = edited(text, "name: Discussion", "name: " + "Discussion " * 8)

    assert problems(text) == [
        f"district.yml, line 16: look-for 'discussion': text is {len(long_text.strip())} characters; "
        f"the limit is {LOOK_FOR_TEXT_MAX}",
        "district.yml, line 22: form 'talk': name is 87 characters; the limit is 75",
    ]


def test_a_form_has_at_most_twelve_look_fors() -> None:
    extra = "".join(
        f"  - key: extra-{n}\n    area: discussion\n    text: Extra practice {n}.\n" for n in range(12)
    )
    listed = ", ".join(["discussion", "checks", *(f"extra-{n}" for n in range(12))])
    text = edited(SMALL, "forms:\n", extra + "forms:\n")
    text = edited(text, "look_fors: [discussion, checks]", f"look_fors: [{listed}]")

    assert problems(text) == [
        f"district.yml, line 60: form 'talk' has 14 look-fors; the limit is {MAX_LOOK_FORS_PER_FORM} "
        "(a visit should take under a minute to log; make a second form for another focus)"
    ]


def test_retired_must_be_true_or_false() -> None:
    text = edited(
        SMALL, "    focus: Whole-class talk.\n", "    focus: Whole-class talk.\n    retired: maybe\n"
    )

    assert problems(text) == ["district.yml, line 24: retired should be true or false, not 'maybe'"]


def test_a_framework_needs_a_form_in_use() -> None:
    text = edited(
        SMALL, "    focus: Whole-class talk.\n", "    focus: Whole-class talk.\n    retired: true\n"
    )

    assert problems(text) == [
        "district.yml, line 20: the framework needs at least one form that is not retired"
    ]


def test_empty_and_shapeless_files() -> None:
    assert problems("") == ["district.yml: the file is empty"]
    assert problems("- just\n- a list\n") == [
        "district.yml, line 1: the framework should be a set of fields "
        "(key, name, rating_scale, areas, look_fors, forms)"
    ]
    assert problems("key: x\nname: X\n") == [
        "district.yml, line 1: the framework is missing 'rating_scale'",
        "district.yml, line 1: the framework is missing 'areas'",
        "district.yml, line 1: the framework is missing 'look_fors'",
        "district.yml, line 1: the framework is missing 'forms'",
    ]
