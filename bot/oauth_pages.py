"""The pages an installer's browser shows at the end of Slack's OAuth flow: done, or why not and what now."""

from __future__ import annotations

from html import escape

# Bolt's failure reasons (and Slack's `error=` on the redirect), in words an IT admin can act on.
_REASONS = {
    "access_denied": (
        "Installation cancelled",
        "You chose not to install Rounds, so nothing was installed and nothing about your workspace was kept.",
    ),
    "invalid_browser": (
        "This install link has expired",
        "The link was opened in another browser, opened twice, or is older than ten minutes.",
    ),
    "invalid_state": (
        "This install link has expired",
        "The link was already used or is older than ten minutes.",
    ),
    "missing_code": ("Slack did not finish the installation", "Slack sent no authorisation code back."),
    "invalid_code": (
        "Slack did not finish the installation",
        "Slack refused the authorisation code (it may have expired, or been used already).",
    ),
    "storage_error": (
        "Rounds could not save the installation",
        "Nothing was installed. If it happens again, ask whoever runs Rounds to check its database.",
    ),
}


def success_page(
    *, workspace_name: str | None, app_id: str | None, team_id: str | None, welcomed: bool
) -> str:
    where = escape(workspace_name) if workspace_name else "your workspace"
    next_step = (
        "Rounds sent you a direct message in Slack with the next steps: import your district's roster into "
        "this workspace, and optionally load your own framework."
        if welcomed
        else "Next: import your district's roster into this workspace (see the README, <em>Roster import</em>)."
    )
    open_slack = ""
    if app_id and team_id:
        url = escape(f"slack://app?team={team_id}&id={app_id}")
        open_slack = f'<p><a href="{url}">Open Rounds in Slack</a></p>'
    body = f"<p>Rounds is installed in <strong>{where}</strong>.</p><p>{next_step}</p>{open_slack}"
    return _html("Rounds is installed", body)


def failure_page(reason: str, *, install_path: str) -> str:
    """Why nothing was installed, and a link to start again."""
    unknown = ("Rounds was not installed", f"Slack answered the installation with an error: {reason}.")
    title, why = _REASONS.get(reason, unknown)
    again = f'<a href="{escape(install_path)}">Start the installation again</a>'
    return _html(title, f"<p>{escape(why)}</p><p>{again}</p>")


def _html(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)} · Rounds</title></head>"
        f'<body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">'
        f"<h1>{escape(title)}</h1>{body}</body></html>"
    )
