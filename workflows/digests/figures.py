"""The walkthrough figures behind a team digest, counted in the database (GROUP BY), never row by row.

Weeks are school weeks, Monday to Sunday, numbered back from the digest's week: 0 is the week just ended,
1 the week before, … up to 11. A window is six weeks: window 0 is weeks 0–5 ("the last six weeks"),
window 1 weeks 1–6, … window 6 weeks 6–11 ("the six weeks before"). Only observed ratings count; a
look-for is named by its stable key, so a framework reloaded mid-year still adds up.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, Integer, and_, case, func, literal, select, union_all
from sqlmodel import Session, col

from workflows.frameworks.models import LookFor
from workflows.walkthroughs.models import Walkthrough, WalkthroughRating

WEEKS = 12
WINDOW_WEEKS = 6
WINDOWS = WEEKS - WINDOW_WEEKS + 1


@dataclass(frozen=True)
class Count:
    """How many walkthroughs (= ratings of one look-for) and distinct teachers stand behind a figure."""

    walkthroughs: int
    teachers: int


NONE = Count(0, 0)


@dataclass(frozen=True)
class Counts:
    """Per look-for key: by (week, level), by week, by (window, level) and by window."""

    weekly: dict[tuple[str, int, int], Count]
    weekly_totals: dict[tuple[str, int], Count]
    windows: dict[tuple[str, int, int], Count]
    window_totals: dict[tuple[str, int], Count]

    def look_fors(self) -> set[str]:
        return {k for k, _ in self.weekly_totals} | {k for k, _ in self.window_totals}


def week_start(monday: date, week: int) -> date:
    return monday - timedelta(days=7 * week)


def _scope(school_id: int, class_ids: Collection[int] | None, teacher_ids: Collection[int] | None):  # type: ignore[no-untyped-def]
    where = [col(Walkthrough.school_id) == school_id, col(WalkthroughRating.observed).is_(True)]
    if class_ids is not None:
        where.append(col(Walkthrough.class_id).in_(sorted(class_ids)))
    if teacher_ids is not None:
        where.append(col(Walkthrough.teacher_id).in_(sorted(teacher_ids)))
    return where


def _rows(session: Session, statement) -> list:  # type: ignore[no-untyped-def]
    return list(session.execute(statement).all())


def counts(
    session: Session,
    *,
    school_id: int,
    monday: date,
    class_ids: Collection[int] | None = None,
    teacher_ids: Collection[int] | None = None,
    weeks: int = WEEKS,
    windows: int = WINDOWS,
) -> Counts:
    """The figures of the walkthroughs at a school (of some classes or teachers), in four queries."""
    end = monday + timedelta(days=6)
    first = week_start(monday, weeks - 1)
    scope = _scope(school_id, class_ids, teacher_ids)
    week = case(
        *[(col(Walkthrough.visit_date) >= week_start(monday, k), k) for k in range(weeks - 1)], else_=weeks - 1
    ).label("week")
    base = (
        select()
        .select_from(WalkthroughRating)
        .join(Walkthrough, col(Walkthrough.id) == WalkthroughRating.walkthrough_id)
        .join(LookFor, col(LookFor.id) == WalkthroughRating.look_for_id)
        .where(*scope, col(Walkthrough.visit_date) >= first, col(Walkthrough.visit_date) <= end)
    )
    teachers = func.count(func.distinct(Walkthrough.teacher_id))
    n = func.count(func.distinct(Walkthrough.id))
    weekly = {
        (key, w, value): Count(c, t)
        for key, w, value, c, t in _rows(
            session,
            base.add_columns(LookFor.key, week, WalkthroughRating.value, n, teachers).group_by(
                LookFor.key, week, WalkthroughRating.value
            ),
        )
    }
    weekly_totals = {
        (key, w): Count(c, t)
        for key, w, c, t in _rows(session, base.add_columns(LookFor.key, week, n, teachers).group_by(LookFor.key, week))
    }
    spans = union_all(
        *[
            select(
                literal(j, Integer).label("window"),
                literal(week_start(monday, j + WINDOW_WEEKS - 1), Date).label("start"),
                literal(week_start(monday, j) + timedelta(days=6), Date).label("end"),
            )
            for j in range(windows)
        ]
    ).subquery("span")
    in_window = (
        select()
        .select_from(WalkthroughRating)
        .join(Walkthrough, col(Walkthrough.id) == WalkthroughRating.walkthrough_id)
        .join(LookFor, col(LookFor.id) == WalkthroughRating.look_for_id)
        .join(spans, and_(col(Walkthrough.visit_date) >= spans.c.start, col(Walkthrough.visit_date) <= spans.c.end))
        .where(*scope, col(Walkthrough.visit_date) >= first, col(Walkthrough.visit_date) <= end)
    )
    window_cells = {
        (key, j, value): Count(c, t)
        for key, j, value, c, t in _rows(
            session,
            in_window.add_columns(LookFor.key, spans.c.window, WalkthroughRating.value, n, teachers).group_by(
                LookFor.key, spans.c.window, WalkthroughRating.value
            ),
        )
    }
    window_totals = {
        (key, j): Count(c, t)
        for key, j, c, t in _rows(
            session,
            in_window.add_columns(LookFor.key, spans.c.window, n, teachers).group_by(LookFor.key, spans.c.window),
        )
    }
    return Counts(weekly, weekly_totals, window_cells, window_totals)
