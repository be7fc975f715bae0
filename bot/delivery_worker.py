"""The delivery worker: drains the outbox (``workflows.deliveries``) to Slack, at Slack's pace, once.

How it sends
    Rows are claimed in batches under a lease (``lease_seconds``) and sent by a few sender threads. Rows for
    the same channel form a *lane*: one call in flight per lane, in the order they were enqueued, with at
    least ``channel_interval`` seconds between two posts (Slack allows about one message a second per
    channel). A 429 pauses its lane for Retry-After; when 429s come back from several lanes at once the limit
    is workspace-wide, and the method is paused for everyone. 5xx answers, timeouts and dropped connections
    are retried with exponential back-off; errors Slack will repeat (``channel_not_found``,
    ``invalid_blocks`` …) fail at once. After ``give_up_after`` of trying, a row is failed with a short
    error code, visible to admins (``rounds deliveries --failed``).

What "once" means
    Right before each call the worker re-checks, in one guarded UPDATE, that it still owns the row (and
    renews the lease); the result is committed right after the call. So two workers never send one row, and
    a worker killed mid-run loses nothing: its claims lapse after the lease and another worker (or itself,
    restarted) takes them. chat.postMessage has no idempotency key, so one window remains: when Slack did
    the work but the answer never arrived (killed between the call and the commit, or the connection
    dropped after the request was sent), the row is sent again — after the lease for a crash, after a
    back-off for a dropped connection. We chose at-least-once there: a rare duplicate reminder is better than
    a teacher never getting the evidence from a visit. The window is one HTTP call long.
"""

from __future__ import annotations

import contextlib
import os
import random
import secrets
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.client import HTTPException
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import logs
from bot.settings import Settings
from workflows.db import Sessions, transaction
from workflows.deliveries import service
from workflows.deliveries.models import Delivery, DeliveryStatus

# Slack errors that say "try again later" rather than "this will never work".
RETRYABLE_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
# Methods whose per-channel pace Slack enforces (about one message a second per channel).
PACED_METHODS = frozenset({"chat.postMessage"})
# A call starts only if the claim outlives it by this much (plus the HTTP timeout); else the lease is renewed.
# Workers' clocks must agree to well within this (NTP).
LEASE_MARGIN_SECONDS = 5.0
# drain and run_forever keep topping up one run this long, so a retry held at the end of a batch never
# idles the other lanes.
PIPELINE_ITEMS = 100_000


def _utc_now() -> datetime:
    return datetime.now(UTC)


def make_worker_client(settings: Settings) -> WebClient:
    """A Web API client with no retry handlers: the worker paces and retries itself, per channel."""
    return WebClient(
        token=settings.secret("slack_bot_token"),
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[],
    )


@dataclass(frozen=True)
class Outcome:
    """What one call to Slack came to: sent, retry after ``wait`` seconds, or failed for good."""

    kind: str  # "sent" | "retry" | "failed" | "lost" (another worker owns the row now)
    error: str | None = None
    wait: float = 0.0
    channel: str | None = None
    ts: str | None = None


@dataclass
class _Item:
    """A claimed row in the worker's hands."""

    id: int
    key: str
    method: str
    args: dict[str, Any]
    lane: str
    update_of: str | None
    first_tried_at: datetime
    lease_until: datetime
    attempts: int
    started: float = field(default_factory=time.perf_counter)
    tries: int = 0


class _Pace:
    """When each lane and each method may next be called. Shared by the sender threads of one worker."""

    def __init__(self, *, channel_interval: float, workspace_lanes: int, workspace_window: float) -> None:
        self.channel_interval = channel_interval
        self.workspace_lanes = workspace_lanes
        self.workspace_window = workspace_window
        self.lane_ready: dict[str, float] = {}
        self.method_ready: dict[str, float] = {}
        self._recent_429s: dict[str, deque[tuple[float, str]]] = {}

    def ready_at(self, lane: str, *methods: str) -> float:
        return max(self.lane_ready.get(lane, 0.0), *(self.method_ready.get(m, 0.0) for m in methods))

    def posted(self, lane: str, method: str, at: float) -> None:
        if method in PACED_METHODS:
            self.lane_ready[lane] = max(self.lane_ready.get(lane, 0.0), at + self.channel_interval)

    def hold(self, lane: str, until: float) -> None:
        self.lane_ready[lane] = max(self.lane_ready.get(lane, 0.0), until)

    def rate_limited(self, lane: str, method: str, at: float, retry_after: float) -> bool:
        """Honour a 429: its lane waits; if other lanes were refused just now too, the whole method waits.

        One 429 alone may be the channel's own limit; several lanes refused within ``workspace_window`` is
        the workspace-wide limit. Returns True when the method was paused for everyone.
        """
        until = at + retry_after
        self.hold(lane, until)
        recent = self._recent_429s.setdefault(method, deque())
        recent.append((at, lane))
        while recent and recent[0][0] < at - self.workspace_window:
            recent.popleft()
        if len({lane for _, lane in recent}) >= self.workspace_lanes:
            self.method_ready[method] = max(self.method_ready.get(method, 0.0), until)
            return True
        return False


