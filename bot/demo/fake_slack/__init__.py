"""A fake Slack Web API on loopback, strict enough to catch what real Slack would reject.

The real ``slack_sdk.WebClient(token=..., base_url=fake.api_url)`` talks HTTP to it, so tests and
``rounds demo`` exercise the same code paths as production: Block Kit limits, trigger ids that expire,
per-channel rate limits with ``Retry-After``, and injected failures (429, 5xx, slow and dropped
connections, and responses lost after the work was done).

Modules: ``fake`` (the FakeSlack facade), ``api`` (serving a method call), ``chat``, ``directory``,
``views``, ``files`` and ``interactions`` (the methods, by family), ``workspace`` (the state they share),
``rules`` (what Slack rejects), ``limits`` (rate limits, injected failures), ``http_server``.
"""

from bot.demo.fake_slack.api import Call
from bot.demo.fake_slack.fake import FakeSlack
from bot.demo.fake_slack.workspace import dm_channel_id

__all__ = ["Call", "FakeSlack", "dm_channel_id"]
