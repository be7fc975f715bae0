"""The coach community section of a coach's App Home (pure Block Kit)."""

from __future__ import annotations

from bot.blocks.elements import clip, escape, mrkdwn
from workflows.community.channels import NO_CHANNEL, Community
from workflows.community.posts import PostView
from workflows.community.waiting import Activity


def _lines(posts: tuple[PostView, ...], *, by: bool) -> str:
    def one(p: PostView) -> str:
        who = f"{escape(p.author_name)}, {escape(p.school_name)}; " if by else ""
        replies = f"{p.replies} {'reply' if p.replies == 1 else 'replies'}"
        return f"• {escape(clip(p.text, 90))} ({who}{replies})"

    return "\n".join(one(p) for p in posts)


def section(community: Community | None, mine: Activity | None) -> list[dict]:
    blocks: list[dict] = [{"type": "header", "text": {"type": "plain_text", "text": "Coach community"}}]
    if community is None or mine is None:
        return [*blocks, {"type": "section", "text": mrkdwn(NO_CHANNEL)}]
    where = f"Coaches of every school in {escape(community.district_name)} meet in <#{community.channel_id}>"
    where += " (shared with other districts)." if community.shared else "."
    where += " `/share question …` or `/share success …` to post there."
    blocks.append({"type": "section", "text": mrkdwn(where)})
    parts = (
        ("Your open questions", mine.open_questions, False, "none open"),
        ("Questions you answered", mine.answered, True, "none yet"),
        ("Waiting for a first reply, in your areas", mine.waiting, True, "none waiting"),
    )
    for title, posts, by, empty in parts:
        body = _lines(posts, by=by) if posts else f"_{empty}_"
        blocks.append({"type": "section", "text": mrkdwn(clip(f"*{title}*\n{body}", 3000))})
    return blocks
