"""A question in the channel: answered by its asker's ✅ or the button (no one else's), replies in its
thread counted, and a success thanked once per person with its count updated in place."""

from __future__ import annotations

from sqlmodel import select

from bot import ids
from tests.community.support import CLEO, CY, OSCAR, channel_posts, set_channel, share, text_of
from tests.walkthroughs.support import click, wait_for
from workflows.community.models import CommunityPost, CommunityReply

QUESTION = "question What do you do when checks for understanding show half the class lost?"


def _posted(app, slack, worker, channel, text: str = QUESTION) -> dict:
    set_channel(app, slack, worker)
    share(app, CLEO, text)
    worker.drain(timeout=10)
    return channel_posts(slack, channel)[-1]


def _post(sessions) -> CommunityPost:
    with sessions() as session:
        return session.exec(select(CommunityPost)).one()


def test_the_askers_check_mark_answers_the_question_and_no_one_elses_does(app, slack, worker, channel, sessions):
    post = _posted(app, slack, worker, channel)

    for user in (CY, OSCAR):  # others' ✅ do nothing
        assert app.driver.event(slack.person_reacts(channel, post["ts"], user, "white_check_mark")).status_code == 200
    app.driver.event(slack.person_reacts(channel, post["ts"], CLEO, "tada"))  # another emoji does nothing
    worker.drain(timeout=10)
    assert _post(sessions).answered_at is None and "Mark answered" in text_of(slack.message(channel, post["ts"]))

    event = slack.person_reacts(channel, post["ts"], CLEO, "white_check_mark")
    app.driver.event(event)
    app.driver.retry_last(attempt=1)
    wait_for(lambda: _post(sessions).answered_at is not None)
    worker.drain(timeout=10)

    assert _post(sessions).answered_how == "reaction"
    updated = slack.message(channel, post["ts"])
    assert "✅ Answered" in text_of(updated) and "Mark answered" not in text_of(updated)
    assert len(slack.calls_to("chat.update")) == 1


def test_the_button_answers_it_for_its_asker_only(app, slack, worker, channel, sessions):
    post = _posted(app, slack, worker, channel)

    click(app.driver, CY, post, ids.COMMUNITY_MARK_ANSWERED)
    wait_for(lambda: len(slack.responses()) == 2)  # after the admin's answer when setting the channel
    assert slack.responses()[-1]["text"] == "Only the coach who asked can mark this question answered."
    for _ in range(2):
        click(app.driver, CLEO, post, ids.COMMUNITY_MARK_ANSWERED)
    wait_for(lambda: _post(sessions).answered_at is not None)
    worker.drain(timeout=10)

    assert _post(sessions).answered_how == "button"
    assert "✅ Answered" in text_of(slack.message(channel, post["ts"]))
    assert len(slack.calls_to("chat.update")) == 1


def test_replies_in_the_thread_are_counted_once_each_the_askers_own_not(app, slack, worker, channel, sessions):
    post = _posted(app, slack, worker, channel)

    reply = slack.person_posts(channel, CY, "Re-teach in a small group right then.", thread_ts=post["ts"])
    app.driver.event(reply)
    app.driver.retry_last(attempt=1)  # Slack's retry of the same event
    app.driver.event(slack.person_posts(channel, CLEO, "Thanks! Trying it.", thread_ts=post["ts"]))
    app.driver.event(slack.person_posts(channel, OSCAR, "Unrelated chat in the channel"))  # not a reply
    wait_for(lambda: len(_replies(sessions)) == 2)

    assert _post(sessions).replies == 1
    assert sorted(r.slack_user_id for r in _replies(sessions)) == [CLEO, CY]


def _replies(sessions) -> list[CommunityReply]:
    with sessions() as session:
        return list(session.exec(select(CommunityReply)).all())


def test_a_success_is_thanked_once_per_person_and_its_count_updated_in_place(app, slack, worker, channel, sessions):
    post = _posted(app, slack, worker, channel, "success Exit tickets every day this week: the data finally made sense")

    for _ in range(2):
        click(app.driver, CY, post, ids.COMMUNITY_THANK)
    click(app.driver, OSCAR, post, ids.COMMUNITY_THANK)
    click(app.driver, CLEO, post, ids.COMMUNITY_THANK)  # your own
    wait_for(lambda: len(slack.responses()) == 3)  # after the admin's answer when setting the channel
    wait_for(lambda: _post(sessions).thanks == 2)
    worker.drain(timeout=10)

    assert "🙌 Thanks (2)" in text_of(slack.message(channel, post["ts"]))
    assert {r["text"] for r in slack.responses()[1:]} == {
        "You thanked this success already: one thanks each.",
        "That's your own success: the thanks are for the others to give.",
    }


def test_a_coachs_home_shows_the_channel_their_open_questions_answers_given_and_questions_waiting(app, slack, worker, channel, sessions):
    from tests.coaching.support import home

    post = _posted(app, slack, worker, channel)  # Cleo: checks for understanding
    app.driver.event(slack.person_posts(channel, OSCAR, "Hinge questions, then regroup.", thread_ts=post["ts"]))
    wait_for(lambda: len(_replies(sessions)) == 1)
    share(app, CY, "question Checks for understanding with exit tickets: paper or digital?")
    worker.drain(timeout=10)

    cleo = text_of(home(app.driver, slack, CLEO))
    assert f"meet in <#{channel}>" in cleo
    assert "*Your open questions*\n• What do you do when checks for understanding" in cleo
    assert "paper or digital? (Cy Moreau, Maple Elementary; 0 replies)" in cleo  # waiting, in her area
    oscar = text_of(home(app.driver, slack, OSCAR))
    assert "*Questions you answered*\n• What do you do when" in oscar
    assert "Coach community" not in text_of(home(app.driver, slack, "UBEN"))
