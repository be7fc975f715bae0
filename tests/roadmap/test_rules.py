"""Each roadmap rule on hand-built figures, at every level boundary: one short of a threshold stays below,
the threshold itself moves up. The level is shown with the rubric's own words for it (seed 004)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from workflows.roadmap import rules
from workflows.roadmap.rubric import RUBRIC, Stage
from workflows.roadmap.rules import RoadmapRecord

# A leader at level 4 everywhere: 20 school days, 3 visits on 18 of them (90%), 10 teachers all seen this
# cycle and in two periods, evidence within the hour after 95 of 100 visits, conversations after 80 in all
# three roles, 80 visits rated with 50 conversations after them, on pace with a rising area, and every
# teacher rated in three areas with the data review up to date.
TOP = RoadmapRecord(
    school_days=20, visits=100, days_with_three=18, caseload=10, seen_this_cycle=10, cycle_length=10,
    teachers_seen_twice=10, teachers_in_two_periods=10, shared=100, shared_within_hour=95, conversations=80,
    roles_used=frozenset({"directive", "reflective", "reflexive"}), rated=80, framework_conversations=50,
    teachers_with_framework_conversation=10, year_visits=100, pace_expected=100.0,
    improved_areas=("Academic discussion",), teachers_three_rated=10, teachers_three_areas=10, review_current=True,
)  # fmt: skip

CASES = [
    # walkthroughs
    (rules.walkthroughs, {}, 4),
    (rules.walkthroughs, {"teachers_in_two_periods": 9}, 3),
    (rules.walkthroughs, {"teachers_seen_twice": 0, "teachers_in_two_periods": 0}, 3),
    (rules.walkthroughs, {"days_with_three": 17}, 2),
    (rules.walkthroughs, {"seen_this_cycle": 9}, 2),
    (rules.walkthroughs, {"visits": 8, "days_with_three": 0}, 2),  # 8 visits in 4 weeks: 2.0 a week
    (rules.walkthroughs, {"visits": 7, "days_with_three": 0}, 1),  # 1.75 a week
    (rules.walkthroughs, {"school_days": 0, "visits": 0, "days_with_three": 0}, 1),
    # conversations
    (rules.conversations, {}, 4),
    (rules.conversations, {"shared_within_hour": 94}, 3),
    (rules.conversations, {"conversations": 79}, 3),
    (rules.conversations, {"roles_used": frozenset({"directive", "reflective"})}, 3),
    (rules.conversations, {"shared_within_hour": 80, "conversations": 50}, 3),
    (rules.conversations, {"shared_within_hour": 79, "shared": 50}, 2),
    (rules.conversations, {"conversations": 49, "shared": 50}, 2),
    (rules.conversations, {"shared_within_hour": 0, "conversations": 0, "shared": 49}, 1),
    (rules.conversations, {"visits": 0, "shared": 0, "shared_within_hour": 0, "conversations": 0}, 1),
    # framework
    (rules.framework, {}, 4),
    (rules.framework, {"teachers_with_framework_conversation": 9}, 3),
    (rules.framework, {"rated": 79}, 2),
    (rules.framework, {"framework_conversations": 49}, 2),
    (rules.framework, {"rated": 50, "framework_conversations": 0}, 2),
    (rules.framework, {"rated": 49}, 1),
    # 500 classrooms
    (rules.classrooms_500, {}, 4),
    (rules.classrooms_500, {"improved_areas": ()}, 3),
    (rules.classrooms_500, {"year_visits": 99}, 3),
    (rules.classrooms_500, {"year_visits": 90}, 3),
    (rules.classrooms_500, {"year_visits": 89}, 2),
    (rules.classrooms_500, {"year_visits": 25}, 2),
    (rules.classrooms_500, {"year_visits": 24}, 1),
    (rules.classrooms_500, {"pace_expected": 0.0}, 1),
    # high-performance
    (rules.high_performance, {}, 4),
    (rules.high_performance, {"review_current": False}, 3),
    (rules.high_performance, {"teachers_three_areas": 9, "teachers_three_rated": 8}, 2),
    (rules.high_performance, {"teachers_three_areas": 0, "teachers_three_rated": 7}, 1),
    (rules.high_performance, {"caseload": 0, "teachers_three_areas": 0, "teachers_three_rated": 0}, 1),
]


@pytest.mark.parametrize(("rule", "change", "level"), CASES, ids=[f"{r.__name__}-{c}" for r, c, _ in CASES])
def test_each_rule_places_the_leader_at_its_level_with_the_rubrics_words(rule, change, level):
    placement = rule(replace(TOP, **change))

    assert placement.level == level
    assert placement.rule == RUBRIC[placement.stage][level - 1]
    assert placement.figure
    assert (placement.move_up is None) == (level == 4)


def test_the_walkthroughs_rule_at_level_three_is_the_roadmaps_three_classrooms_a_day():
    placement = rules.walkthroughs(replace(TOP, teachers_in_two_periods=9))

    assert placement.rule == "I get into three classrooms a day, every day, so I see every teacher on a 2-week rotation"
    assert placement.figure == "3 visits or more on 18 of 20 school days; 10 of 10 teachers seen in the last 10 school days"
    assert placement.move_up == (
        "see each teacher at different times of day: 9 of 10 teachers seen twice were seen in two periods or more"
    )


def test_what_would_move_a_leader_up_names_the_figure_they_are_short_of():
    assert rules.classrooms_500(replace(TOP, year_visits=89)).move_up == "90 visits by today (90% of the pace)"
    assert rules.conversations(replace(TOP, roles_used=frozenset({"directive"}))).move_up == (
        "conversations in the reflective, reflexive role as teachers need it"
    )
    assert rules.high_performance(replace(TOP, review_current=False)).move_up == (
        "a data review with its decisions recorded, monthly or at 30 new observations"
    )


def test_every_stage_data_can_speak_to_is_placed_in_the_roadmaps_order():
    assert [p.stage for p in rules.place(TOP)] == list(Stage)
