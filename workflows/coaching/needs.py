"""Professional-learning needs: the needs tags of a school's coaching entries, by framework area, with the
number of distinct teachers and entries, the trend over the last four months, and beside each area the
walkthrough picture for the same area (the share of its look-for ratings at each level), so a school plans
its professional development from both.

Thresholded like every aggregate: a coaching figure backed by fewer than 3 teachers is withheld, and a
walkthrough picture needs at least 5 walkthroughs of 3 teachers. Nothing here carries a name or a note.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from workflows import privacy
from workflows.coaching.choices import AREA_TAG, OWN_TAG, coaching_framework
from workflows.coaching.models import CoachingEntry, NeedsTag
from workflows.coaching.settings import coaching_settings
from workflows.frameworks.models import Framework, FrameworkArea, LookFor
from workflows.frameworks.service import rating_scale
from workflows.roster.models import School
from workflows.walkthroughs.models import Walkthrough, WalkthroughRating

MONTHS = 4
MIN_WALKTHROUGHS = 5


@dataclass(frozen=True)
class LevelShare:
    label: str
    share: float


@dataclass(frozen=True)
class AreaNeeds:
    """One area (or one of the school's own tags). None anywhere means withheld."""

    tag: str
    label: str
    teachers: int | None
    entries: int | None
    trend: tuple[tuple[date, int | None], ...]
    walkthrough_levels: tuple[LevelShare, ...] | None
    walkthrough_ratings: int | None
    is_area: bool


@dataclass(frozen=True)
class NeedsReport:
    school_id: int
    school_name: str
    since: date
    today: date
    areas: tuple[AreaNeeds, ...]

    @property
    def months(self) -> tuple[date, ...]:
        return _months(self.today)


def default_since(today: date) -> date:
    """The start of the four-month window the trend covers."""
    return _months(today)[0]


def _months(today: date) -> tuple[date, ...]:
    firsts = []
    year, month = today.year, today.month
    for _ in range(MONTHS):
        firsts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return tuple(reversed(firsts))


def _shown(teachers: set[int], value: int) -> int | None:
    return value if privacy.coaching_figure_shown(len(teachers)) else None


def pd_needs(session: Session, *, school_id: int, since: date, today: date, now: datetime) -> NeedsReport:
    """The school's needs by area since `since`, the last four months' trend, and the walkthrough picture."""
    school = session.get(School, school_id)
    assert school is not None
    months = _months(today)
    start = min(since, months[0])
    rows = session.exec(
        select(NeedsTag.tag, NeedsTag.label, CoachingEntry.teacher_id, CoachingEntry.held_on)
        .join(CoachingEntry, col(CoachingEntry.id) == NeedsTag.entry_id)
        .where(CoachingEntry.school_id == school_id, col(CoachingEntry.held_on) >= start)
    ).all()
    teachers: dict[str, set[int]] = defaultdict(set)
    entries: Counter[str] = Counter()
    by_month: dict[tuple[str, date], set[int]] = defaultdict(set)
    month_entries: Counter[tuple[str, date]] = Counter()
    labels: dict[str, str] = {}
    for tag, label, teacher, held_on in rows:
        labels[tag] = label
        if held_on >= since:
            teachers[tag].add(teacher)
            entries[tag] += 1
        month = date(held_on.year, held_on.month, 1)
        if month in months:
            by_month[(tag, month)].add(teacher)
            month_entries[(tag, month)] += 1

    framework = coaching_framework(session, school_id=school_id, now=now)
    tags = [(AREA_TAG + a.key, a.name) for a in framework.areas]
    tags += [(OWN_TAG + t, t) for t in coaching_settings(session, school_id=school_id).needs_tags]
    known = {t for t, _ in tags}
    tags += sorted(((t, labels[t]) for t in labels if t not in known), key=lambda pair: pair[1])
    pictures = _walkthrough_pictures(session, school_id=school_id, since=since)
    return NeedsReport(
        school_id=school_id,
        school_name=school.name,
        since=since,
        today=today,
        areas=tuple(
            AreaNeeds(
                tag=tag,
                label=label,
                teachers=_shown(teachers[tag], len(teachers[tag])),
                entries=_shown(teachers[tag], entries[tag]),
                trend=tuple((m, _shown(by_month[(tag, m)], month_entries[(tag, m)])) for m in months),
                walkthrough_levels=pictures.get(tag, (None, None))[0],
                walkthrough_ratings=pictures.get(tag, (None, None))[1],
                is_area=tag.startswith(AREA_TAG),
            )
            for tag, label in tags
        ),
    )


def _walkthrough_pictures(
    session: Session, *, school_id: int, since: date
) -> dict[str, tuple[tuple[LevelShare, ...] | None, int | None]]:
    """Per area tag: the share of its look-for ratings at each level, or (None, None) when too thin."""
    rows = session.exec(
        select(
            FrameworkArea.key,
            WalkthroughRating.value,
            Walkthrough.id,
            Walkthrough.teacher_id,
            Walkthrough.framework_id,
        )
        .join(Walkthrough, col(Walkthrough.id) == WalkthroughRating.walkthrough_id)
        .join(LookFor, col(LookFor.id) == WalkthroughRating.look_for_id)
        .join(FrameworkArea, col(FrameworkArea.id) == LookFor.area_id)
        .where(
            Walkthrough.school_id == school_id,
            col(Walkthrough.visit_date) >= since,
            col(Walkthrough.paired_with_id).is_(None),  # a calibration partner's ratings count once
        )
    ).all()
    scales: dict[int, dict[int, tuple[int, str]]] = {}
    for framework in session.exec(select(Framework).where(col(Framework.id).in_({r[4] for r in rows}))).all():
        scales[framework.id or 0] = {
            lvl.value: (i, lvl.label) for i, lvl in enumerate(rating_scale(framework))
        }
    by_area: dict[str, list[tuple[int, int, int, str]]] = defaultdict(list)
    for key, value, walkthrough_id, teacher_id, framework_id in rows:
        order, label = scales.get(framework_id, {}).get(value, (value, str(value)))
        by_area[AREA_TAG + key].append((walkthrough_id, teacher_id, order, label))
    pictures: dict[str, tuple[tuple[LevelShare, ...] | None, int | None]] = {}
    for tag, ratings in by_area.items():
        walkthroughs = {w for w, *_ in ratings}
        teachers = {t for _, t, *_ in ratings}
        if len(walkthroughs) < MIN_WALKTHROUGHS or not privacy.coaching_figure_shown(len(teachers)):
            pictures[tag] = (None, None)
            continue
        counts = Counter((order, label) for *_, order, label in ratings)
        pictures[tag] = (
            tuple(LevelShare(label, n / len(ratings)) for (_, label), n in sorted(counts.items())),
            len(ratings),
        )
    return pictures
