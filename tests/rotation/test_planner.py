"""The rotation planner: who each leader visits, when, and why, on explicit dates (no clock anywhere)."""

from __future__ import annotations

import random
import time as clock
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from workflows.rotation.planner import (
    BellPeriod,
    BellSchedule,
    DayPlan,
    Leader,
    LeaderPlan,
    Outcome,
    PastVisit,
    PlannedVisit,
    RotationSettings,
    SchoolDay,
    Section,
    cycle_for,
    plan_day,
)
from workflows.rotation.quality import assess, simulate_cycle

REGULAR = BellSchedule(
    "regular", tuple(BellPeriod(str(p), time(7 + p, 0), time(7 + p, 50)) for p in range(1, 8))
)
# Early release: seven 35-minute periods from 8:00, five minutes apart.
EARLY = BellSchedule(
    "early",
    tuple(
        BellPeriod(
            str(p),
            time(8 + (40 * (p - 1)) // 60, (40 * (p - 1)) % 60),
            time(8 + (40 * (p - 1) + 35) // 60, (40 * (p - 1) + 35) % 60),
        )
        for p in range(1, 8)
    ),
)
BELLS = {"regular": REGULAR, "early": EARLY}
VETERANS_DAY = date(2026, 11, 11)


def school_days(start: date, count: int, off: frozenset[date] = frozenset()) -> tuple[date, ...]:
    """Weekdays from `start`, leaving out days off."""
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5 and day not in off:
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


CYCLE = school_days(date(2026, 11, 2), 10)  # Nov 2 .. Nov 13
LATER_CYCLE = school_days(date(2026, 11, 16), 10)  # Nov 16 .. Nov 27 (no holiday in this table)


def teacher(i: int) -> str:
    return f"t{i:02d}"


def school(teachers: int) -> list[Section]:
    """Each teacher teaches five of seven periods in their own room; two periods are planning time."""
    sections = []
    for i in range(teachers):
        free = {(i + 3) % 7 + 1, (i + 5) % 7 + 1}
        periods = tuple(str(p) for p in range(1, 8) if p not in free)
        sections.append(Section(teacher(i), f"c{i:02d}", f"Class {i}", f"R{i:02d}", periods))
    return sections


def plan(
    day: date,
    sections: list[Section],
    leaders: list[Leader],
    *,
    cycle: tuple[date, ...] = CYCLE,
    day_type: str = "regular",
    history: tuple[PastVisit, ...] = (),
    settings: RotationSettings | None = None,
    already_planned: tuple[PlannedVisit, ...] = (),
) -> DayPlan:
    return plan_day(
        settings=settings or RotationSettings(),
        day=SchoolDay(day, day_type, cycle),
        bell_schedules=BELLS,
        sections=sections,
        leaders=leaders,
        history=history,
        already_planned=already_planned,
    )


def within_bells(visit: PlannedVisit, schedule: BellSchedule) -> bool:
    bell = {p.period: p for p in schedule.periods}[visit.period]
    return bell.start <= visit.start and visit.end <= bell.end


def test_thirty_teachers_one_leader_are_all_seen_once_in_a_ten_day_cycle() -> None:
    sections = school(30)
    leaders = [Leader("L1", "Ms Rivera")]
    plans = simulate_cycle(
        settings=RotationSettings(),
        cycle_days=CYCLE,
        bell_schedules=BELLS,
        sections=sections,
        leaders=leaders,
    )
    quality = assess(plans, sections=sections, leaders=leaders, bell_schedules=BELLS)

    assert quality.coverage == 1.0
    assert quality.conflicts == ()
    assert (quality.load_min, quality.load_max) == (3, 3)
    visited = sorted(v.teacher_id for p in plans for v in p.visits)
    assert visited == sorted(teacher(i) for i in range(30))
    assert all(p.for_leader("L1").unfitted == 0 for p in plans)


@pytest.mark.parametrize(
    ("seen_in", "never_seen"),
    [
        (("1", "1", "1"), {"2", "3", "5", "7"}),
        (("1", "2", "3"), {"5", "7"}),
        (("2", "3", "5", "7"), {"1"}),
    ],
)
def test_a_teacher_is_next_seen_in_a_period_the_leader_has_not_seen_them_in(
    seen_in: tuple[str, ...], never_seen: set[str]
) -> None:
    # t00 teaches periods 1, 2, 3, 5, 7 (planning in 4 and 6).
    sections = school(1)
    history = tuple(
        PastVisit(teacher(0), "L1", date(2026, 10, 5 + 7 * k), period) for k, period in enumerate(seen_in)
    )
    day_plan = plan(CYCLE[0], sections, [Leader("L1", "Ms Rivera")], history=history)

    (visit,) = day_plan.visits
    assert visit.period in never_seen
    assert f"not yet seen in period {visit.period}" in visit.reason


def test_a_teacher_always_seen_in_period_one_moves_to_another_time_of_day() -> None:
    sections = school(1)
    history = tuple(PastVisit(teacher(0), "L1", date(2026, 10, d), "1") for d in (6, 13, 20))
    (visit,) = plan(CYCLE[0], sections, [Leader("L1", "Ms Rivera")], history=history).visits

    assert visit.period != "1"
    assert visit.reason.startswith("last seen Oct 20, before this cycle; not yet seen in period")


def test_visits_to_one_teacher_rotate_period_and_part_of_the_lesson() -> None:
    sections = school(1)
    settings = RotationSettings(visits_per_day=1)
    plans = simulate_cycle(
        settings=settings,
        cycle_days=CYCLE[:3],
        bell_schedules=BELLS,
        sections=sections,
        leaders=[Leader("L1", "Ms Rivera")],
    )
    visits = [v for p in plans for v in p.visits]

    assert len({v.period for v in visits}) == 3
    parts = [v.reason.rsplit("; ", 1)[-1] for v in visits]
    assert sorted(parts) == ["beginning of the lesson", "end of the lesson", "middle of the lesson"]


@pytest.mark.parametrize(
    "busy",
    [
        ((time(8, 0), time(12, 0)),),
        ((time(8, 0), time(9, 30)), (time(10, 5), time(11, 45)), (time(13, 0), time(13, 25))),
        ((time(9, 0), time(9, 10)), (time(11, 40), time(14, 10))),
        ((time(8, 5), time(9, 45)), (time(12, 0), time(13, 15))),
    ],
)
def test_no_visit_falls_in_the_leaders_busy_time(busy: tuple[tuple[time, time], ...]) -> None:
    sections = school(12)
    leader = Leader("L1", "Ms Rivera", busy=busy)
    day_plan = plan(CYCLE[2], sections, [leader])

    assert len(day_plan.visits) == 3
    for visit in day_plan.visits:
        assert all(not (visit.start < end and start < visit.end) for start, end in busy)


def test_a_mostly_busy_day_plans_what_fits_and_says_so() -> None:
    leader = Leader("L1", "Ms Rivera", busy=((time(7, 0), time(14, 0)),), calendar_checked=False)
    leader_plan = plan(CYCLE[2], school(12), [leader]).for_leader("L1")

    assert [v.period for v in leader_plan.visits] == ["7"]
    assert "Only 1 of 3 visits fit today around your calendar and the timetable." in leader_plan.notes
    assert leader_plan.calendar_checked is False


@pytest.mark.parametrize(
    ("day", "note"),
    [
        (VETERANS_DAY, "Nov 11 is not a school day: no visits planned."),
        (date(2026, 11, 7), "Nov 7 is not a school day: no visits planned."),
        (date(2026, 11, 20), "Nov 20 is not a school day: no visits planned."),  # after the cycle
    ],
)
def test_a_day_without_instruction_gets_an_empty_plan_with_a_note(day: date, note: str) -> None:
    cycle = school_days(date(2026, 11, 2), 10, off=frozenset({VETERANS_DAY}))
    day_plan = plan(day, school(10), [Leader("L1", "Ms Rivera"), Leader("L2", "Mr Okafor")], cycle=cycle)

    assert day_plan.school_day is False
    assert day_plan.visits == ()
    assert day_plan.notes == (note,)
    assert all(p.notes == (note,) for p in day_plan.leaders)


def test_a_cycle_with_a_holiday_skips_it_and_still_covers_everyone() -> None:
    cycle = school_days(date(2026, 11, 2), 10, off=frozenset({VETERANS_DAY}))
    sections = school(30)
    leaders = [Leader("L1", "Ms Rivera")]
    plans = simulate_cycle(
        settings=RotationSettings(),
        cycle_days=cycle,
        bell_schedules=BELLS,
        sections=sections,
        leaders=leaders,
    )

    assert VETERANS_DAY not in {p.day for p in plans}
    assert assess(plans, sections=sections, leaders=leaders).coverage == 1.0


def test_an_early_release_day_uses_the_early_bell_times() -> None:
    day_plan = plan(CYCLE[4], school(12), [Leader("L1", "Ms Rivera")], day_type="early")

    assert len(day_plan.visits) == 3
    assert all(within_bells(v, EARLY) for v in day_plan.visits)
    assert all(v.end <= time(12, 35) for v in day_plan.visits)  # the early day ends at 12:35


def test_a_day_type_without_a_bell_schedule_is_not_planned() -> None:
    day_plan = plan(CYCLE[4], school(12), [Leader("L1", "Ms Rivera")], day_type="assembly")

    assert day_plan.visits == ()
    assert day_plan.notes == ("No bell schedule for day type 'assembly': no visits planned.",)


def test_a_split_caseload_keeps_each_leader_to_their_own_teachers_and_covers_both() -> None:
    sections = school(40)
    evens = frozenset(teacher(i) for i in range(0, 40, 2))
    odds = frozenset(teacher(i) for i in range(1, 40, 2))
    leaders = [Leader("L1", "Ms Rivera", caseload=evens), Leader("L2", "Mr Okafor", caseload=odds)]
    plans = simulate_cycle(
        settings=RotationSettings(),
        cycle_days=CYCLE,
        bell_schedules=BELLS,
        sections=sections,
        leaders=leaders,
    )
    quality = assess(plans, sections=sections, leaders=leaders)

    caseload = {"L1": evens, "L2": odds}
    assert all(v.teacher_id in caseload[v.leader_id] for p in plans for v in p.visits)
    assert [q.coverage for q in quality.leaders] == [1.0, 1.0]
    assert quality.conflicts == ()


def test_paired_visits_share_class_and_window_at_about_the_share_asked_for() -> None:
    sections = school(40)
    leaders = [Leader("L1", "Ms Rivera"), Leader("L2", "Mr Okafor")]
    plans = simulate_cycle(
        settings=RotationSettings(paired_share=0.5),
        cycle_days=CYCLE,
        bell_schedules=BELLS,
        sections=sections,
        leaders=leaders,
    )
    quality = assess(plans, sections=sections, leaders=leaders, bell_schedules=BELLS)
    visits = [v for p in plans for v in p.visits]
    paired = [v for v in visits if v.paired_with]

    assert quality.conflicts == ()
    assert 0.4 <= len(paired) / len(visits) <= 0.6
    windows = {(v.leader_id, v.teacher_id, v.class_id, v.start, v.end) for v in visits}
    for v in paired:
        assert (v.paired_with, v.teacher_id, v.class_id, v.start, v.end) in windows
        assert "paired calibration visit with" in v.reason


def test_without_a_paired_share_no_two_leaders_share_a_room_in_a_period() -> None:
    sections = school(40)
    leaders = [Leader("L1", "Ms Rivera"), Leader("L2", "Mr Okafor"), Leader("L3", "Dr Chen")]
    plans = simulate_cycle(
        settings=RotationSettings(),
        cycle_days=CYCLE,
        bell_schedules=BELLS,
        sections=sections,
        leaders=leaders,
    )

    assert all(v.paired_with is None for p in plans for v in p.visits)
    for p in plans:
        rooms = [(v.room, v.period) for v in p.visits]
        assert len(rooms) == len(set(rooms))
        teachers = [v.teacher_id for v in p.visits]
        assert len(teachers) == len(set(teachers))  # nobody visited by two leaders on one day


def test_an_over_capacity_caseload_says_how_many_cannot_be_fitted_and_sees_the_most_overdue() -> None:
    sections = school(45)
    # t00 was seen longest ago, t44 most recently: all before the cycle.
    history = tuple(PastVisit(teacher(i), "L1", date(2026, 9, 1) + timedelta(days=i), "1") for i in range(45))
    leaders = [Leader("L1", "Ms Rivera")]
    plans = simulate_cycle(
        settings=RotationSettings(),
        cycle_days=CYCLE,
        bell_schedules=BELLS,
        sections=sections,
        leaders=leaders,
        history=history,
    )

    first = plans[0].for_leader("L1")
    assert first.unfitted == 15
    assert (
        "45 teachers, 30 visits possible this cycle: 15 can't be fitted — the most overdue come first."
        in (first.notes)
    )
    assert plans[5].for_leader("L1").unfitted == 15
    assert (
        "45 teachers, 30 not yet seen this cycle, 15 visits possible in the rest of it"
        in (plans[5].for_leader("L1").notes[0])
    )
    seen = {v.teacher_id for p in plans for v in p.visits}
    assert seen == {teacher(i) for i in range(30)}


@pytest.mark.parametrize("outcome", [Outcome.SKIPPED, Outcome.MISSED])
def test_a_skipped_or_missed_visit_goes_back_to_the_top_of_the_queue(outcome: Outcome) -> None:
    sections = school(10)
    day = LATER_CYCLE[3]  # Nov 19
    history = [PastVisit(teacher(i), "L1", date(2026, 10, 1 + i), "2") for i in range(10)]
    # t09 was seen most recently of all, then a visit on Nov 18 did not happen.
    history += [
        PastVisit(teacher(9), "L1", date(2026, 11, 17), "3"),
        PastVisit(teacher(9), "L1", date(2026, 11, 18), "5", outcome),
    ]
    settings = RotationSettings(visits_per_day=1)
    (visit,) = plan(
        day,
        sections,
        [Leader("L1", "Ms Rivera")],
        cycle=LATER_CYCLE,
        history=tuple(history),
        settings=settings,
    ).visits

    assert visit.teacher_id == teacher(9)
    assert visit.reason.startswith(
        f"{outcome} on Nov 18 — back at the top of the queue; last seen 2 school days ago"
    )


def test_a_skip_made_good_by_a_later_visit_no_longer_jumps_the_queue() -> None:
    history = (
        PastVisit(teacher(0), "L1", date(2026, 11, 16), "2", Outcome.SKIPPED),
        PastVisit(teacher(0), "L1", date(2026, 11, 17), "3"),
        PastVisit(teacher(1), "L1", date(2026, 11, 16), "3"),
    )
    settings = RotationSettings(visits_per_day=1)
    (visit,) = plan(
        LATER_CYCLE[3],
        school(2),
        [Leader("L1", "Ms Rivera")],
        cycle=LATER_CYCLE,
        history=history,
        settings=settings,
    ).visits

    assert visit.teacher_id == teacher(1)
    assert visit.reason.startswith("last seen 3 school days ago")


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ((), "never visited"),
        ((PastVisit("t00", "L1", CYCLE[0], "2"),), "last seen 9 school days ago; not yet seen in period"),
        ((PastVisit("t00", "L1", CYCLE[8], "2"),), "last seen 1 school day ago; not yet seen in period"),
        ((PastVisit("t00", "L2", CYCLE[0], "2"),), "not yet visited by you"),  # another leader's visit
        ((PastVisit("t00", "L1", date(2026, 10, 2), "1"),), "last seen Oct 2, before this cycle"),
    ],
)
def test_each_visit_says_why_it_was_chosen(history: tuple[PastVisit, ...], expected: str) -> None:
    settings = RotationSettings(visits_per_day=1)
    (visit,) = plan(
        CYCLE[9], school(1), [Leader("L1", "Ms Rivera")], history=history, settings=settings
    ).visits

    assert visit.reason.startswith(expected)


