"""A collaborative team's weekly digest: its grades' and subjects' walkthroughs, as the team may see them.

Every figure goes through `workflows.privacy.digest_disclosure` before it is shown: the team's figures of
the last week and the last six weeks, with what earlier digests and the school's figures already gave
away, so nothing withheld can be worked out. No teacher's name and no word of evidence is ever read here.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from workflows import privacy
from workflows.digests.figures import NONE, WEEKS, WINDOW_WEEKS, WINDOWS, Count, Counts, counts, week_start
from workflows.frameworks.models import Framework, FrameworkArea, LookFor
from workflows.frameworks.service import current_framework, rating_scale
from workflows.roster.models import School, SchoolClass, Team, TeamMember


@dataclass(frozen=True)
class Share:
    """One level of the continuum in a distribution: `share` None is withheld ("not enough data yet")."""

    label: str
    share: float | None
    strong: bool  # one of the upper levels of the continuum


@dataclass(frozen=True)
class Distribution:
    """A look-for's levels over one period. `walkthroughs` None: the whole figure is withheld."""

    walkthroughs: int | None
    shares: tuple[Share, ...]
    most: str | None = None  # "most walkthroughs at <label>", instead of shares
    strong: float | None = None  # share at the upper levels, where it can be told
    change: float | None = None  # the change of `strong` from the period before, in points

    @property
    def shown(self) -> bool:
        return self.walkthroughs is not None


@dataclass(frozen=True)
class LookForPicture:
    key: str
    text: str
    week: Distribution
    six_weeks: Distribution


@dataclass(frozen=True)
class AreaPicture:
    key: str
    name: str
    look_fors: tuple[LookForPicture, ...]
    strong: float | None  # the area's share at the upper levels over six weeks (mean of its look-fors)
    trend: tuple[float | None, ...]  # weekly share at the upper levels, oldest week first


@dataclass(frozen=True)
class TeamDigest:
    team_id: int
    team_name: str
    school_id: int
    school_name: str
    workspace: str
    channel: str | None
    week_of: date  # the Monday of the week reported
    weeks: tuple[date, ...]  # the six weeks of the trend, oldest first
    levels: tuple[str, ...]
    strong_levels: tuple[str, ...]
    areas: tuple[AreaPicture, ...]
    strongest: str | None
    to_grow: str | None
    prompt: str

    @property
    def anything(self) -> bool:
        return any(p.week.shown or p.six_weeks.shown for a in self.areas for p in a.look_fors)

    @property
    def withheld(self) -> int:
        """How many figures read "not enough data yet"."""
        return sum(
            (not d.shown) + sum(s.share is None for s in d.shares if d.most is None)
            for a in self.areas
            for p in a.look_fors
            for d in (p.week, p.six_weeks)
        )


def team_scope(session: Session, *, team: Team) -> tuple[list[int] | None, list[int] | None]:
    """The classes of the team's grades and subjects; a team with neither is its members' walkthroughs."""
    if not team.grades and not team.subjects:
        members = session.exec(select(TeamMember.person_id).where(TeamMember.team_id == team.id)).all()
        return None, sorted(members)
    classes = session.exec(
        select(SchoolClass.id, SchoolClass.grades, SchoolClass.subjects).where(SchoolClass.school_id == team.school_id)
    ).all()
    grades, subjects = set(team.grades), {s.lower() for s in team.subjects}
    chosen = [
        class_id
        for class_id, class_grades, class_subjects in classes
        if (not grades or grades & set(class_grades or []))
        and (not subjects or subjects & {s.lower() for s in class_subjects or []})
    ]
    return sorted(c for c in chosen if c is not None), None


def teams_of(session: Session, *, school_id: int) -> list[Team]:
    return list(
        session.exec(
            select(Team).where(Team.school_id == school_id, col(Team.active).is_(True)).order_by(col(Team.name))
        ).all()
    )


def school_counts(session: Session, *, school_id: int, monday: date) -> Counts:
    """The whole school's figures for the current week and window (what the school's digest could show)."""
    return counts(session, school_id=school_id, monday=monday, weeks=WINDOW_WEEKS, windows=1)


