"""Reference data read once per version and shared by every request of a process.

What changes only with a framework load or a roster import (a framework version with its forms, look-fors
and scale; a school with its bell schedule and day types), or with a setting written as rarely (a school's
coaching settings, `Reference.remembered`), is held in memory as immutable snapshots, keyed
by the reference generation: one counter row that `load_framework` and `apply_roster` bump in their own
transaction. A request learns the generation with a query it needs anyway (the caller's profile, see
`bot/callers.py`) or with one cheap SELECT, and a process whose snapshots are older drops them all and reads
again. So several processes stay right: each compares the database's counter with its own.

A session that bumped the counter (its transaction is writing new reference data) neither reads nor fills
the shared snapshots: what it sees may yet be rolled back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, time
from types import MappingProxyType
from typing import TypeVar

from sqlalchemy import ColumnElement, func, literal
from sqlalchemy import select as sa_select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from workflows.frameworks.models import Form, FormLookFor, Framework, FrameworkArea, LookFor
from workflows.frameworks.spec import RatingLevel
from workflows.reference.models import ROW_ID, ReferenceGeneration
from workflows.roster.models import BellPeriod, CalendarDay, School

T = TypeVar("T")

CACHE = "rounds.reference_cache"
GENERATION = "rounds.reference_generation"
WRITING = "rounds.reference_writing"


# ── the snapshots ────────────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class FormRef:
    id: int
    framework_id: int
    key: str
    name: str
    focus: str
    position: int
    retired: bool


@dataclass(frozen=True)
class AreaRef:
    id: int
    key: str
    name: str
    position: int


@dataclass(frozen=True)
class LookForRef:
    id: int
    framework_id: int
    key: str
    text: str
    position: int
    retired: bool
    area_id: int
    area: str  # the area's name
    area_position: int


@dataclass(frozen=True)
class FrameworkVersion:
    """One stored framework version, whole: its forms (retired ones too), look-fors and scale."""

    id: int
    district_id: int | None
    key: str
    name: str
    version: int
    scale: tuple[RatingLevel, ...]
    areas: tuple[AreaRef, ...]  # in the framework's order
    forms: tuple[FormRef, ...]  # in the framework's order
    look_fors: Mapping[int, LookForRef]
    on_form: Mapping[int, tuple[int, ...]]  # form id → look-for ids, in the form's order

    @property
    def look_fors_in_use(self) -> tuple[LookForRef, ...]:
        """Every look-for not retired, by area, in the framework's order."""
        return tuple(lf for lf in self.look_fors.values() if not lf.retired)

    @property
    def active_forms(self) -> tuple[FormRef, ...]:
        return tuple(f for f in self.forms if not f.retired)

    def form(self, form_id: int | None) -> FormRef | None:
        return next((f for f in self.forms if f.id == form_id), None)

    def look_fors_on(self, form_id: int) -> tuple[LookForRef, ...]:
        """The look-fors to rate on the form, in its order; retired ones are left off."""
        found = (self.look_fors[i] for i in self.on_form.get(form_id, ()))
        return tuple(lf for lf in found if not lf.retired)


@dataclass(frozen=True)
class BellRef:
    day_type: str
    period: str
    start: time
    end: time


@dataclass(frozen=True)
class SchoolCalendar:
    """A school as reference data: its name, clock and district, its bell schedule and its day types."""

    id: int
    workspace: str
    name: str
    timezone: str
    district_id: int | None
    bells: tuple[BellRef, ...]  # every kind of day, earliest first
    exceptions: Mapping[date, str]  # dated exceptions to a Monday–Friday `regular` week

    def day_type(self, day: date) -> str | None:
        """The kind of day at the school; None when there is no instruction."""
        if day in self.exceptions:
            kind = self.exceptions[day]
            return None if kind == "none" else kind
        return "regular" if day.weekday() < 5 else None


# ── the process-local cache ──────────────────────────────────────────────────────────────────────────


