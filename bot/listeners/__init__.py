"""Listeners by capability. Each module exposes `register(app, runtime)`."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import (
    days_away,
    home,
    installs,
    messages_tab,
    rotation,
    rounds_command,
    walkthrough_answers,
    walkthroughs,
)
from bot.runtime import Runtime


def register_all(app: App, runtime: Runtime) -> None:
    rounds_command.register(app, runtime)
    walkthroughs.register(app, runtime)
    walkthrough_answers.register(app, runtime)
    home.register(app, runtime)
    rotation.register(app, runtime)
    installs.register(app, runtime)
    messages_tab.register(app, runtime)
    days_away.register(app, runtime)
