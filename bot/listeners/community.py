"""`/share` and `/rounds community set`: a coach's question or success (or the modal), the name guard's
two choices, and a district admin setting the community channel. Log lines carry ids, never the text."""

from __future__ import annotations

import json

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlmodel import Session

from bot import ids, logs
from bot.blocks import community as blocks
from bot.callers import caller_of
from bot.coaching_requests import CoachingState, clicked_id, known
from bot.community_channels import ChannelProblem, set_community_channel, set_reply
from bot.errors import FieldErrors
from bot.notices import community as notices
from bot.payloads import as_int, json_object
from bot.runtime import Runtime
from bot.walkthrough_requests import new_key
from workflows.community import channels
from workflows.community.models import KEY_MAX, PostKind
from workflows.community.posts import (
    Changed,
    Draft,
    InvalidPost,
    draft_post,
    held_post,
    post_anyway,
    share_context,
)
from workflows.db import in_transaction, transaction
from workflows.refusals import Refusal

USAGE = (
    "Share with the coach community: `/share question How do you get pairs talking in math?`, "
    "`/share success …`, or `/share` alone for the form."
)
FIELD_BLOCKS = {"text": ids.COMMUNITY_TEXT_BLOCK, "link": ids.COMMUNITY_LINK_BLOCK, "kind": ids.COMMUNITY_KIND_BLOCK}
_log = logs.logger("community")


def is_community_command(command: dict) -> bool:
    return (command.get("text") or "").strip().lower().split(" ", 1)[0] == "community"


def _published(session: Session, draft: Draft | Changed) -> None:
    if draft.first_time and draft.post.posted:
        notices.posted(session, draft.post)


def register(app: App, runtime: Runtime) -> None:
    _register_share(app, runtime)
    _register_guard(app, runtime)
    _register_channel(app, runtime)


def _register_share(app: App, runtime: Runtime) -> None:
    @app.command(ids.SHARE_COMMAND)
    def share(ack: Ack, command: dict, client: WebClient, context: BoltContext) -> None:
        viewer = caller_of(context).acting()
        word, _, rest = (command.get("text") or "").strip().partition(" ")
        if not word:
            with transaction(runtime.sessions) as session:
                _district, areas = share_context(session, viewer=viewer, now=runtime.clock())
            ack()
            meta = json.dumps({"key": new_key("cm")})
            client.views_open(trigger_id=command["trigger_id"], view=blocks.share_modal(areas, metadata=meta))
            return
        kind = word.lower()
        if kind not in {k.value for k in PostKind}:
            ack(text=USAGE, response_type="ephemeral")
            return
        key = f"cmd:{command['trigger_id']}"[:KEY_MAX]  # a Slack retry carries the same trigger

        def work(session: Session) -> Draft:
            draft = draft_post(session, viewer=viewer, key=key, kind=kind, text=rest, area_keys=None, link=None,
                               now=runtime.clock())  # fmt: skip
            _published(session, draft)
            return draft

        draft = in_transaction(runtime.sessions, work)
        if draft.post.posted:
            with transaction(runtime.sessions) as session:
                found = channels.community(session, district_id=draft.post.district_id)
            ack(text=blocks.shared_receipt(draft.post, found), response_type="ephemeral")
        else:
            ack(**blocks.guard_message(draft.post, draft.names), response_type="ephemeral")
        _log.info("share post=%s kind=%s status=%s first=%s", draft.post.id, kind, draft.post.status, draft.first_time)
        runtime.wake_deliveries()

    @app.view(ids.COMMUNITY_SHARE_MODAL)
    def submitted(ack: Ack, body: dict, context: BoltContext) -> None:
        view = body["view"]
        meta = json_object(view.get("private_metadata"))
        key = str(meta.get("key") or f"view:{view['id']}")[:KEY_MAX]
        state = CoachingState(view)
        viewer = caller_of(context).acting()
        areas = state.many(ids.COMMUNITY_AREAS_BLOCK, ids.COMMUNITY_AREAS_INPUT)

        def work(session: Session) -> Draft:
            draft = draft_post(
                session, viewer=viewer, key=key, kind=state.selected(ids.COMMUNITY_KIND_BLOCK, ids.COMMUNITY_KIND_INPUT) or "",
                text=state.text(ids.COMMUNITY_TEXT_BLOCK, ids.COMMUNITY_TEXT_INPUT), area_keys=areas,
                link=state.text(ids.COMMUNITY_LINK_BLOCK, ids.COMMUNITY_LINK_INPUT), now=runtime.clock(),
                replaces=as_int(meta.get("replaces")),
            )  # fmt: skip
            _published(session, draft)
            return draft

        try:
            draft = in_transaction(runtime.sessions, work)
        except InvalidPost as invalid:
            raise FieldErrors({FIELD_BLOCKS[invalid.field]: str(invalid)}) from None
        if draft.post.posted:
            ack()
        else:
            ack(response_action="update", view=blocks.guard_modal(draft.post, draft.names))
        _log.info("share post=%s status=%s first=%s", draft.post.id, draft.post.status, draft.first_time)
        runtime.wake_deliveries()


