"""Installing Rounds over OAuth with Bolt's own flow: `GET /slack/install` and `GET /slack/oauth_redirect`.

Bolt issues the state (slack_sdk's SQLAlchemy state store, and a cookie in the installer's browser),
exchanges the code (``oauth.v2.access``) and saves the installation (``RoundsInstallationStore``, which
records the workspace too). Rounds adds what happens around it: the installer's welcome DM, and pages that
say plainly what happened, also when the install was cancelled or could not finish.
"""

from __future__ import annotations

from urllib.parse import urljoin

from slack_bolt import BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot import logs
from bot.installation_tables import OAUTH_STATES_TABLE
from bot.installations import BOLT_REFRESH_MINUTES, RoundsInstallationStore
from bot.notices import onboarding
from bot.oauth_pages import failure_page, success_page
from bot.runtime import Runtime
from workflows.db import transaction
from workflows.workspaces.service import find, workspace_key

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600  # an install started more than ten minutes ago must start again

# The bot scopes Rounds asks for; manifest.yml grants the same (a test compares them).
BOT_SCOPES = (
    "commands", "chat:write", "im:history", "im:write", "users:read", "users:read.email",
    "files:write",  # team digests: the chart
    # the coach community (issue 12): find and join its channel, count thread replies, read the asker's ✅
    "channels:read", "groups:read", "channels:join", "channels:history", "groups:history", "reactions:read",
)

log = logs.logger("oauth")


def authorize_url(api_url: str) -> str:
    """Slack's authorize page, beside its Web API (``https://slack.com/oauth/v2/authorize``; the fake's
    in tests and demos)."""
    return urljoin(api_url, "../oauth/v2/authorize")


def oauth_settings(runtime: Runtime, store: RoundsInstallationStore) -> OAuthSettings:
    settings = runtime.settings
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.secret("slack_client_secret"),
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        redirect_uri=settings.slack_redirect_uri,  # None: the first redirect URL in the app's settings
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        authorization_url=authorize_url(settings.slack_api_url),
        installation_store=store,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=BOLT_REFRESH_MINUTES,
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_SECONDS,
            engine=store.engine,
            table_name=OAUTH_STATES_TABLE,
            logger=logs.logger("oauth"),
        ),
        state_expiration_seconds=STATE_SECONDS,
        callback_options=CallbackOptions(
            success=lambda args: installed(runtime, args), failure=lambda args: not_installed(args)
        ),
    )


def installed(runtime: Runtime, args: SuccessArgs) -> BoltResponse:
    """The installation is saved (with its workspace): welcome the installer, and say so in the browser."""
    installation = args.installation
    key = workspace_key(
        team_id=installation.team_id,
        enterprise_id=installation.enterprise_id,
        is_enterprise_install=bool(installation.is_enterprise_install),
    )
    try:
        with transaction(runtime.sessions) as session:
            workspace = find(session, key=key)
            welcomed = workspace is not None and onboarding.installed(session, workspace)
    except Exception:  # the install is saved; only the welcome could not be queued
        log.exception("oauth install workspace=%s: the welcome DM could not be queued", key)
        welcomed = False
    runtime.wake_deliveries()
    log.info("oauth install workspace=%s installer=%s welcomed=%s", key, installation.user_id, welcomed)
    page = success_page(
        workspace_name=installation.team_name or installation.enterprise_name,
        app_id=installation.app_id,
        team_id=installation.team_id,
        welcomed=welcomed,
    )
    return _page(args.settings, 200, page)


def not_installed(args: FailureArgs) -> BoltResponse:
    """Cancelled on Slack's page, a stale or foreign link, a code Slack refused, or a storage failure."""
    log.warning("oauth install failed reason=%s status=%s", args.reason, args.suggested_status_code)
    return _page(
        args.settings, args.suggested_status_code, failure_page(args.reason, install_path=INSTALL_PATH)
    )


def _page(settings: OAuthSettings, status: int, html: str) -> BoltResponse:
    """An HTML page that also clears the state cookie: the install link is spent either way."""
    return BoltResponse(
        status=status,
        body=html,
        headers={
            "Content-Type": "text/html; charset=utf-8",
            "Set-Cookie": settings.state_utils.build_set_cookie_for_deletion(),
        },
    )
