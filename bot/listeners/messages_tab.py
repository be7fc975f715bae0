"""The Messages tab: a person typing to Rounds in its DM gets help, not silence.

Only a person's own new message in the app's DM is answered: not a bot's (Rounds' own messages come back
as events too), not an edit or deletion (any `subtype`), not a channel message.
"""

from __future__ import annotations

from slack_bolt import App, BoltContext

from bot import ids, logs
from bot.callers import caller_of
from bot.notices import messages_tab as notices
from bot.runtime import Runtime
from workflows.db import transaction

_log = logs.logger("messages_tab")


def typed_in_dm(event: dict) -> bool:
    """A person's own new message in their DM with Rounds."""
    return (
        event.get("channel_type") == "im"
        and "subtype" not in event
        and not event.get("bot_id")
        and isinstance(event.get("user"), str)
    )


def register(app: App, runtime: Runtime) -> None:
    @app.event(ids.MESSAGE_EVENT_TYPE, matchers=[typed_in_dm])
    def typed_message(event: dict, context: BoltContext) -> None:
        caller = caller_of(context)
        user = event["user"]
        message_id = str(event.get("client_msg_id") or event["ts"])
        with transaction(runtime.sessions) as session:
            notices.answer_typed_message(
                session, workspace=caller.workspace, slack_user_id=user, message_id=message_id,
                profile=caller.profile,
            )  # fmt: skip
        runtime.wake_deliveries()
        _log.info("messages tab: help queued user=%s", user)

    @app.event(ids.MESSAGE_EVENT_TYPE)
    def other_message(event: dict) -> None:
        """Edits, deletions and Rounds' own messages: acknowledged, nothing to answer."""
        _log.debug("messages tab: not answered subtype=%s", event.get("subtype", "-"))
