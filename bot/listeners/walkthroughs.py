"""Walkthroughs in Slack: `/walkthrough`, the "Log a walkthrough" shortcut, the modal, and the buttons on
the teacher's DM and the leader's confirmation.

Every message goes into the outbox in the same transaction as the data it reports; the delivery worker
sends it. Only answers to a person's own click (modals, ephemeral replies) use the client directly.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlmodel import Session

from bot import ids, logs
from bot.blocks import help as help_blocks
from bot.blocks import walkthroughs as blocks
from bot.runtime import Runtime
from bot.slack_directory import SlackUserDirectory
from workflows.db import transaction
from workflows.deliveries.service import enqueue, get
from workflows.privacy import Viewer, can_log_walkthroughs
from workflows.roster.service import StaffProfile, identify
from workflows.walkthroughs import service
from workflows.walkthroughs.service import (
    Field,
    InvalidWalkthrough,
    Logged,
    NotAllowed,
    TooLate,
    WalkthroughEntry,
    WalkthroughView,
)

_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_log = logs.logger("walkthroughs")


# ── the modal's private metadata ─────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class ModalMeta:
    """What the modal carries between requests: its idempotency key and what it is for."""

    key: str
    editing_id: int | None = None
    revision: int | None = None
    planned_visit_key: str | None = None
    paired_with_id: int | None = None

    def dump(self) -> str:
        return json.dumps({k: v for k, v in asdict(self).items() if v is not None}, separators=(",", ":"))

    @classmethod
    def load(cls, text: str, *, view_id: str) -> ModalMeta:
        """Forged or missing metadata degrades to a key tied to the view, never to an error."""
        try:
            raw = json.loads(text or "{}")
            return cls(
                key=str(raw.get("key") or f"view:{view_id}")[: service.KEY_MAX],
                editing_id=_int(raw.get("editing_id")),
                revision=_int(raw.get("revision")),
                planned_visit_key=str(raw["planned_visit_key"])[:255]
                if raw.get("planned_visit_key")
                else None,
                paired_with_id=_int(raw.get("paired_with_id")),
            )
        except (ValueError, TypeError, AttributeError):
            return cls(key=f"view:{view_id}")


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def new_key() -> str:
    return "wt-" + secrets.token_urlsafe(18)


# ── opening the modal (also the rotation's "Log visit" button) ───────────────────────────────────────


def open_walkthrough_modal(
    runtime: Runtime,
    client: WebClient,
    *,
    trigger_id: str,
    slack_user_id: str,
    teacher_id: int | None = None,
    school_id: int | None = None,
    class_id: int | None = None,
    period: str | None = None,
    planned_visit_key: str | None = None,
) -> bool:
    """Open the walkthrough modal for a leader, prefilled with whatever is known.

    The rotation's morning DM calls this with the planned teacher, class and period and its planned visit's
    key; the key is stored on the walkthrough (`Walkthrough.planned_visit_key`) for the rotation to match.
    Returns False (and opens a short explanation instead) when the person may not log walkthroughs.
    """
    with transaction(runtime.sessions) as session:
        viewer = _viewer(session, client, slack_user_id)
        if viewer is None or not can_log_walkthroughs(viewer):
            context = None
        else:
            context = service.start_walkthrough(
                session, viewer=viewer, now=runtime.clock(), teacher_id=teacher_id, school_id=school_id,
                class_id=class_id, period=period, planned_visit_key=planned_visit_key,
            )  # fmt: skip
    if context is None:
        client.views_open(trigger_id=trigger_id, view=blocks.refusal_modal(blocks.NOT_A_LEADER))
        return False
    meta = ModalMeta(key=new_key(), planned_visit_key=planned_visit_key)
    client.views_open(trigger_id=trigger_id, view=blocks.walkthrough_modal(context, metadata=meta.dump()))
    return True


def register(app: App, runtime: Runtime) -> None:
    _register_opening(app, runtime)
    _register_modal(app, runtime)
    _register_teacher_buttons(app, runtime)
    _register_leader_buttons(app, runtime)


def _register_opening(app: App, runtime: Runtime) -> None:
    @app.command(ids.WALKTHROUGH_COMMAND)
    def walkthrough_command(ack: Ack, command: dict, client: WebClient) -> None:
        text = (command.get("text") or "").strip()
        mention = _MENTION.match(text)
        with transaction(runtime.sessions) as session:
            profile = identify(session, slack_user_id=command["user_id"], emails=SlackUserDirectory(client))
            if profile is None:
                ack(**help_blocks.not_on_roster())
                return
            viewer = Viewer.of(profile)
            if not can_log_walkthroughs(viewer):
                ack(response_type="ephemeral", text=blocks.NOT_A_LEADER)
                return
            context = service.start_walkthrough(
                session, viewer=viewer, now=runtime.clock(), query="" if mention else text,
                slack_user_id=mention.group(1) if mention else None,
            )  # fmt: skip
        ack()
        view = blocks.walkthrough_modal(context, metadata=ModalMeta(key=new_key()).dump())
        client.views_open(trigger_id=command["trigger_id"], view=view)

    @app.shortcut(ids.WALKTHROUGH_SHORTCUT)
    def walkthrough_shortcut(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        open_walkthrough_modal(
            runtime, client, trigger_id=body["trigger_id"], slack_user_id=body["user"]["id"]
        )

    @app.action(ids.HOME_OPEN_WALKTHROUGH)
    def walkthrough_from_home(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        open_walkthrough_modal(
            runtime, client, trigger_id=body["trigger_id"], slack_user_id=body["user"]["id"]
        )

    @app.action(ids.WALKTHROUGH_LOG_PAIRED)
    def log_paired(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        walkthrough_id = _int(body["actions"][0].get("value"))
        try:
            with transaction(runtime.sessions) as session:
                viewer = _viewer(session, client, body["user"]["id"])
                if viewer is None or walkthrough_id is None:
                    raise NotAllowed("not on the roster")
                context = service.start_paired_walkthrough(
                    session, viewer=viewer, walkthrough_id=walkthrough_id, now=runtime.clock()
                )
        except NotAllowed:
            respond(
                response_type="ephemeral",
                replace_original=False,
                text="That paired visit isn't yours to log.",
            )
            return
        meta = ModalMeta(key=f"pair-{walkthrough_id}-{body['user']['id']}", paired_with_id=walkthrough_id)
        client.views_open(
            trigger_id=body["trigger_id"], view=blocks.walkthrough_modal(context, metadata=meta.dump())
        )


# ── the modal: type-ahead, rebuilds, submission ──────────────────────────────────────────────────────


def _register_modal(app: App, runtime: Runtime) -> None:
    @app.options(ids.WALKTHROUGH_TEACHER_SELECT)
    def teacher_options(ack: Ack, body: dict, client: WebClient) -> None:
        with transaction(runtime.sessions) as session:
            viewer = _viewer(session, client, body["user"]["id"])
            teachers = (
                service.find_teachers(session, viewer=viewer, query=str(body.get("value") or "")[:100])
                if viewer is not None
                else []
            )
        ack(options=blocks.teacher_options(teachers))

    @app.action(ids.WALKTHROUGH_TEACHER_SELECT)
    @app.action(ids.WALKTHROUGH_FORM_SELECT)
    def rebuild(ack: Ack, body: dict, client: WebClient) -> None:
        ack()
        view = body["view"]
        meta = ModalMeta.load(view.get("private_metadata", ""), view_id=view["id"])
        state = _State(view, changed=body.get("actions") or [])
        teacher = state.teacher()
        class_id, period = state.class_choice()
        with transaction(runtime.sessions) as session:
            viewer = _viewer(session, client, body["user"]["id"])
            if viewer is None:
                return
            try:
                context = service.rebuild_context(
                    session, viewer=viewer, now=runtime.clock(),
                    teacher_id=teacher[0] if teacher else None, school_id=teacher[1] if teacher else None,
                    class_id=class_id, period=period, form_id=state.form_id(), editing_id=meta.editing_id,
                    planned_visit_key=meta.planned_visit_key, paired_with_id=meta.paired_with_id,
                )  # fmt: skip
            except (NotAllowed, TooLate):
                return
        try:
            client.views_update(
                view_id=view["id"],
                hash=view.get("hash"),
                view=blocks.walkthrough_modal(context, metadata=meta.dump()),
            )
        except SlackApiError as error:
            if error.response.get("error") != "hash_conflict":
                raise
            _log.info("walkthrough modal changed meanwhile; rebuild skipped view=%s", view["id"])

    @app.view(ids.WALKTHROUGH_MODAL)
    def submit(ack: Ack, body: dict, client: WebClient) -> None:
        view = body["view"]
        meta = ModalMeta.load(view.get("private_metadata", ""), view_id=view["id"])
        state = _State(view)
        entry = state.entry(meta)
        user_id = body["user"]["id"]

        def work(session: Session) -> Logged:
            viewer = _viewer(session, client, user_id)
            if viewer is None:
                raise NotAllowed("not on the roster")
            if meta.editing_id is not None:
                logged = service.edit_walkthrough(
                    session, viewer=viewer, walkthrough_id=meta.editing_id, base_revision=meta.revision or 0,
                    entry=entry, now=runtime.clock(),
                )  # fmt: skip
            else:
                logged = service.log_walkthrough(
                    session, viewer=viewer, key=meta.key, entry=entry, now=runtime.clock()
                )
            if logged.changed:
                _enqueue_logged(session, logged, edited=meta.editing_id is not None)
            return logged

        try:
            service.in_transaction(runtime.sessions, work)
        except InvalidWalkthrough as invalid:
            ack(response_action="errors", errors=state.errors(invalid.errors))
            return
        except NotAllowed:
            ack(response_action="errors", errors=state.errors({Field.TEACHER: blocks.NOT_A_LEADER}))
            return
        except TooLate:
            message = "The 24 hours for editing this walkthrough are over; your changes weren't saved."
            ack(response_action="errors", errors=state.errors({Field.EVIDENCE: message}))
            return
        ack()
        runtime.wake_deliveries()


def _enqueue_logged(session: Session, logged: Logged, *, edited: bool) -> None:
    """The teacher's DM (new or updated in place), the observer's receipt, and a paired observer's invite."""
    view = logged.walkthrough
    teacher_key = f"walkthrough:{view.id}:teacher"
    leader_key = f"walkthrough:{view.id}:leader"
    if view.shared and view.teacher_slack_id:
        message = blocks.teacher_message(view)
        if edited and get(session, key=teacher_key) is not None:
            enqueue(session, key=f"{teacher_key}:r{logged.revision}", method="chat.update", args=message,
                    update_of=teacher_key)  # fmt: skip
        else:
            enqueue(session, key=teacher_key, method="chat.postMessage",
                    args={"channel": view.teacher_slack_id, **message})  # fmt: skip
    if view.observer_slack_id:
        receipt = blocks.leader_confirmation(view)
        if edited:
            enqueue(session, key=f"{leader_key}:r{logged.revision}", method="chat.update", args=receipt,
                    update_of=leader_key)  # fmt: skip
        else:
            enqueue(session, key=leader_key, method="chat.postMessage",
                    args={"channel": view.observer_slack_id, **receipt})  # fmt: skip
    if view.second_observer_slack_id and view.paired_with_id is None:
        enqueue(session, key=f"walkthrough:{view.id}:pair:{view.second_observer_slack_id}",
                method="chat.postMessage",
                args={"channel": view.second_observer_slack_id, **blocks.pair_invitation(view)})  # fmt: skip


