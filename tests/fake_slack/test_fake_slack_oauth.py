"""Installing over OAuth against the fake: the authorize page, ``oauth.v2.access`` and token rotation."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.demo.fake_slack import SESSION_COOKIE, FakeSlack

from .support import ManualClock

CLIENT_ID = "1111.2222"
SECRET = "app-client-secret"
REDIRECT = "https://rounds.example.org/slack/oauth_redirect"
SCOPES = ("chat:write", "im:write", "users:read")


def slack_error(call) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value


@pytest.fixture
def fake(clock: ManualClock) -> Iterator[FakeSlack]:
    with FakeSlack(clock=clock) as running:
        running.register_app(client_id=CLIENT_ID, client_secret=SECRET, redirect_urls=[REDIRECT])
        running.add_workspace(
            "T0002", name="Hillside Schools", enterprise_id="E0001", enterprise_name="State Net"
        )
        running.add_user("U2ADMIN", email="it@hillside.example.org", real_name="Hillside IT", team_id="T0002")
        running.add_user("U2LEAD", email="lead@hillside.example.org", real_name="Lee Lead", team_id="T0002")
        yield running


@pytest.fixture
def anonymous(fake: FakeSlack) -> WebClient:
    """oauth.v2.access needs no token: the app's client id and secret are its credentials."""
    return WebClient(base_url=fake.api_url, retry_handlers=[])


def exchange(client: WebClient, code: str, **overrides: str):
    arguments = {"client_id": CLIENT_ID, "client_secret": SECRET, "code": code, "redirect_uri": REDIRECT}
    return client.oauth_v2_access(**(arguments | overrides))


def test_an_approved_code_is_exchanged_for_a_bot_token_of_that_team(
    fake: FakeSlack, anonymous: WebClient
) -> None:
    code = fake.approve_install("T0002", "U2ADMIN", scopes=SCOPES, redirect_uri=REDIRECT)

    answer = exchange(anonymous, code)

    assert answer["token_type"] == "bot"
    assert answer["access_token"].startswith("xoxb-")
    assert (answer["bot_user_id"], answer["app_id"]) == ("UT0002BOT", "A0001")
    assert answer["team"] == {"id": "T0002", "name": "Hillside Schools"}
    assert answer["enterprise"] == {"id": "E0001", "name": "State Net"}
    assert answer["is_enterprise_install"] is False
    assert answer["authed_user"] == {"id": "U2ADMIN"}
    assert answer["scope"] == "chat:write,im:write,users:read"
    assert "refresh_token" not in answer.data and "expires_in" not in answer.data
    bot = WebClient(token=answer["access_token"], base_url=fake.api_url, retry_handlers=[])
    me = bot.auth_test()
    assert (me["team_id"], me["enterprise_id"], me["bot_id"]) == ("T0002", "E0001", "BT0002")
    assert me.headers["x-oauth-scopes"] == "chat:write,im:write,users:read"
    assert fake.calls_to("oauth.v2.access")[0].team_id == "T0002"


def test_user_scopes_give_the_installer_a_user_token(fake: FakeSlack, anonymous: WebClient) -> None:
    code = fake.approve_install("T0002", "U2ADMIN", scopes=SCOPES, user_scopes=["users:read"])

    answer = anonymous.oauth_v2_access(client_id=CLIENT_ID, client_secret=SECRET, code=code)

    user = answer["authed_user"]
    assert (user["id"], user["token_type"], user["scope"]) == ("U2ADMIN", "user", "users:read")
    me = WebClient(token=user["access_token"], base_url=fake.api_url).auth_test()
    assert (me["user_id"], me["team_id"]) == ("U2ADMIN", "T0002")


def test_a_token_without_a_scope_gets_missing_scope(fake: FakeSlack, anonymous: WebClient) -> None:
    token = exchange(
        anonymous, fake.approve_install("T0002", "U2ADMIN", scopes=SCOPES, redirect_uri=REDIRECT)
    )["access_token"]
    bot = WebClient(token=token, base_url=fake.api_url, retry_handlers=[])

    error = slack_error(lambda: bot.users_lookupByEmail(email="lead@hillside.example.org"))

    assert (error.response["error"], error.response["needed"]) == ("missing_scope", "users:read.email")
    assert bot.users_info(user="U2LEAD")["ok"]


