"""The scheduled side of the community, on a frozen clock: a question with no reply is raised once, two
school days after it was asked (the asker's school calendar), to coaches who answered in its areas before;
and the weekly roundup goes to the channel once, on the last school day of the week, with the right counts
and links."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.calendars import calendars_from_settings
from bot.community_jobs import run_nudges, run_roundup
from tests.community.support import CLEO, CY, OSCAR, channel_posts, set_channel, share, text_of
from tests.walkthroughs.support import dm_messages, wait_for
from workflows.community.models import CommunityReply
from workflows.db import transaction
from workflows.roster.models import CalendarDay, District, School

CHICAGO = ZoneInfo("America/Chicago")
OSCARS = "question How do you keep academic discussion going in grade 7 math?"
CLEOS = "question Academic discussion in grade 3: how do you get the quiet ones in?"


def at(day: int, hour: int = 7, minute: int = 20) -> datetime:
    """Chicago wall time, as UTC: the outbox stores a datetime's wall time, so the worker's clock is UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=CHICAGO).astimezone(UTC)


def _ids(sessions) -> tuple[int, int]:
    with sessions() as session:
        maple = session.exec(select(School.id).where(School.sourced_id == "s-maple")).one()
        district = session.exec(select(District.id)).one()
    return maple, district


def _week(app, slack, worker, channel, sessions, clock) -> list[dict]:
    """Monday: Oscar asks and Cy answers in the thread; Tuesday: Cleo asks in the same area, Cy shares a success."""
    set_channel(app, slack, worker)
    clock.now = at(2, 10)
    share(app, OSCAR, OSCARS)
    worker.drain(timeout=10)
    [first] = channel_posts(slack, channel)
    app.driver.event(slack.person_posts(channel, CY, "Talk moves on a card at each table.", thread_ts=first["ts"]))
    wait_for(lambda: _count(sessions) == 1)
    clock.now = at(3, 10)
    share(app, CLEO, CLEOS)
    share(app, CY, "success Our grade 5 team calibrated on look-fors for the first time")
    worker.drain(timeout=10)
    return channel_posts(slack, channel)


def _count(sessions) -> int:
    with sessions() as session:
        return len(session.exec(select(CommunityReply)).all())


def nudges(slack) -> list[dict]:
    return [m for u in (CY, OSCAR, CLEO) for m in dm_messages(slack, u) if "waiting for an answer" in m["text"]]


def test_a_question_with_no_reply_is_raised_once_on_the_second_school_day_after(app, slack, worker, channel, sessions, clock):
    _week(app, slack, worker, channel, sessions, clock)
    maple, _district = _ids(sessions)
    calendars = calendars_from_settings(app.runtime.settings)

    clock.now = at(4)  # Wednesday: one school day since Tuesday
    assert run_nudges(app.runtime, calendars, maple) == 0
    clock.now = at(5)  # Thursday: two
    assert run_nudges(app.runtime, calendars, maple) == 1
    assert run_nudges(app.runtime, calendars, maple) == 0
    clock.now = at(6)
    assert run_nudges(app.runtime, calendars, maple) == 0
    worker.drain(timeout=10)

    [nudge] = nudges(slack)
    assert nudge["channel"] == slack.dm_channel_for(CY)  # a DM to the coach who answered in that area; no ping
    assert "Cleo Ramos (Maple Elementary) asked a" in text_of(nudge) and "Academic discussion" in text_of(nudge)
    assert "https://rounds-demo.slack.com/archives/C0IPCOMM/p" in text_of(nudge)
    assert not any("<!channel>" in text_of(m) or "<!here>" in text_of(m) for m in slack.messages(channel))


def test_a_day_without_school_moves_the_nudge_a_day_later(app, slack, worker, channel, sessions, clock):
    _week(app, slack, worker, channel, sessions, clock)
    maple, _district = _ids(sessions)
    with transaction(app.runtime.sessions) as session:
        session.add(CalendarDay(school_id=maple, day=date(2026, 3, 4), day_type="none"))
    calendars = calendars_from_settings(app.runtime.settings)

    clock.now = at(5)
    assert run_nudges(app.runtime, calendars, maple) == 0
    clock.now = at(6)
    assert run_nudges(app.runtime, calendars, maple) == 1


