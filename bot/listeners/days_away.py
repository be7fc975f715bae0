"""Days without walkthroughs from the App Home: a leader's days away, a school admin's days off walkthroughs.

A button opens a modal (first day, last day, a note); the submission is stored through
`workflows.rotation.away` and the Home is published again. The planner reads the stored days: no visits
for an away leader, nothing at a school on its days off walkthroughs. A refusal is shown to the person
who clicked (a field error in the modal, or a modal that explains), never only logged.
"""

from __future__ import annotations

from datetime import date, datetime

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot import ids, logs
from bot.blocks import days_away as blocks
from bot.blocks.walkthroughs import refusal_modal
from bot.callers import caller_of
from bot.payloads import as_int
from bot.runtime import Runtime
from workflows.db import transaction
from workflows.roster.service import StaffProfile
from workflows.roster.snapshot import Role
from workflows.rotation.away import (
    AwayProblem,
    admin_schools,
    cancel,
    mark_days_away,
    mark_school_days_off,
    upcoming,
)
from workflows.rotation.inputs import local_today
from workflows.rotation.leaders import RotationError

_log = logs.logger("days_away")
NOT_ON_ROSTER = "You're not on the roster yet, so there is nothing to pause."


def _today(profile: StaffProfile, now: datetime) -> date:
    """The person's today, at their first school (the Home shows days from here on)."""
    schools = [s.school for s in profile.schools]
    return min((local_today(s, now) for s in schools), default=now.date())


def home_section(session: Session, profile: StaffProfile, now: datetime) -> list[dict]:
    """The Home's "Days without walkthroughs" (a `HomeSection` builder for leaders and admins)."""
    roles = profile.all_roles
    own, schools = upcoming(session, person_id=profile.person.id or 0, today=_today(profile, now))
    return blocks.home_section(own, schools, leader=Role.LEADER in roles, admin=Role.ADMIN in roles)


def _selected_date(values: dict, block_id: str, action_id: str) -> date | None:
    raw = (values.get(block_id) or {}).get(action_id) or {}
    try:
        return date.fromisoformat(str(raw.get("selected_date") or ""))
    except ValueError:
        return None


def _typed(values: dict, block_id: str, action_id: str) -> str | None:
    raw = (values.get(block_id) or {}).get(action_id) or {}
    value = raw.get("value")
    return value if isinstance(value, str) else None


def _chosen(values: dict, block_id: str, action_id: str) -> int | None:
    option = ((values.get(block_id) or {}).get(action_id) or {}).get("selected_option") or {}
    return as_int(option.get("value")) if isinstance(option, dict) else None


def register(app: App, runtime: Runtime) -> None:
    def refresh_home(client: WebClient, context: BoltContext) -> None:
        from bot.home import publish_home  # the Home lists this module's section

        publish_home(runtime, client, caller_of(context))

    @app.action(ids.DAYS_AWAY_OPEN)
    def open_days_away(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        profile = caller_of(context).profile
        if profile is None:
            view = refusal_modal(NOT_ON_ROSTER)
        else:
            view = blocks.days_away_modal(_today(profile, runtime.clock()))
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(ids.SCHOOL_DAYS_OFF_OPEN)
    def open_school_days_off(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        with transaction(runtime.sessions) as session:
            profile = caller_of(context).profile
            schools = admin_schools(session, person_id=profile.person.id or 0) if profile else []
            today = _today(profile, runtime.clock()) if profile else runtime.clock().date()
        if not schools:
            view = refusal_modal("Only a school's Rounds admin can mark its days without walkthroughs.")
        else:
            view = blocks.school_days_off_modal(schools, today)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(ids.DAYS_AWAY_MODAL)
    def days_away_submitted(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        user_id = body["user"]["id"]
        values = body["view"].get("state", {}).get("values", {})
        try:
            with transaction(runtime.sessions) as session:
                profile = caller_of(context).profile
                if profile is None:
                    raise AwayProblem("first", NOT_ON_ROSTER)
                mark_days_away(
                    session,
                    leader_id=profile.person.id or 0,
                    first=_selected_date(values, ids.DAYS_AWAY_FIRST_BLOCK, ids.DAYS_AWAY_FIRST_INPUT),
                    last=_selected_date(values, ids.DAYS_AWAY_LAST_BLOCK, ids.DAYS_AWAY_LAST_INPUT),
                    note=_typed(values, ids.DAYS_AWAY_NOTE_BLOCK, ids.DAYS_AWAY_NOTE_INPUT),
                    today=_today(profile, runtime.clock()),
                    now=runtime.clock(),
                )
        except AwayProblem as problem:
            ack(response_action="errors", errors=blocks.field_errors(problem.field, str(problem)))
            return
        ack()
        _log.info("days away marked user=%s", user_id)
        refresh_home(client, context)

    @app.view(ids.SCHOOL_DAYS_OFF_MODAL)
    def school_days_off_submitted(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        user_id = body["user"]["id"]
        values = body["view"].get("state", {}).get("values", {})
        try:
            with transaction(runtime.sessions) as session:
                profile = caller_of(context).profile
                if profile is None:
                    raise AwayProblem("school", NOT_ON_ROSTER)
                school_id = _chosen(values, ids.DAYS_AWAY_SCHOOL_BLOCK, ids.DAYS_AWAY_SCHOOL_SELECT)
                chosen = next((s.school for s in profile.schools if s.school.id == school_id), None)
                mark_school_days_off(
                    session,
                    admin_id=profile.person.id or 0,
                    school_id=school_id,
                    first=_selected_date(values, ids.DAYS_AWAY_FIRST_BLOCK, ids.DAYS_AWAY_FIRST_INPUT),
                    last=_selected_date(values, ids.DAYS_AWAY_LAST_BLOCK, ids.DAYS_AWAY_LAST_INPUT),
                    note=_typed(values, ids.DAYS_AWAY_NOTE_BLOCK, ids.DAYS_AWAY_NOTE_INPUT),
                    today=local_today(chosen, runtime.clock())
                    if chosen
                    else _today(profile, runtime.clock()),
                    now=runtime.clock(),
                )
        except AwayProblem as problem:
            ack(response_action="errors", errors=blocks.field_errors(problem.field, str(problem)))
            return
        ack()
        _log.info("school days off walkthroughs marked user=%s school=%s", user_id, school_id)
        refresh_home(client, context)

    @app.action(ids.DAYS_AWAY_CANCEL)
    def cancel_days(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        ack()
        away_id = as_int((body.get("actions") or [{}])[0].get("value"))
        try:
            with transaction(runtime.sessions) as session:
                profile = caller_of(context).profile
                if profile is None:
                    raise RotationError(NOT_ON_ROSTER)
                cancel(
                    session,
                    person_id=profile.person.id or 0,
                    away_id=away_id,
                    today=_today(profile, runtime.clock()),
                )
        except RotationError as refused:
            client.views_open(trigger_id=body["trigger_id"], view=refusal_modal(str(refused)))
            return
        refresh_home(client, context)
