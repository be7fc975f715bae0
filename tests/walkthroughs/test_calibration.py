"""Calibration maths: percent and adjacent agreement and Cohen's kappa, checked against hand arithmetic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.walkthroughs.calibration import (
    NOT_OBSERVED,
    OVERALL,
    adjacent_agreement,
    agreement,
    calibration_report,
    cohens_kappa,
)

# Ten lessons rated by two observers on a 4-level scale (1 Beginning … 4 Exemplary).
TEN_PAIRS = [(1, 1), (2, 2), (2, 2), (3, 3), (3, 3), (3, 3), (4, 4), (2, 3), (3, 2), (2, 4)]


def test_kappa_of_ten_pairs_on_a_four_level_scale_matches_the_hand_calculation():
    # Observed agreement: the first 7 pairs match → p_o = 7/10 = 0.70.
    # First observer's levels:  1,2,2,3,3,3,4,2,3,2 → level 1: 1, 2: 4, 3: 4, 4: 1
    # Second observer's levels: 1,2,2,3,3,3,4,3,2,4 → level 1: 1, 2: 3, 3: 4, 4: 2
    # Expected by chance: p_e = (1·1 + 4·3 + 4·4 + 1·2) / 10² = (1 + 12 + 16 + 2) / 100 = 0.31
    # κ = (0.70 − 0.31) / (1 − 0.31) = 0.39 / 0.69 = 13/23 ≈ 0.5652
    assert agreement(TEN_PAIRS) == pytest.approx(0.7)
    assert cohens_kappa(TEN_PAIRS, categories=[1, 2, 3, 4]) == pytest.approx(13 / 23)
    # Within one level: every pair but (2, 4) → 9/10.
    assert adjacent_agreement(TEN_PAIRS) == pytest.approx(0.9)


def test_perfect_agreement_is_kappa_one():
    # p_o = 1; marginals 1: ⅓, 2: ⅓, 3: ⅓ each → p_e = 3 · (⅓ · ⅓) = ⅓; κ = (1 − ⅓)/(1 − ⅓) = 1
    pairs = [(1, 1), (2, 2), (3, 3)]
    assert agreement(pairs) == 1.0
    assert cohens_kappa(pairs) == pytest.approx(1.0)


def test_agreement_at_chance_is_kappa_zero_and_systematic_disagreement_is_negative():
    # Every combination once: p_o = 2/4 = 0.5; each observer 1: ½, 2: ½ → p_e = ¼ + ¼ = 0.5; κ = 0
    assert cohens_kappa([(1, 1), (1, 2), (2, 1), (2, 2)]) == pytest.approx(0.0)
    # Always opposite: p_o = 0; p_e = ½·½ + ½·½ = 0.5; κ = (0 − 0.5)/(1 − 0.5) = −1
    assert cohens_kappa([(1, 2), (2, 1)]) == pytest.approx(-1.0)


def test_too_few_pairs_give_no_kappa():
    assert agreement([]) is None
    assert adjacent_agreement([]) is None
    assert cohens_kappa([]) is None
    # One pair: agreement is a fact (it matched), but κ would be 0 or undefined: no information.
    assert agreement([(2, 2)]) == 1.0
    assert cohens_kappa([(2, 2)]) is None
    assert cohens_kappa([(2, 3)]) is None


def test_both_observers_always_using_one_level_leaves_kappa_undefined():
    # Both always "3": p_o = 1 and p_e = 1·1 = 1, so κ = 0/0: nothing tells chance from skill.
    assert cohens_kappa([(3, 3), (3, 3), (3, 3)]) is None
    assert agreement([(3, 3), (3, 3), (3, 3)]) == 1.0
    # Each constant but different: p_o = 0, p_e = 1·0 + 0·1 = 0, κ = (0 − 0)/1 = 0 (defined).
    assert cohens_kappa([(3, 2), (3, 2)]) == pytest.approx(0.0)


def test_not_observed_is_its_own_level_and_never_adjacent_to_a_rating():
    n = NOT_OBSERVED
    # (n, n) agrees; (n, 2) and (n, 1) disagree about whether the practice was there at all.
    pairs = [(n, n), (n, 2), (2, 2), (3, 3), (n, 1)]
    assert agreement(pairs) == pytest.approx(3 / 5)
    # (n, 1): the values differ by one, but "not observed" sits outside the continuum.
    assert adjacent_agreement(pairs) == pytest.approx(3 / 5)
    # First: n: 3, 2: 1, 3: 1. Second: n: 1, 1: 1, 2: 2, 3: 1.
    # p_e = (3·1 + 1·2 + 1·1) / 25 = 6/25; p_o = 3/5 = 15/25; κ = (15 − 6)/(25 − 6) = 9/19
    assert cohens_kappa(pairs) == pytest.approx(9 / 19)


def test_ratings_outside_the_scale_are_refused():
    with pytest.raises(ValueError, match=r"\[7\]"):
        cohens_kappa([(1, 7), (2, 2)], categories=[0, 1, 2, 3, 4])


def test_report_has_a_row_per_look_for_and_an_overall_row_over_all_pairs_pooled():
    report = calibration_report(
        {
            "explain-reasoning": [(2, 3), (3, 3), (0, 0)],
            "materials-as-designed": [(3, 3), (3, 3)],
            "retired-and-unrated": [],
        },
        titles={"explain-reasoning": "Students explain their reasoning"},
        paired_visits=3,
    )

    explain, materials = report.look_fors
    assert (explain.look_for, explain.text, explain.pairs) == (
        "explain-reasoning",
        "Students explain their reasoning",
        3,
    )
    # p_o = 2/3. First: 2: 1, 3: 1, 0: 1. Second: 3: 2, 0: 1. p_e = (1·2 + 1·1)/9 = ⅓. κ = (⅔ − ⅓)/(⅔) = ½
    assert explain.agreement == pytest.approx(2 / 3)
    assert explain.adjacent_agreement == pytest.approx(1.0)
    assert explain.kappa == pytest.approx(0.5)
    # Untitled look-fors show their key; both always "3" → κ undefined.
    assert (materials.text, materials.pairs, materials.agreement, materials.kappa) == (
        "materials-as-designed",
        2,
        1.0,
        None,
    )
    # Pooled, 5 pairs: 4 match → p_o = 4/5. First: 2: 1, 3: 3, 0: 1. Second: 3: 4, 0: 1.
    # p_e = (3·4 + 1·1)/25 = 13/25. κ = (20/25 − 13/25)/(12/25) = 7/12
    assert report.overall.text == OVERALL
    assert report.overall.pairs == 5
    assert report.overall.agreement == pytest.approx(0.8)
    assert report.overall.kappa == pytest.approx(7 / 12)
    assert report.paired_visits == 3
    assert not report.empty


def test_an_empty_report_says_so():
    report = calibration_report({})
    assert report.empty
    assert report.look_fors == ()
    assert (report.overall.pairs, report.overall.agreement, report.overall.kappa) == (0, None, None)


levels = st.integers(min_value=0, max_value=4)
rating_pairs = st.lists(st.tuples(levels, levels), min_size=2, max_size=40)


@given(rating_pairs)
def test_kappa_is_at_most_one_never_below_minus_one_and_does_not_depend_on_who_is_first(pairs):
    kappa = cohens_kappa(pairs)
    swapped = cohens_kappa([(b, a) for a, b in pairs])
    if kappa is None:
        assert swapped is None
        return
    assert -1.0 - 1e-9 <= kappa <= 1.0 + 1e-9
    assert swapped == pytest.approx(kappa)
    assert (kappa == pytest.approx(1.0)) == (agreement(pairs) == 1.0)
    assert (adjacent_agreement(pairs) or 0) >= (agreement(pairs) or 0)
