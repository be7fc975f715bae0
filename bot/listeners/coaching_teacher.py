"""A teacher's own coaching choices on their App Home: check-back reminders on or off."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.callers import caller_of
from bot.coaching_requests import clicked_value
from bot.home import publish_home
from bot.runtime import Runtime
from workflows.coaching.preferences import set_check_back_reminders
from workflows.db import transaction


def register(app: App, runtime: Runtime) -> None:
    @app.action(ids.COACHING_REMINDERS_TOGGLE)
    def reminders(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        caller = caller_of(context)
        viewer = caller.acting()
        with transaction(runtime.sessions) as session:
            set_check_back_reminders(session, viewer=viewer, on=clicked_value(body) == "on", now=runtime.clock())
        ack()
        publish_home(runtime, client, caller)
