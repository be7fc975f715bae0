"""Listeners by capability. Each module exposes `register(app, runtime)`."""

from __future__ import annotations

from slack_bolt import App

from bot.listeners import (
    coaching,
    coaching_answers,
    coaching_cycles,
    coaching_reflections,
    coaching_shares,
    coaching_teacher,
    data_reviews,
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
    coaching.register(app, runtime)
    coaching_answers.register(app, runtime)
    coaching_cycles.register(app, runtime)
    coaching_reflections.register(app, runtime)
    coaching_shares.register(app, runtime)
    coaching_teacher.register(app, runtime)
    data_reviews.register(app, runtime)
