"""Calibration: how often two leaders who watched the same lesson rated each look-for the same way.

Leadership routines ask for "calibration" visits so that walkthrough data means the same thing whoever
collects it. Two walkthroughs form a calibration pair when two different observers logged the same teacher's
class in the same period on the same school day (whether or not they planned it), or when one was logged
as the paired visit of the other (`Walkthrough.paired_with_id`).

The figures, per look-for and pooled over all look-fors:

- percent agreement: the share of rating pairs that are exactly the same level;
- adjacent agreement: the share within one level of each other on the continuum (a common calibration
  figure: "we disagree, but only by a step");
- Cohen's kappa: agreement corrected for chance, κ = (p_o − p_e) / (1 − p_e), where p_e comes from each
  observer's own marginals. κ is undefined (None, shown as "—") when p_e = 1, which happens exactly when
  both observers used one and the same level every time: there is nothing to tell chance from skill. It is
  also None below `MIN_PAIRS_FOR_KAPPA` pairs: one pair gives κ of 0 or undefined, never information.

"Not observed" is its own category. If one observer rated a look-for and the other marked it not observed,
they disagree about whether the practice was there at all, which is precisely what calibration has to
surface. Both marking it not observed is an agreement. "Not observed" is never adjacent to any level: it
sits outside the continuum (value 0 while observed levels count 1, 2, 3…).

In each pair the first observer is the one who logged first (the one who invited the other on a planned
paired visit); Cohen's kappa keeps the two observers' marginals apart in that order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import and_, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from workflows.frameworks.models import FrameworkArea, LookFor
from workflows.privacy import led_school_ids
from workflows.walkthroughs.models import Walkthrough, WalkthroughRating

NOT_OBSERVED = 0
MIN_PAIRS_FOR_KAPPA = 2

RatingPair = tuple[int, int]
"""(first observer's level value, second observer's level value); `NOT_OBSERVED` for "not observed"."""


# ── the maths (pure) ─────────────────────────────────────────────────────────────────────────────────


def agreement(pairs: Sequence[RatingPair]) -> float | None:
    """The share of pairs rated exactly alike; None when there are no pairs."""
    if not pairs:
        return None
    return sum(1 for a, b in pairs if a == b) / len(pairs)


def adjacent(a: int, b: int) -> bool:
    """Same level, or neighbouring observed levels. "Not observed" is next to nothing but itself."""
    if a == b:
        return True
    return a != NOT_OBSERVED and b != NOT_OBSERVED and abs(a - b) == 1


def adjacent_agreement(pairs: Sequence[RatingPair]) -> float | None:
    """The share of pairs at most one level apart (see `adjacent`); None when there are no pairs."""
    if not pairs:
        return None
    return sum(1 for a, b in pairs if adjacent(a, b)) / len(pairs)


def cohens_kappa(pairs: Sequence[RatingPair], categories: Iterable[int] | None = None) -> float | None:
    """Cohen's kappa for two observers; None below `MIN_PAIRS_FOR_KAPPA` pairs or when p_e = 1.

    `categories` are the levels the scale allows; a rating outside them is an error (it would mean pairs
    from two different scales were mixed). Levels nobody used add nothing to p_e, so they may be left out.
    Computed with exact fractions so that "p_e = 1" is an exact test, not a floating-point accident.
    """
    allowed = frozenset(categories) if categories is not None else None
    if allowed is not None:
        stray = sorted({r for pair in pairs for r in pair} - allowed)
        if stray:
            raise ValueError(f"ratings {stray} are not among the categories {sorted(allowed)}")
    n = len(pairs)
    if n < MIN_PAIRS_FOR_KAPPA:
        return None
    observed = Fraction(sum(1 for a, b in pairs if a == b), n)
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = Fraction(sum(first[c] * second[c] for c in first), n * n)
    if expected == 1:
        return None
    return float((observed - expected) / (1 - expected))


@dataclass(frozen=True)
class CalibrationRow:
    """One line of the report: a look-for (or "overall") and the figures behind it."""

    look_for: str  # the look-for's stable key; "" for the overall row
    text: str
    pairs: int
    agreement: float | None
    adjacent_agreement: float | None
    kappa: float | None


@dataclass(frozen=True)
class CalibrationReport:
    """The overall row (every look-for's rating pairs pooled), then one row per look-for."""

    overall: CalibrationRow
    look_fors: tuple[CalibrationRow, ...]
    paired_visits: int | None = None  # how many pairs of walkthroughs, when known

    @property
    def empty(self) -> bool:
        return self.overall.pairs == 0


OVERALL = "Overall"


def calibration_row(look_for: str, text: str, pairs: Sequence[RatingPair]) -> CalibrationRow:
    return CalibrationRow(
        look_for=look_for,
        text=text,
        pairs=len(pairs),
        agreement=agreement(pairs),
        adjacent_agreement=adjacent_agreement(pairs),
        kappa=cohens_kappa(pairs),
    )


def calibration_report(
    pairs_by_look_for: Mapping[str, Sequence[RatingPair]],
    *,
    titles: Mapping[str, str] | None = None,
    paired_visits: int | None = None,
) -> CalibrationReport:
    """Figures per look-for, in the mapping's order, and overall over all rating pairs pooled.

    The pooled kappa uses the pooled marginals: one question, "do these observers use the scale alike?",
    answered over every look-for at once. Look-fors with no pairs are left out.
    """
    titles = titles or {}
    rows = tuple(
        calibration_row(key, titles.get(key, key), pairs) for key, pairs in pairs_by_look_for.items() if pairs
    )
    pooled = [pair for pairs in pairs_by_look_for.values() for pair in pairs]
    return CalibrationReport(
        overall=calibration_row("", OVERALL, pooled), look_fors=rows, paired_visits=paired_visits
    )


# ── pairs from the database ──────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class CalibrationPair:
    """Two observers' walkthroughs of one lesson, and their ratings of the look-fors both rated."""

    school_id: int
    visit_date: date
    teacher_id: int
    first_walkthrough_id: int
    second_walkthrough_id: int
    first_observer_id: int
    second_observer_id: int
    ratings: Mapping[str, RatingPair]  # look-for key → (first observer's level, second observer's level)


def find_pairs(
    session: Session, *, school_ids: Iterable[int], since: date | None = None
) -> list[CalibrationPair]:
    """Calibration pairs at these schools (visits on or after `since`), oldest first.

    Same lesson means: same school, teacher, class and period on the same school day, different observers;
    or an explicit paired visit. Each pair of observers counts once per lesson, with each observer's first
    walkthrough of it. Ratings are matched by look-for key, which stays the same across framework versions.
    """
    schools = sorted(set(school_ids))
    if not schools:
        return []
    first, second = aliased(Walkthrough), aliased(Walkthrough)
    same_lesson = and_(
        second.school_id == first.school_id,
        second.visit_date == first.visit_date,
        second.teacher_id == first.teacher_id,
        col(second.class_id).is_not_distinct_from(first.class_id),
        col(second.period).is_not_distinct_from(first.period),
        second.observer_id != first.observer_id,
    )
    statement = (
        select(first, second)
        .join(second, or_(same_lesson, second.paired_with_id == first.id, first.paired_with_id == second.id))
        .where(
            col(first.school_id).in_(schools),
            col(second.school_id).in_(schools),
            col(first.id) < col(second.id),
        )
        .order_by(col(first.visited_at), col(first.id), col(second.visited_at), col(second.id))
    )
    if since is not None:
        statement = statement.where(first.visit_date >= since, second.visit_date >= since)
    lessons: dict[tuple, tuple[Walkthrough, Walkthrough]] = {}
    for a, b in session.exec(statement).all():
        a, b = sorted((a, b), key=lambda w: (w.visited_at, w.id or 0))
        if a.observer_id == b.observer_id:
            continue
        lesson = (a.school_id, a.visit_date, a.teacher_id, a.class_id, a.period)
        lessons.setdefault((*lesson, frozenset((a.observer_id, b.observer_id))), (a, b))
    chosen = sorted(
        lessons.values(), key=lambda p: (p[0].visited_at, p[0].id or 0, p[1].visited_at, p[1].id or 0)
    )
    ratings = _ratings_by_key(session, {w.id or 0 for pair in chosen for w in pair})
    found = []
    for a, b in chosen:
        by_first, by_second = ratings.get(a.id or 0, {}), ratings.get(b.id or 0, {})
        found.append(
            CalibrationPair(
                school_id=a.school_id,
                visit_date=a.visit_date,
                teacher_id=a.teacher_id,
                first_walkthrough_id=a.id or 0,
                second_walkthrough_id=b.id or 0,
                first_observer_id=a.observer_id,
                second_observer_id=b.observer_id,
                ratings={key: (by_first[key], by_second[key]) for key in by_first if key in by_second},
            )
        )
    return found


def report_for_pairs(session: Session, pairs: Sequence[CalibrationPair]) -> CalibrationReport:
    """The report over these pairs, look-fors in the framework's order and in its newest words."""
    by_key: dict[str, list[RatingPair]] = {}
    for pair in pairs:
        for key, ratings in pair.ratings.items():
            by_key.setdefault(key, []).append(ratings)
    titles, order = _look_for_titles(
        session, {p.first_walkthrough_id for p in pairs} | {p.second_walkthrough_id for p in pairs}
    )
    ordered = {key: by_key[key] for key in sorted(by_key, key=lambda k: (order[k], k))}
    return calibration_report(ordered, titles=titles, paired_visits=len(pairs))


def calibration_for_leader(
    session: Session, *, leader_person_id: int, since: date | None = None
) -> CalibrationReport:
    """The calibration figures a leader may see: pairs at the schools they lead, and nowhere else."""
    schools = led_school_ids(session, person_id=leader_person_id)
    return report_for_pairs(session, find_pairs(session, school_ids=schools, since=since))


def _ratings_by_key(session: Session, walkthrough_ids: set[int]) -> dict[int, dict[str, int]]:
    if not walkthrough_ids:
        return {}
    rows = session.exec(
        select(WalkthroughRating, LookFor.key)
        .join(LookFor, col(LookFor.id) == WalkthroughRating.look_for_id)
        .where(col(WalkthroughRating.walkthrough_id).in_(sorted(walkthrough_ids)))
    ).all()
    found: dict[int, dict[str, int]] = {}
    for rating, key in rows:
        found.setdefault(rating.walkthrough_id, {})[key] = rating.value if rating.observed else NOT_OBSERVED
    return found


def _look_for_titles(
    session: Session, walkthrough_ids: set[int]
) -> tuple[dict[str, str], dict[str, tuple[int, int]]]:
    """Each rated key's text and (area, look-for) position, from the newest version that rated it."""
    if not walkthrough_ids:
        return {}, {}
    rows = session.exec(
        select(LookFor, FrameworkArea)
        .join(FrameworkArea, col(FrameworkArea.id) == LookFor.area_id)
        .join(WalkthroughRating, col(WalkthroughRating.look_for_id) == LookFor.id)
        .where(col(WalkthroughRating.walkthrough_id).in_(sorted(walkthrough_ids)))
        .order_by(col(LookFor.framework_id), col(LookFor.id))
    ).all()
    titles: dict[str, str] = {}
    order: dict[str, tuple[int, int]] = {}
    for look_for, area in rows:  # later framework versions come later and win
        titles[look_for.key] = look_for.text
        order[look_for.key] = (area.position, look_for.position)
    return titles, order
