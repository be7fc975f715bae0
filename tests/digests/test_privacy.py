"""An adversary reads every figure a team's digests show (this week's, earlier weeks', and the school's
where those are published) and tries each attack on generated data: nothing withheld comes out.

The attacks: a distribution's total minus its other cells; the last six weeks minus the last week and the
five weeks before; this week's six weeks minus last week's (plus the week that left the window); the
school's figure minus the team's; and any other exact linear combination of what is shown.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from workflows import privacy
from workflows.digests.figures import WEEKS, WINDOW_WEEKS, WINDOWS, Count, Counts
from workflows.digests.team import _figures

LEVELS = [1, 2, 3, 4]
KEY = "lf"

# A walkthrough: (teacher, week, level); `school_only` ones are of teachers outside the team.
walkthroughs = st.lists(
    st.tuples(st.integers(0, 7), st.integers(0, WEEKS - 1), st.sampled_from(LEVELS)), min_size=0, max_size=160
)


def counts_of(rows: list[tuple[int, int, int]]) -> Counts:
    cells: dict = defaultdict(list)
    for teacher, week, level in rows:
        cells[(week, level)].append(teacher)

    def count(keys) -> Count:
        teachers = [t for k in keys for t in cells.get(k, [])]
        return Count(len(teachers), len(set(teachers)))

    weekly = {(KEY, w, v): count([(w, v)]) for w in range(WEEKS) for v in LEVELS}
    weekly_totals = {(KEY, w): count([(w, v) for v in LEVELS]) for w in range(WEEKS)}
    windows = {
        (KEY, j, v): count([(w, v) for w in range(j, j + WINDOW_WEEKS)]) for j in range(WINDOWS) for v in LEVELS
    }
    window_totals = {
        (KEY, j): count([(w, v) for w in range(j, j + WINDOW_WEEKS) for v in LEVELS]) for j in range(WINDOWS)
    }
    return Counts(weekly, weekly_totals, windows, window_totals)


def values_of(rows: list[tuple[int, int, int]], figure: privacy.DigestFigure, rest: list | None = None) -> int:
    atoms = figure.atoms
    n = sum(1 for _t, w, v in rows if ("t", w, v) in atoms)
    return n + sum(1 for _t, w, v in rest or [] if ("r", w, v) in atoms)


def published(figures, verdict):
    return [f for f in figures if verdict.shown(f.key) or (f.fixed and privacy.digest_figure_shown(f.walkthroughs, f.teachers))]


def determined(target, shown) -> bool:
    """Whether the shown figures pin the target down exactly (least squares leaves no residual)."""
    atoms = sorted({a for f in [target, *shown] for a in f.atoms}, key=str)
    index = {a: i for i, a in enumerate(atoms)}
    matrix = np.zeros((len(shown), len(atoms)))
    for r, f in enumerate(shown):
        matrix[r, [index[a] for a in f.atoms]] = 1
    vector = np.zeros(len(atoms))
    vector[[index[a] for a in target.atoms]] = 1
    if not shown:
        return False
    coefficients, *_ = np.linalg.lstsq(matrix.T, vector, rcond=None)
    return bool(np.allclose(matrix.T @ coefficients, vector, atol=1e-7))


def check(rows, rest=None) -> None:
    team = counts_of(rows)
    school = counts_of(rows + (rest or [])) if rest is not None else None
    figures = _figures(KEY, LEVELS, team, school)
    verdict = privacy.digest_disclosure(figures)
    shown = published(figures, verdict)
    by_key = {f.key: f for f in figures}
    # the thresholds: nothing shown now is backed by fewer than 5 walkthroughs or 3 teachers
    for f in figures:
        if not f.fixed and verdict.shown(f.key):
            assert privacy.digest_figure_shown(f.walkthroughs, f.teachers), f.key
    # a worded distribution shows none of its shares; a shown one never states (almost) all or none
    for kind in ("week", "six"):
        total = by_key[(kind, 0, "n")]
        cells = [by_key[(kind, 0, v)] for v in LEVELS]
        if verdict.shown(total.key) and (kind, 0) not in verdict.worded:
            for c in cells:
                if verdict.shown(c.key):
                    assert 0 < c.walkthroughs < privacy.MOST_SHARE * total.walkthroughs
        if (kind, 0) in verdict.worded:
            assert not any(verdict.shown(c.key) for c in cells)
    # the named attacks, each an exact combination of shown figures; then every other one. (A team figure
    # that the school's published figures already pin down alone is public whatever the digest does.)
    out_there = [f for f in shown if f.fixed]
    for target in figures:
        if target.fixed or verdict.shown(target.key) or determined(target, out_there):
            continue
        kind, index, level = target.key
        group = [by_key[(kind, index, v)] for v in LEVELS if v != level] + [by_key[(kind, index, "n")]]
        if level != "n" and all(f in shown for f in group):
            raise AssertionError(f"{target.key} = total minus the other cells")
        assert not determined(target, shown), f"{target.key} can be worked out from what is shown"


@settings(max_examples=60, deadline=None)
@given(walkthroughs)
def test_no_withheld_figure_of_a_team_can_be_worked_out(rows):
    check(rows)


@settings(max_examples=40, deadline=None)
@given(walkthroughs, walkthroughs)
def test_nor_against_the_schools_figures_where_they_are_published(rows, others):
    check(rows, rest=[(t + 10, w, v) for t, w, v in others])


def test_six_weeks_minus_the_last_week_gives_nothing_away():
    """A thin last week (one teacher) inside a busy six weeks: the six weeks are shown, the week is not,
    and the six weeks before are not published in a way that gives the week back."""
    busy = [(t, w, 1 + (t + w) % 4) for w in range(1, WEEKS) for t in range(6) for _ in range(2)]
    thin = [(0, 0, 4)]
    check(busy + thin)
    team = counts_of(busy + thin)
    verdict = privacy.digest_disclosure(_figures(KEY, LEVELS, team, None))
    assert not verdict.shown(("week", 0, 4)) and not verdict.shown(("week", 0, "n"))