def test_codes_are_single_use_short_lived_and_need_the_apps_credentials(
    fake: FakeSlack, anonymous: WebClient, clock: ManualClock
) -> None:
    code = fake.approve_install("T0002", "U2ADMIN", scopes=SCOPES, redirect_uri=REDIRECT)
    assert slack_error(lambda: exchange(anonymous, code, client_secret="guess")).response["error"] == (
        "bad_client_secret"
    )
    assert (
        slack_error(lambda: exchange(anonymous, code, client_id="9.9")).response["error"]
        == "invalid_client_id"
    )
    assert (
        slack_error(lambda: exchange(anonymous, code, redirect_uri="https://evil.example/cb")).response[
            "error"
        ]
        == "bad_redirect_uri"
    )
    exchange(anonymous, code)
    assert slack_error(lambda: exchange(anonymous, code)).response["error"] == "code_already_used"
    assert slack_error(lambda: exchange(anonymous, "1.forged")).response["error"] == "invalid_code"

    stale = fake.approve_install("T0002", "U2ADMIN", scopes=SCOPES, redirect_uri=REDIRECT)
    clock.advance(601)
    assert slack_error(lambda: exchange(anonymous, stale)).response["error"] == "invalid_code"
    with pytest.raises(ValueError, match="bad_redirect_uri"):
        fake.approve_install("T0002", "U2ADMIN", scopes=SCOPES, redirect_uri="https://evil.example/cb")


def test_rotating_tokens_expire_and_each_refresh_token_works_once(
    fake: FakeSlack, anonymous: WebClient, clock: ManualClock
) -> None:
    fake.register_app(
        client_id=CLIENT_ID,
        client_secret=SECRET,
        redirect_urls=[REDIRECT],
        token_rotation=True,
        token_ttl_seconds=3600,
    )
    first = exchange(
        anonymous, fake.approve_install("T0002", "U2ADMIN", scopes=SCOPES, redirect_uri=REDIRECT)
    )
    assert first["access_token"].startswith("xoxe.xoxb-")
    assert first["refresh_token"].startswith("xoxe-")
    assert first["expires_in"] == 3600

    refreshed = anonymous.oauth_v2_access(
        client_id=CLIENT_ID,
        client_secret=SECRET,
        grant_type="refresh_token",
        refresh_token=first["refresh_token"],
    )

    assert refreshed["token_type"] == "bot"
    assert refreshed["access_token"] != first["access_token"]
    assert refreshed["refresh_token"] != first["refresh_token"]
    assert (refreshed["expires_in"], refreshed["team"]["id"]) == (3600, "T0002")
    again = slack_error(
        lambda: anonymous.oauth_v2_access(
            client_id=CLIENT_ID,
            client_secret=SECRET,
            grant_type="refresh_token",
            refresh_token=first["refresh_token"],
        )
    )
    assert again.response["error"] == "invalid_refresh_token"
    old = WebClient(token=first["access_token"], base_url=fake.api_url, retry_handlers=[])
    new = WebClient(token=refreshed["access_token"], base_url=fake.api_url, retry_handlers=[])
    assert old.auth_test()["ok"]  # the old token lives until it expires
    clock.advance(3600)
    assert slack_error(old.auth_test).response["error"] == "token_expired"
    assert slack_error(new.auth_test).response["error"] == "token_expired"  # refreshed at the same moment
    assert [c.args.get("grant_type") for c in fake.calls_to("oauth.v2.access")] == [
        None,
        "refresh_token",
        "refresh_token",
    ]


def test_the_authorize_page_redirects_a_signed_in_browser_with_a_code(
    fake: FakeSlack, anonymous: WebClient
) -> None:
    browser = httpx.Client(cookies={SESSION_COOKIE: fake.sign_in("T0002", "U2ADMIN")})
    query = {"client_id": CLIENT_ID, "scope": ",".join(SCOPES), "state": "s-123", "redirect_uri": REDIRECT}

    page = browser.get(fake.authorize_url, params=query)

    assert page.status_code == 302
    location = urlsplit(page.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    back = parse_qs(location.query)
    assert back["state"] == ["s-123"]
    assert exchange(anonymous, back["code"][0])["team"]["id"] == "T0002"


def test_the_authorize_page_when_the_person_cancels_or_is_not_signed_in(fake: FakeSlack) -> None:
    query = {"client_id": CLIENT_ID, "scope": "chat:write", "state": "s-9", "redirect_uri": REDIRECT}
    cancelling = httpx.Client(cookies={SESSION_COOKIE: fake.sign_in("T0002", "U2ADMIN", approve=False)})

    cancelled = cancelling.get(fake.authorize_url, params=query)

    assert cancelled.status_code == 302
    assert parse_qs(urlsplit(cancelled.headers["Location"]).query) == {
        "error": ["access_denied"],
        "state": ["s-9"],
    }
    signed_out = httpx.get(fake.authorize_url, params=query)
    assert signed_out.status_code == 200 and "Sign in" in signed_out.text
    unknown = httpx.get(fake.authorize_url, params=query | {"client_id": "0.0"})
    assert unknown.status_code == 400 and "invalid_client_id" in unknown.text
    elsewhere = httpx.get(fake.authorize_url, params=query | {"redirect_uri": "https://evil.example/cb"})
    assert elsewhere.status_code == 400 and "bad_redirect_uri" in elsewhere.text