@dataclass
class _Store:
    """The snapshots of one generation. Entries are added under the cache's lock and never changed."""

    generation: int
    frameworks: dict[int, FrameworkVersion] = field(default_factory=dict)
    current: dict[int | None, int | None] = field(default_factory=dict)  # district → framework id
    schools: dict[int, SchoolCalendar | None] = field(default_factory=dict)
    features: dict[tuple[str, object], object] = field(default_factory=dict)  # see `Reference.remembered`


class ReferenceCache:
    """One per process (per session factory): the newest generation's snapshots, safe across threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._store = _Store(generation=-1)

    def store(self, generation: int) -> _Store:
        """The snapshots for `generation` or a newer one (never older: those may miss a change)."""
        with self._lock:
            if generation > self._store.generation:
                self._store = _Store(generation=generation)
            return self._store

    def remember(self, store: _Store, table: str, key: object, value: object) -> None:
        with self._lock:
            getattr(store, table).setdefault(key, value)


# ── reading ──────────────────────────────────────────────────────────────────────────────────────────


def generation_column() -> ColumnElement[int]:
    """The current generation as a column, to fold into a query a request needs anyway."""
    read = sa_select(ReferenceGeneration.generation).where(col(ReferenceGeneration.id) == ROW_ID)
    return func.coalesce(read.scalar_subquery(), literal(0)).label("reference_generation")


def read_generation(session: Session) -> int:
    return int(session.execute(sa_select(generation_column())).scalar_one())


def seen_generation(session: Session, generation: int) -> None:
    """What a request already read (with its caller): the session's reference data is of this generation."""
    session.info[GENERATION] = generation


class Reference:
    """The reference data one session reads: from the process's snapshots, or from the database on a miss."""

    def __init__(self, session: Session, cache: ReferenceCache | None, store: _Store | None) -> None:
        self._session = session
        self._cache = cache
        self._store = store

    def _remember(self, table: str, key: object, value: object) -> None:
        if self._cache is not None and self._store is not None:
            self._cache.remember(self._store, table, key, value)

    def framework(self, framework_id: int) -> FrameworkVersion | None:
        if self._store is not None and framework_id in self._store.frameworks:
            return self._store.frameworks[framework_id]
        found = _load_framework(self._session, framework_id)
        if found is not None:
            self._remember("frameworks", framework_id, found)
        return found

    def current_framework(self, district_id: int | None = None) -> FrameworkVersion | None:
        """The district's own current framework, else the shared one (loaded without a district)."""
        if self._store is not None and district_id in self._store.current:
            framework_id = self._store.current[district_id]
        else:
            framework_id = _current_framework_id(self._session, district_id)
            self._remember("current", district_id, framework_id)
        return self.framework(framework_id) if framework_id is not None else None

    def school(self, school_id: int) -> SchoolCalendar | None:
        if self._store is not None and school_id in self._store.schools:
            return self._store.schools[school_id]
        found = _load_school(self._session, school_id)
        self._remember("schools", school_id, found)
        return found


    def remembered(self, kind: str, key: object, load: Callable[[], T]) -> T:
        """A feature's own immutable snapshot of data that changes only with the generation (a school's
        coaching settings, say): read by `load` once per generation and process. Whatever writes that data
        bumps the generation (`bump_generation`) in the same transaction."""
        if self._store is not None and (kind, key) in self._store.features:
            return self._store.features[(kind, key)]  # type: ignore[return-value]
        found = load()
        self._remember("features", (kind, key), found)
        return found


def reference_of(session: Session) -> Reference:
    """The reference data for this session: the process's snapshots when the session has a cache (see
    `workflows.db.make_sessions`) and is not itself writing reference data."""
    cache = session.info.get(CACHE)
    if not isinstance(cache, ReferenceCache) or session.info.get(WRITING):
        return Reference(session, None, None)
    generation = session.info.get(GENERATION)
    if generation is None:
        generation = read_generation(session)
        seen_generation(session, generation)
    return Reference(session, cache, cache.store(generation))


# ── writing ──────────────────────────────────────────────────────────────────────────────────────────


