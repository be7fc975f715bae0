"""The coaching tests' district (two schools of one district, three coaches), the real app on a clock the
test sets, a delivery worker, and the district's community channel #ip-community in the fake Slack."""

from __future__ import annotations

import pytest

from bot.demo.fake_slack import FakeSlack
from tests.coaching.conftest import app, clock, district, worker  # noqa: F401  (the same fixtures)

COMMUNITY = "C0IPCOMM"


@pytest.fixture
def channel(slack: FakeSlack) -> str:
    """A public channel Rounds is not in yet: it joins when an admin sets it."""
    slack.add_channel(COMMUNITY, "ip-community", bot_member=False)
    return COMMUNITY
