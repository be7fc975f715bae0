"""Coaching notices: the teacher's DM after an entry and the coach's receipt (posted once, then updated in
place), and the notes each of the teacher's answers sends the coach.

Keys: `coaching:<entry>:teacher` and `coaching:<entry>:coach` are the two messages of an entry; every
later change updates one of them in place under a key of its own, so a retried click queues nothing new.
A weekly prompt is `coaching:weekly:<coach>:<week>:prompt` (one a week, whichever school's job runs
first); the reflection's receipt `coaching:weekly:<coach>:<week>:saved`.
A walkthrough shared with a coach is `coaching:share:<walkthrough>:<coach>`; a request for coaching
`coaching:request:<request>:<coach>`. The leaders' summary is `coaching:summary:<school>:<week>:<leader>`.
A follow-up is `coaching:followup:<person>:<role>:<school>:<date>`, once a day per person and school.
Each delivery carries the workspace of the school the entry belongs to. Keys never hold a note's text.
"""

from __future__ import annotations

from sqlmodel import Session

from bot.blocks import coaching as blocks
from bot.blocks import coaching_reflections as reflection_blocks
from bot.blocks import coaching_reports as report_blocks
from workflows.coaching.cycles import CycleSummary
from workflows.coaching.follow_ups import FollowUp
from workflows.coaching.models import CycleStatus
from workflows.coaching.reflections import Prompt, ReflectionView, Shared
from workflows.coaching.shares import Requested, SharedWalkthrough
from workflows.coaching.summary import CoachingSummary
from workflows.coaching.views import EntryView
from workflows.deliveries.service import Message, enqueue, enqueue_all, get
from workflows.roster.models import Person


def teacher_key(entry_id: int) -> str:
    return f"coaching:{entry_id}:teacher"


def coach_key(entry_id: int) -> str:
    return f"coaching:{entry_id}:coach"


def post(session: Session, *, workspace: str, key: str, channel: str, message: dict) -> None:
    enqueue(session, workspace=workspace, key=key, method="chat.postMessage", args={"channel": channel, **message})


def update(session: Session, *, workspace: str, key: str, of: str, message: dict) -> bool:
    """Update the message under `of` in place, if it was ever queued; False when there is none."""
    if get(session, key=of) is None:
        return False
    enqueue(session, workspace=workspace, key=key, method="chat.update", args=message, update_of=of)
    return True


def entry_logged(session: Session, view: EntryView, *, edited: bool) -> None:
    """The teacher's DM (new, or updated in place after an edit) and the coach's receipt; a new entry's
    two messages go into the outbox in one INSERT."""
    teacher, coach = teacher_key(view.id), coach_key(view.id)
    posts: list[Message] = []
    if view.shared and view.teacher_slack_id:
        message = blocks.teacher_message(view)
        changed = f"{teacher}:r{view.revision}"
        if not (edited and update(session, workspace=view.workspace, key=changed, of=teacher, message=message)):
            posts.append(_posted(view.workspace, teacher, view.teacher_slack_id, message))
    if view.coach_slack_id:
        receipt = blocks.coach_receipt(view)
        changed = f"{coach}:r{view.revision}"
        if not (edited and update(session, workspace=view.workspace, key=changed, of=coach, message=receipt)):
            posts.append(_posted(view.workspace, coach, view.coach_slack_id, receipt))
    enqueue_all(session, posts)


def _posted(workspace: str, key: str, channel: str, message: dict) -> Message:
    return Message(workspace, key, "chat.postMessage", {"channel": channel, **message})


def teacher_answered(session: Session, view: EntryView, *, suffix: str, notice: dict) -> None:
    """Tell the coach, and update both messages in place to show the answer went."""
    if view.coach_slack_id:
        post(session, workspace=view.workspace, key=f"coaching:{view.id}:{suffix}", channel=view.coach_slack_id,
             message=notice)  # fmt: skip
    update(session, workspace=view.workspace, key=f"{teacher_key(view.id)}:{suffix}", of=teacher_key(view.id),
           message=blocks.teacher_message(view))  # fmt: skip
    update(session, workspace=view.workspace, key=f"{coach_key(view.id)}:{suffix}", of=coach_key(view.id),
           message=blocks.coach_receipt(view))  # fmt: skip


def steps_changed(session: Session, view: EntryView, *, change: str) -> None:
    """A step marked done shows on both messages of its entry; `change` names this change (once each)."""
    update(session, workspace=view.workspace, key=f"{teacher_key(view.id)}:{change}", of=teacher_key(view.id),
           message=blocks.teacher_message(view))  # fmt: skip
    update(session, workspace=view.workspace, key=f"{coach_key(view.id)}:{change}", of=coach_key(view.id),
           message=blocks.coach_receipt(view))  # fmt: skip


