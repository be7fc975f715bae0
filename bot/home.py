"""The App Home tab, built from one section per role, and published for a person.

A feature adds its part of the Home by appending a `HomeSection` to `SECTIONS` (the rotation adds today's
plan and coverage for leaders). Sections see the viewer's profile and build their blocks inside one
transaction; each goes through `workflows.privacy` for what it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient
from sqlmodel import Session

from bot.answers.coaching import coach_home, teacher_home
from bot.answers.community import coach_community_home
from bot.answers.digests import leader_feedback_home
from bot.answers.leader_digest import home_digest, home_distribution
from bot.answers.rotation import home_today
from bot.blocks import home as home_blocks
from bot.callers import Caller
from bot.listeners import days_away
from bot.runtime import Runtime
from workflows.privacy import LEADING_ROLES, Viewer
from workflows.roster.service import StaffProfile
from workflows.roster.snapshot import Role
from workflows.walkthroughs import views as walkthroughs

TEACHER_HISTORY = 15


@dataclass(frozen=True)
class HomeSection:
    """Blocks for everyone holding any of `roles` somewhere; `build(session, profile, now)`."""

    roles: frozenset[Role]
    build: Callable[[Session, StaffProfile, datetime], list[dict]]


def leader_walkthroughs(session: Session, profile: StaffProfile, now: datetime) -> list[dict]:
    return home_blocks.leader_section(walkthroughs.observer_recent(session, viewer=Viewer.of(profile)))


def teacher_walkthroughs(session: Session, profile: StaffProfile, now: datetime) -> list[dict]:
    history = walkthroughs.teacher_history(session, viewer=Viewer.of(profile), limit=TEACHER_HISTORY + 1)
    return home_blocks.teacher_section(history[:TEACHER_HISTORY], more=len(history) > TEACHER_HISTORY)


SECTIONS: list[HomeSection] = [
    HomeSection(roles=frozenset({Role.LEADER}), build=home_today),
    HomeSection(roles=frozenset({Role.LEADER}), build=home_digest),
    HomeSection(roles=frozenset({Role.ADMIN}), build=home_distribution),
    HomeSection(roles=LEADING_ROLES, build=leader_walkthroughs),
    HomeSection(roles=frozenset({Role.TEACHER}), build=teacher_walkthroughs),
    HomeSection(roles=frozenset({Role.LEADER, Role.ADMIN}), build=days_away.home_section),
    HomeSection(roles=frozenset({Role.COACH}), build=coach_home),
    HomeSection(roles=frozenset({Role.TEACHER}), build=teacher_home),
    HomeSection(roles=frozenset({Role.COACH}), build=coach_community_home),  # the coach community
    HomeSection(roles=LEADING_ROLES, build=leader_feedback_home),
]


def home_for(session: Session, profile: StaffProfile | None, now: datetime) -> dict:
    """The Home view of one person: the sections for their roles, in `SECTIONS` order."""
    if profile is None:
        return home_blocks.home_view([home_blocks.not_on_roster()])
    roles = profile.all_roles
    return home_blocks.home_view([s.build(session, profile, now) for s in SECTIONS if s.roles & roles])


def publish_home(runtime: Runtime, client: WebClient, caller: Caller) -> None:
    """Build and publish someone's Home now (on opening it; features call it after a change there)."""
    if caller.slack_user_id is None:
        return
    with caller.transaction() as session:
        view = home_for(session, caller.profile, runtime.clock())
    client.views_publish(user_id=caller.slack_user_id, view=view)