def test_the_roundup_goes_once_on_the_last_school_day_with_counts_and_links(app, slack, worker, channel, sessions, clock):
    posts = _week(app, slack, worker, channel, sessions, clock)
    _maple, district = _ids(sessions)
    calendars = calendars_from_settings(app.runtime.settings)
    cleos = next(p for p in posts if "quiet ones" in text_of(p))

    clock.now = at(5, 15, 30)  # Thursday: not the end of the week
    assert run_roundup(app.runtime, calendars, district) is False
    clock.now = at(6, 15, 30)
    assert run_roundup(app.runtime, calendars, district) is True
    assert run_roundup(app.runtime, calendars, district) is False
    worker.drain(timeout=10)

    [roundup] = [m for m in channel_posts(slack, channel) if "roundup" in m["text"]]
    shown = text_of(roundup)
    assert "Coach community roundup, the week of Mon 2 Mar" in shown
    assert "Questions asked: 2 (0 answered) · Successes shared: 1" in shown
    permalink = f"https://rounds-demo.slack.com/archives/{channel}/p{cleos['ts'].replace('.', '')}"
    assert f"<{permalink}|Academic discussion in grade 3" in shown
    assert "(Oscar Vale, Oak Middle; 1 reply)" in shown
    assert "Our grade 5 team calibrated" in shown and "*Most asked about:* Academic discussion (2)" in shown
    assert len(slack.calls_to("chat.getPermalink")) == 3



def test_a_reflection_its_author_shares_with_the_community_is_in_the_roundup_and_no_other(app, slack, worker, channel, sessions, clock):
    from bot import ids
    from bot.coaching_jobs import run_weekly_job
    from tests.coaching.test_reflections import WENT_WELL, _write
    from tests.walkthroughs.support import click

    maple, district = _ids(sessions)
    set_channel(app, slack, worker)
    clock.now = at(6, 14, 30)
    run_weekly_job(app.runtime, maple)
    worker.drain(timeout=10)
    _write(app, slack, worker)  # Cleo's reflection names Ben
    receipt = dm_messages(slack, CLEO)[-1]

    click(app.driver, CY, dict(receipt, channel=slack.dm_channel_for(CLEO)), ids.COMMUNITY_SHARE_REFLECTION)
    click(app.driver, CLEO, receipt, ids.COMMUNITY_SHARE_REFLECTION)
    wait_for(lambda: len(slack.responses()) == 3)
    refused, guard = slack.responses()[1:]
    assert refused["text"] == "Only the coach who wrote this reflection can share it."
    assert "Your reflection names a teacher (*Ben*)" in text_of(guard)
    clock.now = at(6, 15, 30)
    assert run_roundup(app.runtime, calendars_from_settings(app.runtime.settings), district) is True
    worker.drain(timeout=10)
    [roundup] = [m for m in channel_posts(slack, channel) if "roundup" in m["text"]]
    assert WENT_WELL not in text_of(roundup)  # nothing shared until the author chose

    click(app.driver, CLEO, {"channel": "D0", "ts": "1.0", **guard}, ids.COMMUNITY_SHARE_REFLECTION_ANYWAY)
    wait_for(lambda: len(slack.responses()) == 4)
    assert slack.responses()[-1]["text"].startswith("🗒 Shared with the coach community")
    with transaction(app.runtime.sessions) as session:  # a new week's roundup would carry it: look at this one's
        from workflows.community.roundup import weekly_roundup

        week = weekly_roundup(session, district_id=district, day=date(2026, 3, 6))
    from bot.blocks.community_roundup import roundup_message

    shown = text_of(roundup_message(week, {}))
    assert "*Cleo Ramos* (Maple Elementary) shared their weekly reflection" in shown and WENT_WELL in shown
    assert "Time with Ada to plan" not in shown  # "what support I need" stays out of the roundup
