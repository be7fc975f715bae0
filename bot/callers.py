"""Who is calling: resolved once per request by a Bolt middleware, before any listener runs.

Every request from a person carries their workspace and their roster profile in `context["caller"]`.
The profile is looked up in that workspace's roster only, so a request signed correctly but coming from
workspace A never finds anyone, or anything, of workspace B.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from slack_bolt import BoltContext
from sqlmodel import Session

from bot.blocks.help import NOT_ON_ROSTER
from bot.runtime import Runtime
from bot.slack_directory import SlackUserDirectory
from workflows.db import Sessions, hold_loaded
from workflows.privacy import Viewer
from workflows.reference.cache import seen_generation
from workflows.refusals import Refusal
from workflows.roster.service import StaffProfile, identify
from workflows.workspaces.models import DEFAULT_WORKSPACE
from workflows.workspaces.service import workspace_key

CALLER = "caller"
REQUEST_SESSION = "rounds.request_session"


class NotOnRoster(Refusal):
    def __init__(self) -> None:
        super().__init__(NOT_ON_ROSTER)


@dataclass(frozen=True)
class Caller:
    """The person behind a request, as far as Rounds knows them."""

    workspace: str
    slack_user_id: str | None
    profile: StaffProfile | None
    request: RequestSession  # the request's session, where the profile was read

    @property
    def viewer(self) -> Viewer | None:
        return Viewer.of(self.profile) if self.profile is not None else None

    def acting(self) -> Viewer:
        """The caller as a viewer; someone not on the roster may do nothing (`NotOnRoster`)."""
        if self.profile is None:
            raise NotOnRoster()
        return Viewer.of(self.profile)

    def transaction(self) -> AbstractContextManager[Session]:
        """A listener's transaction, where what the middleware read is found without a query (see
        `RequestSession.transaction`)."""
        return self.request.transaction(self.profile)

    def known(self) -> StaffProfile:
        """The caller's roster profile; `NotOnRoster` for anyone else."""
        if self.profile is None:
            raise NotOnRoster()
        return self.profile


class RequestSession:
    """The database session of one Slack request: `RoundsApp.dispatch` makes it, the middleware opens
    it, and it is closed when the request ends.

    The middleware reads the caller in a transaction it begins; the listener's first `Caller.transaction`
    carries on in that same transaction and commits it. So a request costs one BEGIN … COMMIT on one
    pooled connection, not two (on PostgreSQL, three round trips fewer), and what the caller's read
    loaded is in the session already. A later `Caller.transaction` begins a transaction of its own. A
    listener that never asks for one leaves the read to be rolled back when the request ends.

    Carrying on is safe because each statement sees what is committed when it runs (PostgreSQL's READ
    COMMITTED; pysqlite begins a transaction only at the first write): a listener that saved a change
    through a session of its own and then publishes the Home with `caller.transaction` reads the change.
    """

    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions
        self._session: Session | None = None
        self._carried_on = False

    def begin(self) -> Session:
        """The session, in a new transaction: the middleware's."""
        if self._session is None:
            self._session = self._sessions()
            hold_loaded(self._session)
        self._session.begin()
        return self._session

    @contextmanager
    def transaction(self, profile: StaffProfile | None) -> Iterator[Session]:
        session = self._session if self._session is not None else self.begin()
        if self._carried_on or not session.in_transaction():
            session.begin()
        self._carried_on = True
        if profile is not None and profile.reference_generation is not None:
            seen_generation(session, profile.reference_generation)
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()


def caller_of(context: BoltContext) -> Caller:
    return context[CALLER]


def request_workspace(runtime: Runtime, context: BoltContext) -> str:
    """The workspace key of a request: always the default in single-workspace mode."""
    if not runtime.settings.multi_workspace:
        return DEFAULT_WORKSPACE
    return workspace_key(
        team_id=context.team_id,
        enterprise_id=context.enterprise_id,
        is_enterprise_install=bool(context.is_enterprise_install),
    )


def _user_of(body: dict) -> str | None:
    user = body.get("user_id") or body.get("user") or (body.get("event") or {}).get("user")
    if isinstance(user, dict):
        user = user.get("id")
    return user if isinstance(user, str) and user else None


def resolve_caller(runtime: Runtime) -> Callable[..., None]:
    """The middleware: `context["caller"]` for every request (profile None when no person is behind it)."""

    def middleware(context: BoltContext, body: dict, next: Callable[[], None]) -> None:
        user_id = _user_of(body)
        workspace = request_workspace(runtime, context)
        request: RequestSession = context[REQUEST_SESSION]  # see `bot.app.RoundsApp.dispatch`
        profile = None
        if user_id is not None:
            session = request.begin()
            profile = identify(session, workspace=workspace, slack_user_id=user_id)
            if profile is None and context.client is not None:  # first contact: linked by email, for good
                directory = SlackUserDirectory(context.client)
                profile = identify(session, workspace=workspace, slack_user_id=user_id, emails=directory)
                session.commit()
                session.begin()
        context[CALLER] = Caller(workspace=workspace, slack_user_id=user_id, profile=profile, request=request)
        next()

    return middleware
