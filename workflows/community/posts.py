"""Coaches' questions and successes: written once per command or modal, held while they name a teacher
until the coach chooses, then posted; answered by their asker, replied to in their thread, thanked.

Every change happens once: a post is inserted under its command's or modal's key, and each later state
change is one guarded UPDATE, so a retry or a double click changes nothing and the second one is told.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlmodel import Session, col, select, update

from workflows import privacy
from workflows.community import channels
from workflows.community.models import (
    LINK_MAX,
    TEXT_MAX,
    CommunityPost,
    CommunityReply,
    CommunityThanks,
    PostKind,
    PostStatus,
)  # fmt: skip
from workflows.db import insert_once
from workflows.frameworks.models import FrameworkArea
from workflows.frameworks.service import current_framework, ensure_default_framework
from workflows.privacy import NamedTeacher, Viewer
from workflows.refusals import Refusal
from workflows.roster.models import Person, School
from workflows.roster.names import fold
from workflows.walkthroughs.views import local_time

COACHES_ONLY = (
    "The coach community is for instructional coaches: `/share` posts a question or a success there. "
    "Leaders and teachers aren't members."
)
CANNOT_POST = "Rounds can't post in your community channel right now ({problem}); your district admin has been told."


class InvalidPost(Refusal):
    """Something to fix in what the coach wrote; `field` is text, link or kind."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Area:
    key: str
    name: str


@dataclass(frozen=True)
class PostView:
    id: int
    key: str
    workspace: str
    district_id: int
    kind: str
    text: str
    areas: tuple[str, ...]  # the areas' names
    area_keys: tuple[str, ...]
    link: str | None
    author_id: int
    author_name: str
    author_slack_id: str | None
    school_name: str
    status: str
    channel_id: str | None
    answered: bool
    answered_how: str | None
    replies: int
    thanks: int
    posted_on: date | None

    @property
    def posted(self) -> bool:
        return self.status == PostStatus.POSTED.value

    @property
    def question(self) -> bool:
        return self.kind == PostKind.QUESTION.value


@dataclass(frozen=True)
class Draft:
    """A post as written: posted at once, or held with the places it names a teacher."""

    post: PostView
    names: tuple[NamedTeacher, ...]
    first_time: bool


@dataclass(frozen=True)
class Changed:
    post: PostView
    first_time: bool


def framework_areas(session: Session, *, district_id: int | None, now: datetime | None = None) -> list[Area]:
    """The district's framework areas; with `now`, the starter framework is loaded when there is none yet
    (as the walkthrough modal does)."""
    framework = current_framework(session, district_id=district_id)
    if framework is None and now is not None:
        framework = ensure_default_framework(session, now=now)
    if framework is None:
        return []
    rows = session.exec(
        select(FrameworkArea).where(FrameworkArea.framework_id == framework.id).order_by(col(FrameworkArea.position))
    ).all()
    return [Area(r.key, r.name) for r in rows]


def share_context(session: Session, *, viewer: Viewer, now: datetime | None = None) -> tuple[int, list[Area]]:
    """The coach's district and its framework areas (for the modal), once they may share there."""
    district_id, _school = _author_school(session, viewer)
    found = channels.community(session, district_id=district_id)
    if found is None:
        raise Refusal(channels.NO_CHANNEL)
    if not found.ready:
        raise Refusal(CANNOT_POST.format(problem=found.problem))
    return district_id, framework_areas(session, district_id=district_id, now=now)


