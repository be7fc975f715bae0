"""Loading a walkthrough for what someone wants to do with it, or refusing with `NotAllowed`/`TooLate`.

Who may see, edit or answer is decided in `workflows.privacy`; this module adds the walkthrough's own
rules on top (the 24-hour edit window, answers only to shared evidence).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from workflows import privacy
from workflows.privacy import Viewer
from workflows.walkthroughs.errors import NotAllowed, TooLate
from workflows.walkthroughs.models import Walkthrough

EDIT_WINDOW = timedelta(hours=24)


def require_leader(viewer: Viewer) -> None:
    if not privacy.can_log_walkthroughs(viewer):
        raise NotAllowed("walkthroughs are logged by leaders")


def visible(session: Session, viewer: Viewer, walkthrough_id: int) -> Walkthrough:
    """The walkthrough, if the viewer may see it; an unknown id reads the same as a forbidden one."""
    walkthrough = session.get(Walkthrough, walkthrough_id)
    if walkthrough is None or not privacy.can_see_walkthrough(viewer, walkthrough):
        raise NotAllowed("no such walkthrough for this person")
    return walkthrough


def own(session: Session, viewer: Viewer, walkthrough_id: int) -> Walkthrough:
    """The walkthrough, if the viewer is the observer who may change it (whether or not in time)."""
    walkthrough = visible(session, viewer, walkthrough_id)
    if not privacy.can_edit_walkthrough(viewer, walkthrough):
        raise NotAllowed("only the observer edits a walkthrough")
    return walkthrough


def require_in_edit_window(walkthrough: Walkthrough, now: datetime) -> None:
    """Evidence stays editable for a day: long enough to fix a slip, short enough that it stays a record."""
    if now - walkthrough.created_at > EDIT_WINDOW:
        raise TooLate()


def editable(session: Session, viewer: Viewer, walkthrough_id: int, now: datetime) -> Walkthrough:
    walkthrough = own(session, viewer, walkthrough_id)
    require_in_edit_window(walkthrough, now)
    return walkthrough


def answerable(session: Session, viewer: Viewer, walkthrough_id: int) -> Walkthrough:
    """The walkthrough, if the viewer is the teacher visited and the evidence has reached them."""
    walkthrough = visible(session, viewer, walkthrough_id)
    if not privacy.can_respond_as_teacher(viewer, walkthrough) or walkthrough.shared_at is None:
        raise NotAllowed("only the teacher who was visited answers a walkthrough")
    return walkthrough


def conversation_of(session: Session, viewer: Viewer, walkthrough_id: int) -> Walkthrough:
    """The walkthrough, if the viewer may record the feedback conversation that followed it."""
    walkthrough = visible(session, viewer, walkthrough_id)
    if not privacy.can_record_conversation(viewer, walkthrough):
        raise NotAllowed("only the observer records the conversation")
    return walkthrough


def paired_partner(session: Session, viewer: Viewer, walkthrough_id: int) -> Walkthrough:
    """The walkthrough whose second observer the viewer was, to log their own ratings of the same visit."""
    partner = visible(session, viewer, walkthrough_id)
    if not privacy.can_log_paired_visit(viewer, partner):
        raise NotAllowed("only the second observer logs the paired ratings")
    return partner
