"""The App Home tab: `app_home_opened` → `views.publish` (the view is built in `bot/home.py`)."""

from __future__ import annotations

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.callers import caller_of
from bot.home import publish_home
from bot.runtime import Runtime


def register(app: App, runtime: Runtime) -> None:
    @app.event(ids.APP_HOME_OPENED_EVENT)
    def home_opened(event: dict, client: WebClient, context: BoltContext) -> None:
        if event.get("tab", "home") != "home":
            return
        publish_home(runtime, client, caller_of(context))