def bump_generation(session: Session) -> None:
    """New reference data is being written in this transaction: every process reads again once it commits."""
    session.info[WRITING] = True
    session.info.pop(GENERATION, None)
    table = ReferenceGeneration.__table__  # type: ignore[attr-defined]
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(table).values(id=ROW_ID, generation=1)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["id"], set_={"generation": table.c.generation + 1}
        )
    )


def forget_transaction(session: Session) -> None:
    """After a commit or rollback the next transaction reads the generation again."""
    session.info.pop(GENERATION, None)
    session.info.pop(WRITING, None)


# ── loading one snapshot ─────────────────────────────────────────────────────────────────────────────


def _current_framework_id(session: Session, district_id: int | None) -> int | None:
    for district in (district_id, None) if district_id is not None else (None,):
        where = (
            col(Framework.district_id).is_(None) if district is None else col(Framework.district_id) == district
        )
        found = session.exec(
            select(Framework.id)
            .where(col(Framework.current).is_(True), where)
            .order_by(col(Framework.loaded_at).desc(), col(Framework.id).desc())
        ).first()
        if found is not None:
            return found
    return None


def look_for_ref(look_for: LookFor, area: FrameworkArea) -> LookForRef:
    return LookForRef(
        id=look_for.id or 0, framework_id=look_for.framework_id, key=look_for.key, text=look_for.text,
        position=look_for.position, retired=look_for.retired, area_id=look_for.area_id, area=area.name,
        area_position=area.position,
    )  # fmt: skip


def _load_framework(session: Session, framework_id: int) -> FrameworkVersion | None:
    from workflows.frameworks.service import rating_scale  # it writes through this module: imported late

    framework = session.get(Framework, framework_id)
    if framework is None:
        return None
    forms = session.exec(
        select(Form).where(Form.framework_id == framework_id).order_by(col(Form.position))
    ).all()
    areas = session.exec(
        select(FrameworkArea)
        .where(FrameworkArea.framework_id == framework_id)
        .order_by(col(FrameworkArea.position))
    ).all()
    look_fors = session.exec(
        select(LookFor, FrameworkArea)
        .join(FrameworkArea, col(FrameworkArea.id) == LookFor.area_id)
        .where(LookFor.framework_id == framework_id)
        .order_by(col(FrameworkArea.position), col(LookFor.position))
    ).all()
    links = session.exec(
        select(FormLookFor)
        .join(Form, col(Form.id) == FormLookFor.form_id)
        .where(Form.framework_id == framework_id)
        .order_by(col(FormLookFor.form_id), col(FormLookFor.position))
    ).all()
    on_form: dict[int, list[int]] = {form.id or 0: [] for form in forms}
    for link in links:
        on_form.setdefault(link.form_id, []).append(link.look_for_id)
    return FrameworkVersion(
        id=framework.id or 0,
        district_id=framework.district_id,
        key=framework.key,
        name=framework.name,
        version=framework.version,
        scale=tuple(rating_scale(framework)),
        areas=tuple(AreaRef(id=a.id or 0, key=a.key, name=a.name, position=a.position) for a in areas),
        forms=tuple(
            FormRef(
                id=f.id or 0, framework_id=f.framework_id, key=f.key, name=f.name, focus=f.focus,
                position=f.position, retired=f.retired,
            )
            for f in forms
        ),
        look_fors=MappingProxyType({lf.id or 0: look_for_ref(lf, area) for lf, area in look_fors}),
        on_form=MappingProxyType({form_id: tuple(ids) for form_id, ids in on_form.items()}),
    )


def _load_school(session: Session, school_id: int) -> SchoolCalendar | None:
    school = session.get(School, school_id)
    if school is None:
        return None
    bells = session.exec(
        select(BellPeriod).where(BellPeriod.school_id == school_id).order_by(col(BellPeriod.start))
    ).all()
    days = session.exec(select(CalendarDay).where(CalendarDay.school_id == school_id)).all()
    return SchoolCalendar(
        id=school.id or 0,
        workspace=school.workspace,
        name=school.name,
        timezone=school.timezone,
        district_id=school.district_id,
        bells=tuple(BellRef(b.day_type, b.period, b.start, b.end) for b in bells),
        exceptions=MappingProxyType({d.day: d.day_type for d in days}),
    )