def test_a_teacher_seen_in_every_period_goes_to_the_period_seen_least_recently() -> None:
    # t00 teaches periods 1, 2, 3, 5, 7; period 3 was seen longest ago.
    dates = {"1": 20, "2": 14, "3": 2, "5": 9, "7": 23}
    history = tuple(PastVisit(teacher(0), "L1", date(2026, 10, d), p) for p, d in dates.items())
    (visit,) = plan(CYCLE[0], school(1), [Leader("L1", "Ms Rivera")], history=history).visits

    assert visit.period == "3"
    assert "not seen in period 3 since Oct 2" in visit.reason


def test_planning_everyone_twice_and_from_shuffled_inputs_gives_the_same_plan() -> None:
    sections = school(40)
    leaders = [
        Leader("L1", "Ms Rivera", busy=((time(9, 0), time(10, 0)),)),
        Leader("L2", "Mr Okafor", caseload=frozenset(teacher(i) for i in range(20))),
        Leader("L3", "Dr Chen", busy=((time(13, 0), time(15, 0)),)),
    ]
    history = tuple(
        PastVisit(teacher(i % 40), f"L{1 + i % 3}", CYCLE[i % 4], str(1 + i % 7), list(Outcome)[i % 3])
        for i in range(120)
    )
    settings = RotationSettings(paired_share=0.3)
    first = plan(CYCLE[4], sections, leaders, history=history, settings=settings)
    again = plan(CYCLE[4], sections, leaders, history=history, settings=settings)

    shuffle = random.Random(20261106)
    shuffled_sections, shuffled_leaders, shuffled_history = list(sections), list(leaders), list(history)
    for items in (shuffled_sections, shuffled_leaders, shuffled_history):
        shuffle.shuffle(items)
    bells = {k: replace(s, periods=tuple(reversed(s.periods))) for k, s in BELLS.items()}
    shuffled = plan_day(
        settings=settings,
        day=SchoolDay(CYCLE[4], "regular", CYCLE),
        bell_schedules=bells,
        sections=shuffled_sections,
        leaders=shuffled_leaders,
        history=shuffled_history,
    )

    assert first == again == shuffled
    assert len(first.visits) == 9


