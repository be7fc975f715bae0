"""What a person can do with Rounds, given their roles."""

from __future__ import annotations

from bot import ids
from bot.blocks.elements import escape
from workflows.roster.service import StaffProfile
from workflows.roster.snapshot import Role

COULD_NOT_OPEN = "Slack couldn't open that form just now. Please try again in a moment."

# (who, what to type, what it does). Everyone sees the lines for any of their roles.
HELP_LINES: list[tuple[frozenset[Role], str, str]] = [
    (frozenset(Role), f"`{ids.ROUNDS_COMMAND} help`", "this list"),
    (
        frozenset({Role.TEACHER}),
        "Rounds' *Home* tab",
        "the notes from every visit to your classes, newest first, with your reflections",
    ),
    (
        frozenset({Role.LEADER}),
        f"`{ids.ROUNDS_COMMAND} today`",
        "the classrooms you plan to visit today, and why",
    ),
    (
        frozenset({Role.LEADER}),
        f"`{ids.ROUNDS_COMMAND} coverage`",
        "teachers you haven't seen this cycle, longest first",
    ),
    (
        frozenset({Role.LEADER, Role.ADMIN}),
        f"`{ids.WALKTHROUGH_COMMAND} [teacher]`",
        "log a classroom visit; the teacher gets your evidence right away",
    ),
    (
        frozenset({Role.COACH}),
        f"`{ids.COACH_COMMAND} [teacher]`",
        "log coaching with a teacher: only you and the teacher read the notes; they get them in a DM",
    ),
    (
        frozenset({Role.COACH}),
        f"`{ids.COACH_COMMAND} reflect`",
        "write this week's reflection: what went well, what you learned, what's next, what support you need",
    ),
    (
        frozenset({Role.LEADER, Role.ADMIN, Role.COACH}),
        f"`{ids.ROUNDS_COMMAND} pd-needs`",
        "professional-learning needs from coaching, by framework area, beside the walkthrough picture",
    ),
    (
        frozenset({Role.TEACHER}),
        "Rounds' *Home* tab, *Your coaching*",
        "your coaching cycle, next steps and notes (only you and your coach see them); ask for coaching there",
    ),
    (
        frozenset({Role.LEADER, Role.ADMIN}),
        f"`{ids.ROUNDS_COMMAND} calibration`",
        "how alike leaders rate the same lesson on paired visits (agreement and κ per look-for)",
    ),
    (
        frozenset({Role.LEADER}),
        f"`{ids.ROUNDS_COMMAND} roadmap`",
        "your level in each roadmap stage, computed from your records, with what would move you up",
    ),
    (
        frozenset({Role.ADMIN}),
        f"`{ids.ROUNDS_COMMAND} roadmap`",
        "how many of your district's leaders stand at each roadmap level (never who)",
    ),
    (
        frozenset({Role.COACH}),
        f"`{ids.SHARE_COMMAND} question …` / `success …`",
        "ask the coaches of every school a question, or share what worked (leave teachers' names out)",
    ),
    (
        frozenset({Role.ADMIN}),
        f"`{ids.ROUNDS_COMMAND} community set #channel`",
        "the district's coach community channel",
    ),
]

_ROLE_NAMES = {Role.LEADER: "leader", Role.COACH: "coach", Role.TEACHER: "teacher", Role.ADMIN: "admin"}


def help_message(profile: StaffProfile, *, unknown: str | None = None) -> dict:
    roles = profile.all_roles
    lines = [f"• {usage} — {what}" for who, usage, what in HELP_LINES if who & roles]
    where = "; ".join(
        f"{', '.join(sorted(_ROLE_NAMES[r] for r in entry.roles))} at {escape(entry.school.name)}"
        for entry in profile.schools
    )
    intro = f"Hi {escape(profile.person.given_name)}! Rounds knows you as: {where or 'staff, with no school role yet'}."
    if unknown:
        intro = f"I don't know `{ids.ROUNDS_COMMAND} {escape(unknown)}`. " + intro
    body = "\n".join(lines)
    return {
        "response_type": "ephemeral",
        "text": f"{intro}\n{body}",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": intro}},
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*What you can do*\n{body}"}},
        ],
    }


NOT_ON_ROSTER = (
    "You're not on the roster yet, so Rounds doesn't know your school or role. "
    "Ask your district's Rounds admin to add you (staff are matched by the email address on your Slack profile)."
)


def not_on_roster() -> dict:
    return {"response_type": "ephemeral", "text": NOT_ON_ROSTER}


MESSAGES_TAB_INTRO = "I don't read messages here, but here is what you can do with Rounds."


def typed_message_reply(profile: StaffProfile | None) -> dict:
    """The answer to a message typed in the Messages tab: help by role (never echoing what was typed)."""
    if profile is None:
        return {"text": not_on_roster()["text"]}
    message = help_message(profile)
    intro = {"type": "context", "elements": [{"type": "mrkdwn", "text": MESSAGES_TAB_INTRO}]}
    return {"text": f"{MESSAGES_TAB_INTRO} {message['text']}", "blocks": [intro, *message["blocks"]]}