def cycle_moved(session: Session, cycle: CycleSummary) -> None:
    """Tell the teacher their cycle moved to its next phase, or completed: once per phase."""
    if not cycle.teacher_slack_id:
        return
    done = cycle.status == CycleStatus.COMPLETED
    key = f"coaching:cycle:{cycle.id}:{'completed' if done else f'phase:{cycle.phase_index}'}"
    post(session, workspace=cycle.workspace, key=key, channel=cycle.teacher_slack_id, message=blocks.cycle_moved(cycle))


def follow_up_key(follow_up: FollowUp) -> str:
    return (
        f"coaching:followup:{follow_up.person_id}:{follow_up.role}:{follow_up.school_id}:{follow_up.day.isoformat()}"
    )


def follow_up(session: Session, follow_up: FollowUp) -> bool:
    """Queue the morning's follow-up once; False when it was queued before."""
    key = follow_up_key(follow_up)
    if get(session, key=key) is not None:
        return False
    post(session, workspace=follow_up.workspace, key=key, channel=follow_up.slack_user_id,
         message=blocks.follow_up_message(follow_up))  # fmt: skip
    return True


def follow_up_changed(session: Session, follow_up: FollowUp, *, change: str) -> None:
    """A step in a follow-up was marked done: the follow-up shows it, in place."""
    key = follow_up_key(follow_up)
    update(session, workspace=follow_up.workspace, key=f"{key}:{change}", of=key,
           message=blocks.follow_up_message(follow_up))  # fmt: skip


def weekly_key(coach_id: int, week: object) -> str:
    return f"coaching:weekly:{coach_id}:{week}"


def reflection_prompt(session: Session, prompt: Prompt) -> bool:
    """The end-of-week prompt, once per coach and week; False when it was queued before."""
    key = f"{weekly_key(prompt.coach_id, prompt.week_of)}:prompt"
    if get(session, key=key) is not None:
        return False
    post(session, workspace=prompt.workspace, key=key, channel=prompt.slack_user_id,
         message=reflection_blocks.prompt_message(prompt))  # fmt: skip
    return True


def reflection_saved(session: Session, view: ReflectionView, *, change: str) -> None:
    """The coach's receipt for the week: posted once, updated in place by each rewrite and by sharing."""
    if not view.coach_slack_id:
        return
    key = f"{weekly_key(view.coach_id, view.week_of)}:saved"
    message = reflection_blocks.saved_receipt(view)
    if not update(session, workspace=view.workspace, key=f"{key}:{change}", of=key, message=message):
        post(session, workspace=view.workspace, key=key, channel=view.coach_slack_id, message=message)


def reflection_shared(session: Session, shared: Shared) -> None:
    """A copy for each principal, once; the receipt shows it went."""
    view = shared.reflection
    for leader_id, slack_user_id in shared.leaders:
        post(session, workspace=view.workspace, key=f"{weekly_key(view.coach_id, view.week_of)}:principal:{leader_id}",
             channel=slack_user_id, message=reflection_blocks.principal_copy(view))  # fmt: skip
    reflection_saved(session, view, change="shared")


def leaders_summary(session: Session, summary: CoachingSummary, leaders: list[Person]) -> int:
    """The week's summary to each leader of the school, once; returns how many were newly queued."""
    queued = 0
    for leader in leaders:
        key = f"coaching:summary:{summary.school_id}:{summary.week_of}:{leader.id}"
        if leader.slack_user_id and get(session, key=key) is None:
            post(session, workspace=summary.workspace, key=key, channel=leader.slack_user_id,
                 message=report_blocks.summary_message(summary))  # fmt: skip
            queued += 1
    return queued


def walkthrough_shared(session: Session, shared: SharedWalkthrough) -> None:
    """The coach the teacher chose gets the walkthrough's evidence, once."""
    if shared.coach_slack_id:
        post(session, workspace=shared.walkthrough.workspace,
             key=f"coaching:share:{shared.walkthrough.id}:{shared.coach_id}", channel=shared.coach_slack_id,
             message=blocks.shared_walkthrough(shared.walkthrough, school_id=shared.school_id))  # fmt: skip


def coaching_requested(session: Session, requested: Requested) -> None:
    """Each coach of the school hears of the request, once."""
    for coach_id, slack_user_id in requested.coaches:
        post(session, workspace=requested.workspace, key=f"coaching:request:{requested.request_id}:{coach_id}",
             channel=slack_user_id, message=blocks.coaching_requested(requested))  # fmt: skip
