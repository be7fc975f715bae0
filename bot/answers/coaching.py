"""Coaching's answers: the coach's and the teacher's App Home sections, and `/rounds pd-needs`."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.blocks import coaching_home as home_blocks
from bot.blocks import coaching_reports as report_blocks
from bot.callers import Caller
from bot.runtime import Runtime
from workflows import privacy
from workflows.coaching.cycles import coach_cycles, teacher_cycles
from workflows.coaching.needs import default_since, pd_needs
from workflows.coaching.preferences import reminds_check_backs
from workflows.coaching.reflections import weeks_record
from workflows.coaching.shares import latest_request, shared_with_me
from workflows.coaching.views import teacher_recent
from workflows.db import transaction
from workflows.privacy import Viewer
from workflows.roster.models import School
from workflows.roster.service import StaffProfile
from workflows.walkthroughs.views import local_time


def coach_home(session: Session, profile: StaffProfile, now: datetime) -> list[dict]:
    """A coach's teachers with their cycles (a `HomeSection` builder)."""
    viewer = Viewer.of(profile)
    return home_blocks.coach_section(
        coach_cycles(session, viewer=viewer, now=now),
        weeks_record(session, viewer=viewer, now=now),
        shared_with_me(session, viewer=viewer),
    )


def teacher_home(session: Session, profile: StaffProfile, now: datetime) -> list[dict]:
    """A teacher's own coaching (a `HomeSection` builder)."""
    viewer = Viewer.of(profile)
    asked = latest_request(session, viewer=viewer)
    school = session.get(School, asked.school_id) if asked else None
    return home_blocks.teacher_section(
        teacher_cycles(session, viewer=viewer, now=now),
        teacher_recent(session, viewer=viewer),
        reminders_on=reminds_check_backs(session, person_id=viewer.person_id),
        asked_on=local_time(asked.created_at, school).date() if asked and school else None,
    )


def pd_needs_answer(runtime: Runtime, caller: Caller, _rest: str) -> dict:
    """`/rounds pd-needs`: the needs of each school the person leads or coaches at; others are told who
    it is for."""
    profile = caller.known()
    viewer = Viewer.of(profile)
    school_ids = sorted(
        s
        for s in viewer.led_school_ids | viewer.coached_school_ids
        if privacy.can_see_coaching_counts(viewer, school_id=s)
    )
    if not school_ids:
        return report_blocks.pd_needs_refusal()
    now = runtime.clock()
    reports = []
    with transaction(runtime.sessions) as session:
        for school_id in school_ids:
            school = session.get(School, school_id)
            if school is None:
                continue
            today = local_time(now, school).date()
            reports.append(
                pd_needs(session, school_id=school_id, since=default_since(today), today=today, now=now)
            )
    return report_blocks.pd_needs_message(reports)
