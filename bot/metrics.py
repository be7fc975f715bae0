"""Prometheus metrics for `GET /metrics` (prometheus-client).

Two kinds of figure:
- request latency, measured in this process where `RoundsApp.dispatch` already times each Slack request,
  as a histogram by request kind (`bot.logs.request_kind`: `command /rounds`, `block_actions …`);
- what the outbox and the scheduler have done, read from the database at scrape time by a collector, so
  they count every process's work (a worker's sends show in the serve process's /metrics) and survive
  restarts: deliveries sent, retried (calls beyond the first) and failed by method, the outbox's depth and
  the age of its oldest message, and job runs by outcome.

Each app owns its own registry: nothing is registered globally, so several apps in one process (tests, the
demo) never share or clash.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot import logs
from workflows.db import Sessions, transaction
from workflows.deliveries.service import METHODS
from workflows.health import service

CONTENT_TYPE = CONTENT_TYPE_LATEST
# Slack wants an acknowledgement within 3 s; the buckets are finest well below that.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
# A request whose signature failed was not written by Slack: its body must not name a label value.
REJECTED_KIND = "rejected"
_log = logs.logger("metrics")


class Metrics:
    """One app's metrics: the request histogram it feeds, and the database figures read at each scrape."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.request_seconds = Histogram(
            "rounds_slack_request_duration_seconds",
            "Time to answer (acknowledge) a Slack request, by kind of request.",
            ["kind"],
            buckets=REQUEST_BUCKETS,
            registry=self.registry,
        )
        self._database: DatabaseCollector | None = None

    def observe_request(self, body: dict, *, status: int, seconds: float) -> None:
        kind = REJECTED_KIND if status == 401 else logs.request_kind(body)
        self.request_seconds.labels(kind=kind).observe(seconds)

    def watch_database(self, sessions: Sessions) -> None:
        """Read the outbox and job figures from this database at each scrape (once per app)."""
        if self._database is None:
            self._database = DatabaseCollector(sessions)
            self.registry.register(self._database)

    def render(self) -> bytes:
        """The text exposition format, for GET /metrics."""
        return generate_latest(self.registry)


class DatabaseCollector(Collector):
    """Figures computed from the database when Prometheus scrapes, so they are right across processes."""

    def __init__(self, sessions: Sessions) -> None:
        self.sessions = sessions

    def describe(self) -> list[Metric]:
        # Registering must not query the database; collect() says what there is at each scrape.
        return []

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("rounds_database_up", "1 when the database answered this scrape, else 0.")
        try:
            with transaction(self.sessions) as session:
                totals = service.delivery_totals(session)
                backlog = service.backlog(session)
                runs = service.job_run_totals(session)
                oldest = backlog.oldest_age(datetime.now(UTC))
        except Exception as error:  # a scrape reports the outage instead of failing
            _log.warning("metrics: database unavailable (%s)", type(error).__name__)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        by_method = {method: (0, 0, 0) for method in sorted(METHODS)}
        by_method |= {t.method: (t.sent, t.retried, t.failed) for t in totals}
        families = [
            CounterMetricFamily(
                "rounds_deliveries_sent", "Messages Slack accepted, by Web API method.", labels=["method"]
            ),
            CounterMetricFamily(
                "rounds_deliveries_retried",
                "Calls to Slack beyond each message's first (429s, 5xx, timeouts), by method.",
                labels=["method"],
            ),
            CounterMetricFamily(
                "rounds_deliveries_failed", "Messages Rounds gave up on, by method.", labels=["method"]
            ),
        ]
        for method, figures in by_method.items():
            for family, value in zip(families, figures, strict=True):
                family.add_metric([method], value)
        yield from families
        yield GaugeMetricFamily(
            "rounds_outbox_pending", "Messages waiting to be sent or being sent.", value=backlog.pending
        )
        yield GaugeMetricFamily(
            "rounds_outbox_oldest_pending_age_seconds",
            "How long the oldest unsent message has waited (0 when none waits).",
            value=oldest or 0.0,
        )
        job_runs = CounterMetricFamily(
            "rounds_job_runs",
            "Scheduled jobs' runs by outcome (ran, no_school, missed).",
            labels=["job", "outcome"],
        )
        for (job, outcome), count in sorted(runs.items()):
            job_runs.add_metric([job, outcome], count)
        yield job_runs
