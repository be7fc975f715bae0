"""One error handler for every listener: the domain's refusals become replies, anything else is logged.

A listener raises a `Refusal` (or lets the domain's escape) instead of answering it itself. Before the
request was acknowledged, the refusal is the acknowledgement: a modal field error for a view submission,
an ephemeral message for a slash command, no options for an options load. After it, the person is told
through the response URL, or, where a click has none (the App Home, a shortcut), in a modal that only
explains.

A modal that Slack would not open (`views.open` failing after the client's retries) is told the same way
through the response URL; a Slack retry whose trigger has expired meanwhile is a normal case, logged as
such: the first delivery of the request is the one that opens the modal.
"""

from __future__ import annotations

from collections.abc import Mapping
from logging import Logger

from slack_bolt import App, BoltRequest, BoltResponse, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.help import COULD_NOT_OPEN
from bot.blocks.walkthroughs import refusal_modal
from workflows.refusals import Refusal

# What views.open answers when the trigger id is too old, already used, or was never Slack's.
TRIGGER_GONE = frozenset({"expired_trigger_id", "invalid_trigger_id"})


class FieldErrors(Refusal):
    """Refusals of a submitted modal, already keyed by the block ids of its inputs."""

    def __init__(self, errors: Mapping[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


def field_errors(refusal: Refusal, view: dict) -> dict[str, str]:
    """Errors keyed by blocks the view really has (Slack refuses unknown ones): a plain refusal goes next to
    the first input."""
    inputs = [
        b.get("block_id")
        for b in view.get("blocks") or []
        if isinstance(b, dict) and b.get("type") == "input"
    ]
    errors = refusal.errors if isinstance(refusal, FieldErrors) else {}
    shown = {block: text for block, text in errors.items() if block in inputs}
    if not shown and inputs:
        shown = {str(inputs[0]): str(refusal)}
    return shown


def tell(
    body: dict, text: str, *, respond: Respond, client: WebClient, blocks: list[dict] | None = None
) -> None:
    """Tell the person who acted, wherever they acted: an ephemeral message where the click has a response
    URL, else a modal. `blocks` (with `text` as their fallback) when there is more to it than words."""
    if body.get("response_url") or body.get("response_urls"):
        respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
    elif body.get("trigger_id"):
        client.views_open(trigger_id=body["trigger_id"], view=refusal_modal(text, blocks))


def answer_in_place(body: dict, text: str, *, respond: Respond, client: WebClient) -> None:
    """Replace what the person clicked in (an ephemeral message, or a modal) with `text`."""
    view = body.get("view") or {}
    if body.get("response_url"):
        respond(text=text, response_type="ephemeral", replace_original=True)
    elif view.get("id") and view.get("type") == "modal":
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=refusal_modal(text))


def register_error_handler(app: App) -> None:
    @app.error
    def refused(
        error: Exception,
        body: dict,
        request: BoltRequest,
        response: BoltResponse | None,
        respond: Respond,
        client: WebClient,
        logger: Logger,
    ) -> BoltResponse | None:
        kind = "command" if "command" in body else str(body.get("type"))
        # Bolt hands over no response once the listener acknowledged (acks first, work after) and the
        # request's own one otherwise (work before the response): the ack already made is what tells them.
        kept = request.context.ack.response if response is not None else None
        acknowledged = response is None or kept is not None
        if isinstance(error, SlackApiError) and failed_method(error) == "views.open":
            modal_not_opened(error, body, request, respond=respond, logger=logger, kind=kind)
            return kept or (BoltResponse(status=200, body="") if response is not None else None)
        if not isinstance(error, Refusal):
            logger.error("listener failed: %s", type(error).__name__, exc_info=error)
            return kept
        logger.info("request refused: %s (%s)", type(error).__name__, kind)
        text = str(error)
        if not acknowledged:  # the refusal is the acknowledgement
            if kind == "view_submission":
                errors = field_errors(error, body.get("view") or {})
                if errors:
                    return BoltResponse(status=200, body={"response_action": "errors", "errors": errors})
            if kind == "command":
                return BoltResponse(status=200, body={"response_type": "ephemeral", "text": text})
            if kind == "block_suggestion":
                return BoltResponse(status=200, body={"options": []})
            kept = BoltResponse(status=200, body="")
        try:
            tell(body, text, respond=respond, client=client)
        except SlackApiError as failure:
            logger.warning("could not tell of a refusal: %s", failure.response.get("error"))
        return kept


def failed_method(error: SlackApiError) -> str:
    """The Web API method a SlackApiError came from ("views.open")."""
    url = str(getattr(error.response, "api_url", "") or "").split("?")[0]
    return url.rstrip("/").rsplit("/", 1)[-1]


def error_code(error: SlackApiError) -> str:
    """Slack's error code ("expired_trigger_id"), or the HTTP status when Slack itself failed."""
    status = error.response.status_code
    data = error.response.data
    code = data.get("error") if isinstance(data, dict) else None
    return str(code) if status < 500 and code else f"HTTP {status}"


def modal_not_opened(
    error: SlackApiError, body: dict, request: BoltRequest, *, respond: Respond, logger: Logger, kind: str
) -> None:
    """views.open failed for good: tell the person through the response URL (commands and message buttons
    have one), unless this request is Slack's retry of one whose trigger has expired meanwhile."""
    code = error_code(error)
    retry = (request.headers.get("x-slack-retry-num") or [None])[0]
    if retry is not None and code in TRIGGER_GONE:
        logger.info(
            "Slack retry %s of a %s: its trigger has expired (%s); the first delivery answers",
            retry,
            kind,
            code,
        )
        return
    logger.warning("modal not opened: views.open failed with %s (%s)", code, kind)
    if not body.get("response_url"):
        return
    try:
        respond(text=COULD_NOT_OPEN, response_type="ephemeral", replace_original=False)
    except SlackApiError as failure:
        logger.warning("could not tell of a modal not opened: %s", error_code(failure))
