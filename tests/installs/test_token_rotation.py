"""Token rotation: a bot token about to expire is refreshed before use, once, whoever asks first; Slack (the
fake) makes each refresh token single-use, so a second refresh with the same one would lose the token."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from sqlalchemy import select

from bot.installation_tables import metadata
from bot.installations import InstalledTokens, installation_store
from bot.settings import Settings
from tests.fake_slack.support import ManualClock
from tests.walkthroughs.support import wait_for
from workflows.db import Sessions, make_engine, make_sessions

from .conftest import CLIENT_ID, CLIENT_SECRET, HILLSIDE, INSTALLERS, LINCOLN, MultiRounds

BOTS = metadata.tables["slack_bots"]
TWELVE_HOURS = 12 * 3600


@pytest.fixture
def token_rotation() -> bool:
    return True


@pytest.fixture
def token_ttl_seconds() -> float:
    """Installed tokens with five minutes left: inside Rounds' ten-minute refresh margin."""
    return 300


def tokens_from_now_on_last(rounds: MultiRounds, seconds: float) -> None:
    """The app's tokens issued from now on (refreshes) last ``seconds``, as Slack's last twelve hours."""
    rounds.fake.register_app(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_urls=[f"{rounds.url}/slack/oauth_redirect"],
        token_rotation=True,
        token_ttl_seconds=seconds,
    )


def refreshes(rounds: MultiRounds, team: str) -> list:
    return [c for c in rounds.fake.calls_to("oauth.v2.access", team_id=team) if c.args.get("grant_type")]


def works(rounds: MultiRounds, token: str, team: str) -> bool:
    return (
        WebClient(token=token, base_url=rounds.fake.api_url, retry_handlers=[]).auth_test()["team_id"] == team
    )


@pytest.fixture
def another_process(database_url: str, multi_settings: Settings) -> Iterator[InstalledTokens]:
    """The token source of a second process: its own engine and connections on the same database."""
    engine = make_engine(database_url)
    try:
        yield InstalledTokens(installation_store(multi_settings, make_sessions(engine)))
    finally:
        engine.dispose()


def test_two_processes_asking_at_once_refresh_an_expiring_token_once(
    multi_rounds: MultiRounds, another_process: InstalledTokens, sessions: Sessions, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    assert multi_rounds.install(LINCOLN).status_code == 200
    installed = multi_rounds.fake.tokens(LINCOLN)[0].value
    tokens_from_now_on_last(multi_rounds, TWELVE_HOURS)
    multi_rounds.fake.slow_seconds = 0.5  # a slow refresh: the other caller arrives while it is under way
    multi_rounds.fake.fail("oauth.v2.access", kind="slow")
    callers = [InstalledTokens(multi_rounds.store), another_process]
    start, got = threading.Barrier(len(callers)), [""] * len(callers)

    def ask(n: int) -> None:
        start.wait()
        got[n] = callers[n].bot_token(LINCOLN)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(len(callers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(refreshes(multi_rounds, LINCOLN)) == 1
    assert got[0] == got[1] != installed
    assert works(multi_rounds, got[0], LINCOLN)
    with sessions() as session:
        saved = session.execute(select(BOTS.c.bot_token, BOTS.c.bot_refresh_token)).one()
    assert saved.bot_token == got[0] and saved.bot_refresh_token.startswith("xoxe-")
    assert InstalledTokens(multi_rounds.store).bot_token(LINCOLN) == got[0]  # fresh now: no more refreshes
    assert len(refreshes(multi_rounds, LINCOLN)) == 1
    assert "bot token refreshed" in caplog.text
    secrets = [installed, got[0], saved.bot_refresh_token, CLIENT_SECRET]
    assert not any(secret in caplog.text for secret in secrets)  # logs never carry a token or secret


@pytest.mark.parametrize("token_ttl_seconds", [TWELVE_HOURS])
def test_a_token_with_hours_left_is_used_as_it_is(multi_rounds: MultiRounds) -> None:
    multi_rounds.install(HILLSIDE)

    token = InstalledTokens(multi_rounds.store).bot_token(HILLSIDE)

    assert token == multi_rounds.fake.tokens(HILLSIDE)[0].value
    assert refreshes(multi_rounds, HILLSIDE) == []


@pytest.mark.parametrize("token_ttl_seconds", [TWELVE_HOURS])
def test_a_token_slack_calls_expired_is_refreshed_once(
    multi_rounds: MultiRounds, slack_clock: ManualClock
) -> None:
    multi_rounds.install(HILLSIDE)
    tokens = InstalledTokens(multi_rounds.store)
    old = tokens.bot_token(HILLSIDE)
    slack_clock.advance(TWELVE_HOURS)  # by Slack's clock the token has run out
    assert not multi_rounds.fake.tokens(HILLSIDE)

    fresh = tokens.refused(HILLSIDE, old)
    again = tokens.refused(HILLSIDE, old)  # a second sender reporting the same refusal

    assert fresh == again != old
    assert works(multi_rounds, fresh, HILLSIDE)
    assert len(refreshes(multi_rounds, HILLSIDE)) == 1


def test_an_incoming_request_is_authorised_with_a_refreshed_token(multi_rounds: MultiRounds) -> None:
    multi_rounds.install(LINCOLN)
    installed = multi_rounds.fake.tokens(LINCOLN)[0].value
    tokens_from_now_on_last(multi_rounds, TWELVE_HOURS)
    user = INSTALLERS[LINCOLN]

    body, headers = multi_rounds.driver.signer.event({"type": "app_home_opened", "user": user, "tab": "home"},
                                                     team_id=LINCOLN)  # fmt: skip
    assert multi_rounds.driver.http.post("/slack/events", content=body, headers=headers).status_code == 200

    published = wait_for(lambda: multi_rounds.fake.calls_to("views.publish", team_id=LINCOLN))
    assert published[0].token != installed
    assert published[0].ok
    assert len(refreshes(multi_rounds, LINCOLN)) == 1  # Rounds' refresh; Bolt's own never fired
