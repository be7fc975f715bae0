"""Block Kit for the weekly roundup in the community channel. No leaderboard: counts of the week, links to
open questions, the successes, the areas most asked about, and reflections their authors chose to share."""

from __future__ import annotations

from bot.blocks.coaching_reflections import week_label
from bot.blocks.elements import clip, escape, mrkdwn
from workflows.community.roundup import Roundup


def _link(permalinks: dict[int, str], post_id: int, label: str) -> str:
    url = permalinks.get(post_id)
    return f"<{url}|{escape(label)}>" if url else escape(label)


def roundup_message(roundup: Roundup, permalinks: dict[int, str]) -> dict:
    head = (
        f"📬 *Coach community roundup, {week_label(roundup.week_of)}*\n"
        f"Questions asked: {roundup.asked} ({roundup.answered} answered) · Successes shared: {len(roundup.successes)}"
    )
    blocks: list[dict] = [{"type": "section", "text": mrkdwn(head)}]
    if roundup.open_questions:
        lines = [
            f"• {_link(permalinks, q.id, clip(q.text, 80))} ({escape(q.author_name)}, {escape(q.school_name)}; "
            f"{q.replies} {'reply' if q.replies == 1 else 'replies'})"
            for q in roundup.open_questions
        ]
        more = roundup.open_total - len(roundup.open_questions)
        if more > 0:
            lines.append(f"…and {more} more")
        blocks.append({"type": "section", "text": mrkdwn(clip("*Still open, your answer helps:*\n" + "\n".join(lines), 3000))})
    else:
        blocks.append({"type": "section", "text": mrkdwn("*Still open:* none. Every question has been answered.")})
    if roundup.successes:
        lines = [f"• {_link(permalinks, s.id, clip(s.text, 80))} ({escape(s.author_name)}, {escape(s.school_name)})"
                 for s in roundup.successes]  # fmt: skip
        blocks.append({"type": "section", "text": mrkdwn(clip("*Successes:*\n" + "\n".join(lines), 3000))})
    if roundup.top_areas:
        areas = ", ".join(f"{escape(name)} ({n})" for name, n in roundup.top_areas)
        blocks.append({"type": "section", "text": mrkdwn(f"*Most asked about:* {areas}")})
    for shared in roundup.reflections:
        parts = [(label, text) for label, text in (("What went well", shared.went_well), ("What I learned", shared.learned),
                 ("What I will try next week", shared.try_next)) if text]  # fmt: skip
        body = "\n".join(f"_{label}:_ {escape(text)}" for label, text in parts)
        intro = f"🗒 *{escape(shared.coach_name)}* ({escape(shared.school_name)}) shared their weekly reflection:\n"
        blocks.append({"type": "section", "text": mrkdwn(clip(intro + body, 3000))})
    text = f"Coach community roundup: {roundup.asked} questions asked, {roundup.answered} answered, {len(roundup.successes)} successes."
    return {"text": text, "blocks": blocks[:50], "unfurl_links": False}
