"""The leader digest's messages: each leader's weekly digest DM, once per leader and week, and the receipt
of a recorded data review.

Keys: `leader-digest:<leader>:<week start>` (one DM a week, whichever job or command queues it first; a
leader of two schools gets one DM holding both), `data-review:<school>:<sequence>:receipt`. Each delivery
carries the workspace of the leader's schools. Keys never hold a decision's text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from bot.blocks import leader_digest as blocks
from bot.blocks.elements import mrkdwn
from workflows.deliveries.service import enqueue, get
from workflows.digests.leader import LeaderDigest, leader_digest
from workflows.digests.reviews import Recorded
from workflows.privacy import Viewer, led_school_ids
from workflows.roster.models import Person, School, StaffRole
from workflows.roster.snapshot import Role
from workflows.rotation.calendars import RotationCalendars


@dataclass(frozen=True)
class QueuedDigest:
    """One leader's digest of one week: queued now, queued before, or (dry run) only rendered."""

    leader_id: int
    leader_name: str
    key: str
    queued: bool
    message: dict

    @property
    def text(self) -> str:
        return "\n".join(_text(b) for b in self.message["blocks"])


def digest_key(leader_id: int, week_start: date) -> str:
    return f"leader-digest:{leader_id}:{week_start.isoformat()}"


def digest_leaders(session: Session, *, school_id: int | None) -> list[Person]:
    """The leaders (the `leader` role: those with a rotation) of one school or of every school, on Slack."""
    query = (
        select(Person)
        .join(StaffRole, col(StaffRole.person_id) == Person.id)
        .where(
            StaffRole.role == Role.LEADER.value,
            col(Person.active).is_(True),
            col(Person.slack_user_id).is_not(None),
        )
    )
    if school_id is not None:
        query = query.where(StaffRole.school_id == school_id)
    return list(session.exec(query.distinct().order_by(col(Person.id))).all())


def viewer_of(session: Session, person: Person) -> Viewer:
    return Viewer(person_id=person.id or 0, led_school_ids=led_school_ids(session, person_id=person.id or 0),
                  workspace=person.workspace)  # fmt: skip


def queue_leader_digests(
    session: Session,
    *,
    week_start: date,
    school_id: int | None,
    dry_run: bool,
    calendars: RotationCalendars | None = None,
) -> list[QueuedDigest]:
    """Each leader's digest of the week starting `week_start` (a Monday): queued once per leader and week, or
    with `dry_run` only rendered. `school_id` narrows whose digests (each still covers all their schools)."""
    if school_id is not None and session.get(School, school_id) is None:
        return []
    done: list[QueuedDigest] = []
    for leader in digest_leaders(session, school_id=school_id):
        digest = leader_digest(
            session, viewer=viewer_of(session, leader), leader_id=leader.id or 0, week_start=week_start,
            calendars=calendars,
        )  # fmt: skip
        if digest is None:
            continue
        key = digest_key(digest.leader_id, week_start)
        message = blocks.digest_message(digest)
        fresh = not dry_run and get(session, key=key) is None
        if fresh:
            post(session, digest=digest, key=key, message=message)
        done.append(QueuedDigest(digest.leader_id, digest.leader_name, key, fresh, message))
    return done


def post(session: Session, *, digest: LeaderDigest, key: str, message: dict) -> None:
    enqueue(session, workspace=digest.workspace, key=key, method="chat.postMessage",
            args={"channel": digest.slack_user_id, **message})  # fmt: skip


def review_recorded(session: Session, *, recorded: Recorded, leader: Person, now: datetime) -> bool:
    """The recorder's receipt, once per review."""
    school = session.get(School, recorded.school_id)
    if not recorded.created or school is None or not leader.slack_user_id:
        return False
    key = f"data-review:{recorded.school_id}:{recorded.review.sequence}:receipt"
    text = (
        f"Data review {recorded.review.sequence} of {school.name} recorded. Its decisions come back in your digest "
        "and at the next review."
    )
    enqueue(session, workspace=school.workspace, key=key, method="chat.postMessage",
            args={"channel": leader.slack_user_id, "text": text,
                  "blocks": [{"type": "section", "text": mrkdwn(text)}]})  # fmt: skip
    return True


def _text(block: dict) -> str:
    text = block.get("text")
    if isinstance(text, dict):
        return str(text.get("text", ""))
    parts = [e.get("text") for e in block.get("elements", []) if isinstance(e, dict)]
    return " ".join(p if isinstance(p, str) else str((p or {}).get("text", "")) for p in parts)