def test_replanning_one_leader_around_the_others_keeps_rooms_apart() -> None:
    sections = school(20)
    leaders = [Leader("L1", "Ms Rivera"), Leader("L2", "Mr Okafor"), Leader("L3", "Dr Chen")]
    together = plan(CYCLE[1], sections, leaders)
    others = tuple(v for v in together.visits if v.leader_id != "L2")
    swapped = together.for_leader("L2").visits[0]
    kept = together.for_leader("L2").visits[1:]

    # "Swap": L2 keeps two visits, drops one teacher for today, and is replanned around everyone else.
    leader = replace(leaders[1], not_today=frozenset({swapped.teacher_id}))
    replanned = plan(CYCLE[1], sections, [leader], already_planned=others + kept).for_leader("L2")

    assert len(replanned.visits) == 3
    assert set(kept) <= set(replanned.visits)
    assert swapped.teacher_id not in {v.teacher_id for v in replanned.visits}
    rooms = [(v.room, v.period) for v in others + replanned.visits]
    assert len(rooms) == len(set(rooms))


def test_a_cycle_is_cut_from_the_school_days_in_runs_of_cycle_length() -> None:
    days = school_days(date(2026, 11, 2), 25, off=frozenset({VETERANS_DAY}))

    assert cycle_for(date(2026, 11, 3), days, 10) == days[:10]
    assert cycle_for(date(2026, 11, 16), days, 10) == days[:10]  # the tenth school day
    assert cycle_for(date(2026, 11, 17), days, 10) == days[10:20]
    assert cycle_for(VETERANS_DAY, days, 10) == days[:10]
    assert cycle_for(date(2027, 1, 4), days, 10) == days[20:]


