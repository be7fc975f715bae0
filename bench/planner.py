"""Planner time as a district grows: 1, 10, 100 and 500 schools of 60 teachers and 4 leaders.

Synthetic and in memory: each school plans one school day with `plan_day` (the morning job's work, minus
the database and calendars), given four weeks of history. The floor is the 1-school time measured in the
same run (the median of several runs); each row shows total time, time per school and the ratio of its
per-school time to the floor, so linear growth reads as a ratio near 1.
Run: `python -m bench.planner` (or `python -m bench planner`).
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as clock_time

from workflows.rotation.planner import (
    BellPeriod,
    BellSchedule,
    Leader,
    Outcome,
    PastVisit,
    RotationSettings,
    SchoolDay,
    Section,
    cycle_for,
    plan_day,
)

TEACHERS = 60
LEADERS = 4
PERIODS = 7
SIZES = (1, 10, 100, 500)
FLOOR_REPEATS = 15
DAY = date(2026, 11, 30)
SETTINGS = RotationSettings(visits_per_day=3, cycle_length=10, visit_minutes=10)


@dataclass(frozen=True)
class School:
    sections: tuple[Section, ...]
    leaders: tuple[Leader, ...]
    history: tuple[PastVisit, ...]


def bell_schedule() -> dict[str, BellSchedule]:
    periods = []
    start = 8 * 60
    for n in range(1, PERIODS + 1):
        periods.append(
            BellPeriod(
                str(n), clock_time(start // 60, start % 60), clock_time((start + 50) // 60, (start + 50) % 60)
            )
        )
        start += 55
    return {"regular": BellSchedule("regular", tuple(periods))}


def school_days(until: date, count: int) -> tuple[date, ...]:
    days, day = [], until
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return tuple(sorted(days))


def synthetic_school(n: int, past_days: tuple[date, ...]) -> School:
    """60 teachers, each teaching 5 of 7 periods in their own room; 4 leaders sharing the caseload; one
    leader busy for an hour; every past day three visits per leader, all done."""
    sections = tuple(
        Section(
            f"s{n}-t{t:02d}",
            f"s{n}-c{t:02d}",
            f"Class {t}",
            f"Room {100 + t}",
            tuple(str(p) for p in range(1, PERIODS + 1) if (p + t) % PERIODS not in (0, 3)),
        )
        for t in range(TEACHERS)
    )
    leaders = tuple(
        Leader(f"s{n}-l{k}", f"Leader {k}", busy=((clock_time(9), clock_time(10)),) if k == 0 else ())
        for k in range(LEADERS)
    )
    history = tuple(
        PastVisit(
            f"s{n}-t{(i * 7 + k * 3 + j) % TEACHERS:02d}",
            f"s{n}-l{k}",
            day,
            str(1 + (i + j + k) % PERIODS),
            Outcome.DONE,
        )
        for i, day in enumerate(past_days)
        for k in range(LEADERS)
        for j in range(SETTINGS.visits_per_day)
    )
    return School(sections, leaders, history)


def plan_all(schools: list[School], bells: dict[str, BellSchedule], day: SchoolDay) -> float:
    started = time.perf_counter()
    for school in schools:
        plan = plan_day(
            settings=SETTINGS, day=day, bell_schedules=bells, sections=school.sections, leaders=school.leaders,
            history=school.history,
        )  # fmt: skip
        assert len(plan.visits) == LEADERS * SETTINGS.visits_per_day
    return time.perf_counter() - started


def main() -> None:
    bells = bell_schedule()
    all_days = school_days(DAY, 21)
    day = SchoolDay(DAY, "regular", cycle_for(DAY, all_days, SETTINGS.cycle_length))
    past = all_days[:-1]
    schools = [synthetic_school(n, past) for n in range(max(SIZES))]
    plan_all(schools[:3], bells, day)  # warm up
    floor = statistics.median(plan_all(schools[:1], bells, day) for _ in range(FLOOR_REPEATS))
    print(
        f"Planner: one school day per school, {TEACHERS} teachers, {LEADERS} leaders, {PERIODS} periods, "
        f"{len(past)} days of history"
    )
    print(f"floor (1 school, median of {FLOOR_REPEATS}): {floor * 1000:.2f} ms")
    print(f"{'schools':>8} {'total ms':>10} {'per school ms':>14} {'ratio to floor':>15}")
    for size in SIZES:
        total = plan_all(schools[:size], bells, day)
        per_school = total / size
        print(f"{size:>8} {total * 1000:>10.1f} {per_school * 1000:>14.2f} {per_school / floor:>15.2f}")


if __name__ == "__main__":
    main()
