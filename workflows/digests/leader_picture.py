"""The data picture of a school for its leaders: the share of look-for ratings at the top of the framework's
continuum, by grade, by subject and by framework area, over the last three weeks beside the three before.

Counted in SQL (GROUP BY class and period, or area and period); a class's grades and subjects then fold
those few grouped rows into grades and subjects (a class taught to two grades counts in each).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from workflows.frameworks.models import Framework, FrameworkArea, LookFor
from workflows.frameworks.service import current_framework, rating_scale
from workflows.roster.models import School, SchoolClass
from workflows.walkthroughs.models import Walkthrough, WalkthroughRating

PERIOD_WEEKS = 3  # the last three weeks beside the three before: a month's review sees a trend
TREND_POINTS = 10  # a change of this many percentage points or more reads as a rise or a fall
MIN_RATINGS = 5  # fewer ratings than this give a share too noisy to read a trend from


@dataclass(frozen=True)
class Share:
    top: int
    rated: int

    @property
    def value(self) -> float | None:
        return self.top / self.rated if self.rated else None


@dataclass(frozen=True)
class PictureRow:
    label: str
    recent: Share
    before: Share

    @property
    def change(self) -> float | None:
        """Percentage points from the weeks before to the recent ones; None when either is too thin."""
        if self.recent.rated < MIN_RATINGS or self.before.rated < MIN_RATINGS:
            return None
        return 100 * ((self.recent.value or 0) - (self.before.value or 0))


@dataclass(frozen=True)
class DataPicture:
    school_id: int
    top_label: str  # "Proficient or above"
    recent_from: date
    before_from: date
    until: date
    by_grade: tuple[PictureRow, ...]
    by_subject: tuple[PictureRow, ...]
    by_area: tuple[PictureRow, ...]

    @property
    def empty(self) -> bool:
        return not any(r.recent.rated or r.before.rated for r in self.by_area)

    @property
    def strongest(self) -> PictureRow | None:
        rows = [r for r in self.by_area if r.recent.rated >= MIN_RATINGS]
        return max(rows, key=lambda r: (r.recent.value or 0, r.label)) if rows else None

    @property
    def to_grow(self) -> PictureRow | None:
        rows = [r for r in self.by_area if r.recent.rated >= MIN_RATINGS and r is not self.strongest]
        return min(rows, key=lambda r: (r.recent.value or 0, r.label)) if rows else None

    @property
    def rising(self) -> tuple[str, ...]:
        return tuple(r.label for r in self.by_area if (r.change or 0) >= TREND_POINTS)


def top_threshold(session: Session, school: School) -> tuple[int, str]:
    """The lowest value of the upper half of the observed levels, and its label ("Proficient or above")."""
    framework = current_framework(session, district_id=school.district_id)
    levels = [lvl for lvl in rating_scale(framework) if lvl.observed and lvl.value > 0] if framework else []
    if not levels:
        return 3, "the top levels"
    levels.sort(key=lambda lvl: lvl.value)
    top = levels[len(levels) // 2]
    return top.value, f"{top.label} or above"


def data_picture(
    session: Session, *, school_id: int, until: date, observer_id: int | None = None
) -> DataPicture:
    """The school's picture up to `until` (all observers', or one observer's when given)."""
    school = session.get(School, school_id)
    assert school is not None
    threshold, label = top_threshold(session, school)
    recent_from = until - timedelta(weeks=PERIOD_WEEKS) + timedelta(days=1)
    before_from = recent_from - timedelta(weeks=PERIOD_WEEKS)
    recent = case((Walkthrough.visit_date >= recent_from, 1), else_=0)
    top = func.sum(case((WalkthroughRating.value >= threshold, 1), else_=0))
    base = [
        Walkthrough.school_id == school_id,
        col(WalkthroughRating.observed).is_(True),
        Walkthrough.visit_date >= before_from,
        Walkthrough.visit_date <= until,
    ]
    if observer_id is not None:
        base.append(Walkthrough.observer_id == observer_id)
    by_class = session.exec(
        select(Walkthrough.class_id, recent.label("recent"), func.count(), top)
        .join(WalkthroughRating, col(WalkthroughRating.walkthrough_id) == Walkthrough.id)
        .where(*base)
        .group_by(col(Walkthrough.class_id), recent)
    ).all()
    classes = {
        c.id: c
        for c in session.exec(
            select(SchoolClass).where(col(SchoolClass.id).in_(sorted({r[0] for r in by_class if r[0]})))
        ).all()
    }
    grades: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    subjects: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for class_id, is_recent, rated, tops in by_class:
        found = classes.get(class_id)
        for names, into in (
            (found.grades if found else [], grades),
            (found.subjects if found else [], subjects),
        ):
            for name in names or ["Not recorded"]:
                cell = into[name]
                cell[0 if is_recent else 2] += int(tops or 0)
                cell[1 if is_recent else 3] += int(rated)
    by_area = session.exec(
        select(
            FrameworkArea.key,
            func.max(FrameworkArea.name),
            func.min(FrameworkArea.position),
            recent.label("recent"),
            func.count(),
            top,
        )
        .join(WalkthroughRating, col(WalkthroughRating.walkthrough_id) == Walkthrough.id)
        .join(LookFor, col(LookFor.id) == WalkthroughRating.look_for_id)
        .join(FrameworkArea, col(FrameworkArea.id) == LookFor.area_id)
        .join(Framework, col(Framework.id) == FrameworkArea.framework_id)
        .where(*base)
        .group_by(col(FrameworkArea.key), recent)
    ).all()
    areas: dict[str, list] = {}
    for key, name, position, is_recent, rated, tops in by_area:
        cell = areas.setdefault(key, [name, position, 0, 0, 0, 0])
        cell[2 if is_recent else 4] += int(tops or 0)
        cell[3 if is_recent else 5] += int(rated)
    return DataPicture(
        school_id, label, recent_from, before_from, until,
        by_grade=_rows(grades, key=_grade_order), by_subject=_rows(subjects, key=str),
        by_area=tuple(
            PictureRow(name, Share(a, b), Share(c, d))
            for name, _pos, a, b, c, d in sorted(areas.values(), key=lambda v: (v[1], v[0]))
        ),
    )  # fmt: skip


def _grade_order(grade: str) -> tuple[int, str]:
    return (
        (int(grade), grade) if grade.isdigit() else (-1 if grade.upper() in ("KG", "K", "PK") else 99, grade)
    )


def _rows(cells: dict[str, list[int]], *, key) -> tuple[PictureRow, ...]:  # type: ignore[no-untyped-def]
    return tuple(
        PictureRow(name, Share(c[0], c[1]), Share(c[2], c[3]))
        for name, c in sorted(cells.items(), key=lambda i: key(i[0]))
    )
