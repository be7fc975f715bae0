"""The community channel and `/share`: an admin sets the channel (Rounds joins it, coaches are told where
it is), a coach's question is posted once under Slack's retries, with name, school and areas; only coaches
share; a post that names a teacher waits for the coach's choice; a channel Rounds can't post to is reported."""

from __future__ import annotations

from bot import ids
from bot.community_jobs import check_channels
from tests.community.support import ADMIN, CLEO, CY, OSCAR, channel_posts, set_channel, share, text_of
from tests.walkthroughs.support import click, dm_messages, wait_for

QUESTION = "How do you get pairs to keep talking in academic discussion once the sentence stems run out?"


def test_an_admin_sets_the_channel_rounds_joins_and_every_coach_of_the_district_is_told(app, slack, worker, channel):
    told = set_channel(app, slack, worker)

    assert f"now <#{channel}>" in told and "Rounds joined it" in told and "3 coaches told" in told
    assert [c.ok for c in slack.calls_to("conversations.join")] == [True]
    for coach in (CLEO, CY, OSCAR):  # Oak's coach too: every school of the district
        [welcome] = dm_messages(slack, coach)
        assert f"<#{channel}>" in text_of(welcome) and "/share question" in text_of(welcome)
    set_channel(app, slack, worker)  # again: nobody is told twice
    assert len(dm_messages(slack, CLEO)) == 1


def test_only_a_district_admin_sets_the_channel_and_a_private_one_needs_an_invitation(app, slack, worker, channel):
    refused = app.driver.command(CLEO, ids.ROUNDS_COMMAND, "community set #ip-community").json()
    assert refused["text"].startswith("Only a district admin can set the community channel")
    slack.add_channel("G0SECRET", "ip-private", private=True, bot_member=False)
    told = set_channel(app, slack, worker, "#ip-private")
    assert "Rounds can't see #ip-private" in told and "/invite @Rounds" in told
    slack.invite_bot("G0SECRET")
    assert "a private channel" in set_channel(app, slack, worker, "#ip-private")
    slack.add_channel("C0OLDIPS1", "old-ips", archived=True)
    assert "#old-ips is archived" in set_channel(app, slack, worker, "C0OLDIPS1")


def test_a_question_is_posted_once_with_the_coachs_name_school_and_areas(app, slack, worker, channel):
    set_channel(app, slack, worker)

    reply = share(app, CLEO, f"question {QUESTION}")
    app.driver.retry_last(attempt=1)
    app.driver.retry_last(attempt=2)
    worker.drain(timeout=10)

    assert reply["text"].startswith("❓ Shared in <#")
    [post] = channel_posts(slack, channel)
    shown = text_of(post)
    assert "Question* from Cleo Ramos (Maple Elementary)" in shown and QUESTION in shown
    assert "`Academic discussion`" in shown
    assert "Mark answered" in shown


def test_only_coaches_share(app, slack, worker, channel):
    set_channel(app, slack, worker)
    for user in ("ULEAD", "UBEN", ADMIN):
        assert share(app, user, "success Our stems worked")["text"].startswith("The coach community is for instructional coaches")
    assert channel_posts(slack, channel) == []


def test_a_post_naming_a_teacher_waits_and_the_coach_posts_it_anyway(app, slack, worker, channel):
    set_channel(app, slack, worker)

    held = share(app, CLEO, "success Ms. LINDQVIST's pairs and bea lindgren's readers both used the stems")
    worker.drain(timeout=10)

    shown = text_of(held)
    assert "This names a teacher" in shown
    assert "*Ms. LINDQVIST*" in shown and "*bea lindgren*" in shown and "*stems*" not in shown
    assert channel_posts(slack, channel) == []  # nothing posted until the coach chooses
    message = {"channel": "D0", "ts": "1.0", **held}
    for _ in range(2):  # a double click
        click(app.driver, CLEO, message, ids.COMMUNITY_POST_ANYWAY)
    wait_for(lambda: len(slack.responses()) >= 3)
    worker.drain(timeout=10)

    [post] = channel_posts(slack, channel)
    assert "Ms. LINDQVIST's pairs" in text_of(post)
    assert {r["text"] for r in slack.responses()[-2:]} >= {"Already posted a moment ago."}


def test_a_post_naming_a_teacher_can_be_edited_before_anything_is_posted(app, slack, worker, channel):
    set_channel(app, slack, worker)
    held = share(app, CLEO, "question Zelenski-style warmups? Ben's class loved them")
    assert "*Ben*" in text_of(held)

    before = len(slack.calls_to("views.open"))
    click(app.driver, CLEO, {"channel": "D0", "ts": "1.0", **held}, ids.COMMUNITY_EDIT)
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    modal = slack.open_views()[-1]
    from tests.community.test_modal import values

    again = app.driver.submit_view(CLEO, modal, values(text="Warm-ups that got a grade 3 class talking?"))
    assert again.status_code == 200 and again.text in ("", "null"), again.text
    worker.drain(timeout=10)
    [post] = channel_posts(slack, channel)
    assert "Warm-ups that got a grade 3 class talking?" in text_of(post) and "Ben" not in text_of(post)
    click(app.driver, CLEO, {"channel": "D0", "ts": "1.0", **held}, ids.COMMUNITY_POST_ANYWAY)  # the old one
    wait_for(lambda: any("edited this post" in r.get("text", "") for r in slack.responses()))
    worker.drain(timeout=10)
    assert len(channel_posts(slack, channel)) == 1


def test_a_channel_rounds_cannot_post_to_is_reported_once_and_not_retried(app, slack, worker, channel):
    set_channel(app, slack, worker)
    slack.remove_bot_from(channel)

    share(app, CLEO, "question Anyone running learning walks with coaches?")
    worker.drain(timeout=10)
    assert check_channels(app.runtime) == 1 and check_channels(app.runtime) == 0
    worker.drain(timeout=10)

    assert [c.error for c in slack.calls_to("chat.postMessage") if c.args.get("channel") == channel] == ["not_in_channel"]
    [report] = [m for m in dm_messages(slack, ADMIN)]
    assert "Rounds can't post in the coach community channel #ip-community" in text_of(report)
    assert "/invite @Rounds" in text_of(report)
    assert "couldn't be posted" in text_of(dm_messages(slack, CLEO)[-1])
    refused = share(app, CLEO, "question And now?")
    assert "can't post in your community channel right now (not_in_channel)" in refused["text"]


def test_the_guard_ignores_case_and_accents_and_leaves_other_words_alone(app, slack, worker, channel):
    set_channel(app, slack, worker)

    held = share(app, CLEO, "question Has anyone tried SÓUSA's warm-ups, or whitfield's? <@UDAN> liked them")
    fine = share(app, CLEO, "question Who has tried benchmarks with a grade-level team?")  # "ben" inside a word
    worker.drain(timeout=10)

    shown = text_of(held)
    assert "*SÓUSA*'s" in shown and "*whitfield*'s" in shown and "*&lt;@UDAN&gt;*" in shown
    assert fine["text"].startswith("❓ Shared in")
    assert len(channel_posts(slack, channel)) == 1
