"""Each leader's classroom visits for one school day: a pure, deterministic rotation that explains itself.

The planner sees every teacher in a leader's caseload once per cycle (ten school days by default) when the
leader's free time allows, at times of day that rotate, and around everything that must not be disturbed.
It is a pure function of its inputs: no clock, no database, no randomness beyond hashes of ids and dates.

The rules, in the order they are applied:

- Queue. A leader's teachers are ranked by how overdue they are. A skipped or missed visit puts a teacher
  back at the top; then come teachers the leader has never seen; then the longest since last seen. Ties
  go to the teacher no leader has seen for longest (so leaders sharing a caseload spread out), then to the
  smaller teacher id. Coverage is per leader: "seen" means seen by this leader, with outcome "done".
  A visit's "school days since" counts the cycle's school days; anything before the cycle is older.
- Time of day. For the chosen teacher the planner prefers a period in which the leader has never seen that
  teacher (the furthest from the periods already seen), then the period seen least recently. Where in the
  lesson the window falls (beginning, middle, end) rotates from one visit to the next.
- Never. No window overlaps the leader's busy time; no visit in a teacher's non-teaching period (a period
  with no section) or on a day without instruction; a leader visits at most one classroom per period and
  their windows never overlap; no two leaders in the same room (or class) in the same period, except a
  planned paired calibration visit, where both leaders share class and window.
- Load. Each leader gets `visits_per_day` visits every school day when slots allow, never more: the cycle
  is not front-loaded. Leaders pick in turns (the first to pick rotates with the day), so nobody gets
  every good slot. A teacher already planned by another leader today is chosen only when nobody else fits.
- Pairs. With `paired_share` above 0 and two or more leaders planned together, about that share of the
  day's visits are paired: the host's most overdue teacher, in a window where both are free. The count is
  spread over the cycle so the share holds across days. A partner may visit outside their own caseload.
"""

from __future__ import annotations

import math
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum

PARTS_OF_LESSON = ("beginning", "middle", "end")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_END_OF_DAY = 24 * 60


class Outcome(StrEnum):
    """What became of a visit: done, skipped by the leader, or missed (planned and never logged)."""

    DONE = "done"
    SKIPPED = "skipped"
    MISSED = "missed"


@dataclass(frozen=True)
class RotationSettings:
    """A school's rotation settings; `paired_share` is the share of visits planned as calibration pairs."""

    visits_per_day: int = 3
    cycle_length: int = 10
    visit_minutes: int = 10
    paired_share: float = 0.0

    def __post_init__(self) -> None:
        if self.visits_per_day < 0:
            raise ValueError("visits_per_day cannot be negative")
        if self.cycle_length < 1:
            raise ValueError("cycle_length must be at least one school day")
        if self.visit_minutes < 1:
            raise ValueError("visit_minutes must be at least one minute")
        if not 0.0 <= self.paired_share <= 1.0:
            raise ValueError("paired_share must be between 0 and 1")


@dataclass(frozen=True)
class SchoolDay:
    """The day to plan, its day type, and the ordered school days of the cycle it belongs to."""

    day: date
    day_type: str
    cycle_days: tuple[date, ...]

    @property
    def index(self) -> int | None:
        """This day's place in the cycle, or None when it is not a school day."""
        i = bisect_left(self.cycle_days, self.day)
        return i if i < len(self.cycle_days) and self.cycle_days[i] == self.day else None


@dataclass(frozen=True)
class BellPeriod:
    period: str
    start: time
    end: time


@dataclass(frozen=True)
class BellSchedule:
    """The periods of one day type ("regular", "early", ...), local times."""

    day_type: str
    periods: tuple[BellPeriod, ...]


@dataclass(frozen=True)
class Section:
    """A class a teacher teaches, where, and in which periods; a teacher's other periods are non-teaching."""

    teacher_id: str
    class_id: str
    class_title: str
    room: str | None
    periods: tuple[str, ...]


@dataclass(frozen=True)
class Leader:
    """A leader's day: caseload (None: every teacher with a section), busy time as local (start, end).

    `not_today` holds teachers not to plan for this leader today (a "Swap" replans without them).
    `calendar_checked` is passed through to the plan so the morning DM can say the calendar was not read.
    """

    leader_id: str
    display_name: str
    caseload: frozenset[str] | None = None
    busy: tuple[tuple[time, time], ...] = ()
    calendar_checked: bool = True
    not_today: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PastVisit:
    teacher_id: str
    leader_id: str
    day: date
    period: str | None
    outcome: Outcome = Outcome.DONE