def team_digest(
    session: Session, *, team: Team, monday: date, school: Counts | None = None
) -> TeamDigest:
    """The team's digest for the week starting `monday`.

    `school`: the school's own figures, where they are published somewhere the team's members can read
    them (`school_counts`); the digest is then cut so nothing withheld can be worked out against them.
    Today the school's figures go only to its leaders (who may see individual data anyway), so the team
    digests are made without them."""
    school_row = session.get(School, team.school_id)
    assert school_row is not None and team.id is not None
    framework = _framework(session, school_row)
    class_ids, teacher_ids = team_scope(session, team=team)
    empty = (class_ids is not None and not class_ids) or (teacher_ids is not None and not teacher_ids)
    mine = (
        Counts({}, {}, {}, {})
        if empty
        else counts(session, school_id=team.school_id, monday=monday, class_ids=class_ids, teacher_ids=teacher_ids)
    )
    scale = [level for level in rating_scale(framework)] if framework else []
    levels = [level for level in scale if level.observed]
    values = [level.value for level in levels]
    strong_values = set(values[len(values) // 2 :])
    areas = _outline(session, framework)
    pictures: list[AreaPicture] = []
    for area_key, area_name, look_fors in areas:
        shown = []
        for key, text in look_fors:
            if mine.window_totals.get((key, 0), NONE).walkthroughs == 0 and mine.weekly_totals.get((key, 0), NONE).walkthroughs == 0:
                continue
            verdict = privacy.digest_disclosure(_figures(key, values, mine, school))
            week = _distribution(key, "week", 0, values, levels, strong_values, mine, verdict)
            six = _distribution(key, "six", 0, values, levels, strong_values, mine, verdict)
            shown.append(LookForPicture(key, text, week, six))
        if not shown:
            continue
        strongs = [p.six_weeks.strong for p in shown if p.six_weeks.strong is not None]
        trend = tuple(_area_week(shown, k, values, strong_values, mine) for k in range(WINDOW_WEEKS - 1, -1, -1))
        pictures.append(
            AreaPicture(area_key, area_name, tuple(shown), sum(strongs) / len(strongs) if strongs else None, trend)
        )
    ranked = sorted((a for a in pictures if a.strong is not None), key=lambda a: (a.strong or 0.0, a.name))
    strongest = ranked[-1].name if len(ranked) >= 2 else None
    to_grow = ranked[0].name if len(ranked) >= 2 else None
    return TeamDigest(
        team_id=team.id,
        team_name=team.name,
        school_id=team.school_id,
        school_name=school_row.name,
        workspace=team.workspace,
        channel=team.slack_channel,
        week_of=monday,
        weeks=tuple(week_start(monday, k) for k in range(WINDOW_WEEKS - 1, -1, -1)),
        levels=tuple(level.label for level in levels),
        strong_levels=tuple(level.label for level in levels if level.value in strong_values),
        areas=tuple(pictures),
        strongest=strongest,
        to_grow=to_grow,
        prompt=_prompt(ranked, [level.label for level in levels if level.value in strong_values]),
    )


def _framework(session: Session, school: School) -> Framework | None:
    return current_framework(session, district_id=school.district_id)


def _outline(session: Session, framework: Framework | None) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The framework's areas and their look-fors (by stable key), in the framework's order and words."""
    if framework is None:
        return []
    rows = session.exec(
        select(FrameworkArea, LookFor)
        .join(LookFor, col(LookFor.area_id) == FrameworkArea.id)
        .where(FrameworkArea.framework_id == framework.id)
        .order_by(col(FrameworkArea.position), col(LookFor.position))
    ).all()
    areas: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for area, look_for in rows:
        areas.setdefault(area.key, (area.name, []))[1].append((look_for.key, look_for.text))
    return [(key, name, items) for key, (name, items) in areas.items()]


def _figures(key: str, values: list[int], mine: Counts, school: Counts | None) -> list[privacy.DigestFigure]:
    """Every figure about one look-for that this digest, earlier digests or the school's could show."""
    figures: list[privacy.DigestFigure] = []

    def add(name: Hashable, atoms: set, count: Count, *, group: Hashable, total: bool, fixed: bool) -> None:
        figures.append(
            privacy.DigestFigure(name, frozenset(atoms), count.walkthroughs, count.teachers, group, total, fixed)
        )

    for k in range(WEEKS):
        group = ("week", k)
        for v in values:
            add(("week", k, v), {("t", k, v)}, mine.weekly.get((key, k, v), NONE), group=group, total=False, fixed=k > 0)
        add(("week", k, "n"), {("t", k, v) for v in values}, mine.weekly_totals.get((key, k), NONE), group=group,
            total=True, fixed=k > 0)  # fmt: skip
    for j in range(WINDOWS):
        group = ("six", j)
        weeks = range(j, j + WINDOW_WEEKS)
        for v in values:
            add(("six", j, v), {("t", k, v) for k in weeks}, mine.windows.get((key, j, v), NONE), group=group,
                total=False, fixed=j > 0)  # fmt: skip
        add(("six", j, "n"), {("t", k, v) for k in weeks for v in values}, mine.window_totals.get((key, j), NONE),
            group=group, total=True, fixed=j > 0)  # fmt: skip

    if school is None:
        return figures

    def rest(k: int, v: int) -> set:
        """The rest of the school in one week and level, where there is any (else the school is the team)."""
        more = school.weekly.get((key, k, v), NONE).walkthroughs > mine.weekly.get((key, k, v), NONE).walkthroughs
        return {("r", k, v)} if more else set()

    for name, weeks in (("school-week", range(1)), ("school-six", range(WINDOW_WEEKS))):
        group = (name,)
        cells = [school.weekly.get((key, 0, v), NONE) if name == "school-week" else school.windows.get((key, 0, v), NONE)
                 for v in values]  # fmt: skip
        total = school.weekly_totals.get((key, 0), NONE) if name == "school-week" else school.window_totals.get((key, 0), NONE)
        # The school's own figures follow the same rule where they are published: a level shown only when
        # every level of it passes the thresholds and none holds (almost) all.
        clean = all(privacy.digest_figure_shown(c.walkthroughs, c.teachers) for c in cells) and all(
            c.walkthroughs < privacy.MOST_SHARE * total.walkthroughs for c in cells
        )
        if clean:
            for v, count in zip(values, cells, strict=True):
                add((name, v), set().union(*({("t", k, v)} | rest(k, v) for k in weeks)), count, group=group,
                    total=False, fixed=True)  # fmt: skip
        add((name, "n"), set().union(*({("t", k, v)} | rest(k, v) for k in weeks for v in values)), total, group=group,
            total=True, fixed=True)  # fmt: skip
    return figures


def _distribution(
    key: str, kind: str, index: int, values: list[int], levels: list, strong_values: set[int], mine: Counts,
    verdict: privacy.DigestVerdict,
) -> Distribution:  # fmt: skip
    cells = mine.weekly if kind == "week" else mine.windows
    totals = mine.weekly_totals if kind == "week" else mine.window_totals
    total = totals.get((key, index), NONE)
    if not verdict.shown((kind, index, "n")):
        return Distribution(None, tuple(Share(lv.label, None, lv.value in strong_values) for lv in levels))
    worded = verdict.worded.get((kind, index))
    shares = tuple(
        Share(
            lv.label,
            None if worded is not None or not verdict.shown((kind, index, lv.value))
            else cells.get((key, index, lv.value), NONE).walkthroughs / total.walkthroughs,
            lv.value in strong_values,
        )
        for lv in levels
    )  # fmt: skip
    most = next((lv.label for lv in levels if worded == (kind, index, lv.value)), None)
    strong = _strong(shares, most, strong_values, levels)
    before = _fully_shown_strong(key, kind, index + (1 if kind == "week" else WINDOW_WEEKS), values, strong_values, mine)
    change = None if strong is None or before is None or most is not None else strong - before
    return Distribution(total.walkthroughs, shares, most, strong, change)


def _strong(shares: tuple[Share, ...], most: str | None, strong_values: set[int], levels: list) -> float | None:
    if most is not None:
        return None
    upper = [s.share for s in shares if s.strong]
    return None if any(s is None for s in upper) else sum(s or 0.0 for s in upper)


def _fully_shown_strong(
    key: str, kind: str, index: int, values: list[int], strong_values: set[int], mine: Counts
) -> float | None:
    """An earlier period's share at the upper levels, only where each of its figures passes the thresholds
    (so telling the change from it gives nothing away that its own digest did not)."""
    if (kind == "week" and index >= WEEKS) or (kind == "six" and index >= WINDOWS):
        return None
    cells = mine.weekly if kind == "week" else mine.windows
    totals = mine.weekly_totals if kind == "week" else mine.window_totals
    total = totals.get((key, index), NONE)
    parts = [cells.get((key, index, v), NONE) for v in values]
    if not privacy.digest_figure_shown(total.walkthroughs, total.teachers) or not all(
        privacy.digest_figure_shown(p.walkthroughs, p.teachers) for p in parts
    ):
        return None
    top = max(p.walkthroughs for p in parts)
    if top >= privacy.MOST_SHARE * total.walkthroughs:
        return None
    return sum(cells.get((key, index, v), NONE).walkthroughs for v in strong_values) / total.walkthroughs


def _area_week(
    shown: list[LookForPicture], week: int, values: list[int], strong_values: set[int], mine: Counts
) -> float | None:
    """The area's share at the upper levels in one week: the mean over look-fors whose week can be told."""
    found = [
        s
        for p in shown
        if (s := (p.week.strong if week == 0 else _fully_shown_strong(p.key, "week", week, values, strong_values, mine)))
        is not None
    ]
    return sum(found) / len(found) if found else None


def _prompt(ranked: list[AreaPicture], strong_labels: list[str]) -> str:
    """A question for the team's meeting, drawn from where the data points (never from a person)."""
    upper = " or ".join(strong_labels) or "the upper levels"
    if not ranked:
        return (
            "There are not enough walkthroughs yet for a picture of the team's classrooms. Which look-for "
            "would the team most like leaders to watch for in the coming weeks?"
        )
    grow = ranked[0]
    weakest = min(
        (p for p in grow.look_fors if p.six_weeks.strong is not None),
        key=lambda p: (p.six_weeks.strong or 0.0, p.text),
        default=None,
    )
    focus = f"“{weakest.text}”" if weakest else "this area"
    if len(ranked) == 1:
        return f"In {grow.name}, what would it take to see {focus} at {upper} in more of our classrooms?"
    return (
        f"{ranked[-1].name} was most often at {upper}, and {grow.name} is the one to grow. What would it take "
        f"to see {focus} in more of our classrooms, and what could each of us try this week?"
    )


def digest_week(today: date) -> date:
    """The Monday of the school week just ended, as seen on `today` (a Monday reports the week before)."""
    return today - timedelta(days=today.weekday() + 7)
