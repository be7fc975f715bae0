"""Block Kit for the leader's weekly digest (the DM and the App Home show the same blocks) and the data
review modal. Teachers are named here, and only here, because the digest goes to a leader of their school."""

from __future__ import annotations

import json
from collections.abc import Callable

from bot import ids
from bot.blocks.digests import feedback_text
from bot.blocks.elements import button, clip, escape, mrkdwn, plain
from bot.blocks.roadmap import levels_blocks
from bot.blocks.walkthroughs import ROLE_NAMES, day
from workflows.digests.leader import YEAR_GOAL, LeaderDigest, SchoolDigest
from workflows.digests.leader_models import DECISIONS_MAX, STRENGTHS_MAX
from workflows.digests.leader_picture import MIN_RATINGS, PERIOD_WEEKS, DataPicture, PictureRow
from workflows.digests.reviews import NEW_OBSERVATIONS, PastReview, ReviewDue

NOT_SEEN_SHOWN = 8
SECTION_MAX = 3000


def title(digest: LeaderDigest) -> str:
    return f"Your week, {day(digest.week_start)} – {day(digest.week_end)}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


def _coverage(school: SchoolDigest) -> str:
    found = school.coverage
    if found is None:
        return "*Coverage this cycle:* no school days this week."
    seen = found.caseload - len(found.not_seen)
    line = f"*Coverage this cycle* (since {day(found.since)}): {seen} of {found.caseload} teachers seen."
    if found.not_seen:
        names = [
            f"{escape(n.teacher_name)} ({f'last seen {n.days_since} days ago' if n.last_seen else 'not seen yet'})"
            for n in found.not_seen[:NOT_SEEN_SHOWN]
        ]
        more = len(found.not_seen) - NOT_SEEN_SHOWN
        line += (
            "\nNot yet seen, oldest first: " + ", ".join(names) + (f", and {more} more" if more > 0 else "")
        )
    return line


def _visits(school: SchoolDigest) -> str:
    periods = " · ".join(f"period {escape(p)}: {n}" for p, n in school.by_period) or "none"
    parts = " · ".join(f"{p}: {n}" for p, n in school.by_lesson_part) or "none"
    spread = " · ".join(
        f"{n} {'teacher' if n == 1 else 'teachers'} in {k} {'period' if k == 1 else 'periods'}"
        for k, n in school.periods_per_teacher
    )
    lines = [
        f"*Visits this week:* {school.week_visits} — by period: {periods}",
        f"*By part of the lesson:* {parts}",
        f"*Distinct periods per teacher this cycle:* {spread or 'no visits yet'}",
    ]
    if school.one_period:
        lines.append(
            "Seen in one period only: " + ", ".join(escape(n) for n in school.one_period[:NOT_SEEN_SHOWN])
        )
    return "\n".join(lines)


def _pace_and_talk(school: SchoolDigest) -> str:
    pace = school.pace
    ahead = pace.ahead
    verdict = (
        "on pace"
        if ahead == 0
        else f"{ahead} ahead of the pace"
        if ahead > 0
        else f"{-ahead} behind the pace"
    )
    roles = " · ".join(f"{ROLE_NAMES[role]}: {n}" for role, n in school.conversations)
    held = sum(n for _, n in school.conversations)
    cal = school.calibration.overall
    calibration = (
        f"{school.calibration.paired_visits} paired visits this year, agreement {_pct(cal.agreement)}, within one "
        f"level {_pct(cal.adjacent_agreement)}, κ {'—' if cal.kappa is None else f'{cal.kappa:.2f}'}"
        if not school.calibration.empty
        else "no paired visits this year yet"
    )
    return "\n".join(
        [
            f"*Pace towards {YEAR_GOAL} classroom visits:* {pace.visits} so far; on school day {pace.school_day} the "
            f"pace is {pace.expected:.0f} — {verdict}.",
            f"*Evidence shared within the hour:* {school.shared_within_hour} of {school.week_visits} visits "
            f"({school.shared} shared in all)",
            f"*Conversations held:* {held} — {roles}",
            f"*Calibration:* {calibration}",
        ]
    )