@dataclass(frozen=True)
class PlannedVisit:
    leader_id: str
    teacher_id: str
    class_id: str
    class_title: str
    room: str | None
    period: str
    start: time
    end: time
    reason: str
    paired_with: str | None = None


@dataclass(frozen=True)
class LeaderPlan:
    """One leader's visits for the day, how many caseload teachers cannot be fitted this cycle, and why."""

    leader_id: str
    visits: tuple[PlannedVisit, ...]
    unfitted: int
    notes: tuple[str, ...]
    calendar_checked: bool


@dataclass(frozen=True)
class DayPlan:
    day: date
    day_type: str
    leaders: tuple[LeaderPlan, ...]
    notes: tuple[str, ...] = ()
    school_day: bool = True

    @property
    def visits(self) -> tuple[PlannedVisit, ...]:
        return tuple(v for plan in self.leaders for v in plan.visits)

    def for_leader(self, leader_id: str) -> LeaderPlan:
        for plan in self.leaders:
            if plan.leader_id == leader_id:
                return plan
        raise KeyError(leader_id)


def cycle_for(day: date, school_days: Iterable[date], cycle_length: int) -> tuple[date, ...]:
    """The cycle that holds `day`: consecutive runs of `cycle_length` school days from the first one.

    For a day without instruction, the cycle of the next school day (or the last cycle), so that the
    planner can say plainly that the day is not a school day.
    """
    days = sorted(set(school_days))
    if not days:
        return ()
    i = min(bisect_left(days, day), len(days) - 1)
    start = (i // cycle_length) * cycle_length
    return tuple(days[start : start + cycle_length])


def plan_day(
    *,
    settings: RotationSettings,
    day: SchoolDay,
    bell_schedules: Mapping[str, BellSchedule],
    sections: Iterable[Section],
    leaders: Iterable[Leader],
    history: Iterable[PastVisit] = (),
    already_planned: Iterable[PlannedVisit] = (),
) -> DayPlan:
    """Plan the day for every leader given, around `already_planned` visits (other leaders', or kept ones).

    Already planned visits of a leader being planned are kept in their plan and count toward the day's
    visits; those of other leaders only occupy their rooms, periods and windows.
    """
    leaders = sorted(leaders, key=lambda leader: leader.leader_id)
    if len({leader.leader_id for leader in leaders}) < len(leaders):
        raise ValueError("each leader can be planned only once per day")
    index = day.index
    schedule = bell_schedules.get(day.day_type)
    if index is None or day.day_type == "none":
        return _empty(day, leaders, f"{format_day(day.day)} is not a school day: no visits planned.")
    if schedule is None or not schedule.periods:
        return _empty(day, leaders, f"No bell schedule for day type '{day.day_type}': no visits planned.")
    day_planner = _DayPlanner(settings, day, index, schedule, sections, leaders, history, already_planned)
    return day_planner.plan()


def format_day(day: date) -> str:
    """ "Nov 18": short, and the same in every locale."""
    return f"{_MONTHS[day.month - 1]} {day.day}"


def period_label(period: str) -> str:
    """ "period 3" for numbered periods, the name itself for named ones ("Advisory")."""
    return f"period {period}" if period.isdigit() else period


def _empty(day: SchoolDay, leaders: Sequence[Leader], note: str) -> DayPlan:
    plans = tuple(LeaderPlan(leader.leader_id, (), 0, (note,), leader.calendar_checked) for leader in leaders)
    return DayPlan(day.day, day.day_type, plans, (note,), school_day=False)


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _hash(*parts: object) -> int:
    """A stable tie-breaker derived from inputs (Python's hash() is salted per process)."""
    return zlib.crc32("|".join(str(p) for p in parts).encode())


@dataclass
class _Seen:
    """What one leader has seen of one teacher, summarised in one pass over history."""

    last_done: date | None = None
    done_count: int = 0
    by_period: dict[str, date] = field(default_factory=dict)
    last_lapse: date | None = None
    lapse_outcome: str = ""
    today: bool = False

    @property
    def pending_lapse(self) -> bool:
        """A skipped or missed visit not made good since: back to the top of the queue."""
        return self.last_lapse is not None and (self.last_done is None or self.last_lapse > self.last_done)


@dataclass(frozen=True)
class _Slot:
    section: Section
    period: str
    start: int
    end: int
    part: str

    def room_keys(self) -> tuple[tuple[str, str], ...]:
        keys = [(self.period, f"class:{self.section.class_id}")]
        if self.section.room:
            keys.append((self.period, f"room:{self.section.room}"))
        return tuple(keys)


class _DayPlanner:
    """The mutable bookkeeping of planning one day; built and used once by `plan_day`."""

    def __init__(
        self,
        settings: RotationSettings,
        day: SchoolDay,
        index: int,
        schedule: BellSchedule,
        sections: Iterable[Section],
        leaders: Sequence[Leader],
        history: Iterable[PastVisit],
        already_planned: Iterable[PlannedVisit],
    ) -> None:
        self.settings = settings
        self.day = day
        self.index = index
        self.cycle_start = day.cycle_days[0]
        self.leaders = list(leaders)
        self.by_id = {leader.leader_id: leader for leader in self.leaders}
        periods = sorted(schedule.periods, key=lambda p: (p.start, p.end, p.period))
        self.periods: dict[str, BellPeriod] = {}
        for p in periods:
            self.periods.setdefault(p.period, p)
        self.bell_index = {name: i for i, name in enumerate(self.periods)}
        self.sections: dict[str, list[Section]] = {}
        for s in sorted(sections, key=lambda s: (s.teacher_id, s.class_id, s.room or "", s.periods)):
            self.sections.setdefault(s.teacher_id, []).append(s)
        everyone = frozenset(self.sections)
        self.caseloads = {
            leader.leader_id: sorted(everyone if leader.caseload is None else leader.caseload)
            for leader in self.leaders
        }
        self.caseload_sets = {leader_id: frozenset(c) for leader_id, c in self.caseloads.items()}
        self.seen, self.last_seen_by_anyone = self._summarise(history)
        self.busy = {leader.leader_id: self._busy_minutes(leader) for leader in self.leaders}
        # Bookkeeping for the day.
        self.visits: dict[str, list[PlannedVisit]] = {leader.leader_id: [] for leader in self.leaders}
        self.windows: dict[str, list[tuple[int, int]]] = {}
        self.used_periods: dict[str, set[str]] = {}
        self.occupied: set[tuple[str, str]] = set()
        self.planned_by: dict[str, set[str]] = {}
        self._slot_cache: dict[tuple[str, str], list[_Slot]] = {}
        for visit in sorted(already_planned, key=_visit_key):
            self._book(visit, keep=visit.leader_id in self.by_id)
        self.queues = {leader.leader_id: self._queue(leader) for leader in self.leaders}

    # -- inputs, summarised -------------------------------------------------------------------------

    def _summarise(
        self, history: Iterable[PastVisit]
    ) -> tuple[dict[tuple[str, str], _Seen], dict[str, date]]:
        """Per (leader, teacher) what the leader has seen; per teacher when any leader last saw them."""
        today = self.day.day
        seen: dict[tuple[str, str], _Seen] = {}
        anyone: dict[str, date] = {}
        for v in history:
            if v.day > today:
                continue
            if v.outcome == Outcome.DONE and v.day > anyone.get(v.teacher_id, date.min):
                anyone[v.teacher_id] = v.day
            if v.leader_id not in self.by_id:
                continue
            s = seen.setdefault((v.leader_id, v.teacher_id), _Seen())
            if v.day == today:
                s.today = True
            if v.outcome == Outcome.DONE:
                s.done_count += 1
                if s.last_done is None or v.day > s.last_done:
                    s.last_done = v.day
                if v.period is not None and (v.period not in s.by_period or v.day > s.by_period[v.period]):
                    s.by_period[v.period] = v.day
            elif v.day < today and (s.last_lapse or date.min, s.lapse_outcome) < (v.day, str(v.outcome)):
                s.last_lapse, s.lapse_outcome = v.day, str(v.outcome)
        return seen, anyone

    def _busy_minutes(self, leader: Leader) -> list[tuple[int, int]]:
        spans = []
        for start, end in leader.busy:
            s = _minutes(start)
            e = _END_OF_DAY if end == time(0) and s > 0 else _minutes(end)
            if e > s:
                spans.append((s, e))
        return sorted(spans)

    def _seen(self, leader_id: str, teacher_id: str) -> _Seen:
        return self.seen.get((leader_id, teacher_id)) or _Seen()

    def _queue(self, leader: Leader) -> list[str]:
        """The leader's visitable teachers, most overdue first."""

        def overdue(teacher_id: str) -> tuple[int, date, date, date, str]:
            # Between teachers equally overdue for this leader, the one no leader has seen for longest.
            s = self._seen(leader.leader_id, teacher_id)
            by_anyone = self.last_seen_by_anyone.get(teacher_id, date.min)
            lapse = s.last_lapse if s.pending_lapse and s.last_lapse else None
            return (0 if lapse else 1, lapse or date.min, s.last_done or date.min, by_anyone, teacher_id)

        skip = leader.not_today
        teachers = [
            t
            for t in self.caseloads[leader.leader_id]
            if t in self.sections and t not in skip and not self._seen(leader.leader_id, t).today
        ]
        return sorted(teachers, key=overdue)

    # -- slots --------------------------------------------------------------------------------------

    def _slots(self, leader_id: str, teacher_id: str) -> list[_Slot]:
        """The teacher's teaching windows today, in the order this leader should prefer them."""
        key = (leader_id, teacher_id)
        if key not in self._slot_cache:
            self._slot_cache[key] = self._rank_slots(leader_id, teacher_id)
        return self._slot_cache[key]

    def _rank_slots(self, leader_id: str, teacher_id: str) -> list[_Slot]:
        seen = self._seen(leader_id, teacher_id)
        seen_positions = [self.bell_index[p] for p in seen.by_period if p in self.bell_index]
        day = self.day.day

        def preference(period: str) -> tuple[int, int, date, int]:
            last = seen.by_period.get(period)
            if last is None:
                distance = min((abs(self.bell_index[period] - i) for i in seen_positions), default=0)
                return (0, -distance, date.min, _hash(teacher_id, period, day))
            return (1, 0, last, _hash(teacher_id, period, day))

        teaching = sorted(
            {
                (p, s.class_id): s for s in self.sections[teacher_id] for p in s.periods if p in self.periods
            }.items()
        )
        ordered = sorted(teaching, key=lambda item: (preference(item[0][0]), item[0]))
        first_part = (seen.done_count + _hash(teacher_id)) % len(PARTS_OF_LESSON)
        parts = [
            PARTS_OF_LESSON[(first_part + k) % len(PARTS_OF_LESSON)] for k in range(len(PARTS_OF_LESSON))
        ]
        slots = []
        for (period, _), section in ordered:
            windows: dict[int, str] = {}
            for part in parts:
                start = self._window_start(self.periods[period], part)
                if start is not None:
                    windows.setdefault(start, part)
            length = self.settings.visit_minutes
            slots.extend(
                _Slot(section, period, start, start + length, part) for start, part in windows.items()
            )
        return slots

    def _window_start(self, period: BellPeriod, part: str) -> int | None:
        start, end, length = _minutes(period.start), _minutes(period.end), self.settings.visit_minutes
        if end - start < length:
            return None
        return {"beginning": start, "middle": start + (end - start - length) // 2, "end": end - length}[part]

    def _fits(self, leader_id: str, slot: _Slot) -> bool:
        if slot.period in self.used_periods.get(leader_id, ()):
            return False
        if any(slot.start < e and s < slot.end for s, e in self.busy[leader_id]):
            return False
        if any(slot.start < e and s < slot.end for s, e in self.windows.get(leader_id, ())):
            return False
        return not any(key in self.occupied for key in slot.room_keys())

    # -- booking ------------------------------------------------------------------------------------

    def _book(self, visit: PlannedVisit, *, keep: bool) -> None:
        window = (_minutes(visit.start), _minutes(visit.end))
        self.windows.setdefault(visit.leader_id, []).append(window)
        self.used_periods.setdefault(visit.leader_id, set()).add(visit.period)
        self.occupied.add((visit.period, f"class:{visit.class_id}"))
        if visit.room:
            self.occupied.add((visit.period, f"room:{visit.room}"))
        self.planned_by.setdefault(visit.teacher_id, set()).add(visit.leader_id)
        if keep:
            self.visits[visit.leader_id].append(visit)

    def _visit(
        self, leader_id: str, teacher_id: str, slot: _Slot, reason: str, partner: str | None
    ) -> PlannedVisit:
        s = slot.section
        return PlannedVisit(
            leader_id=leader_id,
            teacher_id=teacher_id,
            class_id=s.class_id,
            class_title=s.class_title,
            room=s.room,
            period=slot.period,
            start=_time(slot.start),
            end=_time(slot.end),
            reason=reason,
            paired_with=partner,
        )

    def _has_room(self, leader_id: str) -> bool:
        return len(self.visits[leader_id]) < self.settings.visits_per_day

    def _candidates(self, leader_id: str) -> Iterable[str]:
        """The queue, with teachers another leader already visits today moved to the back."""
        mine = {v.teacher_id for v in self.visits[leader_id]}
        queue = [t for t in self.queues[leader_id] if t not in mine]
        yield from (t for t in queue if not self.planned_by.get(t))
        yield from (t for t in queue if self.planned_by.get(t))

    # -- planning -----------------------------------------------------------------------------------

    def plan(self) -> DayPlan:
        turn = self.index % len(self.leaders) if self.leaders else 0
        order = [leader.leader_id for leader in self.leaders[turn:] + self.leaders[:turn]]
        self._plan_pairs(order)
        active = [leader_id for leader_id in order if self._has_room(leader_id)]
        while active:
            still = []
            for leader_id in active:
                if self._plan_one(leader_id) and self._has_room(leader_id):
                    still.append(leader_id)
            active = still
        plans = tuple(self._leader_plan(leader) for leader in self.leaders)
        return DayPlan(self.day.day, self.day.day_type, plans)

    def _plan_one(self, leader_id: str) -> bool:
        for teacher_id in self._candidates(leader_id):
            for slot in self._slots(leader_id, teacher_id):
                if self._fits(leader_id, slot):
                    reason = self._reason(leader_id, teacher_id, slot)
                    self._book(self._visit(leader_id, teacher_id, slot, reason, None), keep=True)
                    return True
        return False

    def _pairs_today(self, leaders: int) -> int:
        """Pairs for today, spread over the cycle so that the share holds across its days."""
        if leaders < 2 or self.settings.paired_share <= 0:
            return 0
        per_day = self.settings.paired_share * self.settings.visits_per_day * leaders / 2
        wanted = math.floor(per_day * (self.index + 1) + 0.5) - math.floor(per_day * self.index + 0.5)
        return min(wanted, self.settings.visits_per_day * leaders // 2)

    def _plan_pairs(self, order: list[str]) -> None:
        for k in range(self._pairs_today(len(order))):
            h = k % len(order)
            host = order[h]
            partners = order[h + 1 :] + order[:h]
            if self._has_room(host):
                self._plan_pair(host, [p for p in partners if self._has_room(p)])

    def _plan_pair(self, host: str, partners: list[str]) -> bool:
        """The host's most overdue teacher whom a partner also has yet to see this cycle, else one in a
        partner's caseload, else any: a pair spends a visit of each leader, so let it count for both."""
        candidates = list(self._candidates(host))
        for wanted in (self._partner_needs, self._partner_may, lambda partner, teacher_id: True):
            for teacher_id in candidates:
                ranked = [p for p in partners if wanted(p, teacher_id)]
                if ranked and self._try_pair(host, ranked, teacher_id):
                    return True
        return False

    def _partner_needs(self, partner: str, teacher_id: str) -> bool:
        last = self._seen(partner, teacher_id).last_done
        return self._partner_may(partner, teacher_id) and (last is None or last < self.cycle_start)

    def _partner_may(self, partner: str, teacher_id: str) -> bool:
        return teacher_id in self.caseload_sets[partner]

    def _try_pair(self, host: str, partners: list[str], teacher_id: str) -> bool:
        for slot in self._slots(host, teacher_id):
            if not self._fits(host, slot):
                continue
            for partner in partners:
                if self._free_for(partner, teacher_id) and self._fits(partner, slot):
                    self._book_pair(host, partner, teacher_id, slot)
                    return True
        return False

    def _free_for(self, leader_id: str, teacher_id: str) -> bool:
        """Whether the leader may still visit this teacher today (not planned, seen, or swapped away)."""
        if teacher_id in self.by_id[leader_id].not_today or self._seen(leader_id, teacher_id).today:
            return False
        return all(v.teacher_id != teacher_id for v in self.visits[leader_id])

    def _book_pair(self, host: str, partner: str, teacher_id: str, slot: _Slot) -> None:
        host_name, partner_name = self.by_id[host].display_name, self.by_id[partner].display_name
        host_reason = f"{self._reason(host, teacher_id, slot)}; paired calibration visit with {partner_name}"
        partner_reason = f"paired calibration visit with {host_name}"
        if teacher_id in self.caseload_sets[partner]:
            partner_reason += f"; {self._reason(partner, teacher_id, slot)}"
        self._book(self._visit(host, teacher_id, slot, host_reason, partner), keep=True)
        self._book(self._visit(partner, teacher_id, slot, partner_reason, host), keep=True)

    # -- explaining ---------------------------------------------------------------------------------

    def _reason(self, leader_id: str, teacher_id: str, slot: _Slot) -> str:
        seen = self._seen(leader_id, teacher_id)
        parts = []
        if seen.pending_lapse and seen.last_lapse is not None:
            parts.append(
                f"{seen.lapse_outcome} on {format_day(seen.last_lapse)} — back at the top of the queue"
            )
        if seen.last_done is None:
            if seen.pending_lapse:
                pass
            elif teacher_id in self.last_seen_by_anyone:
                parts.append("not yet visited by you")
            else:
                parts.append("never visited")
        else:
            parts.append(self._since(seen.last_done))
            last_here = seen.by_period.get(slot.period)
            label = period_label(slot.period)
            if last_here is None:
                parts.append(f"not yet seen in {label}")
            else:
                parts.append(f"not seen in {label} since {format_day(last_here)}")
        parts.append(f"{slot.part} of the lesson")
        return "; ".join(parts)

    def _since(self, last: date) -> str:
        if last < self.cycle_start:
            return f"last seen {format_day(last)}, before this cycle"
        days = self.index - bisect_left(self.day.cycle_days, last)
        return f"last seen {days} school day{'' if days == 1 else 's'} ago"

    def _leader_plan(self, leader: Leader) -> LeaderPlan:
        leader_id = leader.leader_id
        visits = tuple(sorted(self.visits[leader_id], key=_visit_key))
        caseload = self.caseloads[leader_id]
        visitable = [t for t in caseload if t in self.sections]
        unseen = [t for t in visitable if (self._seen(leader_id, t).last_done or date.min) < self.cycle_start]
        unseen_set = set(unseen)
        unseen_today = len({v.teacher_id for v in visits if v.teacher_id in unseen_set})
        days_left = len(self.day.cycle_days) - self.index - 1
        possible = unseen_today + self.settings.visits_per_day * days_left
        unfitted = max(0, len(unseen) - possible)
        notes = []
        if not caseload:
            notes.append("No teachers in your caseload.")
        elif len(visits) < self.settings.visits_per_day:
            if len(visitable) < self.settings.visits_per_day:
                notes.append(f"Only {len(visitable)} teachers with classes in your caseload.")
            else:
                notes.append(
                    f"Only {len(visits)} of {self.settings.visits_per_day} visits fit today "
                    "around your calendar and the timetable."
                )
        if unfitted:
            if len(unseen) == len(visitable):
                head = f"{len(visitable)} teachers, {possible} visits possible this cycle"
            else:
                head = (
                    f"{len(visitable)} teachers, {len(unseen)} not yet seen this cycle, "
                    f"{possible} visits possible in the rest of it"
                )
            notes.append(f"{head}: {unfitted} can't be fitted — the most overdue come first.")
        no_classes = len(caseload) - len(visitable)
        if no_classes:
            notes.append(
                f"{no_classes} teacher{'s' if no_classes > 1 else ''} in your caseload with no classes."
            )
        return LeaderPlan(leader_id, visits, unfitted, tuple(notes), leader.calendar_checked)


def _visit_key(visit: PlannedVisit) -> tuple[time, str, str, str]:
    return (visit.start, visit.period, visit.leader_id, visit.teacher_id)
