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
    community,
    community_posts,
    community_reflections,
    data_reviews,
    days_away,
    digests,
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
    # Community first: its `/rounds community` and channel-message listeners must match before the
    # general `/rounds` router and the Messages tab's catch-all for message events.
    community.register(app, runtime)
    community_posts.register(app, runtime)
    community_reflections.register(app, runtime)
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
    digests.register(app, runtime)
    data_reviews.register(app, runtime)
