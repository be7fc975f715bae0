"""Data reviews from the leader digest: "Record the data review" opens the modal (the due review's
patterns are in the digest above it; the last review's decisions are in the modal), and its submission
records the strengths and decisions once. Log lines carry ids, never the decisions."""

from __future__ import annotations

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlmodel import Session

from bot import ids, logs
from bot.blocks import leader_digest as blocks
from bot.callers import caller_of
from bot.coaching_requests import clicked_value
from bot.errors import FieldErrors
from bot.home import publish_home
from bot.notices import leader_digest as notices
from bot.payloads import json_object
from bot.runtime import Runtime
from bot.walkthrough_requests import ModalState
from workflows.db import in_transaction, transaction
from workflows.digests.leader_models import REVIEW_KEY_MAX
from workflows.digests.reviews import Recorded, ReviewRefused, record_review, review_to_record
from workflows.roster.models import Person

_log = logs.logger("digests")


def _numbers(text: object) -> tuple[int, int] | None:
    parts = str(text or "").split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1])


def register(app: App, runtime: Runtime) -> None:
    @app.action(ids.DATA_REVIEW_OPEN)
    def open_review(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        viewer = caller_of(context).acting()
        found = _numbers(clicked_value(body))
        ack()
        due = None
        if found is not None:
            with transaction(runtime.sessions) as session:
                due = review_to_record(session, viewer=viewer, school_id=found[0], sequence=found[1],
                                       now=runtime.clock())  # fmt: skip
        view = blocks.review_modal(due) if due is not None else blocks.review_not_due()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(ids.DATA_REVIEW_MODAL)
    def submitted(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        view = body["view"]
        meta = json_object(view.get("private_metadata"))
        school_id, sequence = meta.get("school"), meta.get("sequence")
        if not isinstance(school_id, int) or not isinstance(sequence, int):
            raise FieldErrors(
                {ids.DATA_REVIEW_DECISIONS_BLOCK: "This form can't be read; open the data review again."}
            )
        state = ModalState(view)
        caller = caller_of(context)
        viewer = caller.acting()
        key = f"view:{view.get('id')}"[:REVIEW_KEY_MAX]

        def work(session: Session) -> Recorded:
            recorded = record_review(
                session, viewer=viewer, school_id=school_id, sequence=sequence, key=key,
                strengths=state.text(ids.DATA_REVIEW_STRENGTHS_BLOCK, ids.DATA_REVIEW_STRENGTHS_INPUT),
                decisions=state.text(ids.DATA_REVIEW_DECISIONS_BLOCK, ids.DATA_REVIEW_DECISIONS_INPUT),
                now=runtime.clock(),
            )  # fmt: skip
            leader = session.get(Person, viewer.person_id)
            if leader is not None:
                notices.review_recorded(session, recorded=recorded, leader=leader, now=runtime.clock())
            return recorded

        try:
            recorded = in_transaction(runtime.sessions, work)
        except ReviewRefused as refused:
            block = (
                ids.DATA_REVIEW_STRENGTHS_BLOCK
                if refused.field == "strengths"
                else ids.DATA_REVIEW_DECISIONS_BLOCK
            )
            raise FieldErrors({block: str(refused)}) from None
        ack()
        _log.info(
            "data review school=%s sequence=%s created=%s",
            school_id,
            recorded.review.sequence,
            recorded.created,
        )
        runtime.wake_deliveries()
        publish_home(runtime, client, caller)
