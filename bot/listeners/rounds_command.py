"""`/rounds [help|today|coverage|…]`: one command, routed by its first word to a capability's answer."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import ids
from bot.blocks import help as help_blocks
from bot.listeners import calibration, rotation
from bot.runtime import Runtime
from bot.slack_directory import SlackUserDirectory
from workflows.db import transaction
from workflows.roster.service import StaffProfile, identify

# An answer to `/rounds <word> <rest>`: given who asks and the rest of the text, the ephemeral reply.
Answer = Callable[[Runtime, StaffProfile, str], dict]

SUBCOMMANDS: dict[str, Answer] = {
    "help": lambda _runtime, profile, _rest: help_blocks.help_message(profile),
    "calibration": calibration.answer,
    "today": rotation.today_answer,
    "coverage": rotation.coverage_answer,
}


def register(app: App, runtime: Runtime) -> None:
    @app.command(ids.ROUNDS_COMMAND)
    def rounds(ack: Ack, command: dict, client: WebClient) -> None:
        word, _, rest = (command.get("text") or "").strip().partition(" ")
        with transaction(runtime.sessions) as session:
            profile = identify(session, slack_user_id=command["user_id"], emails=SlackUserDirectory(client))
            if profile is None:
                ack(**help_blocks.not_on_roster())
                return
            answer = SUBCOMMANDS.get(word.lower() or "help")
            if answer is None:
                ack(**help_blocks.help_message(profile, unknown=word))
                return
            ack(**answer(runtime, profile, rest.strip()))
