"""Pacing as plain numbers: lanes per workspace and channel, Retry-After holds, per-workspace pauses."""

from __future__ import annotations

import pytest

from bot.deliveries.pacing import Lane, Pacing, lane_of

A, B = "T0000A", "T0000B"


def pacing(**options: float) -> Pacing:
    return Pacing(
        channel_interval=options.get("channel_interval", 1.0),
        workspace_lanes=int(options.get("workspace_lanes", 3)),
        workspace_window=options.get("workspace_window", 0.2),
    )


@pytest.mark.parametrize(
    ("method", "args", "update_of", "lane"),
    [
        ("chat.postMessage", {"channel": "C0GRADE3"}, None, Lane(A, "C0GRADE3")),
        ("chat.postMessage", {"channel": "U0TEACH"}, None, Lane(A, "U0TEACH")),
        ("views.publish", {"user_id": "U0TEACH"}, None, Lane(A, "home:U0TEACH")),
        ("chat.update", {}, "walkthrough:7:teacher", Lane(A, "update:walkthrough:7:teacher")),
    ],
)
def test_each_delivery_waits_in_its_workspaces_lane(method, args, update_of, lane) -> None:
    assert lane_of(A, method, args, update_of) == lane
    assert lane_of(B, method, args, update_of) != lane, "the same channel id in another workspace"


def test_posts_to_one_channel_are_an_interval_apart_and_other_methods_are_not_paced() -> None:
    pace = pacing(channel_interval=1.0)
    grade3 = Lane(A, "C0GRADE3")

    pace.posted(grade3, "chat.postMessage", at=100.0)
    pace.posted(Lane(A, "home:U1"), "views.publish", at=100.0)

    assert pace.ready_at(grade3, ["chat.postMessage"]) == 101.0
    assert pace.ready_at(Lane(A, "home:U1"), ["views.publish"]) == 0.0
    assert pace.ready_at(Lane(B, "C0GRADE3"), ["chat.postMessage"]) == 0.0


@pytest.mark.parametrize(
    ("refusals", "paused_until_a", "why"),
    [
        ([("C1", 100.0, 7.0)], 0.0, "one lane refused: the channel's own limit, its lane waits"),
        ([("C1", 100.0, 7.0), ("C1", 100.1, 7.0), ("C1", 100.1, 7.0)], 0.0, "one lane, three times"),
        ([("C1", 100.0, 7.0), ("C2", 100.1, 7.0)], 0.0, "two lanes: still below three"),
        ([("C1", 100.0, 7.0), ("C2", 100.1, 7.0), ("C3", 100.15, 7.0)], 107.15, "three lanes at once"),
        ([("C1", 100.0, 7.0), ("C2", 100.1, 7.0), ("C3", 100.5, 7.0)], 0.0, "three, but not in the window"),
    ],
)
def test_several_lanes_refused_in_the_window_pause_the_method_in_that_workspace_only(
    refusals, paused_until_a, why
) -> None:
    pace = pacing(workspace_lanes=3, workspace_window=0.2)

    results = [
        pace.rate_limited(Lane(A, channel), "chat.postMessage", at=at, retry_after=wait)
        for channel, at, wait in refusals
    ]

    assert pace.paused_until(A, "chat.postMessage") == paused_until_a, why
    assert results[-1] is (paused_until_a > 0), why
    assert pace.paused_until(B, "chat.postMessage") == 0.0, "another workspace is never paused"
    assert pace.paused_until(A, "views.publish") == 0.0, "only the refused method"
    channel, at, wait = refusals[-1]
    assert pace.ready_at(Lane(A, channel), ["chat.postMessage"]) == at + wait, "Retry-After holds the lane"
    assert pace.ready_at(Lane(B, channel), ["chat.postMessage"]) == 0.0


def test_a_paused_method_holds_every_lane_of_its_workspace_that_calls_it() -> None:
    pace = pacing()
    for n, channel in enumerate(["C1", "C2", "C3"]):
        pace.rate_limited(Lane(A, channel), "conversations.open", at=50.0 + n / 16, retry_after=30.0)

    assert pace.ready_at(Lane(A, "U9"), ["conversations.open", "chat.postMessage"]) == 80.125
    assert pace.ready_at(Lane(A, "C9"), ["chat.postMessage"]) == 0.0, "a DM already open needs no open"
    assert pace.ready_at(Lane(B, "U9"), ["conversations.open", "chat.postMessage"]) == 0.0


def test_holds_only_ever_lengthen_and_are_forgotten_once_over() -> None:
    pace = pacing()
    lane = Lane(A, "C1")
    pace.hold(lane, until=110.0)
    pace.hold(lane, until=105.0)
    assert pace.ready_at(lane, ["chat.postMessage"]) == 110.0

    for channel in ["C1", "C2", "C3"]:
        pace.rate_limited(Lane(A, channel), "chat.postMessage", at=100.0, retry_after=2.0)
    pace.forget_before(111.0)

    assert pace.ready_at(lane, ["chat.postMessage"]) == 0.0
    assert pace.paused_until(A, "chat.postMessage") == 0.0
    assert pace.rate_limited(Lane(A, "C4"), "chat.postMessage", at=200.0, retry_after=1.0) is False, (
        "old refusals no longer count towards a workspace pause"
    )
