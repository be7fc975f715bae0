"""`rounds demo` runs from nothing and shows what each person receives, with the scopes manifest.yml grants."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rich.console import Console

from bot import ids
from bot.demo.run import run_demo

MANIFEST = yaml.safe_load((Path(__file__).parent.parent / "manifest.yml").read_text(encoding="utf-8"))

# The bot scopes each Web API method needs (api.slack.com/methods/<method>: "Required scopes").
SCOPES = {
    "auth.test": set(),
    "chat.postMessage": {"chat:write"},
    "chat.update": {"chat:write"},
    "chat.postEphemeral": {"chat:write"},
    "conversations.open": {"im:write"},
    "users.info": {"users:read"},
    "users.lookupByEmail": {"users:read.email"},
    "views.open": set(),
    "views.update": set(),
    "views.push": set(),
    "views.publish": set(),
    "conversations.info": {"channels:read"},
    "conversations.list": {"channels:read"},
    "conversations.join": {"channels:join"},
    "chat.getPermalink": set(),
    "files.getUploadURLExternal": {"files:write"},
    "files.completeUploadExternal": {"files:write"},
}

# The bot scopes each event subscription needs (api.slack.com/events/<event>).
EVENT_SCOPES = {
    "app_home_opened": set(),
    "message.im": {"im:history"},
    "app_uninstalled": set(),  # sent to every app, no scope needed
    "tokens_revoked": set(),
    "message.channels": {"channels:history"},
    "message.groups": {"groups:history"},
    "reaction_added": {"reactions:read"},
}


@pytest.fixture(scope="module")
def demo() -> tuple[str, dict[str, int]]:
    console = Console(record=True, width=200)
    calls = run_demo(console)
    return console.export_text(), calls


def test_the_demo_shows_every_role_what_rounds_does_for_them(demo):
    shown, _ = demo
    assert "Riverbend Unified (demo)" in shown
    assert "Rounds knows you as: leader at" in shown
    assert "Rounds knows you as: teacher at" in shown
    assert "Rounds knows you as: coach at" in shown
    assert "not on the roster yet" in shown
    assert "8 student rows in the export were read past and never stored" in shown
    # every leader's morning DM, one per school they lead (one leader leads both schools)
    assert shown.count(" DM to ") == 6
    assert shown.count("Your three classrooms today") == 7  # the six DMs, and /rounds today below
    assert "teachers seen this cycle" in shown
    # a walkthrough logged in the modal reaches the teacher with the evidence, in the framework's words
    assert "Notes from a walkthrough of your class" in shown
    assert "I heard three pairs explain why 3/4 is greater than 2/3" in shown
    assert "[Thanks] [Add a reflection] [Let's talk]" in shown
    # mid-morning the principal checks the plan (the visit just logged counts) and who is still unseen
    assert "types /rounds today" in shown and "1 of 22 teachers seen this cycle" in shown
    assert "Not seen yet, longest first" in shown
    # a coach's conversation: the teacher reads what was shared, the check-back comes on its day, the week
    # ends with the coach's private reflection and a principal's summary that withholds thin figures
    assert "From your coaching with" in shown and "check back Wed" in shown
    assert "Coaching check-backs today" in shown
    assert "Saved your reflection on the week of Mon 30 Nov" in shown
    assert "Coaching entries: not enough data yet" in shown
    # the coach community: a question, its answer in the thread and the asker's ✅, a success, the roundup
    assert "types /rounds community set #ip-community" in shown and "Rounds joined it" in shown
    assert "Question from" in shown and "✅ Answered" in shown and "🙌 Thanks (1)" in shown
    assert "Coach community roundup, the week of Mon 30 Nov" in shown and "Questions asked: 1 (1 answered)" in shown
    # six weeks of walkthroughs later, each team's Monday digest, its chart saved where the demo says
    assert "15 team digests queued, each with its chart" in shown
    assert "Rounds → #grade-1-team" in shown and "six weeks: " in shown and "[Feedback on the form]" in shown
    chart = shown.split("Its chart, in the digest's thread")[1].split(": ", 1)[1].split()[0]
    assert chart.endswith(".png") and Path(chart).read_bytes().startswith(b"\x89PNG")


def test_the_manifest_grants_every_scope_the_demo_used(demo):
    _, calls = demo
    granted = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert set(calls) <= SCOPES.keys(), (
        f"add the scopes of {set(calls) - SCOPES.keys()} to SCOPES and the manifest"
    )
    needed = set().union(*(SCOPES[method] for method in calls))
    assert needed <= granted


def test_the_manifest_declares_every_command_shortcut_and_event():
    declared = {c["command"] for c in MANIFEST["features"]["slash_commands"]}
    assert declared == {value for name, value in vars(ids).items() if name.endswith("_COMMAND")}
    shortcuts = {s["callback_id"] for s in MANIFEST["features"].get("shortcuts", [])}
    assert shortcuts == {value for name, value in vars(ids).items() if name.endswith("_SHORTCUT")}
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert events == {value for name, value in vars(ids).items() if name.endswith("_EVENT")}
    granted = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert set().union(*(EVENT_SCOPES[event] for event in events)) <= granted
    urls = [c["url"] for c in MANIFEST["features"]["slash_commands"]]
    urls += [
        MANIFEST["settings"]["interactivity"]["request_url"],
        MANIFEST["settings"]["event_subscriptions"]["request_url"],
    ]
    assert all(url.endswith("/slack/events") for url in urls)


def test_the_demo_plays_school_weeks_then_shows_a_leader_digest_a_data_review_and_roadmap_levels(demo):
    shown, _ = demo
    assert "4 school weeks played before Mon Nov 30:" in shown
    assert "Your week, Mon 23 Nov – Sun 29 Nov" in shown
    assert "Pace towards 500 classroom visits:" in shown
    assert "By grade: KG:" in shown and "By framework area: Student engagement:" in shown
    assert "[Record the data review]" in shown
    assert "Data review 1 of Cedar Hollow Elementary (demo) recorded." in shown
    assert "Walkthroughs — level" in shown and "Your figure:" in shown
    assert "Roadmap levels across your district's leaders — 5 leaders at 2 schools" in shown
