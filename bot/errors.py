"""One error handler for every listener: the domain's refusals become replies, anything else is logged.

A listener raises a `Refusal` (or lets the domain's escape) instead of answering it itself. Before the
request was acknowledged, the refusal is the acknowledgement: a modal field error for a view submission,
an ephemeral message for a slash command, no options for an options load. After it, the person is told
through the response URL, or, where a click has none (the App Home, a shortcut), in a modal that only
explains.
"""

from __future__ import annotations

from collections.abc import Mapping
from logging import Logger

from slack_bolt import App, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.walkthroughs import refusal_modal
from workflows.refusals import Refusal


class FieldErrors(Refusal):
    """Refusals of a submitted modal, already keyed by the block ids of its inputs."""

    def __init__(self, errors: Mapping[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


def field_errors(refusal: Refusal, view: dict) -> dict[str, str]:
    """Errors keyed by blocks the view really has (Slack refuses unknown ones): a plain refusal goes next to
    the first input."""
    inputs = [b.get("block_id") for b in view.get("blocks") or [] if isinstance(b, dict) and b.get("type") == "input"]
    errors = refusal.errors if isinstance(refusal, FieldErrors) else {}
    shown = {block: text for block, text in errors.items() if block in inputs}
    if not shown and inputs:
        shown = {str(inputs[0]): str(refusal)}
    return shown


def tell(body: dict, text: str, *, respond: Respond, client: WebClient) -> None:
    """Tell the person who acted, wherever they acted."""
    if body.get("response_url") or body.get("response_urls"):
        respond(text=text, response_type="ephemeral", replace_original=False)
    elif body.get("trigger_id"):
        client.views_open(trigger_id=body["trigger_id"], view=refusal_modal(text))


def register_error_handler(app: App) -> None:
    @app.error
    def refused(
        error: Exception,
        body: dict,
        response: BoltResponse | None,
        respond: Respond,
        client: WebClient,
        logger: Logger,
    ) -> BoltResponse | None:
        if not isinstance(error, Refusal):
            logger.error("listener failed: %s", type(error).__name__, exc_info=error)
            return None
        kind = "command" if "command" in body else str(body.get("type"))
        logger.info("request refused: %s (%s)", type(error).__name__, kind)
        text = str(error)
        if response is not None:  # not acknowledged yet: the refusal is the acknowledgement
            if kind == "view_submission":
                errors = field_errors(error, body.get("view") or {})
                if errors:
                    return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})
            if kind == "command":
                return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
            if kind == "block_suggestion":
                return BoltResponse(status=200, body={"options": []})
            response = BoltResponse(status=200, body="")
        try:
            tell(body, text, respond=respond, client=client)
        except SlackApiError as failure:
            logger.warning("could not tell of a refusal: %s", failure.response.get("error"))
        return response
