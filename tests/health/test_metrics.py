"""`GET /metrics`: request latency by kind, and the outbox and job figures, scraped through the real server."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.deliveries import DeliveryWorker
from bot.demo.slack_requests import SlackDriver, SlackRequestSigner
from bot.jobs import REMINDER_JOB, remind_school
from bot.slack_tokens import StaticTokens
from tests.conftest import BOT_TOKEN
from tests.health.support import server_on, unreachable_url
from tests.roster_factory import load_small_roster
from workflows.db import make_engine, transaction
from workflows.deliveries.service import enqueue
from workflows.rotation.calendars import NoCalendars
from workflows.rotation.inputs import schools
from workflows.workspaces.models import DEFAULT_WORKSPACE

MONDAY = date(2026, 11, 23)
SATURDAY = date(2026, 11, 28)


def scrape(rounds) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics, by name and labels."""
    answer = rounds.http.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(answer.text)
        for sample in family.samples
    }


def _queue(sessions, key: str, channel: str) -> None:
    with transaction(sessions) as session:
        enqueue(session, workspace=DEFAULT_WORKSPACE, key=key, method="chat.postMessage", args={"channel": channel, "text": "hi"})


def test_metrics_count_what_the_outbox_and_the_scheduler_did(rounds, sessions, slack):
    slack.add_user("UTEACH", email="teacher@example.org", real_name="Tess Teacher")
    slack.add_user("UOTHER", email="other@example.org", real_name="Otto Other")
    _queue(sessions, "test:metrics:sent", "UTEACH")
    _queue(sessions, "test:metrics:failed", "C0NOSUCH")  # Slack answers channel_not_found: given up at once
    worker = DeliveryWorker(
        sessions, tokens=StaticTokens(default=BOT_TOKEN), api_url=slack.api_url, backoff_base=0.01
    )
    worker.drain(timeout=10)
    slack.fail("chat.postMessage", kind="500")  # the next call fails once, then is retried and sent
    _queue(sessions, "test:metrics:retried", "UOTHER")
    worker.drain(timeout=10)
    _queue(sessions, "test:metrics:waiting", "UTEACH")  # not drained: still in the outbox

    load_small_roster(sessions)
    with transaction(sessions) as session:
        [school] = schools(session)
    for day in (MONDAY, SATURDAY):
        remind_school(sessions, school_id=school.id, day=day, calendars=NoCalendars(), now=datetime.now(UTC))

    metrics = scrape(rounds)

    post = (("method", "chat.postMessage"),)
    assert metrics[("rounds_database_up", ())] == 1
    assert metrics[("rounds_deliveries_sent_total", post)] == 2
    assert metrics[("rounds_deliveries_retried_total", post)] == 1
    assert metrics[("rounds_deliveries_failed_total", post)] == 1
    assert metrics[("rounds_deliveries_sent_total", (("method", "views.publish"),))] == 0
    assert metrics[("rounds_outbox_pending", ())] == 1
    assert metrics[("rounds_outbox_oldest_pending_age_seconds", ())] >= 0
    assert metrics[("rounds_job_runs_total", (("job", REMINDER_JOB), ("outcome", "ran")))] == 1
    assert metrics[("rounds_job_runs_total", (("job", REMINDER_JOB), ("outcome", "no_school")))] == 1


def test_request_latency_is_a_histogram_by_kind_and_forged_requests_name_no_kind(rounds, slack):
    for _ in range(3):
        assert rounds.driver.command("UNOBODY", "/rounds", "help").status_code == 200
    forged = SlackDriver(SlackRequestSigner("wrong"), slack, rounds.http)
    assert forged.command("UNOBODY", "/made-up-by-an-attacker", "x").status_code == 401

    metrics = scrape(rounds)

    rounds_help = (("kind", "command /rounds"),)
    assert metrics[("rounds_slack_request_duration_seconds_count", rounds_help)] == 3
    assert metrics[("rounds_slack_request_duration_seconds_sum", rounds_help)] > 0
    assert metrics[("rounds_slack_request_duration_seconds_bucket", (*rounds_help, ("le", "+Inf")))] == 3
    assert metrics[("rounds_slack_request_duration_seconds_count", (("kind", "rejected"),))] == 1
    assert not any("made-up-by-an-attacker" in str(labels) for _, labels in metrics)


def test_a_scrape_during_a_database_outage_says_so_instead_of_failing(tmp_path, settings):
    engine = make_engine(unreachable_url(tmp_path))
    with server_on(engine, settings) as url:
        answer = httpx.get(f"{url}/metrics")
    assert answer.status_code == 200
    samples = {s.name: s.value for f in text_string_to_metric_families(answer.text) for s in f.samples}
    assert samples["rounds_database_up"] == 0
    assert "rounds_outbox_pending" not in samples
