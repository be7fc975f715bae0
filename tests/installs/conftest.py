"""Multi-workspace Rounds: the real app and endpoint with Bolt's OAuth flow, a fake Slack of several teams,
and browsers that install Rounds through `/slack/install` the way an IT admin's would."""

from __future__ import annotations

import html
import re
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookiejar import CookieJar, DefaultCookiePolicy

import httpx
import pytest
from sqlalchemy import Engine

from bot.app import build_app
from bot.demo.fake_slack import SESSION_COOKIE, FakeSlack
from bot.demo.serve import serve_in_thread
from bot.demo.slack_requests import SlackDriver, SlackRequestSigner
from bot.installations import RoundsInstallationStore, installation_store
from bot.runtime import Runtime
from bot.server import build_server
from bot.settings import Settings
from bot.slack_client import make_app_client
from tests.conftest import SIGNING_SECRET
from tests.fake_slack.support import ManualClock
from workflows.db import Sessions

CLIENT_ID = "4242.1717"
CLIENT_SECRET = "test-client-secret"
LINCOLN, HILLSIDE = "T0LINCOLN", "T0HILLSIDE"
INSTALLERS = {LINCOLN: "U0LINCIT", HILLSIDE: "U0HILLIT"}
NAMES = {LINCOLN: "Lincoln Unified", HILLSIDE: "Hillside Schools"}


@pytest.fixture
def token_rotation() -> bool:
    """Whether the app has token rotation on; tests of rotation override this."""
    return False


@pytest.fixture
def token_ttl_seconds() -> float:
    """How long Slack's rotating tokens last: 12 hours, as Slack's do."""
    return 12 * 3600


@pytest.fixture
def slack_clock() -> ManualClock:
    """The fake Slack's clock, by which its rotating tokens expire; it moves when a test says so."""
    return ManualClock()


@pytest.fixture
def teams(slack_clock: ManualClock) -> Iterator[FakeSlack]:
    """A fake Slack of two districts' workspaces, Rounds not installed in either yet."""
    with FakeSlack(tokens=(), clock=slack_clock) as fake:
        for team, name in NAMES.items():
            fake.add_workspace(team, name=name)
            fake.add_user(
                INSTALLERS[team], email=f"it@{team.lower()}.example.org", real_name=f"{name} IT", team_id=team
            )
        yield fake


@pytest.fixture
def multi_settings(database_url: str, teams: FakeSlack, token_rotation: bool) -> Settings:
    return Settings(
        _env_file=None,
        database_url=database_url,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=teams.api_url,
        slack_token_rotation=token_rotation,
    )


class Browser(httpx.Client):
    """A browser: cookies kept and sent back (``Secure`` ones too, as browsers do for a loopback address,
    which they count as a secure origin), redirects followed. httpx's own cookie handling would drop
    Bolt's ``Secure`` state cookie over plain http, so the cookie jar is the standard library's, applied on
    every request and response, redirects included."""

    def __init__(self, base_url: str) -> None:
        self.jar = CookieJar(policy=DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        self.extra: dict[str, str] = {}  # e.g. the session cookie of Slack's own site
        super().__init__(
            base_url=base_url,
            follow_redirects=True,
            timeout=10,
            event_hooks={"request": [self._send_cookies], "response": [self._keep_cookies]},
        )

    def _send_cookies(self, request: httpx.Request) -> None:
        stand_in = urllib.request.Request(str(request.url))
        self.jar.add_cookie_header(stand_in)
        sent = [stand_in.get_header("Cookie")] + [f"{name}={value}" for name, value in self.extra.items()]
        if any(sent):
            request.headers["Cookie"] = "; ".join(c for c in sent if c)

    def _keep_cookies(self, response: httpx.Response) -> None:
        headers = response.headers

        class Answer:
            def info(self) -> Answer:
                return self

            def get_all(self, name: str, default: list[str] | None = None) -> list[str] | None:
                return headers.get_list(name) or default

        self.jar.extract_cookies(Answer(), urllib.request.Request(str(response.request.url)))  # type: ignore[arg-type]

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


@dataclass
class MultiRounds:
    url: str
    runtime: Runtime
    fake: FakeSlack
    driver: SlackDriver
    store: RoundsInstallationStore

    def browser(self) -> Browser:
        return Browser(self.url)

    def install(self, team: str, *, user: str | None = None, approve: bool = True) -> httpx.Response:
        """An admin of ``team`` opens /slack/install, clicks "Add to Slack", and Allow (or Cancel)."""
        browser = self.browser()
        page = browser.get("/slack/install")
        assert page.status_code == 200, page.text
        browser.extra[SESSION_COOKIE] = self.fake.sign_in(team, user or INSTALLERS[team], approve=approve)
        return browser.get(add_to_slack_link(page.text))


def add_to_slack_link(page: str) -> str:
    found = re.search(r'<a href="([^"]+)"', page)
    assert found, page
    return html.unescape(found.group(1))


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: datetime.now(UTC)


@pytest.fixture
def multi_rounds(
    multi_settings: Settings,
    sessions: Sessions,
    engine: Engine,
    teams: FakeSlack,
    clock: Callable[[], datetime],
    token_ttl_seconds: float,
) -> Iterator[MultiRounds]:
    """Rounds in multi-workspace mode behind its real endpoint; no delivery worker (tests start one)."""
    runtime = Runtime(settings=multi_settings, sessions=sessions, clock=clock)
    app = build_app(runtime, client=make_app_client(multi_settings))
    with (
        serve_in_thread(build_server(app=app, engine=engine)) as url,
        httpx.Client(base_url=url, timeout=10) as http,
    ):
        teams.register_app(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_urls=[f"{url}/slack/oauth_redirect"],
            token_rotation=multi_settings.slack_token_rotation,
            token_ttl_seconds=token_ttl_seconds,
        )
        driver = SlackDriver(signer=SlackRequestSigner(SIGNING_SECRET), fake=teams, http=http)
        store = installation_store(multi_settings, sessions, clock=clock)
        yield MultiRounds(url=url, runtime=runtime, fake=teams, driver=driver, store=store)
