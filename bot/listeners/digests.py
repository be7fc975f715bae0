"""The team digest's "Feedback on the form": a member opens the modal, says which look-for is unclear,
missing or ready to retire, and it is saved once per member (the school's leaders see it counted)."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import ids
from bot.blocks import digests as blocks
from bot.callers import caller_of
from bot.coaching_requests import clicked_id, known
from bot.errors import FieldErrors
from bot.payloads import as_int
from bot.runtime import Runtime
from bot.walkthrough_requests import ModalState
from workflows.db import transaction
from workflows.digests.feedback import InvalidFeedback, feedback_form, save_feedback

FIELD_BLOCKS = {
    "look_for": ids.DIGEST_FEEDBACK_LOOK_FOR_BLOCK,
    "kind": ids.DIGEST_FEEDBACK_KIND_BLOCK,
    "note": ids.DIGEST_FEEDBACK_NOTE_BLOCK,
}


def register(app: App, runtime: Runtime) -> None:
    @app.action(ids.DIGEST_FEEDBACK)
    def open_feedback(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        viewer = caller_of(context).acting()
        with transaction(runtime.sessions) as session:
            form = feedback_form(session, viewer=viewer, team_id=known(clicked_id(body)))
        ack()
        client.views_open(
            trigger_id=body["trigger_id"],
            view=blocks.feedback_modal(team_id=form.team_id, team_name=form.team_name, look_fors=form.look_fors),
        )

    @app.view(ids.DIGEST_FEEDBACK_MODAL)
    def feedback_sent(ack: Ack, body: dict, context: BoltContext) -> None:
        view = body["view"]
        state = ModalState(view)
        viewer = caller_of(context).acting()
        now = runtime.clock()
        try:
            with transaction(runtime.sessions) as session:
                save_feedback(
                    session, viewer=viewer, team_id=known(as_int(view.get("private_metadata"))),
                    look_for=state.selected(ids.DIGEST_FEEDBACK_LOOK_FOR_BLOCK, ids.DIGEST_FEEDBACK_LOOK_FOR_INPUT),
                    kind=state.selected(ids.DIGEST_FEEDBACK_KIND_BLOCK, ids.DIGEST_FEEDBACK_KIND_INPUT),
                    note=state.text(ids.DIGEST_FEEDBACK_NOTE_BLOCK, ids.DIGEST_FEEDBACK_NOTE_INPUT),
                    now=now,
                )  # fmt: skip
        except InvalidFeedback as invalid:
            raise FieldErrors({FIELD_BLOCKS[k]: v for k, v in invalid.errors.items()}) from None
        ack()
