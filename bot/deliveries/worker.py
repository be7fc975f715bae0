"""The delivery worker: claim due rows, send each with its workspace's token at Slack's pace, record what
came of it. The guarantees are in ``bot.deliveries``; pacing and outcomes are pure modules beside this one.
"""

from __future__ import annotations

import base64
import os
import random
import secrets
import socket
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from bot import logs
from bot.deliveries import outcomes
from bot.deliveries.clients import WorkspaceClients
from bot.deliveries.hand import Hand, Item, Run
from bot.deliveries.outcomes import FAILED, LOST, RETRY, SENT, Outcome
from bot.deliveries.pacing import Lane, Pacing, lane_of
from bot.settings import Settings
from bot.slack_tokens import BotTokens, StaticTokens, WorkspaceGone
from workflows.db import Sessions, transaction
from workflows.deliveries import service
from workflows.deliveries.models import Delivery, DeliveryStatus

# drain and run_forever keep topping up one run this long, so a retry held at the end of a batch never
# idles the other lanes.
PIPELINE_ITEMS = 100_000


def _utc_now() -> datetime:
    return datetime.now(UTC)


class DeliveryWorker:
    """Claims due deliveries and sends them to Slack; see ``bot.deliveries`` for the guarantees.

    ``tokens`` gives each row's workspace its bot token; ``api_url`` is Slack's Web API (or the fake's).
    """

    def __init__(
        self,
        sessions: Sessions,
        *,
        tokens: BotTokens,
        api_url: str,
        clock: Callable[[], datetime] = _utc_now,
        sleep: Callable[[float], None] = time.sleep,
        name: str | None = None,
        lease_seconds: float = 60,
        give_up_after: timedelta = timedelta(hours=1),
        senders: int = 4,
        channel_interval: float = 1.0,
        hold_seconds: float = 5.0,
        backoff_base: float = 0.5,
        backoff_max: float = 60.0,
        workspace_lanes: int = 3,
        workspace_window: float = 0.2,
        poll_seconds: float = 1.0,
        timeout: float = 10.0,
        seed: int | None = None,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self.sleep = sleep
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.lease = timedelta(seconds=lease_seconds)
        self.give_up_after = give_up_after
        self.senders = max(1, senders)
        self.hold_seconds = hold_seconds
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.poll_seconds = poll_seconds
        self.clients = WorkspaceClients(tokens, api_url=api_url, timeout=timeout)
        self._pace = Pacing(
            channel_interval=channel_interval,
            workspace_lanes=workspace_lanes,
            workspace_window=workspace_window,
        )
        self._batch = max(8, 8 * self.senders)  # rows claimed at a time
        self._low_water = max(4, 4 * self.senders)  # claim more when fewer lanes than this can go now
        self._per_workspace = 2 * self._batch  # rows of one workspace in hand, at most
        self._lock = threading.Condition()
        self._wake = threading.Event()
        self._stopping = threading.Event()  # run_forever's stop: finish the calls in flight, claim no more
        self._random = random.Random(seed)
        self._log = logs.logger("delivery")

    @classmethod
    def from_settings(
        cls, sessions: Sessions, settings: Settings, *, tokens: BotTokens | None = None, **options: Any
    ) -> DeliveryWorker:
        """The worker of a Rounds process: ``tokens`` from the installation store, or (single-workspace
        mode) the one ``SLACK_BOT_TOKEN``, which raises ``MissingSetting`` when unset."""
        if tokens is None:
            tokens = StaticTokens(default=settings.secret("slack_bot_token"))
        return cls(sessions, tokens=tokens, api_url=settings.slack_api_url, **options)

    # ------------------------------------------------------------------ loops

    def wake(self) -> None:
        """Look at the outbox now (called by the app process right after it enqueues)."""
        self._wake.set()

    def run_once(self, max_items: int = 1000) -> int:
        """Claim up to ``max_items`` due rows (topping up as lanes drain) and send them.

        Returns how many were finished (sent or failed); rows handed back for a later retry don't count.
        """
        hand = Hand()
        state = Run(max_items=max_items)
        with self._lock:
            self._pace.forget_before(self._now())
        self._refill(hand, state)
        if not hand.count:
            return 0
        threads = [
            threading.Thread(target=self._sender, args=(hand, state), name=f"delivery-{i}", daemon=True)
            for i in range(min(self.senders, max(1, len(hand.lanes))))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if state.crash is not None:
            raise state.crash
        leftovers = [item.id for queue in hand.lanes.values() for item in queue]
        if leftovers:  # stopped early: hand back what was never tried, for this or another worker
            with transaction(self.sessions) as session:
                service.release(
                    session, delivery_ids=leftovers, worker=self.name, not_before=self.clock(), error=None
                )
        return state.finished

    def drain(self, timeout: float = 60.0) -> int:
        """Send until nothing is due or waiting out a retry (``rounds remind``, the demo, tests)."""
        deadline = self._now() + timeout
        finished = 0
        while self._now() < deadline:
            done = self.run_once(max_items=PIPELINE_ITEMS)
            finished += done
            if done:
                continue
            with transaction(self.sessions) as session:
                left = service.outstanding(session, now=self.clock())
            if left.nothing:
                break
            now = self._now()
            waits = [deadline - now]
            if left.retry_at is not None:
                waits.append(left.retry_at.timestamp() - now)
            if left.lease_until is not None:  # another worker's claim: look again soon, it may finish
                waits.append(min(left.lease_until.timestamp() - now, self.poll_seconds))
            self.sleep(max(0.05, min(waits)))
        return finished

    def run_forever(self, stop: threading.Event) -> None:
        """The `rounds worker` loop: send what is due, then wait for a nudge or the next poll."""
        self._log.info("delivery worker %s started", self.name)
        self._stopping = stop
        while not stop.is_set():
            self._wake.clear()
            try:
                finished = self.run_once(max_items=PIPELINE_ITEMS)
            except Exception:
                self._log.exception("delivery worker %s: outbox unavailable; retrying", self.name)
                stop.wait(5)
                continue
            if not finished:
                self._wake.wait(self.poll_seconds)
        self._log.info("delivery worker %s stopped", self.name)

    # ------------------------------------------------------------------ claiming

    def _now(self) -> float:
        return self.clock().timestamp()

    def _refill(self, hand: Hand, state: Run) -> None:
        """Claim more rows, leaving out workspaces that already fill their share of the hand."""
        room = min(state.max_items - state.claimed, self._batch)
        if room <= 0 or self._stopping.is_set():
            state.exhausted = True
            return
        with self._lock:
            full = sorted(ws for ws, n in hand.per_workspace.items() if n >= self._per_workspace)
        now = self.clock()
        with transaction(self.sessions) as session:
            rows = service.claim(
                session, worker=self.name, now=now, lease=self.lease, limit=room, skip_workspaces=full
            )
        with self._lock:
            if len(rows) < room and full:  # others may be due once those workspaces' rows are done
                state.claim_again_at = now.timestamp() + min(0.5, self.poll_seconds)
            elif len(rows) < room:
                state.exhausted = True
            state.claimed += len(rows)
            for row in rows:
                hand.add(self._item(row))

    def _item(self, row: Delivery) -> Item:
        args = dict(row.args)
        return Item(
            id=row.id or 0,
            workspace=row.workspace,
            key=row.key,
            method=row.method,
            args=args,
            lane=lane_of(row.workspace, row.method, args, row.update_of),
            update_of=row.update_of,
            first_tried_at=row.first_tried_at or self.clock(),
            attempts=row.attempts,
            tries=row.attempts,  # back-off keeps growing across hand-backs to the outbox
        )

    # ------------------------------------------------------------------ sender threads

    def _sender(self, hand: Hand, state: Run) -> None:
        try:
            while (item := self._next(hand, state)) is not None:
                kept = False
                try:
                    kept = self._finish(hand, state, item, self._attempt(item, state))
                finally:
                    with self._lock:
                        hand.done(item, finished=not kept)
                        self._lock.notify_all()
        except BaseException as crash:  # a database outage: stop this run, keep the worker alive
            with self._lock:
                state.crash = state.crash or crash
                state.stopped = True
                self._lock.notify_all()

    def _next(self, hand: Hand, state: Run) -> Item | None:
        """The next item whose lane is free and due, waiting (by ``sleep``) for pacing when none is.

        More rows are claimed when fewer lanes than the low-water mark could go now, so rows held back
        (one workspace paused, one channel's queue) never stop the others' from being claimed.
        """
        while True:
            with self._lock:
                if state.stopped or self._stopping.is_set():
                    return None
                now = self._now()
                ready: list[Lane] = []
                soonest: float | None = None
                for lane, queue in hand.lanes.items():
                    if lane in hand.busy or not queue:
                        continue
                    at = self._pace.ready_at(lane, self._methods_for(queue[0]))
                    if at <= now:
                        ready.append(lane)
                    else:
                        soonest = at if soonest is None else min(soonest, at)
                idle = not hand.lanes and not hand.busy
                refill = (
                    not state.exhausted
                    and not state.refilling
                    and (now >= state.claim_again_at or idle)
                    and len(ready) + len(hand.busy) < self._low_water
                )
                if refill:
                    state.refilling = True
                elif ready:
                    return hand.take_next(ready[0])
                elif soonest is None:
                    if idle and not state.refilling and state.exhausted:
                        return None
                    self._lock.wait(0.05)
                    continue
            if refill:
                try:
                    self._refill(hand, state)
                finally:
                    with self._lock:
                        state.refilling = False
                        self._lock.notify_all()
                continue
            self.sleep(min(max(0.0, soonest - self._now()), 0.25))

    def _attempt(self, item: Item, state: Run) -> Outcome:
        """One try at ``item``: its workspace's client, ownership re-checked, the DM opened or the original
        found if needed, then the call."""
        item.tries += 1
        gone = state.gone.get(item.workspace)
        if gone is not None:
            return outcomes.failed(gone, whole_workspace=True)
        try:
            client = self.clients.client(item.workspace)
        except WorkspaceGone as problem:
            return outcomes.failed(problem.code, whole_workspace=True)
        if not self._still_ours(item):
            return outcomes.LOST_CLAIM
        try:
            prepared = self._prepare(item, client)
            if isinstance(prepared, Outcome):
                return prepared
            item.attempts += 1
            try:
                answer = self._call(item, client, item.method, prepared)
            finally:
                # Paced from the answer, not the request: Slack saw this post before we heard back, so
                # the next one reaches it at least an interval later, however long this one was in transit.
                with self._lock:
                    self._pace.posted(item.lane, item.method, self._now())
            return answer if isinstance(answer, Outcome) else outcomes.sent(answer, prepared)
        except (TypeError, ValueError) as problem:
            self._log.warning("delivery key=%s cannot be sent: %s", item.key, type(problem).__name__)
            return outcomes.failed("invalid_arguments")

    def _still_ours(self, item: Item) -> bool:
        """The last thing before calling Slack: is the row still ours (not retaken after a lapsed lease, not
        stopped with its workspace)? Renews the claim so it outlives the calls that follow."""
        now = self.clock()
        with transaction(self.sessions) as session:
            return service.start_attempt(
                session,
                delivery_id=item.id,
                worker=self.name,
                attempts=item.attempts,
                lease_until=now + self.lease,
            )

    def _methods_for(self, item: Item) -> tuple[str, ...]:
        """The Web API methods sending ``item`` will call next (a paused one holds it back)."""
        user = self._dm_user(item)
        if user is not None and self.clients.dm_channel(item.workspace, user) is None:
            return ("conversations.open", item.method)
        return (item.method,)

    @staticmethod
    def _dm_user(item: Item) -> str | None:
        """The user a post is addressed to (Rounds queues DMs by user id), or None."""
        channel = str(item.args.get("channel", ""))
        return channel if item.method == "chat.postMessage" and channel[:1] in ("U", "W") else None

    def _prepare(self, item: Item, client: WebClient) -> dict[str, Any] | Outcome:
        """The arguments to send: DMs opened (user id → D channel), updates pointed at their original."""
        args = dict(item.args)
        if item.update_of is not None:
            with transaction(self.sessions) as session:
                original = service.get(session, key=item.update_of)
            if original is None or original.status == DeliveryStatus.FAILED:
                return outcomes.failed("original_failed" if original else "original_missing")
            if original.status != DeliveryStatus.SENT or not original.slack_ts:
                return outcomes.retry("original_not_sent", wait=1.0)
            return args | {"channel": original.slack_channel, "ts": original.slack_ts}
        if item.method == service.UPLOAD and args.get("thread_of"):
            with transaction(self.sessions) as session:
                parent = service.get(session, key=str(args["thread_of"]))
            if parent is None or parent.status == DeliveryStatus.FAILED:
                return outcomes.failed("original_failed" if parent else "original_missing")
            if parent.status != DeliveryStatus.SENT or not parent.slack_ts:
                return outcomes.retry("original_not_sent", wait=1.0)
            args["thread_ts"] = parent.slack_ts
        user = self._dm_user(item)
        if user is not None:
            dm = self.clients.dm_channel(item.workspace, user)
            if dm is None:
                answer = self._call(item, client, "conversations.open", {"users": user})
                if isinstance(answer, Outcome):
                    return answer
                dm = str(answer["channel"]["id"])
                self.clients.remember_dm(item.workspace, user, dm)
            args["channel"] = dm
        return args

    def _call(
        self, item: Item, client: WebClient, method: str, args: dict[str, Any]
    ) -> dict[str, Any] | Outcome:
        """The Web API call; a refusal sorted into retry / failed, a 429 noted in the pacing."""
        try:
            if method == service.UPLOAD:
                return _upload(client, args)
            return dict(client.api_call(method, json=args).data)  # type: ignore[arg-type]
        except Exception as problem:
            outcome = outcomes.from_exception(problem)
            if outcome is None:
                raise
        if outcome.rate_limited:
            with self._lock:
                everyone = self._pace.rate_limited(item.lane, method, self._now(), outcome.wait or 1.0)
            if everyone:
                outcome = outcomes.retry("ratelimited_workspace", outcome.wait)
        return outcome.backed_off(self._backoff(item))

    def _backoff(self, item: Item) -> float:
        return outcomes.backoff(
            item.tries, base=self.backoff_base, maximum=self.backoff_max, jitter=self._random.random()
        )

    # ------------------------------------------------------------------ recording

    def _finish(self, hand: Hand, state: Run, item: Item, outcome: Outcome) -> bool:
        """Record the outcome: sent, failed, held for a short retry, or handed back to the outbox.

        Returns True when the item stays in the hand (a short retry).
        """
        now = self.clock()
        outcome = outcome.given_up(
            now=now, first_tried_at=item.first_tried_at, give_up_after=self.give_up_after
        )
        if outcome.kind == LOST:
            self._log_line(item, "lost_claim")
            return False
        if outcome.kind == SENT:
            with transaction(self.sessions) as session:
                service.mark_sent(
                    session,
                    delivery_id=item.id,
                    attempts=item.attempts,
                    now=now,
                    channel=outcome.channel,
                    ts=outcome.ts,
                )
        elif outcome.kind == FAILED and outcome.whole_workspace:
            self._fail_workspace(hand, state, item, outcome.error or "workspace_gone")
            return False
        elif outcome.kind == FAILED:
            with transaction(self.sessions) as session:
                service.mark_failed(
                    session,
                    delivery_id=item.id,
                    worker=self.name,
                    attempts=item.attempts,
                    error=outcome.error or "error",
                )
        elif outcome.kind == RETRY and (outcome.wait or 0.0) <= self.hold_seconds:
            with self._lock:
                self._pace.hold(item.lane, self._now() + (outcome.wait or 0.0))
                hand.put_back(item)
            return True
        else:
            self._retry_later(hand, item, outcome)
            return False
        with self._lock:
            state.finished += 1
        detail = f" error={outcome.error}" if outcome.kind == FAILED else ""
        self._log_line(item, outcome.kind + detail)
        return False

    def _retry_later(self, hand: Hand, item: Item, outcome: Outcome) -> None:
        """Hand the row back to the outbox for a long wait; the rest of its lane waits with it, so the
        channel's messages keep their order."""
        with self._lock:
            rest = hand.take_lane(item.lane)
        not_before = self.clock() + timedelta(seconds=outcome.wait or 0.0)
        with transaction(self.sessions) as session:
            service.retry_later(
                session,
                delivery_id=item.id,
                worker=self.name,
                attempts=item.attempts,
                not_before=not_before,
                error=outcome.error,
            )
            service.release(
                session,
                delivery_ids=[i.id for i in rest],
                worker=self.name,
                not_before=not_before,
                error=None,
            )
        self._log_line(item, f"retry_later error={outcome.error} wait_s={outcome.wait or 0.0:.1f}")

    def _fail_workspace(self, hand: Hand, state: Run, item: Item, code: str) -> None:
        """No token speaks for the workspace any more: fail this row and every row of the workspace in hand
        with ``code``, without calling Slack; rows of it claimed later in this run fail the same way."""
        with self._lock:
            first = item.workspace not in state.gone
            state.gone[item.workspace] = code
            rest = hand.take_where(keep_order=False, wanted=lambda lane, _: lane.workspace == item.workspace)
        failing = [item, *rest]
        with transaction(self.sessions) as session:
            for each in failing:
                service.mark_failed(
                    session, delivery_id=each.id, worker=self.name, attempts=each.attempts, error=code
                )
        with self._lock:
            state.finished += len(failing)
        if first:
            self._log.warning(
                "delivery workspace=%s cannot be sent to (%s); its messages fail without calling Slack",
                item.workspace,
                code,
            )
        for each in failing:
            self._log_line(each, f"failed error={code}")

    def _log_line(self, item: Item, outcome: str) -> None:
        self._log.info(
            "delivery key=%s workspace=%s method=%s outcome=%s attempts=%d ms=%.1f",
            item.key,
            item.workspace,
            item.method,
            outcome,
            item.attempts,
            (time.perf_counter() - item.started) * 1000,
        )


def _upload(client: WebClient, args: dict[str, Any]) -> dict[str, Any]:
    """A file shared into a channel with slack_sdk's ``files_upload_v2``: nothing reaches the channel before
    files.completeUploadExternal, so a try that failed before it leaves at most an unshared file behind."""
    answer = client.files_upload_v2(
        channel=str(args["channel"]),
        content=base64.b64decode(str(args["content_b64"])),
        filename=str(args["filename"]),
        title=str(args.get("title") or args["filename"]),
        alt_txt=args.get("alt_txt"),
        thread_ts=args.get("thread_ts"),
    )
    return {"channel": args["channel"], "ts": None, "files": answer.get("files")}
