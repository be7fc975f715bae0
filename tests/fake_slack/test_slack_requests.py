"""Requests built and signed here pass Slack's signature check, and drive a real Bolt app end to end."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from fastapi import FastAPI, Request
from slack_bolt import App
from slack_bolt.adapter.fastapi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.demo.fake_slack import FakeSlack
from bot.demo.serve import serve_in_thread
from bot.demo.slack_requests import (
    SlackDriver,
    SlackRequestSigner,
    app_home_opened_event,
    block_actions_payload,
    button_action,
    plain_text_value,
    shortcut_payload,
    view_submission_payload,
)

from .conftest import TOKEN, add_directory

SECRET = "signing-secret-for-tests"


def form(body: bytes) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}


def verifies(body: bytes, headers: dict[str, str], secret: str = SECRET) -> bool:
    return SignatureVerifier(secret).is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    )


def test_signature_verifies_with_slack_sdk() -> None:
    signer = SlackRequestSigner(SECRET)
    body, headers = signer.slash_command("/walkthrough", "Terry", user_id="U100LEAD")

    assert verifies(body, headers)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert not verifies(body + b"&text=forged", headers)
    assert not verifies(body, headers, secret="another-app")


def test_a_six_minute_old_request_is_refused() -> None:
    signer = SlackRequestSigner(SECRET)

    body, headers = signer.interactivity({"type": "shortcut"}, timestamp=int(time.time()) - 6 * 60)

    assert not verifies(body, headers)
    assert verifies(*signer.interactivity({"type": "shortcut"}, timestamp=int(time.time()) - 4 * 60))


def test_slash_command_carries_every_field_slack_sends() -> None:
    body, _ = SlackRequestSigner(SECRET).slash_command(
        "/rounds",
        "today",
        user_id="U100LEAD",
        channel_id="C0TEAM5",
        trigger_id="1.2.t",
        response_url="http://r",
    )

    fields = form(body)
    expected = {
        "token",
        "team_id",
        "team_domain",
        "channel_id",
        "channel_name",
        "user_id",
        "user_name",
        "command",
    }
    assert expected | {"text", "api_app_id", "response_url", "trigger_id"} <= fields.keys()
    assert (fields["command"], fields["text"], fields["user_id"]) == ("/rounds", "today", "U100LEAD")
    assert (fields["trigger_id"], fields["response_url"]) == ("1.2.t", "http://r")


def test_interactivity_is_a_form_encoded_json_payload() -> None:
    view = {"id": "V1", "type": "modal", "callback_id": "walkthrough"}
    values = {"evidence": {"text": plain_text_value("Students explained their reasoning")}}
    body, headers = SlackRequestSigner(SECRET).interactivity(
        view_submission_payload("U100LEAD", view, values, "1.2.t")
    )

    payload = json.loads(form(body)["payload"])

    assert verifies(body, headers)
    assert payload["type"] == "view_submission"
    assert payload["view"]["state"]["values"] == values
    assert payload["view"]["callback_id"] == "walkthrough"
    assert payload["user"]["id"] == "U100LEAD"


def test_block_actions_from_a_message_point_at_it() -> None:
    message = {"ts": "1700000000.000100", "text": "Evidence"}
    payload = block_actions_payload(
        "U200TEACH", [button_action("say_thanks", "visit-1")], "1.2.t", channel_id="D1", message=message
    )

    assert payload["container"] == {
        "type": "message",
        "message_ts": "1700000000.000100",
        "channel_id": "D1",
        "is_ephemeral": False,
    }
    assert payload["actions"][0]["action_id"] == "say_thanks"
    assert payload["message"] == message


def test_event_envelope_and_url_verification_are_signed_json() -> None:
    signer = SlackRequestSigner(SECRET)
    body, headers = signer.event(app_home_opened_event("U100LEAD"))
    envelope = json.loads(body)

    assert verifies(body, headers)
    assert headers["Content-Type"] == "application/json"
    assert envelope["type"] == "event_callback"
    assert envelope["event"]["type"] == "app_home_opened"
    assert envelope["event_id"].startswith("Ev") and isinstance(envelope["event_time"], int)
    challenge_body, _ = signer.url_verification("abc123")
    assert json.loads(challenge_body) == {
        "token": "legacy-verification-token",
        "challenge": "abc123",
        "type": "url_verification",
    }


# ---------------------------------------------------------------- a real Bolt app behind FastAPI


WALKTHROUGH_MODAL = {
    "type": "modal",
    "callback_id": "log_walkthrough",
    "title": {"type": "plain_text", "text": "Log a walkthrough"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "evidence",
            "label": {"type": "plain_text", "text": "Evidence"},
            "element": {"type": "plain_text_input", "action_id": "text"},
        }
    ],
}


def tiny_bolt_app(fake: FakeSlack, seen: list[dict[str, Any]]) -> FastAPI:
    """A minimal stand-in app, so these tests exercise only the fake and the driver."""
    bolt = App(
        client=WebClient(token=TOKEN, base_url=fake.api_url),
        signing_secret=SECRET,
        process_before_response=True,
    )

    @bolt.command("/walkthrough")
    def open_modal(ack, body, client) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=WALKTHROUGH_MODAL)

    @bolt.view("log_walkthrough")
    def save(ack, view) -> None:
        ack()
        seen.append(view["state"]["values"])

    @bolt.action("say_thanks")
    def thanks(ack, respond) -> None:
        ack()
        respond(text="Thanks sent", replace_original=False)

    @bolt.options("teacher")
    def teachers(ack, payload) -> None:
        ack(options=[{"text": {"type": "plain_text", "text": "Terry Teacher"}, "value": "U200TEACH"}])

    @bolt.shortcut("quick_visit")
    def quick(ack, body, client) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=WALKTHROUGH_MODAL)

    @bolt.event("app_home_opened")
    def home(event, client) -> None:
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": [{"type": "divider"}]})

    handler = SlackRequestHandler(bolt)
    api = FastAPI()

    @api.post("/slack/events")
    async def events(request: Request):
        return await handler.handle(request)

    return api


@pytest.fixture
def driven() -> Iterator[tuple[SlackDriver, FakeSlack, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []
    with FakeSlack() as fake:
        add_directory(fake)
        with (
            serve_in_thread(tiny_bolt_app(fake, seen)) as url,
            httpx.Client(base_url=url, timeout=10) as http,
        ):
            yield SlackDriver(SlackRequestSigner(SECRET), fake, http), fake, seen


def test_driver_command_opens_a_modal_and_submission_carries_values(driven) -> None:
    driver, fake, seen = driven

    assert driver.command("U100LEAD", "/walkthrough", "Terry").status_code == 200
    (modal,) = fake.open_views()
    values = {"evidence": {"text": plain_text_value("Students explained their reasoning")}}
    assert driver.submit_view("U100LEAD", modal, values).status_code == 200

    assert seen == [values]


def test_driver_message_click_reaches_the_response_url(driven) -> None:
    driver, fake, _ = driven
    posted = WebClient(token=TOKEN, base_url=fake.api_url).chat_postMessage(
        channel="U200TEACH", text="Evidence"
    )

    response = driver.action(
        "U200TEACH",
        [button_action("say_thanks", "visit-1")],
        channel_id=posted["channel"],
        message=posted["message"],
    )

    assert response.status_code == 200
    assert fake.responses(driver.last_response_url)[0]["text"] == "Thanks sent"


def test_driver_options_shortcut_and_home(driven) -> None:
    driver, fake, _ = driven

    options = driver.options("U100LEAD", "teacher", block_id="who", value="Ter")
    driver.shortcut("U100LEAD", "quick_visit")
    driver.open_home("U100LEAD")

    assert options.json()["options"][0]["value"] == "U200TEACH"
    assert len(fake.open_views()) == 1
    assert fake.published_home("U100LEAD")["blocks"] == [{"type": "divider"}]


def test_forged_and_replayed_requests_are_refused_and_do_nothing(driven) -> None:
    driver, fake, _ = driven
    trigger = fake.new_trigger_id()
    forged = SlackRequestSigner("not-the-secret").interactivity(
        shortcut_payload("quick_visit", "U100LEAD", trigger)
    )
    replayed = driver.signer.interactivity(
        shortcut_payload("quick_visit", "U100LEAD", trigger), timestamp=int(time.time()) - 6 * 60
    )

    for body, headers in (forged, replayed):
        assert driver.http.post("/slack/events", content=body, headers=headers).status_code == 401
    assert fake.open_views() == []
