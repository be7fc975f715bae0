"""What a phone's notification and a screen reader show: the message's top-level `text`.

It is escaped like the blocks, so a `<@U…>` or `<!channel>` typed into a name or a note never becomes a
live mention, and it never carries evidence, notes or reflections: a lock screen is not private.
"""

from __future__ import annotations

from sqlmodel import select

from bot import ids
from bot.demo.slack_requests import plain_text_value
from tests.walkthroughs.support import click, dm_messages, log_visit, wait_for
from workflows.db import transaction
from workflows.roster.models import Person

EVIDENCE = "Students argued <@UMIA> & <!channel> about 24 ÷ 4 — a private note for Ben"


def _rename(sessions, slack_user_id: str, given: str) -> None:
    with transaction(sessions) as session:
        person = session.exec(select(Person).where(Person.slack_user_id == slack_user_id)).one()
        person.given_name = given
        session.add(person)


def _live_controls(text: str) -> list[str]:
    return [token for token in ("<@", "<!", "<#", "<http") if token in text]


def test_the_teachers_notification_names_the_observer_and_never_the_evidence(app, slack, worker):
    log_visit(app.driver, slack, worker, evidence=EVIDENCE, strength="A strength <!here>")

    [dm] = dm_messages(slack, "UBEN")

    assert dm["text"] == "Ada Okafor shared notes from the visit on Tue 3 Mar"
    assert "argued" not in dm["text"] and "strength" not in dm["text"]


def test_a_name_carrying_slack_markup_is_escaped_in_every_notification(app, slack, sessions, worker):
    _rename(sessions, "ULEAD", "<!channel> Ada")
    _rename(sessions, "UBEN", "Ben <@UMIA> &")
    log_visit(app.driver, slack, worker, text="lindqvist", evidence=EVIDENCE)
    [dm] = dm_messages(slack, "UBEN")
    click(app.driver, "UBEN", dm, ids.WALKTHROUGH_REFLECT)
    wait_for(lambda: slack.calls_to("views.open")[1:])
    reflection = "I tried it again <@UOTTO> and it worked"
    app.driver.submit_view(
        "UBEN",
        slack.open_views()[-1],
        {ids.REFLECTION_BLOCK: {ids.REFLECTION_INPUT: plain_text_value(reflection)}},
    )
    click(app.driver, "UBEN", dm, ids.WALKTHROUGH_TALK)
    worker.drain(timeout=10)

    teacher_texts = [m["text"] for m in dm_messages(slack, "UBEN")]
    leader_texts = [m["text"] for m in dm_messages(slack, "ULEAD")]
    assert len(leader_texts) == 3  # the receipt, the reflection, the request to talk
    for text in teacher_texts + leader_texts:
        assert _live_controls(text) == [], text
        assert "argued" not in text and "tried it again" not in text
    assert teacher_texts[0].startswith("&lt;!channel&gt; Ada Okafor shared notes")
    assert "Ben &lt;@UMIA&gt; &amp; Lindqvist" in leader_texts[0]
    assert leader_texts[1] == "Ben &lt;@UMIA&gt; &amp; Lindqvist added a reflection on your walkthrough."