# ── the teacher's buttons ────────────────────────────────────────────────────────────────────────────


def _register_teacher_buttons(app: App, runtime: Runtime) -> None:
    def answer(
        ack: Ack,
        body: dict,
        client: WebClient,
        respond: Respond,
        act: Callable[..., service.Answered],
        notice: Callable[[WalkthroughView], dict],
        suffix: str,
    ) -> None:
        walkthrough_id = _int(body["actions"][0].get("value"))

        def work(session: Session) -> None:
            viewer = _viewer(session, client, body["user"]["id"])
            if viewer is None or walkthrough_id is None:
                raise NotAllowed("not on the roster")
            answered = act(session, viewer=viewer, walkthrough_id=walkthrough_id, now=runtime.clock())
            if answered.first_time:
                _tell_both(session, answered.walkthrough, suffix=suffix, notice=notice(answered.walkthrough))

        # A quick write, then the acknowledgement: the click is recorded before Slack hears back.
        try:
            service.in_transaction(runtime.sessions, work)
        except NotAllowed:
            ack()
            respond(
                response_type="ephemeral",
                replace_original=False,
                text="Only the teacher visited can answer this.",
            )
            return
        ack()
        runtime.wake_deliveries()

    @app.action(ids.WALKTHROUGH_THANKS)
    def thanks(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        answer(ack, body, client, respond, service.thank, blocks.thanks_notice, "thanks")

    @app.action(ids.WALKTHROUGH_TALK)
    def talk(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        answer(ack, body, client, respond, service.request_conversation, blocks.talk_request, "talk")

    @app.action(ids.WALKTHROUGH_REFLECT)
    def reflect(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        walkthrough_id = _int(body["actions"][0].get("value"))
        try:
            with transaction(runtime.sessions) as session:
                viewer = _viewer(session, client, body["user"]["id"])
                if viewer is None or walkthrough_id is None:
                    raise NotAllowed("not on the roster")
                view = service.reflection_context(session, viewer=viewer, walkthrough_id=walkthrough_id)
        except NotAllowed:
            respond(
                response_type="ephemeral",
                replace_original=False,
                text="Only the teacher visited can answer this.",
            )
            return
        meta = json.dumps({"walkthrough_id": view.id, "key": "rf-" + secrets.token_urlsafe(18)})
        client.views_open(trigger_id=body["trigger_id"], view=blocks.reflection_modal(view, metadata=meta))

    @app.view(ids.REFLECTION_MODAL)
    def reflection_submitted(ack: Ack, body: dict, client: WebClient) -> None:
        view = body["view"]
        meta = _json(view.get("private_metadata"))
        walkthrough_id = _int(meta.get("walkthrough_id"))
        key = str(meta.get("key") or f"view:{view['id']}")[: service.KEY_MAX]
        text = _State(view).text(ids.REFLECTION_BLOCK, ids.REFLECTION_INPUT)

        def work(session: Session) -> None:
            viewer = _viewer(session, client, body["user"]["id"])
            if viewer is None or walkthrough_id is None:
                raise NotAllowed("not on the roster")
            reflected = service.add_reflection(
                session, viewer=viewer, walkthrough_id=walkthrough_id, key=key, text=text, now=runtime.clock()
            )
            if reflected.created:
                notice = blocks.reflection_notice(reflected.walkthrough, text.strip())
                _tell_both(
                    session,
                    reflected.walkthrough,
                    suffix=f"reflection:{reflected.reflection_id}",
                    notice=notice,
                )

        try:
            service.in_transaction(runtime.sessions, work)
        except InvalidWalkthrough as invalid:
            ack(response_action="errors", errors={ids.REFLECTION_BLOCK: next(iter(invalid.errors.values()))})
            return
        except NotAllowed:
            ack(
                response_action="errors",
                errors={ids.REFLECTION_BLOCK: "Only the teacher visited can reflect on it."},
            )
            return
        ack()
        runtime.wake_deliveries()


def _tell_both(session: Session, view: WalkthroughView, *, suffix: str, notice: dict) -> None:
    """Tell the observer, and update the teacher's message in place to show their answer went."""
    if view.observer_slack_id:
        enqueue(session, key=f"walkthrough:{view.id}:{suffix}", method="chat.postMessage",
                args={"channel": view.observer_slack_id, **notice})  # fmt: skip
    teacher_key = f"walkthrough:{view.id}:teacher"
    if get(session, key=teacher_key) is not None:
        enqueue(session, key=f"{teacher_key}:{suffix}", method="chat.update", args=blocks.teacher_message(view),
                update_of=teacher_key)  # fmt: skip


# ── the leader's buttons: edit, record the conversation ──────────────────────────────────────────────


def _register_leader_buttons(app: App, runtime: Runtime) -> None:
    @app.action(ids.WALKTHROUGH_EDIT)
    def edit(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        walkthrough_id = _int(body["actions"][0].get("value"))
        try:
            with transaction(runtime.sessions) as session:
                viewer = _viewer(session, client, body["user"]["id"])
                if viewer is None or walkthrough_id is None:
                    raise NotAllowed("not on the roster")
                try:
                    context = service.edit_context(
                        session, viewer=viewer, walkthrough_id=walkthrough_id, now=runtime.clock()
                    )
                except TooLate:
                    view = service.walkthrough_for(session, viewer=viewer, walkthrough_id=walkthrough_id)
                    respond(response_type="ephemeral", replace_original=False, text=blocks.too_late(view))
                    return
        except NotAllowed:
            respond(
                response_type="ephemeral",
                replace_original=False,
                text="Only the observer can edit this walkthrough.",
            )
            return
        meta = ModalMeta(key=new_key(), editing_id=context.editing_id, revision=context.revision)
        client.views_open(
            trigger_id=body["trigger_id"], view=blocks.walkthrough_modal(context, metadata=meta.dump())
        )

    @app.action(ids.WALKTHROUGH_RECORD_CONVERSATION)
    def record(ack: Ack, body: dict, client: WebClient, respond: Respond) -> None:
        ack()
        walkthrough_id = _int(body["actions"][0].get("value"))
        try:
            with transaction(runtime.sessions) as session:
                viewer = _viewer(session, client, body["user"]["id"])
                if viewer is None or walkthrough_id is None:
                    raise NotAllowed("not on the roster")
                view = service.conversation_context(session, viewer=viewer, walkthrough_id=walkthrough_id)
        except NotAllowed:
            respond(
                response_type="ephemeral",
                replace_original=False,
                text="Only the observer records this conversation.",
            )
            return
        today = runtime.clock().astimezone(view.visited_at.tzinfo).date()
        modal = blocks.conversation_modal(view, today=today, metadata=json.dumps({"walkthrough_id": view.id}))
        client.views_open(trigger_id=body["trigger_id"], view=modal)

    @app.view(ids.CONVERSATION_MODAL)
    def conversation_submitted(ack: Ack, body: dict, client: WebClient) -> None:
        view = body["view"]
        walkthrough_id = _int(_json(view.get("private_metadata")).get("walkthrough_id"))
        state = _State(view)
        held_on = state.date(ids.CONVERSATION_DATE_BLOCK, ids.CONVERSATION_DATE_INPUT)
        role = state.selected(ids.CONVERSATION_ROLE_BLOCK, ids.CONVERSATION_ROLE_INPUT)

        def work(session: Session) -> None:
            viewer = _viewer(session, client, body["user"]["id"])
            if viewer is None or walkthrough_id is None:
                raise NotAllowed("not on the roster")
            recorded = service.record_conversation(
                session,
                viewer=viewer,
                walkthrough_id=walkthrough_id,
                held_on=held_on,
                role=role,
                now=runtime.clock(),
            )
            leader_key = f"walkthrough:{recorded.id}:leader"
            if get(session, key=leader_key) is not None:
                enqueue(session, key=f"{leader_key}:conversation:{view['id']}", method="chat.update",
                        args=blocks.leader_confirmation(recorded), update_of=leader_key)  # fmt: skip

        fields = {Field.HELD_ON: ids.CONVERSATION_DATE_BLOCK, Field.ROLE: ids.CONVERSATION_ROLE_BLOCK}
        try:
            service.in_transaction(runtime.sessions, work)
        except InvalidWalkthrough as invalid:
            ack(
                response_action="errors",
                errors={fields.get(k, ids.CONVERSATION_DATE_BLOCK): v for k, v in invalid.errors.items()},
            )
            return
        except NotAllowed:
            ack(
                response_action="errors",
                errors={ids.CONVERSATION_DATE_BLOCK: "Only the observer records this conversation."},
            )
            return
        ack()
        runtime.wake_deliveries()


# ── helpers ──────────────────────────────────────────────────────────────────────────────────────────


def _viewer(session: Session, client: WebClient, slack_user_id: str) -> Viewer | None:
    profile: StaffProfile | None = identify(
        session, slack_user_id=slack_user_id, emails=SlackUserDirectory(client)
    )
    return Viewer.of(profile) if profile is not None else None


def _json(text: str | None) -> dict:
    try:
        found = json.loads(text or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


class _State:
    """The values of a submitted (or changing) modal, read defensively: payloads can be forged."""

    def __init__(self, view: dict, *, changed: list[dict] | None = None):
        self.view = view
        values = (view.get("state") or {}).get("values") or {}
        self.values: dict[str, dict] = dict(values) if isinstance(values, dict) else {}
        for action in changed or []:  # the choice just made wins over the state sent with it
            if isinstance(action, dict) and action.get("block_id") and action.get("action_id"):
                block = dict(self.values.get(action["block_id"]) or {})
                block[action["action_id"]] = action
                self.values[action["block_id"]] = block

    def _element(self, block_id: str, action_id: str) -> dict:
        found = (self.values.get(block_id) or {}).get(action_id)
        return found if isinstance(found, dict) else {}

    def text(self, block_id: str, action_id: str) -> str:
        value = self._element(block_id, action_id).get("value")
        return value if isinstance(value, str) else ""

    def selected(self, block_id: str, action_id: str) -> str | None:
        option = self._element(block_id, action_id).get("selected_option")
        value = option.get("value") if isinstance(option, dict) else None
        return value if isinstance(value, str) else None

    def date(self, block_id: str, action_id: str) -> date | None:
        value = self._element(block_id, action_id).get("selected_date")
        try:
            return date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def teacher(self) -> tuple[int, int] | None:
        value = self.selected(ids.WALKTHROUGH_TEACHER_BLOCK, ids.WALKTHROUGH_TEACHER_SELECT) or ""
        teacher, _, school = value.partition(":")
        teacher_id, school_id = _int(teacher), _int(school)
        return (teacher_id, school_id) if teacher_id is not None and school_id is not None else None

    def class_block(self) -> str | None:
        prefix = ids.WALKTHROUGH_CLASS_BLOCK
        return next((b for b in self.values if b == prefix or b.startswith(prefix + ":")), None)

    def class_choice(self) -> tuple[int | None, str | None]:
        block = self.class_block()
        value = self.selected(block, ids.WALKTHROUGH_CLASS_SELECT) if block else None
        class_id, _, period = (value or "").partition(":")
        return _int(class_id), (period or None) if class_id else None

    def form_id(self) -> int | None:
        return _int(self.selected(ids.WALKTHROUGH_FORM_BLOCK, ids.WALKTHROUGH_FORM_SELECT))

    def ratings(self) -> dict[int, int | None]:
        prefix = ids.WALKTHROUGH_LOOK_FOR_BLOCK_PREFIX
        found: dict[int, int | None] = {}
        for block in self.values:
            look_for_id = _int(block[len(prefix) :]) if block.startswith(prefix) else None
            if look_for_id is not None:
                value = self.selected(block, ids.WALKTHROUGH_LOOK_FOR_SELECT)
                found[look_for_id] = _int(value) if value is not None else None
                if value is not None and _int(value) is None:
                    found[look_for_id] = -1  # not a level: reported as a field error
        return found

    def entry(self, meta: ModalMeta) -> WalkthroughEntry:
        teacher = self.teacher()
        class_id, period = self.class_choice()
        share = self._element(ids.WALKTHROUGH_SHARE_BLOCK, ids.WALKTHROUGH_SHARE_INPUT).get(
            "selected_options"
        )
        second = self._element(ids.WALKTHROUGH_SECOND_OBSERVER_BLOCK, ids.WALKTHROUGH_SECOND_OBSERVER_INPUT)
        return WalkthroughEntry(
            teacher_id=teacher[0] if teacher else None,
            school_id=teacher[1] if teacher else None,
            class_id=class_id,
            period=period,
            form_id=self.form_id(),
            ratings=self.ratings(),
            evidence=self.text(ids.WALKTHROUGH_EVIDENCE_BLOCK, ids.WALKTHROUGH_EVIDENCE_INPUT),
            strength=self.text(ids.WALKTHROUGH_STRENGTH_BLOCK, ids.WALKTHROUGH_STRENGTH_INPUT),
            next_step=self.text(ids.WALKTHROUGH_NEXT_STEP_BLOCK, ids.WALKTHROUGH_NEXT_STEP_INPUT),
            role=self.selected(ids.WALKTHROUGH_ROLE_BLOCK, ids.WALKTHROUGH_ROLE_INPUT),
            share_with_teacher=isinstance(share, list)
            and any(isinstance(o, dict) and o.get("value") == ids.WALKTHROUGH_SHARE_VALUE for o in share),
            second_observer_slack_id=second.get("selected_user")
            if isinstance(second.get("selected_user"), str)
            else None,
            planned_visit_key=meta.planned_visit_key,
            paired_with_id=meta.paired_with_id,
        )

    def errors(self, errors: dict[str, str]) -> dict[str, str]:
        """Field errors keyed by the input blocks this view really has (Slack refuses unknown ones)."""
        inputs = [
            b.get("block_id")
            for b in self.view.get("blocks") or []
            if isinstance(b, dict) and b.get("type") == "input"
        ]
        by_field = {
            Field.TEACHER: ids.WALKTHROUGH_TEACHER_BLOCK,
            Field.CLASS: self.class_block() or ids.WALKTHROUGH_CLASS_BLOCK,
            Field.FORM: ids.WALKTHROUGH_FORM_BLOCK,
            Field.EVIDENCE: ids.WALKTHROUGH_EVIDENCE_BLOCK,
            Field.STRENGTH: ids.WALKTHROUGH_STRENGTH_BLOCK,
            Field.NEXT_STEP: ids.WALKTHROUGH_NEXT_STEP_BLOCK,
            Field.ROLE: ids.WALKTHROUGH_ROLE_BLOCK,
            Field.SECOND_OBSERVER: ids.WALKTHROUGH_SECOND_OBSERVER_BLOCK,
        }
        mapped: dict[str, str] = {}
        for name, message in errors.items():
            block = by_field.get(name)
            if block is None and name.startswith("look_for:"):
                block = ids.WALKTHROUGH_LOOK_FOR_BLOCK_PREFIX + name.removeprefix("look_for:")
            if block not in inputs:
                block = ids.WALKTHROUGH_EVIDENCE_BLOCK
            mapped[block] = f"{mapped[block]} {message}" if block in mapped else message
        return mapped
