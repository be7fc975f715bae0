"""`/rounds [help|today|coverage|…]`: one command, routed by its first word to a capability's answer."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import Ack, App, BoltContext

from bot import ids
from bot.answers import calibration, coaching, leader_digest, rotation
from bot.blocks import help as help_blocks
from bot.callers import Caller, caller_of
from bot.runtime import Runtime

# An answer to `/rounds <word> <rest>`: given who asks and the rest of the text, the ephemeral reply.
Answer = Callable[[Runtime, Caller, str], dict]

SUBCOMMANDS: dict[str, Answer] = {
    "help": lambda _runtime, caller, _rest: help_blocks.help_message(caller.known()),
    "calibration": calibration.answer,
    "today": rotation.today,
    "coverage": rotation.coverage,
    "pd-needs": coaching.pd_needs_answer,
    "roadmap": leader_digest.roadmap_answer,
}


def register(app: App, runtime: Runtime) -> None:
    @app.command(ids.ROUNDS_COMMAND)
    def rounds(ack: Ack, command: dict, context: BoltContext) -> None:
        word, _, rest = (command.get("text") or "").strip().partition(" ")
        caller = caller_of(context)
        profile = caller.known()
        answer = SUBCOMMANDS.get(word.lower() or "help")
        if answer is None:
            ack(**help_blocks.help_message(profile, unknown=word))
            return
        ack(**answer(runtime, caller, rest.strip()))
