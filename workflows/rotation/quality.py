"""What a whole cycle of plans looks like: simulate it day by day, then measure it.

`simulate_cycle` plans each school day in turn and treats every planned visit as done, which is what a
cycle looks like when leaders follow the plan. `assess` measures coverage, conflicts (which must be none),
how well times of day rotate, and how evenly the visits spread; `rounds plan --explain` prints `lines()`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, time
from itertools import pairwise
from statistics import mean

from workflows.rotation.planner import (
    BellSchedule,
    DayPlan,
    Leader,
    Outcome,
    PastVisit,
    PlannedVisit,
    RotationSettings,
    SchoolDay,
    Section,
    format_day,
    period_label,
    plan_day,
)

BusyByDay = Mapping[tuple[str, date], tuple[tuple[time, time], ...]]


def simulate_cycle(
    *,
    settings: RotationSettings,
    cycle_days: Sequence[date],
    bell_schedules: Mapping[str, BellSchedule],
    sections: Sequence[Section],
    leaders: Sequence[Leader],
    history: Iterable[PastVisit] = (),
    day_types: Mapping[date, str] | None = None,
    busy_by_day: BusyByDay | None = None,
) -> list[DayPlan]:
    """Plan every day of the cycle in turn, each planned visit counted as done for the days after it.

    Day types default to "regular"; a leader's busy time for a day comes from `busy_by_day[(leader, day)]`,
    else from the `Leader` itself.
    """
    cycle = tuple(sorted(set(cycle_days)))
    past = list(history)
    plans = []
    for day in cycle:
        day_leaders = [replace(leader, busy=_busy(leader, day, busy_by_day)) for leader in leaders]
        plan = plan_day(
            settings=settings,
            day=SchoolDay(day, (day_types or {}).get(day, "regular"), cycle),
            bell_schedules=bell_schedules,
            sections=sections,
            leaders=day_leaders,
            history=past,
        )
        past.extend(PastVisit(v.teacher_id, v.leader_id, day, v.period, Outcome.DONE) for v in plan.visits)
        plans.append(plan)
    return plans


@dataclass(frozen=True)
class Conflict:
    """A rule a plan broke; `kind` is "room", "busy", "non-teaching", "overlap" or "outside-period"."""

    kind: str
    day: date
    detail: str

    def __str__(self) -> str:
        return f"{format_day(self.day)}: {self.kind}: {self.detail}"


@dataclass(frozen=True)
class LeaderQuality:
    leader_id: str
    display_name: str
    caseload: int
    seen: int
    visits: int
    paired: int
    min_per_day: int
    max_per_day: int

    @property
    def coverage(self) -> float:
        return self.seen / self.caseload if self.caseload else 1.0


@dataclass(frozen=True)
class PlanQuality:
    """Measures of a cycle's plans. Distinct periods are per teacher visited; "with history" adds the past."""

    school_days: int
    caseload: int
    seen: int
    leaders: tuple[LeaderQuality, ...]
    conflicts: tuple[Conflict, ...]
    visits: int
    paired: int
    distinct_periods_mean: float
    distinct_periods_min: int
    distinct_periods_with_history_mean: float
    distinct_periods_with_history_min: int
    fresh_period_share: float
    load_min: int
    load_max: int
    first_day: date | None = None  # the cycle's first and last school days
    last_day: date | None = None

    @property
    def coverage(self) -> float:
        return self.seen / self.caseload if self.caseload else 1.0

    def lines(self) -> tuple[str, ...]:
        """A short, readable report for `rounds plan --explain`."""
        span = (
            f"This cycle: {self.first_day:%a %Y-%m-%d} to {self.last_day:%a %Y-%m-%d}, "
            if self.first_day and self.last_day
            else ""
        )
        out = [
            f"{span}{self.school_days} school days, {len(self.leaders)} leaders, {self.visits} visits "
            f"({self.paired} in calibration pairs)",
            f"Coverage: {self.seen}/{self.caseload} teachers seen ({self.coverage:.0%})",
        ]
        out += [
            f"  {q.display_name}: {q.seen}/{q.caseload} ({q.coverage:.0%}), {q.visits} visits, "
            f"{q.min_per_day}–{q.max_per_day} a day"
            for q in self.leaders
        ]
        out.append(f"Conflicts: {len(self.conflicts) or 'none'}")
        out += [f"  {c}" for c in self.conflicts]
        out.append(
            f"Distinct periods per teacher: this cycle mean {self.distinct_periods_mean:.1f} "
            f"(min {self.distinct_periods_min}); with history mean "
            f"{self.distinct_periods_with_history_mean:.1f} (min {self.distinct_periods_with_history_min})"
        )
        out.append(
            f"Visits in a period the leader had not seen that teacher in: {self.fresh_period_share:.0%}"
        )
        out.append(f"Load: {self.load_min}–{self.load_max} visits per leader per school day")
        return tuple(out)


