"""`app_uninstalled` and `tokens_revoked`: Rounds removed from a workspace, or its tokens there revoked.

Bolt lets these two events through without a token (the workspace's are gone) and has built-in
listeners that remove the tokens from the installation store. Each listener here first records the
removal (the workspace marked uninstalled with the reason, its pending messages failed with it, visible
in `rounds deliveries --failed`), so a worker asking for the token from then on is told why; then, in
multi-workspace mode, runs Bolt's. Its data stays. `tokens_revoked` for
user tokens only (Rounds asks for none) removes those and leaves the workspace installed.
"""

from __future__ import annotations

from slack_bolt import App, BoltContext

from bot import ids, logs
from bot.runtime import Runtime
from workflows.db import transaction
from workflows.workspaces.service import DEFAULT_WORKSPACE, removed, workspace_key

log = logs.logger("installs")


def register(app: App, runtime: Runtime) -> None:
    store_listeners = app.installation_store is not None  # multi-workspace mode

    @app.event(ids.APP_UNINSTALLED_EVENT)
    def app_uninstalled(context: BoltContext) -> None:
        _removed(runtime, context, reason="app_uninstalled")
        if store_listeners:
            app.default_app_uninstalled_event_listener()(context=context)

    @app.event(ids.TOKENS_REVOKED_EVENT)
    def tokens_revoked(event: dict, context: BoltContext) -> None:
        if (event.get("tokens") or {}).get("bot"):
            _removed(runtime, context, reason="tokens_revoked")
        if store_listeners:
            app.default_tokens_revoked_event_listener()(event=event, context=context)


def _removed(runtime: Runtime, context: BoltContext, *, reason: str) -> None:
    key = _workspace(runtime, context)
    with transaction(runtime.sessions) as session:
        stopped = removed(session, key=key, reason=reason, now=runtime.clock())
    log.info("workspace=%s %s: %d pending messages stopped", key, reason, stopped)


def _workspace(runtime: Runtime, context: BoltContext) -> str:
    if not runtime.settings.multi_workspace:
        return DEFAULT_WORKSPACE
    return workspace_key(
        team_id=context.team_id,
        enterprise_id=context.enterprise_id,
        is_enterprise_install=bool(context.is_enterprise_install),
    )
