"""What digests add to the App Home: for leaders, the teams' feedback on the walkthrough form, counted."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.blocks import digests as blocks
from workflows import privacy
from workflows.digests.feedback import form_feedback_counts
from workflows.roster.service import StaffProfile
from workflows.walkthroughs.views import local_time

FEEDBACK_WEEKS = 8


def leader_feedback_home(session: Session, profile: StaffProfile, now: datetime) -> list[dict]:
    """A `HomeSection` builder: each led school's feedback on the form over the last eight weeks."""
    viewer = privacy.Viewer.of(profile)
    found: list[dict] = []
    for school in privacy.led_schools(profile):
        if school.id is None or not privacy.can_see_form_feedback(viewer, school_id=school.id):
            continue
        since = local_time(now, school).date() - timedelta(weeks=FEEDBACK_WEEKS)
        counts = form_feedback_counts(session, school_id=school.id, since=since)
        if counts.lines:
            found += blocks.feedback_section(counts, school_name=school.name)
    return found