def _trend(row: PictureRow) -> str:
    change = row.change
    if change is None:
        return ""
    if abs(change) < 1:
        return " (steady)"
    return f" ({'▲' if change > 0 else '▼'} {abs(round(change))} pts)"


def _rows(rows: tuple[PictureRow, ...]) -> str:
    shown = [r for r in rows if r.recent.rated or r.before.rated]
    return (
        " · ".join(
            f"{escape(r.label)}: {_pct(r.recent.value) if r.recent.rated >= MIN_RATINGS else 'too few ratings'}"
            f"{_trend(r)}"
            for r in shown
        )
        or "no ratings yet"
    )


def _picture(picture: DataPicture) -> str:
    head = (
        f"*The data picture* — share of look-for ratings at {escape(picture.top_label)}, last {PERIOD_WEEKS} "
        f"weeks (change from the {PERIOD_WEEKS} weeks before):"
    )
    lines = [head, f"*By grade:* {_rows(picture.by_grade)}", f"*By subject:* {_rows(picture.by_subject)}",
             f"*By framework area:* {_rows(picture.by_area)}"]  # fmt: skip
    if picture.strongest and picture.to_grow:
        lines.append(
            f"Most often strong: *{escape(picture.strongest.label)}*; the one to grow: *{escape(picture.to_grow.label)}*."
        )
    return clip("\n".join(lines), SECTION_MAX)


def _past(previous: PastReview) -> str:
    lines = [
        f"*Decisions of the last data review* ({day(previous.reviewed_on)}, {escape(previous.leader_name)}):"
    ]
    lines.append(f"> {escape(clip(previous.decisions, 1200))}")
    if previous.strengths:
        lines.append(f"Strengths noted: {escape(clip(previous.strengths, 600))}")
    return "\n".join(lines)


def review_value(due: ReviewDue) -> str:
    return f"{due.school_id}:{due.sequence}"


def review_blocks(school_id: int, due: ReviewDue | None, previous: PastReview | None) -> list[dict]:
    """A school's data review in the digest: due (with its button), or the last one's decisions, or when the
    first will be asked for. Always at least one block, each with a block_id naming the school, so the App
    Home can show a delivered digest with its review as it stands now (`with_reviews_as_now`)."""
    if due is not None:
        text = (
            f"*A data review is due* ({escape(due.reason)}): look at the patterns above with your team, note the "
            "strengths and record what you decide. The decisions come back at the next review."
        )
        if due.previous is not None:
            text += "\n" + _past(due.previous)
        found = [
            {"type": "section", "text": mrkdwn(clip(text, SECTION_MAX))},
            {
                "type": "actions",
                "elements": [
                    button("Record the data review", ids.DATA_REVIEW_OPEN, review_value(due), style="primary")
                ],
            },
        ]
    elif previous is not None:
        text = _past(previous) + (
            f"\nThe next review is due a month after it, or once {NEW_OBSERVATIONS} new observations are in."
        )
        found = [{"type": "section", "text": mrkdwn(clip(text, SECTION_MAX))}]
    else:
        found = [{"type": "context", "elements": [mrkdwn(
            f"No data review yet: one is asked for a month after the first walkthroughs, or once {NEW_OBSERVATIONS} "
            "are in."
        )]}]  # fmt: skip
    return [{**block, "block_id": f"{ids.DATA_REVIEW_BLOCK}:{school_id}:{n}"} for n, block in enumerate(found)]


