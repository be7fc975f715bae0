"""The coach community on a coach's App Home: where the channel is, their open questions, the questions
they answered, and questions in their areas still waiting for a first reply."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.blocks import community_home
from workflows.community import channels
from workflows.community.waiting import activity
from workflows.privacy import Viewer
from workflows.roster.service import StaffProfile


def coach_community_home(session: Session, profile: StaffProfile, now: datetime) -> list[dict]:
    district_id = channels.district_of(profile)
    found = channels.community(session, district_id=district_id)
    if found is None or district_id is None:
        return community_home.section(None, None)
    return community_home.section(found, activity(session, viewer=Viewer.of(profile), district_id=district_id))
