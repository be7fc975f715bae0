"""Block Kit for the coach community: the post in the channel, the name guard, the share modal, and the
messages around them. Everything a coach typed is escaped, so it never becomes a mention or a link."""

from __future__ import annotations

import json

from bot import ids
from bot.blocks.elements import button, clip, escape, mrkdwn, plain
from workflows.community.channels import Community
from workflows.community.models import LINK_MAX, TEXT_MAX, PostKind
from workflows.community.posts import Area, PostView
from workflows.privacy import NamedTeacher

KIND_LABELS = {PostKind.QUESTION.value: "Question", PostKind.SUCCESS.value: "Success"}
KIND_EMOJI = {PostKind.QUESTION.value: "❓", PostKind.SUCCESS.value: "🎉"}


def channel_ref(community: Community) -> str:
    return f"<#{community.channel_id}>"


def post_message(post: PostView) -> dict:
    """The post in the community channel: who, which school, the areas as tags, the text, the link."""
    head = f"{KIND_EMOJI[post.kind]} *{KIND_LABELS[post.kind]}* from {escape(post.author_name)} ({escape(post.school_name)})"
    tags = "  ".join(f"`{escape(a)}`" for a in post.areas)
    blocks: list[dict] = [
        {"type": "section", "text": mrkdwn(head)},
        {"type": "section", "text": mrkdwn(escape(post.text))},
    ]
    context = [mrkdwn(t) for t in (tags, f"<{post.link}|Attachment>" if post.link else "") if t]
    if context:
        blocks.append({"type": "context", "elements": context})
    if post.question:
        if post.answered:
            blocks.append({"type": "context", "elements": [mrkdwn("✅ Answered: thanks, everyone.")]})
        else:
            blocks.append({"type": "context", "elements": [mrkdwn("Reply in the thread. The asker marks it answered (✅).")]})
            blocks.append({"type": "actions", "elements": [button("Mark answered", ids.COMMUNITY_MARK_ANSWERED, str(post.id))]})
    else:
        label = f"🙌 Thanks ({post.thanks})" if post.thanks else "🙌 Thanks"
        blocks.append({"type": "actions", "elements": [button(label, ids.COMMUNITY_THANK, str(post.id))]})
    summary = f"{KIND_LABELS[post.kind]} from {post.author_name} ({post.school_name}): {clip(post.text, 150)}"
    return {"text": summary, "blocks": blocks, "unfurl_links": False}


def marked(text: str, names: tuple[NamedTeacher, ...]) -> str:
    """The text with the words that name a teacher in bold (and everything escaped)."""
    out, at = [], 0
    for found in names:
        if found.start < at:
            continue
        out.append(escape(text[at : found.start]))
        out.append(f"*{escape(found.words)}*")
        at = found.end
    out.append(escape(text[at:]))
    return "".join(out)


GUARD_INTRO = (
    "⚠️ This names a teacher (in bold below). Community posts are read by coaches across schools, and "
    "coaching is confidential: edit it, or post it anyway. Nothing is posted until you choose."
)


def guard_message(post: PostView, names: tuple[NamedTeacher, ...]) -> dict:
    """The coach's choice, as an ephemeral reply to `/share` (or a DM): Edit, or Post anyway."""
    return {
        "text": "This names a teacher: edit it, or post it anyway.",
        "blocks": [
            {"type": "section", "text": mrkdwn(GUARD_INTRO)},
            {"type": "section", "text": mrkdwn(clip(marked(post.text, names), 3000))},
            {"type": "actions", "elements": [
                button("Edit", ids.COMMUNITY_EDIT, str(post.id), style="primary"),
                button("Post anyway", ids.COMMUNITY_POST_ANYWAY, str(post.id)),
            ]},
        ],
    }  # fmt: skip


def guard_modal(post: PostView, names: tuple[NamedTeacher, ...]) -> dict:
    """The same choice inside the modal: submit posts it anyway, Edit goes back to the text."""
    return {
        "type": "modal",
        "callback_id": ids.COMMUNITY_GUARD_MODAL,
        "private_metadata": json.dumps({"post_id": post.id}),
        "title": plain("Names a teacher"),
        "submit": plain("Post anyway"),
        "close": plain("Cancel"),
        "blocks": [*guard_message(post, names)["blocks"][:2], {"type": "actions", "elements": [button("Edit", ids.COMMUNITY_EDIT, str(post.id), style="primary")]}],
    }


