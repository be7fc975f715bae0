"""`/rounds calibration`: the figures for the schools the person leads, as an ephemeral reply."""

from __future__ import annotations

from bot.blocks import calibration as blocks
from bot.callers import Caller
from bot.runtime import Runtime
from workflows.privacy import Viewer, led_schools
from workflows.walkthroughs.calibration import calibration_for_leader


def answer(runtime: Runtime, caller: Caller, _rest: str) -> dict:
    """One read for the schools the person leads, then the message; leaders only."""
    profile = caller.known()
    if not Viewer.of(profile).leads_a_school:
        return blocks.leaders_only()
    schools = sorted(school.name for school in led_schools(profile))
    with runtime.sessions() as session:
        report = calibration_for_leader(session, leader_person_id=profile.person.id or 0)
    return blocks.calibration_message(report, school_names=schools)