def _register_guard(app: App, runtime: Runtime) -> None:
    def anyway(post_id: int | None, context: BoltContext) -> Changed:
        viewer = caller_of(context).acting()

        def work(session: Session) -> Changed:
            done = post_anyway(session, viewer=viewer, post_id=known(post_id), now=runtime.clock())
            _published(session, done)
            return done

        return in_transaction(runtime.sessions, work)

    @app.action(ids.COMMUNITY_POST_ANYWAY)
    def posted_anyway(ack: Ack, body: dict, respond: Respond, context: BoltContext) -> None:
        done = anyway(clicked_id(body), context)
        ack()
        with transaction(runtime.sessions) as session:
            found = channels.community(session, district_id=done.post.district_id)
        text = blocks.shared_receipt(done.post, found) if done.first_time else "Already posted a moment ago."
        respond(text=text, response_type="ephemeral", replace_original=True)
        runtime.wake_deliveries()

    @app.view(ids.COMMUNITY_GUARD_MODAL)
    def guard_submitted(ack: Ack, body: dict, context: BoltContext) -> None:
        anyway(as_int(json_object(body["view"].get("private_metadata")).get("post_id")), context)
        ack()
        runtime.wake_deliveries()

    @app.action(ids.COMMUNITY_EDIT)
    def edit(ack: Ack, body: dict, client: WebClient, context: BoltContext) -> None:
        viewer = caller_of(context).acting()
        post_id = known(clicked_id(body))
        with transaction(runtime.sessions) as session:
            draft = held_post(session, viewer=viewer, post_id=post_id)
            _district, areas = share_context(session, viewer=viewer, now=runtime.clock())
        ack()
        meta = json.dumps({"key": new_key("cm"), "replaces": post_id})
        modal = blocks.share_modal(areas, metadata=meta, kind=draft.post.kind, text=draft.post.text,
                                   area_keys=draft.post.area_keys, link=draft.post.link)  # fmt: skip
        view = body.get("view") or {}
        if view.get("type") == "modal":
            client.views_update(view_id=view["id"], hash=view.get("hash"), view=modal)
        else:
            client.views_open(trigger_id=body["trigger_id"], view=modal)


def _register_channel(app: App, runtime: Runtime) -> None:
    @app.command(ids.ROUNDS_COMMAND, matchers=[is_community_command])
    def community_command(ack: Ack, command: dict, client: WebClient, respond: Respond, context: BoltContext) -> None:
        caller = caller_of(context)
        profile = caller.known()
        words = (command.get("text") or "").strip().split()
        if len(words) < 2 or words[1].lower() not in ("set", "show"):
            ack(text="`/rounds community set #channel` (district admins) or `/rounds community show`.",
                response_type="ephemeral")  # fmt: skip
            return
        if words[1].lower() == "show":
            with transaction(runtime.sessions) as session:
                found = channels.community(session, district_id=channels.district_of(profile))
            ack(text=f"Your coach community is <#{found.channel_id}>." if found else channels.NO_CHANNEL,
                response_type="ephemeral")  # fmt: skip
            return
        with transaction(runtime.sessions) as session:
            district_id = channels.admin_district(session, profile=profile)
        if len(words) != 3:
            raise Refusal("Name one channel: `/rounds community set #ip-community` (or its id).")
        ack()
        try:
            community, found, told = set_community_channel(
                runtime.sessions, client, district_id=district_id, workspace=caller.workspace, ref=words[2],
                set_by_id=profile.person.id, now=runtime.clock(),
            )  # fmt: skip
        except ChannelProblem as problem:
            respond(text=str(problem), response_type="ephemeral")
            return
        respond(text=set_reply(community, found, told), response_type="ephemeral")
        _log.info("community channel set district=%s channel=%s told=%d", district_id, found.id, told)
        runtime.wake_deliveries()
