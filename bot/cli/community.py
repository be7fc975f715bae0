"""`rounds community set CHANNEL` (a district's community channel, as its admin) and `rounds community show`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from bot.cli.common import check_slack_token, fail, load_settings, open_database, out, refusal_of

commands = typer.Typer()
community = typer.Typer(help="The coach community channel of a district.", no_args_is_help=True)
commands.add_typer(community, name="community")


def _district(session, ref: str | None, workspace: str) -> int:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from workflows.community.channels import district_by_ref
    from workflows.roster.models import District

    if ref is not None:
        found = district_by_ref(session, ref)
        if found is None or found.workspace != workspace:
            fail(f"unknown district {ref!r}: use its id, OneRoster sourcedId or name", 2)
        return found.id or 0
    every = session.exec(select(District).where(District.workspace == workspace)).all()
    if not every:
        fail("no district yet: import a roster first (`rounds import-roster PATH`)")
    if len(every) > 1:
        fail("several districts: say which with --district (" + ", ".join(d.name for d in every) + ")", 2)
    return every[0].id or 0


@community.command("set")
def set_channel(
    channel: Annotated[str, typer.Argument(help="the channel: its id (C…/G…) or #name")],
    district: Annotated[str | None, typer.Option(help="the district, by id, sourcedId or name (default: the only one)")] = None,
    workspace: Annotated[str | None, typer.Option(help="the Slack workspace, when Rounds is installed in several")] = None,
) -> None:
    """Make CHANNEL the district's coach community: Rounds joins it (a public channel) or says to invite it
    (a private one), and each coach of the district is told where it is."""
    from slack_sdk.errors import SlackApiError

    from bot.community_channels import ChannelProblem, set_community_channel, set_reply
    from bot.deliveries import DeliveryWorker
    from bot.installations import bot_tokens
    from bot.slack_client import make_client
    from workflows.db import make_sessions, transaction
    from workflows.refusals import Refusal
    from workflows.workspaces.service import choose_workspace

    settings = load_settings()
    check_slack_token(settings)
    sessions = make_sessions(open_database(settings, migrate=False))
    try:
        with transaction(sessions) as session:
            chosen = choose_workspace(session, asked=workspace, multi_workspace=settings.multi_workspace)
            district_id = _district(session, district, chosen)
    except Refusal as refused:
        fail(str(refused), 2)
    tokens = bot_tokens(settings, sessions)
    client = make_client(settings, token=tokens.bot_token(chosen))
    try:
        found, channel_found, told = set_community_channel(
            sessions, client, district_id=district_id, workspace=chosen, ref=channel, set_by_id=None,
            now=datetime.now(UTC),
        )  # fmt: skip
    except ChannelProblem as problem:
        fail(str(problem))
    except SlackApiError as error:
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        fail(refusal_of(error) or f"Slack answered {code or error.response.status_code}")
    DeliveryWorker.from_settings(sessions, settings, tokens=tokens).drain(timeout=60)
    out.print(set_reply(found, channel_found, told).replace(f"<#{channel_found.id}>", f"#{channel_found.name}"),
              highlight=False, markup=False)  # fmt: skip


@community.command("show")
def show(
    district: Annotated[str | None, typer.Option(help="the district, by id, sourcedId or name")] = None,
    workspace: Annotated[str | None, typer.Option(help="the Slack workspace, when Rounds is installed in several")] = None,
) -> None:
    """The district's community channel and whether Rounds can post there."""
    from workflows.community.channels import community as community_of
    from workflows.db import make_sessions, transaction
    from workflows.refusals import Refusal
    from workflows.workspaces.service import choose_workspace

    settings = load_settings()
    sessions = make_sessions(open_database(settings, migrate=False))
    try:
        with transaction(sessions) as session:
            chosen = choose_workspace(session, asked=workspace, multi_workspace=settings.multi_workspace)
            found = community_of(session, district_id=_district(session, district, chosen))
    except Refusal as refused:
        fail(str(refused), 2)
    if found is None:
        fail("no community channel yet: `rounds community set #channel`")
    state = "Rounds can post there" if found.ready else f"Rounds can't post there ({found.problem})"
    kind = " (shared, Slack Connect)" if found.shared else " (private)" if found.private else ""
    out.print(f"{found.district_name}: #{found.name} {found.channel_id}{kind}; {state}", highlight=False, markup=False)
