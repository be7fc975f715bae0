"""The welcome DM the person who installed Rounds gets: what Rounds does, and what to do next."""

from __future__ import annotations

from bot.blocks.elements import escape, mrkdwn, plain


def welcome_message(*, workspace: str, workspace_name: str | None) -> dict:
    """Next steps for the installer: import the roster into this workspace, optionally a framework."""
    where = escape(workspace_name) if workspace_name else "this workspace"
    steps = (
        "*1. Import your district's roster* (a OneRoster CSV export, with bell schedules) into this workspace:\n"
        f"```rounds import-roster district-export.zip --workspace {workspace}```\n"
        "Staff are matched to Slack users by email; no student data is stored.\n"
        "*2. Optionally, load your own framework* (`rounds framework template` to start from ours):\n"
        "```rounds framework load our-framework.yml```"
    )
    who = (
        "*Then:* each leader gets a DM every school morning with the three classrooms to visit, and logs a "
        "visit with `/walkthrough`; the teacher gets the written evidence right away. `/rounds help` lists "
        "the rest."
    )
    return {
        "text": f"Rounds is installed in {where}. Next: import your district's roster.",
        "blocks": [
            {"type": "header", "text": plain("Rounds is installed")},
            {"type": "section", "text": mrkdwn(f"Thanks for adding Rounds to *{where}*. Two steps to go:")},
            {"type": "section", "text": mrkdwn(steps)},
            {"type": "section", "text": mrkdwn(who)},
        ],
    }
