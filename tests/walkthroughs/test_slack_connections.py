"""Each `/walkthrough` opens its modal over the connection the last one used: Rounds does not pay a new
connection to Slack per request (Bolt alone would give every request a client that opens its own)."""

from __future__ import annotations

from tests.walkthroughs.support import open_modal


def test_five_walkthroughs_open_their_modals_over_one_connection(app, slack):
    open_modal(app.driver, slack, "ULEAD", "ben")
    before, opened = slack.connections_opened, len(slack.calls_to("views.open"))

    for _ in range(5):
        open_modal(app.driver, slack, "ULEAD", "ben")

    assert len(slack.calls_to("views.open")) - opened == 5
    assert slack.connections_opened == before