def draft_post(
    session: Session, *, viewer: Viewer, key: str, kind: str, text: str, area_keys: list[str] | None,
    link: str | None, now: datetime, replaces: int | None = None,
) -> Draft:  # fmt: skip
    """Write a post once under `key`. It is posted at once unless it names a teacher; then it is held.

    `area_keys` None: the areas are those whose names the text mentions. `replaces`: a held post this one
    is the edit of (that one is never posted)."""
    existing = session.exec(select(CommunityPost).where(CommunityPost.idempotency_key == key)).first()
    if existing is not None:
        if existing.author_id != viewer.person_id:
            raise Refusal("That post is someone else's.")
        view = _view(session, existing)
        return Draft(view, tuple(_names(session, existing)), first_time=False)
    district_id, areas = share_context(session, viewer=viewer, now=now)
    _district, school = _author_school(session, viewer)
    if kind not in {k.value for k in PostKind}:
        raise InvalidPost("kind", "Choose a question or a success.")
    body = text.strip()
    if not body:
        raise InvalidPost("text", "Write your question or success: a line or two is enough.")
    if len(body) > TEXT_MAX:
        raise InvalidPost("text", f"Keep it under {TEXT_MAX} characters.")
    chosen = _areas(areas, area_keys, body)
    url = _link(link)
    names = privacy.teachers_named_in(session, school_ids=channels.district_school_ids(session, district_id=district_id),
                                      text=body)  # fmt: skip
    community = channels.community(session, district_id=district_id)
    assert community is not None
    values = dict(
        idempotency_key=key, workspace=viewer.workspace, district_id=district_id, author_id=viewer.person_id,
        school_id=school.id, kind=kind, text=body, areas=chosen, link=url, created_at=now, replies=0, thanks=0,
        status=PostStatus.HELD.value if names else PostStatus.POSTED.value,
    )  # fmt: skip
    if not names:
        values |= dict(posted_at=now, posted_on=local_time(now, school).date(), slack_channel_id=community.channel_id)
    first = insert_once(session, CommunityPost, unique=["idempotency_key"], **values)
    row = session.exec(select(CommunityPost).where(CommunityPost.idempotency_key == key)).one()
    if first and replaces is not None:
        _supersede(session, viewer=viewer, post_id=replaces)
    return Draft(_view(session, row), tuple(names), first_time=first)


def held_post(session: Session, *, viewer: Viewer, post_id: int) -> Draft:
    """A held post, for its author to edit."""
    row = _own(session, viewer, post_id)
    return Draft(_view(session, row), tuple(_names(session, row)), first_time=False)


def post_anyway(session: Session, *, viewer: Viewer, post_id: int, now: datetime) -> Changed:
    """The coach saw where their text names a teacher and posts it as written."""
    row = _own(session, viewer, post_id)
    if row.status == PostStatus.EDITED.value:
        raise Refusal("You edited this post since: the edited version is the one that counts.")
    community = channels.community(session, district_id=row.district_id)
    if community is None or not community.ready:
        raise Refusal(CANNOT_POST.format(problem=community.problem if community else "no channel"))
    school = session.get(School, row.school_id)
    result = session.execute(
        update(CommunityPost)
        .where(col(CommunityPost.id) == post_id, col(CommunityPost.status) == PostStatus.HELD.value)
        .values(status=PostStatus.POSTED.value, posted_at=now, posted_on=local_time(now, school).date(),
                slack_channel_id=community.channel_id)
    )  # fmt: skip
    session.refresh(row)
    return Changed(_view(session, row), first_time=result.rowcount == 1)  # type: ignore[attr-defined]


def mark_answered(session: Session, *, viewer: Viewer, post_id: int, how: str, now: datetime) -> Changed:
    """The asker marks their question answered (a button, or a ✅ reaction); only the asker may."""
    row = session.get(CommunityPost, post_id)
    if row is None or row.kind != PostKind.QUESTION.value or row.status != PostStatus.POSTED.value:
        raise Refusal("That isn't an open question of the community.")
    if row.author_id != viewer.person_id:
        raise Refusal("Only the coach who asked can mark this question answered.")
    result = session.execute(
        update(CommunityPost)
        .where(col(CommunityPost.id) == post_id, col(CommunityPost.answered_at).is_(None))
        .values(answered_at=now, answered_how=how)
    )
    session.refresh(row)
    return Changed(_view(session, row), first_time=result.rowcount == 1)  # type: ignore[attr-defined]


def record_reply(
    session: Session, *, post_id: int, ts: str, slack_user_id: str, workspace: str, now: datetime
) -> bool:
    """A reply in a question's thread, once per message; the asker's own replies are kept but not counted."""
    row = session.get(CommunityPost, post_id)
    if row is None:
        return False
    person = session.exec(
        select(Person).where(Person.workspace == workspace, Person.slack_user_id == slack_user_id)
    ).first()
    person_id = person.id if person is not None else None
    fresh = insert_once(session, CommunityReply, unique=["post_id", "ts"], post_id=post_id, ts=ts,
                        slack_user_id=slack_user_id, person_id=person_id, created_at=now)  # fmt: skip
    if fresh and person_id != row.author_id:
        session.execute(
            update(CommunityPost).where(col(CommunityPost.id) == post_id).values(replies=CommunityPost.replies + 1)
        )
    return fresh