def with_reviews_as_now(blocks: list[dict], review_now: Callable[[int], list[dict]]) -> list[dict]:
    """A delivered digest's blocks with each school's data review replaced by `review_now(school_id)`."""
    shown: list[dict] = []
    for block in blocks:
        kind, _, rest = str(block.get("block_id", "")).partition(":")
        if kind != ids.DATA_REVIEW_BLOCK:
            shown.append(block)
        elif rest.endswith(":0"):
            shown += review_now(int(rest.split(":")[0]))
    return shown


def school_blocks(school: SchoolDigest) -> list[dict]:
    return [
        {"type": "section", "text": mrkdwn(f"*{escape(school.school_name)}*")},
        {"type": "section", "text": mrkdwn(clip(_coverage(school), SECTION_MAX))},
        {"type": "section", "text": mrkdwn(clip(_visits(school), SECTION_MAX))},
        {"type": "section", "text": mrkdwn(clip(_pace_and_talk(school), SECTION_MAX))},
        {"type": "section", "text": mrkdwn(_picture(school.picture))},
        *_form_feedback(school),
        *review_blocks(school.school_id, school.review, school.previous_review),
    ]


def _form_feedback(school: SchoolDigest) -> list[dict]:
    if not school.form_feedback.lines:
        return []
    text = "*Feedback on the walkthrough form* from the school's teams. " + feedback_text(school.form_feedback)
    return [{"type": "section", "text": mrkdwn(clip(text, SECTION_MAX))}]


def digest_blocks(digest: LeaderDigest) -> list[dict]:
    """The digest's blocks: the DM's and the App Home section's."""
    blocks: list[dict] = [{"type": "header", "text": plain(title(digest), 150)}]
    for school in digest.schools:
        blocks += school_blocks(school)
        blocks.append({"type": "divider"})
    blocks += levels_blocks(digest.roadmap)
    return blocks


def digest_message(digest: LeaderDigest) -> dict:
    return {"text": title(digest), "blocks": digest_blocks(digest)}


def no_digest_yet() -> list[dict]:
    return [
        {"type": "header", "text": plain("Your weekly digest")},
        {
            "type": "section",
            "text": mrkdwn("Your first weekly digest comes after your first school week with Rounds."),
        },
    ]


def review_modal(due: ReviewDue) -> dict:
    """The data review's record: strengths noted and the decisions taken, with the last review's decisions."""
    blocks: list[dict] = [
        {
            "type": "section",
            "text": mrkdwn(
                f"*{escape(due.school_name)}* — data review {due.sequence} ({escape(due.reason)})"
            ),
        }
    ]
    if due.previous is not None:
        blocks.append({"type": "section", "text": mrkdwn(clip(_past(due.previous), SECTION_MAX))})
    blocks += [
        {
            "type": "input", "block_id": ids.DATA_REVIEW_STRENGTHS_BLOCK, "optional": True,
            "label": plain("Strengths noted (for coaching or mentoring other teachers)"),
            "element": {"type": "plain_text_input", "action_id": ids.DATA_REVIEW_STRENGTHS_INPUT, "multiline": True,
                        "max_length": STRENGTHS_MAX},
        },
        {
            "type": "input", "block_id": ids.DATA_REVIEW_DECISIONS_BLOCK,
            "label": plain("Decisions: what you will do about the patterns, and with whom"),
            "element": {"type": "plain_text_input", "action_id": ids.DATA_REVIEW_DECISIONS_INPUT, "multiline": True,
                        "max_length": DECISIONS_MAX},
        },
    ]  # fmt: skip
    return {
        "type": "modal",
        "callback_id": ids.DATA_REVIEW_MODAL,
        "title": plain("Data review", 24),
        "submit": plain("Record"),
        "close": plain("Cancel"),
        "private_metadata": json.dumps({"school": due.school_id, "sequence": due.sequence}),
        "blocks": blocks,
    }


def review_not_due() -> dict:
    return {
        "type": "modal",
        "title": plain("Data review", 24),
        "close": plain("Close"),
        "blocks": [
            {"type": "section", "text": mrkdwn("This data review has been recorded already, or none is due.")}
        ],
    }
