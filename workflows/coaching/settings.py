"""How each school runs coaching: the phases of a cycle, the contact cadence per phase, its own needs
tags, and when coaches are asked for their weekly reflection. A school without settings uses the defaults."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time

from sqlmodel import Session, col, select

from workflows.coaching.models import (
    DEFAULT_CADENCE_DAYS,
    DEFAULT_PHASES,
    DEFAULT_REFLECTION_TIME,
    DEFAULT_REFLECTION_WEEKDAY,
    PHASE_MAX,
    TAG_MAX,
    CoachingSettings,
)
from workflows.reference.cache import bump_generation, reference_of

MAX_PHASES = 8
MAX_OWN_TAGS = 20
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class InvalidSettings(ValueError):
    """A setting that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class SchoolCoaching:
    school_id: int
    phases: tuple[str, ...]
    cadence_days: tuple[int, ...]
    needs_tags: tuple[str, ...]
    reflection_weekday: int
    reflection_time: time

    def cadence_for(self, phase: str) -> int:
        """Days between contacts in this phase (a phase the school dropped since: the first phase's)."""
        if phase in self.phases:
            return self.cadence_days[self.phases.index(phase)]
        return self.cadence_days[0]

    @property
    def reflection_day_name(self) -> str:
        return WEEKDAYS[self.reflection_weekday].capitalize()


def _of(school_id: int, row: CoachingSettings | None) -> SchoolCoaching:
    if row is None:
        return SchoolCoaching(
            school_id,
            DEFAULT_PHASES,
            DEFAULT_CADENCE_DAYS,
            (),
            DEFAULT_REFLECTION_WEEKDAY,
            DEFAULT_REFLECTION_TIME,
        )
    return SchoolCoaching(
        school_id, tuple(row.phases), tuple(row.cadence_days), tuple(row.needs_tags), row.reflection_weekday,
        row.reflection_time,
    )  # fmt: skip


_SETTINGS = "coaching_settings"


def coaching_settings(session: Session, *, school_id: int) -> SchoolCoaching:
    """A school's coaching settings (a school without a row of its own has the defaults), read once per
    reference generation and process: every change of them bumps the generation."""
    return reference_of(session).remembered(
        _SETTINGS, school_id, lambda: _of(school_id, session.get(CoachingSettings, school_id))
    )


def coaching_settings_of(session: Session, *, school_ids: list[int]) -> dict[int, SchoolCoaching]:
    """Several schools' settings in one read."""
    rows = {
        row.school_id: row
        for row in session.exec(
            select(CoachingSettings).where(col(CoachingSettings.school_id).in_(sorted(set(school_ids))))
        ).all()
    }
    return {school_id: _of(school_id, rows.get(school_id)) for school_id in school_ids}


def update_coaching_settings(
    session: Session,
    *,
    school_id: int,
    now: datetime,
    phases: list[str] | None = None,
    cadence_days: list[int] | None = None,
    needs_tags: list[str] | None = None,
    reflection_weekday: int | None = None,
    reflection_time: time | None = None,
) -> SchoolCoaching:
    """Change what is given, keep the rest; `InvalidSettings` (and nothing written) when a value is bad.

    Cycles already started keep the phases they started with."""
    current = coaching_settings(session, school_id=school_id)
    new_phases = tuple(_clean_phases(phases)) if phases is not None else current.phases
    if cadence_days is not None:
        new_cadence = tuple(cadence_days)
    elif len(current.cadence_days) == len(new_phases):
        new_cadence = current.cadence_days
    else:
        new_cadence = tuple(
            current.cadence_days[min(i, len(current.cadence_days) - 1)] for i in range(len(new_phases))
        )
    if len(new_cadence) != len(new_phases):
        raise InvalidSettings(
            f"give one cadence per phase: {len(new_phases)} phases, {len(new_cadence)} cadences"
        )
    if any(not 1 <= days <= 60 for days in new_cadence):
        raise InvalidSettings("a cadence is a number of days from 1 to 60")
    tags = tuple(_clean_tags(needs_tags)) if needs_tags is not None else current.needs_tags
    weekday = current.reflection_weekday if reflection_weekday is None else reflection_weekday
    if not 0 <= weekday <= 6:
        raise InvalidSettings("the reflection day is a day of the week")
    bump_generation(session)  # every process reads the school's settings again
    row = session.get(CoachingSettings, school_id) or CoachingSettings(school_id=school_id, updated_at=now)
    row.phases, row.cadence_days, row.needs_tags = list(new_phases), list(new_cadence), list(tags)
    row.reflection_weekday = weekday
    row.reflection_time = reflection_time or current.reflection_time
    row.updated_at = now
    session.add(row)
    session.flush()
    return _of(school_id, row)


def weekday_number(text: str) -> int:
    """`fri`, `Friday` or `4` → 4; `InvalidSettings` otherwise."""
    word = text.strip().lower()
    if word.isdigit() and 0 <= int(word) <= 6:
        return int(word)
    found = [i for i, name in enumerate(WEEKDAYS) if len(word) >= 3 and name.startswith(word)]
    if len(found) != 1:
        raise InvalidSettings(f"{text!r} is not a day of the week (monday … sunday)")
    return found[0]


def _clean_phases(phases: list[str]) -> list[str]:
    cleaned = [re.sub(r"\s+", " ", p).strip().lower() for p in phases if p.strip()]
    if not 1 <= len(cleaned) <= MAX_PHASES:
        raise InvalidSettings(f"a cycle has 1 to {MAX_PHASES} phases")
    if len(set(cleaned)) != len(cleaned):
        raise InvalidSettings("each phase has a name of its own")
    if any(len(p) > PHASE_MAX for p in cleaned):
        raise InvalidSettings(f"a phase's name is at most {PHASE_MAX} characters")
    return cleaned


def _clean_tags(tags: list[str]) -> list[str]:
    cleaned = list(dict.fromkeys(re.sub(r"\s+", " ", t).strip() for t in tags if t.strip()))
    if len(cleaned) > MAX_OWN_TAGS:
        raise InvalidSettings(f"a school has at most {MAX_OWN_TAGS} tags of its own")
    if any(len(t) > TAG_MAX for t in cleaned):
        raise InvalidSettings(f"a tag is at most {TAG_MAX} characters")
    return cleaned
