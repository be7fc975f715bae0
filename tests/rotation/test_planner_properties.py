"""Whatever the school, the calendars and the history, a plan never breaks a rule and never overloads."""

from __future__ import annotations

from datetime import date, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workflows.rotation.planner import (
    BellPeriod,
    BellSchedule,
    DayPlan,
    Leader,
    Outcome,
    PastVisit,
    RotationSettings,
    SchoolDay,
    Section,
    plan_day,
)
from workflows.rotation.quality import assess

CYCLE = tuple(date(2026, 11, 2) + timedelta(days=d) for d in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11))
ROOMS = ("R1", "R2", "R3", "R4", None)


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


@st.composite
def bell_schedules(draw: st.DrawFn) -> BellSchedule:
    """3–7 periods from 7:30, some shorter than a visit, some back to back."""
    start = 7 * 60 + 30
    periods = []
    for p in range(1, draw(st.integers(3, 7)) + 1):
        start += draw(st.integers(0, 15))
        length = draw(st.integers(5, 70))
        periods.append(BellPeriod(str(p), _clock(start), _clock(start + length)))
        start += length
    return BellSchedule("regular", tuple(periods))


@st.composite
def schools(draw: st.DrawFn) -> tuple[BellSchedule, list[Section]]:
    bells = draw(bell_schedules())
    names = [p.period for p in bells.periods]
    sections = []
    for t in range(draw(st.integers(1, 12))):
        for c in range(draw(st.integers(1, 3))):
            periods = draw(st.lists(st.sampled_from(names), max_size=len(names), unique=True))
            room = draw(st.sampled_from(ROOMS))  # a small pool: rooms are shared and collide
            sections.append(Section(f"t{t}", f"c{t}-{c}", f"Class {t}-{c}", room, tuple(periods)))
    return bells, sections


@st.composite
def busy_times(draw: st.DrawFn) -> tuple[tuple[time, time], ...]:
    spans = []
    for _ in range(draw(st.integers(0, 4))):
        start = draw(st.integers(7 * 60, 15 * 60))
        spans.append((_clock(start), _clock(start + draw(st.integers(1, 120)))))
    return tuple(spans)


@st.composite
def leaders(draw: st.DrawFn, teachers: list[str]) -> list[Leader]:
    out = []
    for i in range(draw(st.integers(1, 3))):
        caseload = draw(st.none() | st.frozensets(st.sampled_from(teachers)))
        out.append(Leader(f"L{i}", f"Leader {i}", caseload, draw(busy_times())))
    return out


@st.composite
def histories(
    draw: st.DrawFn, teachers: list[str], periods: list[str], leader_ids: list[str]
) -> list[PastVisit]:
    visits = []
    for _ in range(draw(st.integers(0, 30))):
        visits.append(
            PastVisit(
                draw(st.sampled_from(teachers)),
                draw(st.sampled_from(leader_ids)),
                date(2026, 10, 1) + timedelta(days=draw(st.integers(0, 45))),
                draw(st.none() | st.sampled_from(periods)),
                draw(st.sampled_from(list(Outcome))),
            )
        )
    return visits


@st.composite
def planning_inputs(draw: st.DrawFn) -> dict:
    bells, sections = draw(schools())
    teachers = sorted({s.teacher_id for s in sections})
    people = draw(leaders(teachers))
    history = draw(histories(teachers, [p.period for p in bells.periods], [p.leader_id for p in people]))
    rotation = RotationSettings(
        visits_per_day=draw(st.integers(0, 4)),
        visit_minutes=draw(st.sampled_from([5, 10, 15])),
        paired_share=draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])),
    )
    day = SchoolDay(draw(st.sampled_from(CYCLE)), "regular", CYCLE)
    return {
        "settings": rotation,
        "day": day,
        "bell_schedules": {"regular": bells},
        "sections": sections,
        "leaders": people,
        "history": history,
    }


def _check(day_plan: DayPlan, inputs: dict) -> None:
    quality = assess(
        [day_plan],
        sections=inputs["sections"],
        leaders=inputs["leaders"],
        bell_schedules=inputs["bell_schedules"],
    )
    assert quality.conflicts == ()
    everyone = {s.teacher_id for s in inputs["sections"]}
    for leader in inputs["leaders"]:
        visits = day_plan.for_leader(leader.leader_id).visits
        assert len(visits) <= inputs["settings"].visits_per_day
        caseload = everyone if leader.caseload is None else leader.caseload
        assert all(v.teacher_id in caseload for v in visits if v.paired_with is None)
        assert len({v.teacher_id for v in visits}) == len(visits)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planning_inputs())
def test_a_school_planned_together_has_no_conflict_and_no_overloaded_leader(inputs: dict) -> None:
    day_plan = plan_day(**inputs)
    _check(day_plan, inputs)
    assert plan_day(**inputs) == day_plan


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planning_inputs())
def test_leaders_planned_one_after_another_have_no_conflict_either(inputs: dict) -> None:
    planned: list = []
    plans = []
    for leader in inputs["leaders"]:
        one = plan_day(**{**inputs, "leaders": [leader]}, already_planned=tuple(planned))
        planned += one.visits
        plans += one.leaders
    day = inputs["day"]
    _check(DayPlan(day.day, day.day_type, tuple(plans)), inputs)
