"""A fake Slack Web API on loopback, strict enough to catch what real Slack would reject.

The real ``slack_sdk.WebClient(token=..., base_url=fake.api_url)`` talks HTTP to it, so tests and
``rounds demo`` exercise the same code paths as production: Block Kit limits, trigger ids that expire,
per-channel rate limits with ``Retry-After``, and injected failures (429, 5xx, slow and dropped
connections, and responses lost after the work was done).

It holds several teams (workspaces), each with its own directory, tokens, rate budgets and injected
failures, and installs the app over OAuth (``oauth.v2.access``, with token rotation when asked).

Modules: ``fake`` (the FakeSlack facade), ``api`` (serving a method call), ``chat``, ``directory``,
``views``, ``files`` and ``interactions`` (the methods, by family), ``workspace`` (one team's state, and
what teams share), ``tokens`` (which team a token speaks for, expiry, refresh), ``oauth`` (the authorize
page and ``oauth.v2.access``), ``rules`` (what Slack rejects), ``limits`` (rate limits, injected
failures), ``http_server``.
"""

from bot.demo.fake_slack.api import Call
from bot.demo.fake_slack.fake import FakeSlack
from bot.demo.fake_slack.oauth import SESSION_COOKIE
from bot.demo.fake_slack.tokens import Token
from bot.demo.fake_slack.workspace import dm_channel_id

__all__ = ["SESSION_COOKIE", "Call", "FakeSlack", "Token", "dm_channel_id"]