def thank(session: Session, *, viewer: Viewer, post_id: int, now: datetime) -> Changed:
    """One thanks per person for a success; the count goes up once."""
    row = session.get(CommunityPost, post_id)
    if row is None or row.kind != PostKind.SUCCESS.value or row.status != PostStatus.POSTED.value:
        raise Refusal("That isn't a success shared in the community.")
    if row.author_id == viewer.person_id:
        raise Refusal("That's your own success: the thanks are for the others to give.")
    first = insert_once(session, CommunityThanks, unique=["post_id", "person_id"], post_id=post_id,
                        person_id=viewer.person_id, thanked_at=now)  # fmt: skip
    if first:
        session.execute(
            update(CommunityPost).where(col(CommunityPost.id) == post_id).values(thanks=CommunityPost.thanks + 1)
        )
    session.refresh(row)
    return Changed(_view(session, row), first_time=first)


def post_view(session: Session, *, post_id: int) -> PostView | None:
    row = session.get(CommunityPost, post_id)
    return _view(session, row) if row is not None else None


def author_school(session: Session, *, viewer: Viewer) -> School:
    return _author_school(session, viewer)[1]


# --------------------------------------------------------------------------- internals


def _author_school(session: Session, viewer: Viewer) -> tuple[int, School]:
    if not privacy.can_share_with_community(viewer):
        raise Refusal(COACHES_ONLY)
    schools = sorted((s for i in viewer.coached_school_ids if (s := session.get(School, i)) is not None),
                     key=lambda s: (s.district_id is None, s.name))  # fmt: skip
    if not schools or schools[0].district_id is None:
        raise Refusal(channels.NO_CHANNEL)
    return schools[0].district_id, schools[0]


def _areas(areas: list[Area], keys: list[str] | None, text: str) -> list[str]:
    known = {a.key for a in areas}
    if keys is not None:
        return [k for k in dict.fromkeys(keys) if k in known]
    folded = f" {fold(text)} "
    return [a.key for a in areas if f" {fold(a.name)} " in folded or f" {fold(a.key.replace('_', ' '))} " in folded]


def _link(link: str | None) -> str | None:
    url = (link or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or " " in url or len(url) > LINK_MAX:
        raise InvalidPost("link", "Give a link that starts with https://, like https://docs.example.org/plan")
    return url


def _own(session: Session, viewer: Viewer, post_id: int) -> CommunityPost:
    row = session.get(CommunityPost, post_id)
    if row is None or row.author_id != viewer.person_id:
        raise Refusal("Only the coach who wrote this post can post or edit it.")
    return row


def _supersede(session: Session, *, viewer: Viewer, post_id: int) -> None:
    session.execute(
        update(CommunityPost)
        .where(col(CommunityPost.id) == post_id, col(CommunityPost.author_id) == viewer.person_id,
               col(CommunityPost.status) == PostStatus.HELD.value)
        .values(status=PostStatus.EDITED.value)
    )  # fmt: skip


def _names(session: Session, row: CommunityPost) -> list[NamedTeacher]:
    ids = channels.district_school_ids(session, district_id=row.district_id)
    return privacy.teachers_named_in(session, school_ids=ids, text=row.text)


def _view(session: Session, row: CommunityPost) -> PostView:
    author = session.get(Person, row.author_id)
    school = session.get(School, row.school_id)
    assert author is not None and school is not None
    names = {a.key: a.name for a in framework_areas(session, district_id=row.district_id)}
    return PostView(
        id=row.id or 0, key=row.idempotency_key, workspace=row.workspace, district_id=row.district_id,
        kind=row.kind, text=row.text, areas=tuple(names.get(k, k) for k in row.areas), area_keys=tuple(row.areas),
        link=row.link, author_id=author.id or 0, author_name=author.name,
        author_slack_id=author.slack_user_id if author.active else None, school_name=school.name,
        status=row.status, channel_id=row.slack_channel_id, answered=row.answered_at is not None,
        answered_how=row.answered_how, replies=row.replies, thanks=row.thanks, posted_on=row.posted_on,
    )  # fmt: skip
