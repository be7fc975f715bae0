"""`/share` alone opens the modal: kind, text, framework areas and an https link; posted once however
often the submission arrives, a bad link is a field error, and a text naming a teacher turns the modal
into the name guard."""

from __future__ import annotations

from bot import ids
from bot.demo.slack_requests import multi_select_value, plain_text_value, radio_value
from tests.community.support import CLEO, channel_posts, set_channel, text_of
from tests.walkthroughs.support import wait_for


def values(*, kind: str = "question", text: str = "", areas: tuple[str, ...] = (), link: str | None = None) -> dict:
    return {
        ids.COMMUNITY_KIND_BLOCK: {ids.COMMUNITY_KIND_INPUT: radio_value(kind)},
        ids.COMMUNITY_TEXT_BLOCK: {ids.COMMUNITY_TEXT_INPUT: plain_text_value(text)},
        ids.COMMUNITY_AREAS_BLOCK: {ids.COMMUNITY_AREAS_INPUT: multi_select_value(list(areas))},
        ids.COMMUNITY_LINK_BLOCK: {ids.COMMUNITY_LINK_INPUT: {"type": "url_text_input", "value": link}},
    }


def open_share(app, slack) -> dict:
    before = len(slack.calls_to("views.open"))
    response = app.driver.command(CLEO, ids.SHARE_COMMAND, "")
    assert response.status_code == 200 and response.text in ("", "null"), response.text
    wait_for(lambda: len(slack.calls_to("views.open")) > before)
    assert slack.calls_to("views.open")[-1].ok, slack.calls_to("views.open")[-1].error
    return slack.open_views()[-1]


def test_the_modal_posts_a_success_once_with_its_areas_and_link(app, slack, worker, channel):
    set_channel(app, slack, worker)
    modal = open_share(app, slack)
    areas = [o["value"] for b in modal["blocks"] if b.get("block_id") == ids.COMMUNITY_AREAS_BLOCK for o in b["element"]["options"]]

    bad = app.driver.submit_view(CLEO, modal, values(kind="success", text="Exit tickets!", link="http://x.org")).json()
    assert bad["errors"] == {ids.COMMUNITY_LINK_BLOCK: "Give a link that starts with https://, like https://docs.example.org/plan"}
    good = values(kind="success", text="Exit tickets every day for a week", areas=(areas[2],), link="https://docs.example.org/t")
    for _ in range(2):
        assert app.driver.submit_view(CLEO, modal, good).text in ("", "null")
    worker.drain(timeout=10)

    [post] = channel_posts(slack, channel)
    assert "Success* from Cleo Ramos" in text_of(post) and "<https://docs.example.org/t|Attachment>" in text_of(post)
    assert "🙌 Thanks" in text_of(post)


def test_in_the_modal_a_text_naming_a_teacher_becomes_the_guard_and_submitting_it_posts_anyway(app, slack, worker, channel):
    set_channel(app, slack, worker)
    modal = open_share(app, slack)

    guard = app.driver.submit_view(CLEO, modal, values(text="What would you try with Joana Sousa's class?")).json()
    assert guard["response_action"] == "update"
    assert "*Joana Sousa*" in text_of(guard["view"])
    worker.drain(timeout=10)
    assert channel_posts(slack, channel) == []
    view = {**guard["view"], "id": modal["id"]}
    assert app.driver.submit_view(CLEO, view, {}).text in ("", "null")
    worker.drain(timeout=10)
    assert "Joana Sousa's class" in text_of(channel_posts(slack, channel)[0])
