"""Coaching's answers: the coach's and the teacher's App Home sections (and, below, `/rounds pd-needs`)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.blocks import coaching_home as home_blocks
from workflows.coaching.cycles import coach_cycles, teacher_cycles
from workflows.coaching.preferences import reminds_check_backs
from workflows.coaching.reflections import weeks_record
from workflows.coaching.views import teacher_recent
from workflows.privacy import Viewer
from workflows.roster.service import StaffProfile


def coach_home(session: Session, profile: StaffProfile, now: datetime) -> list[dict]:
    """A coach's teachers with their cycles (a `HomeSection` builder)."""
    viewer = Viewer.of(profile)
    return home_blocks.coach_section(
        coach_cycles(session, viewer=viewer, now=now), weeks_record(session, viewer=viewer, now=now)
    )


def teacher_home(session: Session, profile: StaffProfile, now: datetime) -> list[dict]:
    """A teacher's own coaching (a `HomeSection` builder)."""
    viewer = Viewer.of(profile)
    return home_blocks.teacher_section(
        teacher_cycles(session, viewer=viewer, now=now),
        teacher_recent(session, viewer=viewer),
        reminders_on=reminds_check_backs(session, person_id=viewer.person_id),
    )