def assess(
    plans: Sequence[DayPlan],
    *,
    sections: Sequence[Section],
    leaders: Sequence[Leader],
    history: Iterable[PastVisit] = (),
    busy_by_day: BusyByDay | None = None,
    bell_schedules: Mapping[str, BellSchedule] | None = None,
) -> PlanQuality:
    """Measure a run of day plans (a cycle) against the rules the planner promises to keep."""
    school_plans = [p for p in plans if p.school_day]
    visits = [v for p in school_plans for v in p.visits]
    everyone = frozenset(s.teacher_id for s in sections)
    caseloads = {
        leader.leader_id: everyone if leader.caseload is None else frozenset(leader.caseload)
        for leader in leaders
    }
    seen_by: dict[str, set[str]] = defaultdict(set)
    for v in visits:
        seen_by[v.leader_id].add(v.teacher_id)

    leader_q = []
    all_loads = []
    for leader in sorted(leaders, key=lambda leader: leader.leader_id):
        loads = [
            len(p.for_leader(leader.leader_id).visits) for p in school_plans if _has(p, leader.leader_id)
        ]
        all_loads += loads
        mine = [v for v in visits if v.leader_id == leader.leader_id]
        caseload = caseloads[leader.leader_id]
        leader_q.append(
            LeaderQuality(
                leader_id=leader.leader_id,
                display_name=leader.display_name,
                caseload=len(caseload),
                seen=len(caseload & seen_by[leader.leader_id]),
                visits=len(mine),
                paired=sum(1 for v in mine if v.paired_with),
                min_per_day=min(loads, default=0),
                max_per_day=max(loads, default=0),
            )
        )

    union = frozenset().union(*caseloads.values()) if caseloads else frozenset()
    seen_any = {v.teacher_id for v in visits}
    in_cycle, with_history, fresh = _rotation(visits, school_plans, history)
    return PlanQuality(
        first_day=min((p.day for p in school_plans), default=None),
        last_day=max((p.day for p in school_plans), default=None),
        school_days=len(school_plans),
        caseload=len(union),
        seen=len(union & seen_any),
        leaders=tuple(leader_q),
        conflicts=tuple(_conflicts(school_plans, sections, leaders, busy_by_day, bell_schedules)),
        visits=len(visits),
        paired=sum(1 for v in visits if v.paired_with),
        distinct_periods_mean=mean(in_cycle) if in_cycle else 0.0,
        distinct_periods_min=min(in_cycle, default=0),
        distinct_periods_with_history_mean=mean(with_history) if with_history else 0.0,
        distinct_periods_with_history_min=min(with_history, default=0),
        fresh_period_share=fresh,
        load_min=min(all_loads, default=0),
        load_max=max(all_loads, default=0),
    )


def _has(plan: DayPlan, leader_id: str) -> bool:
    return any(p.leader_id == leader_id for p in plan.leaders)


def _busy(leader: Leader, day: date, busy_by_day: BusyByDay | None) -> tuple[tuple[time, time], ...]:
    if busy_by_day is None:
        return leader.busy
    return busy_by_day.get((leader.leader_id, day), leader.busy)


def _until(start: time, end: time) -> time:
    """A busy interval ending at midnight runs to the end of the day, as the planner reads it."""
    return time.max if end == time(0) and start != time(0) else end