@pytest.mark.parametrize(
    "settings",
    [
        {"visits_per_day": -1},
        {"cycle_length": 0},
        {"visit_minutes": 0},
        {"paired_share": 1.5},
    ],
)
def test_impossible_settings_are_refused(settings: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RotationSettings(**settings)  # type: ignore[arg-type]


def test_planning_a_day_for_sixty_teachers_and_four_leaders_takes_milliseconds() -> None:
    sections = school(60)
    leaders = [Leader(f"L{i}", f"Leader {i}", busy=((time(10, 0), time(11, 0)),)) for i in range(4)]
    history = tuple(
        PastVisit(teacher(i % 60), f"L{i % 4}", date(2026, 9, 1) + timedelta(days=i % 60), str(1 + i % 7))
        for i in range(2400)
    )
    runs = 20
    started = clock.perf_counter()
    for _ in range(runs):
        day_plan = plan(
            CYCLE[3], sections, leaders, history=history, settings=RotationSettings(paired_share=0.25)
        )
    per_plan = (clock.perf_counter() - started) / runs

    assert len(day_plan.visits) == 12
    assert per_plan < 0.05


def _visit(
    leader_id: str, teacher_id: str, period: str, start: time, paired_with: str | None = None
) -> PlannedVisit:
    end = (datetime.combine(CYCLE[0], start) + timedelta(minutes=10)).time()
    i = int(teacher_id[1:])
    return PlannedVisit(
        leader_id, teacher_id, f"c{i:02d}", f"Class {i}", f"R{i:02d}", period, start, end, "", paired_with
    )


@pytest.mark.parametrize(
    ("visits", "kinds"),
    [
        ((_visit("L1", "t00", "4", time(11, 0)),), ["non-teaching"]),  # t00 plans in period 4
        ((_visit("L1", "t01", "2", time(9, 5)),), ["busy"]),
        ((_visit("L1", "t00", "1", time(8, 0)), _visit("L2", "t00", "1", time(8, 20))), ["room"]),
        ((_visit("L1", "t00", "1", time(8, 0), "L2"), _visit("L2", "t00", "1", time(8, 0), "L1")), []),
        (
            (_visit("L2", "t00", "1", time(8, 40)), _visit("L2", "t01", "2", time(8, 45))),
            ["outside-period", "overlap"],
        ),
        ((_visit("L2", "t00", "1", time(8, 0)), _visit("L2", "t01", "1", time(8, 30))), ["overlap"]),
    ],
)
def test_assessing_a_plan_catches_each_kind_of_conflict(
    visits: tuple[PlannedVisit, ...], kinds: list[str]
) -> None:
    leaders = [Leader("L1", "Ms Rivera", busy=((time(9, 0), time(10, 0)),)), Leader("L2", "Mr Okafor")]
    by_leader = tuple(
        LeaderPlan(leader.leader_id, tuple(v for v in visits if v.leader_id == leader.leader_id), 0, (), True)
        for leader in leaders
    )
    day_plan = DayPlan(CYCLE[0], "regular", by_leader)
    quality = assess([day_plan], sections=school(2), leaders=leaders, bell_schedules=BELLS)

    assert sorted(c.kind for c in quality.conflicts) == kinds


def test_the_explanation_of_a_cycle_reads_plainly() -> None:
    sections = school(45)
    leaders = [
        Leader("L1", "Ms Rivera", caseload=frozenset(teacher(i) for i in range(30))),
        Leader("L2", "Mr Okafor"),
    ]
    plans = simulate_cycle(
        settings=RotationSettings(),
        cycle_days=CYCLE,
        bell_schedules=BELLS,
        sections=sections,
        leaders=leaders,
    )
    lines = assess(plans, sections=sections, leaders=leaders).lines()

    span = f"This cycle: {CYCLE[0]:%a %Y-%m-%d} to {CYCLE[-1]:%a %Y-%m-%d}"
    assert lines[0] == f"{span}, 10 school days, 2 leaders, 60 visits (0 in calibration pairs)"
    assert lines[1] == "Coverage: 45/45 teachers seen (100%)"
    assert lines[2].startswith("  Ms Rivera: 30/30 (100%), 30 visits, 3–3 a day")
    assert "Conflicts: none" in lines
    assert lines[-1] == "Load: 3–3 visits per leader per school day"
