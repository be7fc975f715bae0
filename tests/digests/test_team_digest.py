"""Each team's weekly digest arrives once in its channel, with its chart in the thread, and never names anyone."""

from __future__ import annotations

import json

import pytest

from bot.demo.fake_slack import FakeSlack
from bot.digest_jobs import run_due_digests, tell_channel_problems
from tests.digests.support import (
    G3,
    G4,
    G5,
    GRADE3,
    GRADE4,
    GRADE5,
    add_walkthroughs,
    school_id,
    teacher_names,
    term_weeks,
)
from workflows.db import transaction
from workflows.rotation.calendars import NoCalendars


def _seed(sessions) -> int:
    with transaction(sessions) as session:
        add_walkthroughs(session, weeks=term_weeks(), teachers=[s for s, *_ in GRADE3], per_teacher=3, lean=0.6)
        add_walkthroughs(session, weeks=term_weeks(), teachers=[s for s, *_ in GRADE4], per_teacher=1, seed=2)
        add_walkthroughs(session, weeks=term_weeks(), teachers=[s for s, *_ in GRADE5], per_teacher=2, seed=3)
        return school_id(session)


def _channel_posts(slack: FakeSlack, channel: str) -> list[dict]:
    return [m for m in slack.messages(channel)]


def test_each_team_gets_its_digest_once_with_its_chart_and_no_name(app, sessions, slack, worker):
    school = _seed(sessions)
    run_due_digests(app.runtime, NoCalendars(), school)
    worker.drain(timeout=20)

    posts = _channel_posts(slack, G3)
    digests = [m for m in posts if m.get("subtype") == "bot_message"]
    charts = [m for m in posts if m.get("subtype") == "file_share"]
    assert len(digests) == 1 and len(charts) == 1
    assert charts[0]["thread_ts"] == digests[0]["ts"]
    (upload_url,) = [c for c in slack.calls_to("files.getUploadURLExternal")][:1]
    assert upload_url.ok
    completes = slack.calls_to("files.completeUploadExternal")
    assert sorted(c.args.get("channel_id") for c in completes if c.ok) == [G3, G4]
    assert slack.uploaded_files()[0]["name"].endswith(".png")
    text = json.dumps(digests[0]["blocks"])
    assert "Grade 3 team" in text and "Feedback on the form" in text
    assert "six weeks: " in text and "%" in text  # a busy team's six weeks are shown
    for name in teacher_names():
        assert name not in text
    assert "SECRET" not in text

    # the thin team: everything withheld, nothing a number
    (thin,) = [m for m in _channel_posts(slack, G4) if m.get("subtype") == "bot_message"]
    assert "not enough data yet" in json.dumps(thin["blocks"])
    assert "%" not in "".join(b.get("text", {}).get("text", "") for b in thin["blocks"][2:] if b["type"] == "section")
    # the archived channel: no post, the leader told once
    assert _channel_posts(slack, G5) == []
    assert tell_channel_problems(sessions) == 1
    assert tell_channel_problems(sessions) == 0
    worker.drain(timeout=10)
    (told,) = [m for m in slack.messages(slack.dm_channel_for("ULEAD") or "") if "could not be posted" in m["text"]]
    assert "Grade 5 team" in json.dumps(told["blocks"]) and "archived" in json.dumps(told["blocks"])

    calls = len(slack.calls)
    run_due_digests(app.runtime, NoCalendars(), school)
    worker.drain(timeout=10)
    assert len(slack.calls) == calls


@pytest.mark.parametrize(
    ("private", "reason"), [(True, "private and Rounds is not in it"), (False, "not a member")]
)
def test_a_channel_rounds_cannot_post_in_tells_the_leaders_once_and_uploads_nothing(
    app, sessions, slack, worker, private, reason
):
    slack.add_channel(G3, "grade-3", private=private, bot_member=False)
    school = _seed(sessions)
    run_due_digests(app.runtime, NoCalendars(), school)
    worker.drain(timeout=20)
    assert slack.messages(G3) == []
    assert G3 not in [c.args.get("channel_id") for c in slack.calls_to("files.completeUploadExternal")]
    assert tell_channel_problems(sessions) == 2  # Grade 3 here, and the archived Grade 5
    worker.drain(timeout=10)
    told = [m for m in slack.messages(slack.dm_channel_for("ULEAD") or "") if "Grade 3 team" in json.dumps(m)]
    assert len(told) == 1 and reason in json.dumps(told[0]["blocks"])
    assert tell_channel_problems(sessions) == 0
