"""The rules that place a leader at a level of each roadmap stage, from figures of their own records.

Pure: `RoadmapRecord` holds the figures (counted in SQL by `workflows.roadmap.levels`), each rule returns
the level, the figure that placed the leader there, and what would move them up, beside the rubric's words.
The window is the leader's last `WINDOW_SCHOOL_DAYS` school days; the pace and the per-teacher picture are
over the school year so far.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workflows.roadmap.rubric import Stage, rubric_text

WINDOW_SCHOOL_DAYS = 20  # four school weeks: two rotations of the default 10-day cycle
EVERY_DAY = 0.9  # "every day": three visits on 9 school days in 10 (a sick day is not a lapse)
FEW_A_WEEK = 2.0  # "a few times a week"
IMMEDIATELY = 0.8  # evidence shared within the hour, on this share of visits
ALWAYS_IMMEDIATELY = 0.95
CONVERSATION_SOON = 0.5  # a conversation within two days, after this share of visits
CONVERSATION_MOSTLY = 0.8
WRITTEN_FEEDBACK = 0.5  # written evidence reached the teacher, on this share of visits
LEVELED = 0.5  # walkthroughs that rated a look-for on the continuum
REGULARLY_LEVELED = 0.8
ON_PACE = 1.0
NEARLY_ON_PACE = 0.9
SOME_PACE = 0.25
GENERAL_SENSE = 0.8  # of the caseload with three rated walkthroughs this year
RATED_VISITS_PER_TEACHER = 3
AREAS_PER_TEACHER = 3
ROLES = ("directive", "reflective", "reflexive")


@dataclass(frozen=True)
class RoadmapRecord:
    """One leader's figures, at the schools they lead."""

    school_days: int  # in the window
    visits: int  # in the window
    days_with_three: int  # school days in the window with three or more visits
    caseload: int
    seen_this_cycle: int  # caseload teachers seen in the last cycle's school days
    cycle_length: int
    teachers_seen_twice: int  # in the window
    teachers_in_two_periods: int  # of those, seen in two periods or more
    shared: int  # visits whose written evidence reached the teacher
    shared_within_hour: int
    conversations: int  # visits followed by a conversation within two days
    roles_used: frozenset[str]
    rated: int  # visits that rated at least one look-for on the continuum
    framework_conversations: int  # conversations after a rated visit
    teachers_with_framework_conversation: int  # caseload teachers with one in the window
    year_visits: int
    pace_expected: float  # where the pace towards 500 should be on this school day
    improved_areas: tuple[str, ...]  # framework areas whose share at the top levels rose
    teachers_three_rated: int  # this year
    teachers_three_areas: int  # this year: three rated visits, in three areas or more
    review_current: bool  # a data review recorded, and none due since


@dataclass(frozen=True)
class Placement:
    stage: Stage
    level: int
    rule: str  # the rubric's words for this level
    figure: str  # what placed the leader here
    move_up: str | None  # what would move them up; None at level 4


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _pct(part: int, whole: int) -> str:
    return f"{round(100 * _share(part, whole))}%"


def walkthroughs(r: RoadmapRecord) -> Placement:
    per_week = r.visits * 5 / r.school_days if r.school_days else 0.0
    every_day = _share(r.days_with_three, r.school_days) >= EVERY_DAY
    everyone = r.caseload > 0 and r.seen_this_cycle >= r.caseload
    varied = r.teachers_seen_twice > 0 and r.teachers_in_two_periods >= r.teachers_seen_twice
    daily = f"3 visits or more on {r.days_with_three} of {r.school_days} school days"
    cycle = f"{r.seen_this_cycle} of {r.caseload} teachers seen in the last {r.cycle_length} school days"
    if every_day and everyone and varied:
        return _placed(Stage.WALKTHROUGHS, 4, f"{daily}; {cycle}; every teacher seen twice was seen in "
                       "different periods", None)  # fmt: skip
    if every_day and everyone:
        return _placed(Stage.WALKTHROUGHS, 3, f"{daily}; {cycle}",
                       f"see each teacher at different times of day: {r.teachers_in_two_periods} of "
                       f"{r.teachers_seen_twice} teachers seen twice were seen in two periods or more")  # fmt: skip
    if per_week >= FEW_A_WEEK:
        missing = []
        if not every_day:
            missing.append(f"3 visits on 9 school days in 10 (now {daily})")
        if not everyone:
            missing.append(f"every teacher each cycle (now {cycle})")
        return _placed(
            Stage.WALKTHROUGHS, 2, f"{per_week:.1f} visits a school week; {cycle}", " and ".join(missing)
        )
    return _placed(Stage.WALKTHROUGHS, 1, f"{per_week:.1f} visits a school week over {r.school_days} school days",
                   f"{FEW_A_WEEK:.0f} visits a school week or more")  # fmt: skip


