"""The leaders' weekly coaching summary: counts only, never a name or a word of a note, and any figure
backed by fewer than 3 teachers withheld, with what it could be worked out from."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.coaching_jobs import run_weekly_job
from tests.coaching.support import log_coaching
from tests.walkthroughs.support import dm_messages, message_text
from workflows.roster.models import School

FRIDAY_AFTERNOON = datetime(2026, 3, 6, 14, 30, tzinfo=ZoneInfo("America/Chicago"))
NAMES = ("Ben", "Bea", "Joana", "Dan", "Lindqvist", "Lindgren", "Sousa", "Whitfield", "Cleo", "Cy")


def maple(sessions) -> int:
    with sessions() as session:
        return session.exec(select(School.id).where(School.sourced_id == "s-maple")).one()


def test_the_summary_shows_counts_and_withholds_thin_figures_and_what_would_reveal_them(
    app, slack, sessions, worker, clock
):
    for teacher in ("ben", "bea", "joana"):
        log_coaching(app.driver, slack, worker, text=teacher, needs=["Academic discussion"])
        log_coaching(app.driver, slack, worker, text=teacher, kind="visit")
    log_coaching(app.driver, slack, worker, coach="UCOACH2", text="dan", kind="co_planning",
                 needs=["Checks for understanding"])  # fmt: skip
    clock.now = FRIDAY_AFTERNOON

    run_weekly_job(app.runtime, maple(sessions))
    run_weekly_job(app.runtime, maple(sessions))
    worker.drain(timeout=10)

    [summary] = dm_messages(slack, "ULEAD")
    text = message_text(summary)
    assert "Coaching at Maple Elementary, week of Mon 2 Mar" in text
    # Co-planning has one teacher behind it: withheld; one-on-one conversations too, or the total would tell.
    assert (
        "*Coaching entries:* 7 — One-on-one conversation: _not enough data yet_ · Classroom visit: 3 · "
        "Co-planning: _not enough data yet_"
    ) in text
    assert "*Minutes of coaching:* 210" in text
    assert "*Active cycles:* 4 — identify: 4" in text
    assert "*Action steps done:* not enough data yet" in text
    assert "Academic discussion: 3 (3 teachers) · Checks for understanding: _not enough data yet_" in text
    for word in (*NAMES, "Sentence stems", "same three students", "Pairs rehearse", "Every student explains"):
        assert word not in text, word
    assert dm_messages(slack, "UOTTO") == [] and dm_messages(slack, "UADMIN") == []
    assert not any("Coaching at Maple" in message_text(m) for m in dm_messages(slack, "UCOACH"))


def test_with_one_teacher_coached_every_figure_is_withheld(app, slack, sessions, worker, clock):
    log_coaching(app.driver, slack, worker, needs=["Academic discussion"])
    clock.now = FRIDAY_AFTERNOON

    run_weekly_job(app.runtime, maple(sessions))
    worker.drain(timeout=10)

    text = message_text(dm_messages(slack, "ULEAD")[0])
    assert "*Coaching entries:* not enough data yet — One-on-one conversation: _not enough data yet_" in text
    assert "*Minutes of coaching:* not enough data yet" in text
    assert "*Active cycles:* not enough data yet — identify: _not enough data yet_" in text
    assert "Academic discussion: _not enough data yet_" in text
    assert "30" not in text and "Ben" not in text