def share_modal(areas: list[Area], *, metadata: str, kind: str | None = None, text: str = "",
                area_keys: tuple[str, ...] = (), link: str | None = None) -> dict:  # fmt: skip
    """`/share` alone: kind, text, the framework areas it is about, an optional https link."""
    kinds = [{"text": plain(KIND_LABELS[k]), "value": k} for k in KIND_LABELS]
    kind_element: dict = {"type": "radio_buttons", "action_id": ids.COMMUNITY_KIND_INPUT, "options": kinds}
    if kind in KIND_LABELS:
        kind_element["initial_option"] = next(o for o in kinds if o["value"] == kind)
    text_element: dict = {"type": "plain_text_input", "action_id": ids.COMMUNITY_TEXT_INPUT, "multiline": True,
                          "max_length": TEXT_MAX}  # fmt: skip
    if text:
        text_element["initial_value"] = text
    blocks: list[dict] = [
        {"type": "input", "block_id": ids.COMMUNITY_KIND_BLOCK, "label": plain("What are you sharing?"), "element": kind_element},
        {"type": "input", "block_id": ids.COMMUNITY_TEXT_BLOCK, "label": plain("Your question or success"),
         "element": text_element,
         "hint": plain("Read by coaches across schools: leave teachers' names out.")},
    ]  # fmt: skip
    if areas:
        options = [{"text": plain(a.name, 75), "value": a.key} for a in areas]
        element: dict = {"type": "multi_static_select", "action_id": ids.COMMUNITY_AREAS_INPUT, "options": options,
                         "placeholder": plain("Framework areas")}  # fmt: skip
        chosen = [o for o in options if o["value"] in area_keys]
        if chosen:
            element["initial_options"] = chosen
        blocks.append({"type": "input", "block_id": ids.COMMUNITY_AREAS_BLOCK, "optional": True,
                       "label": plain("Framework areas it is about"), "element": element})  # fmt: skip
    link_element: dict = {"type": "url_text_input", "action_id": ids.COMMUNITY_LINK_INPUT}
    if link:
        link_element["initial_value"] = link[:LINK_MAX]
    blocks.append({"type": "input", "block_id": ids.COMMUNITY_LINK_BLOCK, "optional": True,
                   "label": plain("Attachment link (https)"), "element": link_element})  # fmt: skip
    return {
        "type": "modal", "callback_id": ids.COMMUNITY_SHARE_MODAL, "private_metadata": metadata,
        "title": plain("Share with coaches"), "submit": plain("Share"), "close": plain("Cancel"), "blocks": blocks,
    }  # fmt: skip


def shared_receipt(post: PostView, community: Community | None) -> str:
    where = channel_ref(community) if community else "the community channel"
    return f"{KIND_EMOJI[post.kind]} Shared in {where}. Replies come in its thread."


def welcome_message(community: Community) -> dict:
    shared = " It is shared with other districts (Slack Connect)." if community.shared else ""
    text = (
        f"👋 Your district's coach community is {channel_ref(community)}: ask other coaches a question with "
        f"`/share question …`, tell them what worked with `/share success …`, or type `/share` for the form. "
        f"A roundup comes there at the end of each school week.{shared}"
    )
    if community.private:
        text += " It is a private channel: ask its members to add you if you aren't in it yet."
    else:
        text += " Join it from the link above."
    return {"text": f"Your coach community is #{community.name}.", "blocks": [{"type": "section", "text": mrkdwn(text)}]}


def cannot_post_message(community: Community, problem: str) -> dict:
    why = {
        "not_in_channel": "Rounds is no longer a member of it: `/invite @Rounds` there",
        "channel_not_found": "Rounds can't see it any more (deleted, or a private channel Rounds was removed from): invite Rounds again",
        "is_archived": "it was archived: unarchive it",
    }.get(problem, f"Slack answered `{problem}`")  # fmt: skip
    text = (
        f"⚠️ Rounds can't post in the coach community channel #{escape(community.name)}: {why}, or set another with "
        f"`/rounds community set #channel`. Coaches' posts wait until then; nothing is retried on its own."
    )
    return {"text": "Rounds can't post in the coach community channel.", "blocks": [{"type": "section", "text": mrkdwn(text)}]}


def not_posted_message(post: PostView, community: Community) -> dict:
    text = (
        f"Your {KIND_LABELS[post.kind].lower()} couldn't be posted in #{escape(community.name)}: Rounds can't post "
        f"there right now. Your district admin has been told; share it again once they have fixed it."
    )
    return {"text": text}


def nudge_message(post: PostView, permalink: str | None) -> dict:
    where = f"<{permalink}|{KIND_LABELS[post.kind].lower()}>" if permalink else "question"
    areas = ", ".join(post.areas)
    text = (
        f"💬 {escape(post.author_name)} ({escape(post.school_name)}) asked a {where} about {escape(areas)} two school "
        f"days ago and no one has answered yet. You answered questions about that before: could you help in its thread?"
    )
    return {"text": "A question in your areas is waiting for an answer.", "blocks": [{"type": "section", "text": mrkdwn(text)}]}


def reflection_guard(reflection_id: int, names: tuple[NamedTeacher, ...]) -> dict:
    """A reflection shared with the community that names a teacher: the words, and Share anyway."""
    words = ", ".join(dict.fromkeys(f"*{escape(n.words)}*" for n in names))
    text = (
        f"⚠️ Your reflection names a teacher ({words}). The roundup is read by coaches across schools: edit the "
        "reflection first (from your Home), or share it as written."
    )
    return {
        "text": "Your reflection names a teacher.",
        "blocks": [
            {"type": "section", "text": mrkdwn(text)},
            {"type": "actions", "elements": [button("Share anyway", ids.COMMUNITY_SHARE_REFLECTION_ANYWAY, str(reflection_id))]},
        ],
    }