def conversations(r: RoadmapRecord) -> Placement:
    hour, talk, written = (_share(n, r.visits) for n in (r.shared_within_hour, r.conversations, r.shared))
    roles = [role for role in ROLES if role in r.roles_used]
    figure = (
        f"evidence shared within the hour after {r.shared_within_hour} of {r.visits} visits "
        f"({_pct(r.shared_within_hour, r.visits)}); a conversation within two days after {r.conversations} "
        f"({_pct(r.conversations, r.visits)})"
    )
    if hour >= ALWAYS_IMMEDIATELY and talk >= CONVERSATION_MOSTLY and len(roles) == len(ROLES):
        return _placed(Stage.CONVERSATIONS, 4, f"{figure}; roles: {', '.join(roles)}", None)
    if hour >= IMMEDIATELY and talk >= CONVERSATION_SOON:
        wanted = [role for role in ROLES if role not in roles]
        steps = []
        if hour < ALWAYS_IMMEDIATELY:
            steps.append("evidence within the hour after 95% of visits")
        if talk < CONVERSATION_MOSTLY:
            steps.append("a conversation after 80% of visits")
        if wanted:
            steps.append(f"conversations in the {', '.join(wanted)} role as teachers need it")
        return _placed(Stage.CONVERSATIONS, 3, figure, "; ".join(steps))
    if written >= WRITTEN_FEEDBACK:
        return _placed(Stage.CONVERSATIONS, 2, f"written evidence reached the teacher after {r.shared} of "
                       f"{r.visits} visits; {figure}", "evidence within the hour after 80% of visits and a "
                       "conversation after half of them")  # fmt: skip
    return _placed(Stage.CONVERSATIONS, 1, f"written evidence reached the teacher after {r.shared} of {r.visits} "
                   "visits", "share the written evidence with the teacher after half your visits or more")  # fmt: skip


def framework(r: RoadmapRecord) -> Placement:
    rated = _share(r.rated, r.visits)
    talk = _share(r.framework_conversations, r.visits)
    figure = f"{r.rated} of {r.visits} visits rated look-fors on the framework's continuum ({_pct(r.rated, r.visits)})"
    talks = f"{r.framework_conversations} conversations after a rated visit"
    each = r.caseload > 0 and r.teachers_with_framework_conversation >= r.caseload
    reach = f"{r.teachers_with_framework_conversation} of {r.caseload} teachers had one"
    if rated >= REGULARLY_LEVELED and talk >= CONVERSATION_SOON and each:
        return _placed(Stage.FRAMEWORK, 4, f"{figure}; {talks}; {reach}", None)
    if rated >= REGULARLY_LEVELED and talk >= CONVERSATION_SOON:
        return _placed(Stage.FRAMEWORK, 3, f"{figure}; {talks}",
                       f"a conversation in the framework's language with each teacher ({reach})")  # fmt: skip
    if rated >= LEVELED:
        return _placed(Stage.FRAMEWORK, 2, f"{figure}; {talks}",
                       "rate look-fors on 80% of visits and hold a conversation after half of them")  # fmt: skip
    return _placed(
        Stage.FRAMEWORK, 1, figure, "rate the look-fors on the continuum on half your visits or more"
    )


def classrooms_500(r: RoadmapRecord) -> Placement:
    pace = r.year_visits / r.pace_expected if r.pace_expected > 0 else 0.0
    figure = (
        f"{r.year_visits} visits this school year; the pace for 500 is at {r.pace_expected:.0f} ({pace:.0%})"
    )
    if pace >= ON_PACE and r.improved_areas:
        return _placed(
            Stage.CLASSROOMS_500, 4, f"{figure}; practice rose in {', '.join(r.improved_areas)}", None
        )
    if pace >= NEARLY_ON_PACE:
        steps = [] if pace >= ON_PACE else [f"reach the pace ({r.pace_expected:.0f} visits by today)"]
        if not r.improved_areas:
            steps.append("practice rising in an area of the framework over the last three weeks")
        return _placed(Stage.CLASSROOMS_500, 3, figure, " and ".join(steps))
    if pace >= SOME_PACE:
        return _placed(Stage.CLASSROOMS_500, 2, figure,
                       f"{NEARLY_ON_PACE * r.pace_expected:.0f} visits by today (90% of the pace)")  # fmt: skip
    return _placed(Stage.CLASSROOMS_500, 1, figure, f"{SOME_PACE * r.pace_expected:.0f} visits by today")


def high_performance(r: RoadmapRecord) -> Placement:
    areas = r.caseload > 0 and r.teachers_three_areas >= r.caseload
    general = r.caseload > 0 and r.teachers_three_rated >= GENERAL_SENSE * r.caseload
    figure = (
        f"{r.teachers_three_rated} of {r.caseload} teachers with {RATED_VISITS_PER_TEACHER} rated visits this "
        f"year; {r.teachers_three_areas} rated in {AREAS_PER_TEACHER} framework areas or more"
    )
    if areas and r.review_current:
        return _placed(Stage.HIGH_PERFORMANCE, 4, f"{figure}; the school's data review is up to date", None)
    if areas:
        return _placed(Stage.HIGH_PERFORMANCE, 3, figure,
                       "a data review with its decisions recorded, monthly or at 30 new observations")  # fmt: skip
    if general:
        return _placed(Stage.HIGH_PERFORMANCE, 2, figure,
                       f"every teacher rated in {AREAS_PER_TEACHER} framework areas or more")  # fmt: skip
    return _placed(Stage.HIGH_PERFORMANCE, 1, figure,
                   f"{RATED_VISITS_PER_TEACHER} rated visits this year for 80% of your teachers")  # fmt: skip


def _placed(stage: Stage, level: int, figure: str, move_up: str | None) -> Placement:
    return Placement(stage, level, rubric_text(stage, level), figure, move_up)


RULES: tuple[Callable[[RoadmapRecord], Placement], ...] = (
    walkthroughs, conversations, framework, classrooms_500, high_performance,
)  # fmt: skip


def place(record: RoadmapRecord) -> tuple[Placement, ...]:
    """The leader's level in each stage data can speak to, in the roadmap's order."""
    return tuple(rule(record) for rule in RULES)
