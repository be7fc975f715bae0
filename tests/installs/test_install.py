"""Installing Rounds over OAuth: /slack/install → Slack's authorize page (the fake) → /slack/oauth_redirect."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml
from sqlalchemy import select

from bot.deliveries import DeliveryWorker
from bot.installation_tables import metadata
from bot.installations import InstalledTokens
from bot.notices.onboarding import welcome_key
from bot.oauth import BOT_SCOPES, REDIRECT_PATH
from tests.conftest import RunningRounds
from workflows.db import Sessions, transaction
from workflows.deliveries.models import Delivery
from workflows.workspaces.models import Workspace
from workflows.workspaces.service import record_uninstall

from .conftest import HILLSIDE, INSTALLERS, LINCOLN, NAMES, MultiRounds, add_to_slack_link

MANIFEST = yaml.safe_load((Path(__file__).parents[2] / "manifest.yml").read_text(encoding="utf-8"))
BOTS = metadata.tables["slack_bots"]


def rows(sessions: Sessions, table) -> list[dict]:
    with sessions() as session:
        return [dict(r) for r in session.execute(select(table)).mappings()]


def welcomes(sessions: Sessions) -> list[Delivery]:
    with sessions() as session:
        found = session.execute(select(Delivery).where(Delivery.key.like("welcome:%")).order_by(Delivery.id))
        return list(found.scalars())


def test_the_install_page_links_to_slacks_authorize_page_with_rounds_scopes(
    multi_rounds: MultiRounds,
) -> None:
    page = multi_rounds.browser().get("/slack/install")

    assert page.status_code == 200
    assert "Add to Slack" in page.text
    assert "slack-app-oauth-state=" in page.headers["set-cookie"]
    link = urlsplit(add_to_slack_link(page.text))
    assert f"{link.scheme}://{link.netloc}{link.path}" == multi_rounds.fake.authorize_url
    query = parse_qs(link.query)
    assert query["scope"] == [",".join(BOT_SCOPES)]
    assert query["state"][0]


def test_two_districts_install_rounds_each_in_its_own_workspace(
    multi_rounds: MultiRounds, sessions: Sessions
) -> None:
    lincoln = multi_rounds.install(LINCOLN)
    hillside = multi_rounds.install(HILLSIDE)

    assert (
        lincoln.status_code == 200
        and "Rounds is installed in <strong>Lincoln Unified</strong>" in lincoln.text
    )
    assert hillside.status_code == 200 and "Hillside Schools" in hillside.text
    assert "sent you a direct message" in lincoln.text
    with sessions() as session:
        installed = {w.id: w for w in session.execute(select(Workspace)).scalars()}
    assert set(installed) == {LINCOLN, HILLSIDE}
    assert installed[LINCOLN].installer_user_id == INSTALLERS[LINCOLN]
    assert (installed[HILLSIDE].name, installed[HILLSIDE].uninstalled_at) == ("Hillside Schools", None)
    bots = {b["team_id"]: b["bot_token"] for b in rows(sessions, BOTS)}
    assert bots == {team: multi_rounds.fake.tokens(team)[0].value for team in (LINCOLN, HILLSIDE)}
    assert len(set(bots.values())) == 2
    queued = welcomes(sessions)
    assert [(d.workspace, d.args["channel"]) for d in queued] == [
        (LINCOLN, INSTALLERS[LINCOLN]),
        (HILLSIDE, INSTALLERS[HILLSIDE]),
    ]
    assert f"--workspace {LINCOLN}" in str(queued[0].args["blocks"])
    assert f"--workspace {HILLSIDE}" in str(queued[1].args["blocks"])
    assert [c.team_id for c in multi_rounds.fake.calls_to("oauth.v2.access")] == [LINCOLN, HILLSIDE]


def test_each_installer_gets_the_welcome_dm_with_their_own_workspaces_token(
    multi_rounds: MultiRounds, sessions: Sessions
) -> None:
    for team in (LINCOLN, HILLSIDE):
        multi_rounds.install(team)
    worker = DeliveryWorker(sessions, tokens=InstalledTokens(multi_rounds.store), api_url=multi_rounds.fake.api_url)

    worker.drain(timeout=10)

    fake = multi_rounds.fake
    for team in (LINCOLN, HILLSIDE):
        (post,) = fake.calls_to("chat.postMessage", team_id=team)
        assert post.ok and post.token == fake.tokens(team)[0].value
        dm = fake.dm_channel_for(INSTALLERS[team], team_id=team)
        (welcome,) = fake.messages(dm, team_id=team)
        assert "Rounds is installed in " + NAMES[team] in welcome["text"]
        assert f"rounds import-roster district-export.zip --workspace {team}" in str(welcome["blocks"])
    assert {d.status for d in welcomes(sessions)} == {"sent"}


def test_a_reinstall_welcomes_again_but_installing_twice_does_not(
    multi_rounds: MultiRounds, sessions: Sessions
) -> None:
    multi_rounds.install(LINCOLN)
    again = multi_rounds.install(LINCOLN)  # e.g. to grant a new scope, still installed

    assert again.status_code == 200
    assert len(welcomes(sessions)) == 1
    with transaction(sessions) as session:
        uninstalled = record_uninstall(session, key=LINCOLN, reason="app_uninstalled", now=datetime.now(UTC))
        assert uninstalled is not None
    multi_rounds.install(LINCOLN)
    with sessions() as session:
        workspace = session.get(Workspace, LINCOLN)
    assert workspace is not None and workspace.uninstalled_at is None
    assert [d.key for d in welcomes(sessions)][-1] == welcome_key(workspace)
    assert len(welcomes(sessions)) == 2


def test_a_cancelled_install_gets_a_clear_page_and_installs_nothing(
    multi_rounds: MultiRounds, sessions: Sessions
) -> None:
    page = multi_rounds.install(HILLSIDE, approve=False)

    assert page.status_code == 200
    assert "Installation cancelled" in page.text
    assert 'href="/slack/install"' in page.text
    assert rows(sessions, BOTS) == [] and rows(sessions, Workspace.__table__) == []
    assert multi_rounds.fake.calls_to("oauth.v2.access") == []


def test_an_install_link_from_another_browser_or_used_twice_is_refused(
    multi_rounds: MultiRounds, sessions: Sessions
) -> None:
    started = multi_rounds.browser()
    link = add_to_slack_link(started.get("/slack/install").text)
    redirect = multi_rounds.fake.approve_install(LINCOLN, INSTALLERS[LINCOLN], scopes=BOT_SCOPES)
    state = parse_qs(urlsplit(link).query)["state"][0]
    callback = f"{REDIRECT_PATH}?code={redirect}&state={state}"

    elsewhere = multi_rounds.browser().get(callback)  # no state cookie: not the browser that started

    assert elsewhere.status_code == 400
    assert "This install link has expired" in elsewhere.text
    assert started.get(callback).status_code == 200  # the right browser can still finish
    started.extra["slack-app-oauth-state"] = state  # the cookie was cleared; a replay brings it back
    replayed = started.get(callback)
    assert replayed.status_code == 401 and "already used" in replayed.text
    assert len(rows(sessions, BOTS)) == 1


def test_a_code_slack_refuses_gets_a_clear_page(multi_rounds: MultiRounds, sessions: Sessions) -> None:
    browser = multi_rounds.browser()
    state = parse_qs(urlsplit(add_to_slack_link(browser.get("/slack/install").text)).query)["state"][0]

    page = browser.get(f"{REDIRECT_PATH}?code=1.forged&state={state}")

    assert page.status_code == 401
    assert "Slack refused the authorisation code" in page.text
    assert [c.error for c in multi_rounds.fake.calls_to("oauth.v2.access")] == ["invalid_code"]
    assert rows(sessions, BOTS) == [] and welcomes(sessions) == []


def test_single_workspace_mode_serves_no_install_routes(rounds: RunningRounds) -> None:
    assert rounds.http.get("/slack/install").status_code == 404
    assert rounds.http.get("/slack/oauth_redirect?code=x&state=y").status_code == 404
    assert rounds.http.get("/healthz").status_code == 200


def test_the_manifest_grants_the_scopes_rounds_asks_for_and_declares_the_redirect_url() -> None:
    assert set(MANIFEST["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)
    assert [urlsplit(u).path for u in MANIFEST["oauth_config"]["redirect_urls"]] == [REDIRECT_PATH]
    assert MANIFEST["settings"]["token_rotation_enabled"] is False
