"""When a school's team digests go out: a school day of the week and a time, school-local (Monday 07:30
by default). When that day is not a school day, the digest goes on the week's next school day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from sqlmodel import Session, col, select

from workflows.digests.models import DEFAULT_DIGEST_TIME, DEFAULT_DIGEST_WEEKDAY, DigestSettings

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


class InvalidDigestSettings(ValueError):
    """A setting that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class SchoolDigests:
    school_id: int
    weekday: int
    at: time

    @property
    def day_name(self) -> str:
        return WEEKDAYS[self.weekday].capitalize()


def digest_settings_of(session: Session, *, school_ids: list[int]) -> dict[int, SchoolDigests]:
    rows = {
        r.school_id: r
        for r in session.exec(
            select(DigestSettings).where(col(DigestSettings.school_id).in_(sorted(set(school_ids))))
        ).all()
    }
    return {
        s: SchoolDigests(s, rows[s].weekday, rows[s].at) if s in rows else SchoolDigests(s, DEFAULT_DIGEST_WEEKDAY, DEFAULT_DIGEST_TIME)
        for s in school_ids
    }


def digest_settings(session: Session, *, school_id: int) -> SchoolDigests:
    return digest_settings_of(session, school_ids=[school_id])[school_id]


def weekday_of(text: str) -> int:
    """`mon`, `Monday` or `0` → 0; school days only (Monday to Friday)."""
    word = text.strip().lower()
    if word.isdigit() and 0 <= int(word) <= 4:
        return int(word)
    found = [i for i, name in enumerate(WEEKDAYS) if len(word) >= 3 and name.startswith(word)]
    if len(found) != 1:
        raise InvalidDigestSettings(f"{text!r} is not a school day of the week (monday … friday)")
    return found[0]


def update_digest_settings(
    session: Session, *, school_id: int, now: datetime, weekday: int | None = None, at: time | None = None
) -> SchoolDigests:
    current = digest_settings(session, school_id=school_id)
    day = current.weekday if weekday is None else weekday
    if not 0 <= day <= 4:
        raise InvalidDigestSettings("digests go out on a school day, Monday to Friday")
    row = session.get(DigestSettings, school_id) or DigestSettings(school_id=school_id, updated_at=now)
    row.weekday, row.at, row.updated_at = day, at or current.at, now
    session.add(row)
    session.flush()
    return SchoolDigests(school_id, row.weekday, row.at)
