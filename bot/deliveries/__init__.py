"""The delivery worker: drains the outbox (``workflows.deliveries``) to Slack, at Slack's pace, once.

Modules: ``worker`` (the claim / send / record loop and its sender threads), ``pacing`` (lanes, holds and
pauses; pure), ``outcomes`` (Slack's answers sorted into sent / retry / failed; pure), ``clients`` (a Web
API client per workspace token), ``hand`` (the claimed rows in hand), ``running`` (a worker in a
background thread).

Whose token
    Every delivery carries its workspace. Each row is sent with that workspace's bot token, asked of
    ``BotTokens`` (the installation store, or the one ``SLACK_BOT_TOKEN``) right before the call. When
    none speaks for it any more (uninstalled, tokens revoked: ``WorkspaceGone``, or Slack answering
    ``invalid_auth`` / ``token_revoked`` / ``account_inactive``), the row and every row of that workspace
    the worker holds are failed with that code, without calling Slack again; admins see it in
    ``rounds deliveries --failed``. Other workspaces' messages carry on.

How it sends
    Rows are claimed in batches under a lease (``lease_seconds``) and sent by a few sender threads. Rows for
    the same channel of a workspace form a *lane*: one call in flight per lane, in the order they were
    enqueued, with at least ``channel_interval`` seconds between two posts (Slack allows about one message
    a second per channel). A 429 pauses its lane for Retry-After; when 429s come back from several lanes of
    one workspace at once the limit is that workspace's, and the method is paused there (only there).
    No workspace holds more than its share of the claimed rows, so one that is paused never stops the
    others' rows from being claimed and sent. 5xx answers, timeouts and dropped connections are retried
    with exponential back-off; errors Slack will repeat (``channel_not_found``, ``invalid_blocks`` …) fail
    at once. After ``give_up_after`` of trying, a row is failed with a short error code.

What "once" means
    Right before each try the worker re-checks, in one guarded UPDATE, that it still owns the row (and
    renews the lease); the result is committed right after the call. So two workers never send one row, a
    row failed by ``stop_workspace`` (an uninstall) is never sent afterwards, and a worker killed mid-run
    loses nothing: its claims lapse after the lease and another worker (or itself, restarted) takes them.
    Workers' clocks must agree to well within the lease (NTP). chat.postMessage has no idempotency key, so
    one window remains: when Slack did the work but the answer never arrived (killed between the call and
    the commit, or the connection dropped after the request was sent), the row is sent again — after the
    lease for a crash, after a back-off for a dropped connection. We chose at-least-once there: a rare
    duplicate reminder is better than a teacher never getting the evidence from a visit. The window is one
    HTTP call long (and a ``stop_workspace`` that lands during that call cannot recall it).
"""

from bot.deliveries.running import running
from bot.deliveries.worker import DeliveryWorker

__all__ = ["DeliveryWorker", "running"]