class _Hand:
    """The claimed rows being worked on, grouped into lanes; sender threads take from it."""

    def __init__(self) -> None:
        self.lanes: dict[str, deque[_Item]] = {}
        self.busy: set[str] = set()
        self.count = 0

    def add(self, item: _Item) -> None:
        self.lanes.setdefault(item.lane, deque()).append(item)
        self.count += 1

    def put_back(self, item: _Item) -> None:
        self.lanes.setdefault(item.lane, deque()).appendleft(item)

    def take_lane(self, lane: str) -> list[_Item]:
        return list(self.lanes.pop(lane, ()))


class DeliveryWorker:
    """Claims due deliveries and sends them to Slack; see the module docstring for the guarantees."""

    def __init__(
        self,
        sessions: Sessions,
        client: WebClient,
        *,
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
        seed: int | None = None,
    ) -> None:
        if client.retry_handlers:
            raise ValueError(
                "the delivery worker needs a WebClient with retry_handlers=[] (it paces and retries "
                "itself; slack_sdk's handlers would block a sender thread on one channel's 429)"
            )
        self.sessions = sessions
        self.client = client
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
        self._pace = _Pace(
            channel_interval=channel_interval,
            workspace_lanes=workspace_lanes,
            workspace_window=workspace_window,
        )
        self._dm_channels: dict[str, str] = {}
        self._lock = threading.Condition()
        self._wake = threading.Event()
        self._stopping = threading.Event()  # run_forever's stop: finish the calls in flight, claim no more
        self._random = random.Random(seed)
        self._log = logs.logger("delivery")

    # ------------------------------------------------------------------ loops

    def wake(self) -> None:
        """Look at the outbox now (called by the app process right after it enqueues)."""
        self._wake.set()

    def run_once(self, max_items: int = 1000) -> int:
        """Claim up to ``max_items`` due rows (topping up as lanes drain) and send them.

        Returns how many were finished (sent or failed); rows handed back for a later retry don't count.
        """
        hand = _Hand()
        state = _Run(max_items=max_items)
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

    def _refill(self, hand: _Hand, state: _Run) -> None:
        room = min(state.max_items - state.claimed, max(8, 8 * self.senders))
        if room <= 0 or state.exhausted:
            state.exhausted = True
            return
        if self._stopping.is_set():
            state.exhausted = True
            return
        with transaction(self.sessions) as session:
            rows = service.claim(session, worker=self.name, now=self.clock(), lease=self.lease, limit=room)
        with self._lock:
            if len(rows) < room:
                state.exhausted = True
            state.claimed += len(rows)
            for row in rows:
                hand.add(self._item(row))

    def _item(self, row: Delivery) -> _Item:
        args = dict(row.args)
        if row.method == "views.publish":
            lane = f"home:{args.get('user_id')}"
        elif row.update_of is not None:
            lane = f"update:{row.update_of}"
        else:
            lane = str(args.get("channel"))
        return _Item(
            id=row.id or 0,
            key=row.key,
            method=row.method,
            args=args,
            lane=lane,
            update_of=row.update_of,
            first_tried_at=row.first_tried_at or self.clock(),
            lease_until=row.lease_until or self.clock(),
            attempts=row.attempts,
            tries=row.attempts,  # back-off keeps growing across hand-backs to the outbox
        )

    # ------------------------------------------------------------------ sender threads

    def _sender(self, hand: _Hand, state: _Run) -> None:
        try:
            while (item := self._next(hand, state)) is not None:
                try:
                    self._finish(hand, state, item, self._attempt(item))
                finally:
                    with self._lock:
                        hand.busy.discard(item.lane)
                        self._lock.notify_all()
        except BaseException as crash:  # a database outage: stop this run, keep the worker alive
            with self._lock:
                state.crash = state.crash or crash
                state.stopped = True
                self._lock.notify_all()

    def _next(self, hand: _Hand, state: _Run) -> _Item | None:
        """The next item whose lane is free and due, waiting (by ``sleep``) for pacing when none is."""
        while True:
            with self._lock:
                if state.stopped or self._stopping.is_set():
                    return None
                unfinished = sum(len(q) for q in hand.lanes.values()) + len(hand.busy)
                refill = unfinished < max(4, 4 * self.senders) and not state.exhausted and not state.refilling
                if refill:
                    state.refilling = True
                else:
                    now = self._now()
                    soonest: float | None = None
                    for lane, queue in hand.lanes.items():
                        if lane in hand.busy or not queue:
                            continue
                        ready = self._pace.ready_at(lane, *self._methods_for(queue[0]))
                        if ready <= now:
                            hand.busy.add(lane)
                            item = queue.popleft()
                            if not queue:
                                del hand.lanes[lane]
                            return item
                        soonest = ready if soonest is None else min(soonest, ready)
                    if soonest is None:
                        if not hand.busy and not state.refilling:
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

    def _attempt(self, item: _Item) -> Outcome:
        """One call to Slack for ``item`` (opening the DM or finding the original first, if needed)."""
        item.tries += 1
        try:
            prepared = self._prepare(item)
            if isinstance(prepared, Outcome):
                return prepared
            item.attempts += 1
            now = self.clock()
            if item.lease_until - now < timedelta(seconds=float(self.client.timeout) + LEASE_MARGIN_SECONDS):
                # The claim could lapse while this call is in flight: renew it, if it is still ours.
                with transaction(self.sessions) as session:
                    owned = service.start_attempt(
                        session,
                        delivery_id=item.id,
                        worker=self.name,
                        attempts=item.attempts,
                        lease_until=now + self.lease,
                    )
                if not owned:
                    return Outcome("lost")
                item.lease_until = now + self.lease
            try:
                answer = self._call(item, item.method, prepared)
            finally:
                # Paced from the answer, not the request: Slack saw this post before we heard back, so
                # the next one reaches it at least an interval later, however long this one was in transit.
                with self._lock:
                    self._pace.posted(item.lane, item.method, self._now())
            if isinstance(answer, Outcome):
                return answer
            return Outcome(
                "sent",
                channel=answer.get("channel") or prepared.get("channel"),
                ts=answer.get("ts") or answer.get("message_ts"),
            )
        except (TypeError, ValueError) as problem:
            self._log.warning("delivery key=%s cannot be sent: %s", item.key, type(problem).__name__)
            return Outcome("failed", error="invalid_arguments")

    def _methods_for(self, item: _Item) -> tuple[str, ...]:
        """The Web API methods sending ``item`` will call next (a paused one holds it back)."""
        if self._needs_dm(item):
            return ("conversations.open", item.method)
        return (item.method,)

    def _needs_dm(self, item: _Item) -> bool:
        channel = str(item.args.get("channel", ""))
        return (
            item.method == "chat.postMessage"
            and channel[:1] in ("U", "W")
            and channel not in self._dm_channels
        )

    def _prepare(self, item: _Item) -> dict[str, Any] | Outcome:
        """The arguments to send: DMs opened (user id → D channel), updates pointed at their original."""
        args = dict(item.args)
        if item.update_of is not None:
            with transaction(self.sessions) as session:
                original = service.get(session, key=item.update_of)
            if original is None or original.status == DeliveryStatus.FAILED:
                return Outcome("failed", error="original_failed" if original else "original_missing")
            if original.status != DeliveryStatus.SENT or not original.slack_ts:
                return Outcome("retry", error="original_not_sent", wait=1.0)
            return args | {"channel": original.slack_channel, "ts": original.slack_ts}
        channel = str(args.get("channel", ""))
        if item.method == "chat.postMessage" and channel[:1] in ("U", "W"):
            dm = self._dm_channels.get(channel)
            if dm is None:
                answer = self._call(item, "conversations.open", {"users": channel})
                if isinstance(answer, Outcome):
                    return answer
                dm = str(answer["channel"]["id"])
                self._dm_channels[channel] = dm
            args["channel"] = dm
        return args

    def _call(self, item: _Item, method: str, args: dict[str, Any]) -> dict[str, Any] | Outcome:
        """The Web API call, with Slack's answer sorted into sent / retry / failed."""
        try:
            return dict(self.client.api_call(method, json=args).data)  # type: ignore[arg-type]
        except SlackApiError as error:
            response = error.response
            status = response.status_code
            code = response.get("error") if isinstance(response.data, dict) else None
            if status == 429 or code == "ratelimited":
                retry_after = _retry_after(response.headers)
                with self._lock:
                    workspace = self._pace.rate_limited(item.lane, method, self._now(), retry_after)
                return Outcome(
                    "retry", error="ratelimited_workspace" if workspace else "ratelimited", wait=retry_after
                )
            if status >= 500:
                return Outcome("retry", error=f"http_{status}", wait=self._backoff(item))
            if code in RETRYABLE_ERRORS:
                return Outcome("retry", error=str(code), wait=self._backoff(item))
            return Outcome("failed", error=str(code or f"http_{status}"))
        except TimeoutError:
            return Outcome("retry", error="timeout", wait=self._backoff(item))
        except (OSError, HTTPException) as problem:
            timed_out = "timed out" in str(problem)
            return Outcome(
                "retry", error="timeout" if timed_out else "connection_error", wait=self._backoff(item)
            )

    def _backoff(self, item: _Item) -> float:
        wait = min(self.backoff_max, self.backoff_base * 2 ** (item.tries - 1))
        return wait * (0.75 + self._random.random() / 2)

    def _finish(self, hand: _Hand, state: _Run, item: _Item, outcome: Outcome) -> None:
        """Record the outcome: sent, failed, held for a short retry, or handed back to the outbox."""
        now = self.clock()
        if (
            outcome.kind == "retry"
            and now + timedelta(seconds=outcome.wait) - item.first_tried_at > self.give_up_after
        ):
            outcome = Outcome("failed", error=outcome.error)
        if outcome.kind == "lost":
            self._log_line(item, "lost_claim")
            return
        if outcome.kind == "sent":
            with transaction(self.sessions) as session:
                service.mark_sent(
                    session,
                    delivery_id=item.id,
                    attempts=item.attempts,
                    now=now,
                    channel=outcome.channel,
                    ts=outcome.ts,
                )
        elif outcome.kind == "failed":
            with transaction(self.sessions) as session:
                service.mark_failed(
                    session,
                    delivery_id=item.id,
                    worker=self.name,
                    attempts=item.attempts,
                    error=outcome.error or "error",
                )
        elif outcome.wait <= self.hold_seconds:
            with self._lock:
                self._pace.hold(item.lane, self._now() + outcome.wait)
                hand.put_back(item)
            return
        else:
            with self._lock:
                later = [item, *hand.take_lane(item.lane)]
            with transaction(self.sessions) as session:
                not_before = now + timedelta(seconds=outcome.wait)
                service.retry_later(
                    session,
                    delivery_id=item.id,
                    worker=self.name,
                    attempts=item.attempts,
                    not_before=not_before,
                    error=outcome.error,
                )
                # The rest of its lane waits with it, so the channel's messages keep their order.
                service.release(
                    session,
                    delivery_ids=[i.id for i in later[1:]],
                    worker=self.name,
                    not_before=not_before,
                    error=None,
                )
            self._log_line(item, f"retry_later error={outcome.error} wait_s={outcome.wait:.1f}")
            return
        with self._lock:
            state.finished += 1
        detail = f" error={outcome.error}" if outcome.kind == "failed" else ""
        self._log_line(item, outcome.kind + detail)

    def _log_line(self, item: _Item, outcome: str) -> None:
        self._log.info(
            "delivery key=%s method=%s outcome=%s attempts=%d ms=%.1f",
            item.key,
            item.method,
            outcome,
            item.attempts,
            (time.perf_counter() - item.started) * 1000,
        )


@dataclass
class _Run:
    """Book-keeping for one ``run_once``."""

    max_items: int
    claimed: int = 0
    finished: int = 0
    exhausted: bool = False
    refilling: bool = False
    stopped: bool = False
    crash: BaseException | None = None


def _retry_after(headers: Any) -> float:
    value = None
    with contextlib.suppress(AttributeError):
        value = headers.get("Retry-After") or headers.get("retry-after")
    try:
        return max(1.0, float(value)) if value is not None else 1.0
    except ValueError:
        return 1.0


@contextlib.contextmanager
def running(worker: DeliveryWorker) -> Iterator[threading.Event]:
    """Run ``worker.run_forever`` in a background thread for the duration of a block (app, demo)."""
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(stop,), name="delivery-worker", daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        worker.wake()
        thread.join(timeout=30)