def _rotation(
    visits: Sequence[PlannedVisit], plans: Sequence[DayPlan], history: Iterable[PastVisit]
) -> tuple[list[int], list[int], float]:
    """Distinct periods per visited teacher (cycle alone, and with history), and the share of fresh visits.

    A visit is fresh when its leader had not seen that teacher in that period before it.
    """
    cycle_periods: dict[str, set[str]] = defaultdict(set)
    all_periods: dict[str, set[str]] = defaultdict(set)
    seen_pairs: set[tuple[str, str, str]] = set()
    first_day = min((p.day for p in plans), default=date.max)
    for h in history:
        if h.outcome == Outcome.DONE and h.period is not None and h.day < first_day:
            all_periods[h.teacher_id].add(h.period)
            seen_pairs.add((h.leader_id, h.teacher_id, h.period))
    fresh = 0
    for plan in sorted(plans, key=lambda p: p.day):
        for v in plan.visits:
            cycle_periods[v.teacher_id].add(v.period)
            all_periods[v.teacher_id].add(v.period)
            key = (v.leader_id, v.teacher_id, v.period)
            fresh += key not in seen_pairs
        seen_pairs.update((v.leader_id, v.teacher_id, v.period) for v in plan.visits)
    teachers = sorted(cycle_periods)
    share = fresh / len(visits) if visits else 0.0
    return [len(cycle_periods[t]) for t in teachers], [len(all_periods[t]) for t in teachers], share


def _conflicts(
    plans: Sequence[DayPlan],
    sections: Sequence[Section],
    leaders: Sequence[Leader],
    busy_by_day: BusyByDay | None,
    bell_schedules: Mapping[str, BellSchedule] | None,
) -> list[Conflict]:
    teaching = {(s.teacher_id, s.class_id, p) for s in sections for p in s.periods}
    by_id = {leader.leader_id: leader for leader in leaders}
    found: list[Conflict] = []
    for plan in plans:
        day = plan.day
        periods = {}
        if bell_schedules is not None and plan.day_type in bell_schedules:
            periods = {p.period: p for p in bell_schedules[plan.day_type].periods}
        rooms: dict[tuple[str, str], list[PlannedVisit]] = defaultdict(list)
        for v in plan.visits:
            who = f"{v.leader_id} → {v.teacher_id} ({period_label(v.period)}, {v.start:%H:%M})"
            if (v.teacher_id, v.class_id, v.period) not in teaching:
                found.append(Conflict("non-teaching", day, who))
            leader = by_id.get(v.leader_id)
            busy = _busy(leader, day, busy_by_day) if leader else ()
            if any(v.start < _until(start, end) and start < v.end for start, end in busy):
                found.append(Conflict("busy", day, who))
            bell = periods.get(v.period)
            if periods and (bell is None or v.start < bell.start or v.end > bell.end):
                found.append(Conflict("outside-period", day, who))
            rooms[(v.period, f"class:{v.class_id}")].append(v)
            if v.room:
                rooms[(v.period, f"room:{v.room}")].append(v)
        reported: set[tuple[PlannedVisit, ...]] = set()
        for (period, where), group in sorted(rooms.items()):
            together = tuple(sorted(group, key=lambda v: (v.leader_id, v.start)))
            if len(group) > 1 and not _is_pair(group) and together not in reported:
                reported.add(together)
                names = ", ".join(v.leader_id for v in together)
                found.append(
                    Conflict("room", day, f"{where.split(':', 1)[1]} in {period_label(period)}: {names}")
                )
        for plan_of_leader in plan.leaders:
            found += _overlaps(day, plan_of_leader.visits)
    return found


def _is_pair(group: Sequence[PlannedVisit]) -> bool:
    if len(group) != 2:
        return False
    a, b = group
    return (
        a.paired_with == b.leader_id
        and b.paired_with == a.leader_id
        and (a.class_id, a.start, a.end) == (b.class_id, b.start, b.end)
    )


def _overlaps(day: date, visits: Sequence[PlannedVisit]) -> list[Conflict]:
    """A leader in two places at once, or twice in one period."""
    found = []
    ordered = sorted(visits, key=lambda v: (v.start, v.end))
    for a, b in pairwise(ordered):
        if b.start < a.end:
            found.append(Conflict("overlap", day, f"{a.leader_id}: {a.start:%H:%M} and {b.start:%H:%M}"))
    periods = [v.period for v in visits]
    for period in sorted({p for p in periods if periods.count(p) > 1}):
        found.append(Conflict("overlap", day, f"{visits[0].leader_id}: twice in {period_label(period)}"))
    return found
