"""Google Calendar freebusy, against googleapiclient's own HttpMockSequence: no network, no patching.

Each test hands the adapter canned Google answers and checks what a leader would notice (whose calendar was
read, whose could not be) and what Google was actually sent (batches of at most 50, windows of time).
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from googleapiclient.discovery import build
from googleapiclient.http import HttpMockSequence

from integrations.calendars.google import FREEBUSY_SCOPE, GoogleFreeBusyCalendar
from workflows.rotation.calendars import BusyInterval, CalendarUnavailable

CHICAGO = ZoneInfo("America/Chicago")
START = datetime(2026, 1, 5, 7, tzinfo=CHICAGO)  # 13:00 UTC
END = datetime(2026, 1, 5, 16, tzinfo=CHICAGO)  # 22:00 UTC
PAT, LEE = "pat@school.org", "lee@school.org"

Reply = tuple[dict[str, str], str]


class RecordingHttp(HttpMockSequence):
    """HttpMockSequence that can also fail at the socket: an exception in the sequence is raised."""

    def request(self, uri: str, method: str = "GET", body: Any = None, headers: Any = None, **kw: Any) -> Any:
        if self._iterable and isinstance(self._iterable[0], BaseException):
            self.request_sequence.append((uri, method, body, headers))
            raise self._iterable.pop(0)
        return super().request(uri, method, body, headers, **kw)


def ok(calendars: dict[str, Any]) -> Reply:
    return {"status": "200"}, json.dumps({"kind": "calendar#freeBusy", "calendars": calendars})


def failure(
    status: int, reason: str = "", domain: str = "global", headers: dict[str, str] | None = None
) -> Reply:
    errors = [{"domain": domain, "reason": reason, "message": reason}] if reason else []
    body = {"error": {"code": status, "message": reason or "error", "errors": errors}}
    return {"status": str(status), **(headers or {})}, json.dumps(body)


def utc(hour: int, minute: int = 0, day: int = 5) -> str:
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC).isoformat().replace("+00:00", "Z")


def calendar_over(
    replies: list[Any], **options: Any
) -> tuple[GoogleFreeBusyCalendar, RecordingHttp, list[float]]:
    http = RecordingHttp(replies)
    sleeps: list[float] = []
    calendar = GoogleFreeBusyCalendar(
        lambda: build("calendar", "v3", http=http, static_discovery=True, cache_discovery=False),
        sleep=sleeps.append,
        jitter=lambda: 0.0,
        **options,
    )
    return calendar, http, sleeps


def freebusy_bodies(http: HttpMockSequence) -> list[dict[str, Any]]:
    return [
        json.loads(body)
        for uri, _, body, _ in http.request_sequence
        if uri.split("?")[0].endswith("/freeBusy")
    ]


def test_busy_time_comes_back_per_leader_merged_and_clipped_to_the_day() -> None:
    calendar, http, _ = calendar_over(
        [
            ok(
                {
                    PAT: {
                        "busy": [{"start": utc(14), "end": utc(15)}, {"start": utc(15), "end": utc(15, 30)}]
                    },
                    LEE: {"busy": [{"start": utc(12), "end": utc(13, 30)}]},
                }
            )
        ]
    )

    busy = calendar.busy(calendar_ids=[PAT, LEE], start=START, end=END)

    assert busy == {
        PAT: [BusyInterval(START + timedelta(hours=1), START + timedelta(hours=2, minutes=30))],
        LEE: [BusyInterval(START, START + timedelta(minutes=30))],
    }
    [(uri, method, _, _)] = http.request_sequence
    assert (method, uri.split("?")[0]) == ("POST", "https://www.googleapis.com/calendar/v3/freeBusy")
    assert freebusy_bodies(http) == [
        {
            "timeMin": "2026-01-05T13:00:00Z",
            "timeMax": "2026-01-05T22:00:00Z",
            "timeZone": "UTC",
            "items": [{"id": PAT}, {"id": LEE}],
        }
    ]


def test_a_district_of_120_leaders_is_asked_about_in_batches_of_at_most_50() -> None:
    leaders = [f"leader{n:03}@district.org" for n in range(120)]
    batches = [leaders[:50], leaders[50:100], leaders[100:]]
    replies = [ok({leader: {"busy": [{"start": utc(14), "end": utc(15)}]} for leader in b}) for b in batches]
    calendar, http, _ = calendar_over(replies)

    busy = calendar.busy(calendar_ids=leaders, start=START, end=END)

    assert [len(body["items"]) for body in freebusy_bodies(http)] == [50, 50, 20]
    assert [item["id"] for body in freebusy_bodies(http) for item in body["items"]] == leaders
    assert all(
        intervals == [BusyInterval(START + timedelta(hours=1), START + timedelta(hours=2))]
        for intervals in busy.values()
    )
    assert list(busy) == leaders


def test_a_long_range_is_asked_about_in_windows_of_30_days_and_stitched_together() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    end = start + timedelta(days=75)
    calendar, http, _ = calendar_over(
        [
            ok({PAT: {"busy": [{"start": "2026-01-02T09:00:00Z", "end": "2026-01-02T10:00:00Z"}]}}),
            ok({PAT: {"busy": []}}),
            ok({PAT: {"busy": [{"start": "2026-03-10T09:00:00Z", "end": "2026-03-10T10:00:00Z"}]}}),
        ]
    )

    busy = calendar.busy(calendar_ids=[PAT], start=start, end=end)

    windows = [(body["timeMin"], body["timeMax"]) for body in freebusy_bodies(http)]
    assert windows == [
        ("2026-01-01T00:00:00Z", "2026-01-31T00:00:00Z"),
        ("2026-01-31T00:00:00Z", "2026-03-02T00:00:00Z"),
        ("2026-03-02T00:00:00Z", "2026-03-17T00:00:00Z"),
    ]
    assert busy[PAT] == [
        BusyInterval(datetime(2026, 1, 2, 9, tzinfo=UTC), datetime(2026, 1, 2, 10, tzinfo=UTC)),
        BusyInterval(datetime(2026, 3, 10, 9, tzinfo=UTC), datetime(2026, 3, 10, 10, tzinfo=UTC)),
    ]


def test_a_calendar_google_cannot_read_is_reported_and_the_others_still_count() -> None:
    calendar, _, _ = calendar_over(
        [
            ok(
                {
                    PAT: {"busy": [{"start": utc(14), "end": utc(15)}]},
                    LEE: {"busy": [], "errors": [{"domain": "global", "reason": "notFound"}]},
                }
            )
        ]
    )

    busy = calendar.busy(calendar_ids=[PAT, LEE, "gone@school.org"], start=START, end=END)

    assert busy[PAT] == [BusyInterval(START + timedelta(hours=1), START + timedelta(hours=2))]
    assert isinstance(busy[LEE], CalendarUnavailable)
    assert "not found" in busy[LEE].reason
    assert busy[LEE].configured
    assert isinstance(busy["gone@school.org"], CalendarUnavailable)  # missing from Google's answer


def test_quota_and_server_errors_are_retried_with_growing_pauses_then_succeed() -> None:
    calendar, http, sleeps = calendar_over(
        [
            failure(403, "rateLimitExceeded", domain="usageLimits"),
            failure(403, "userRateLimitExceeded", domain="usageLimits"),
            failure(429, "rateLimitExceeded"),
            failure(503, "backendError"),
            ok({PAT: {"busy": [{"start": utc(14), "end": utc(15)}]}}),
        ]
    )

    busy = calendar.busy(calendar_ids=[PAT], start=START, end=END)

    assert busy[PAT] == [BusyInterval(START + timedelta(hours=1), START + timedelta(hours=2))]
    assert sleeps == [1.0, 2.0, 4.0, 8.0]
    assert len(freebusy_bodies(http)) == 5
    assert all(body == freebusy_bodies(http)[0] for body in freebusy_bodies(http))


def test_a_retry_after_header_is_honoured_within_the_cap() -> None:
    calendar, _, sleeps = calendar_over(
        [
            failure(429, "rateLimitExceeded", headers={"retry-after": "7"}),
            failure(429, "rateLimitExceeded", headers={"retry-after": "3600"}),
            ok({PAT: {"busy": []}}),
        ],
        max_delay=20.0,
    )

    assert calendar.busy(calendar_ids=[PAT], start=START, end=END) == {PAT: []}
    assert sleeps == [7.0, 20.0]


def test_a_dropped_connection_is_retried() -> None:
    calendar, _, sleeps = calendar_over([ConnectionResetError("reset by peer"), ok({PAT: {"busy": []}})])

    assert calendar.busy(calendar_ids=[PAT], start=START, end=END) == {PAT: []}
    assert sleeps == [1.0]


def test_after_the_last_attempt_only_that_batch_is_unavailable() -> None:
    third = "kim@school.org"
    calendar, http, sleeps = calendar_over(
        [
            failure(500, "backendError"),
            failure(500, "backendError"),
            failure(500, "backendError"),
            ok({third: {"busy": [{"start": utc(14), "end": utc(15)}]}}),
        ],
        max_attempts=3,
        calendars_per_query=2,
    )

    busy = calendar.busy(calendar_ids=[PAT, LEE, third], start=START, end=END)

    for leader in (PAT, LEE):
        assert isinstance(busy[leader], CalendarUnavailable)
        assert "HTTP 500" in busy[leader].reason
        assert "gave up after 3 attempts" in busy[leader].reason
    assert busy[third] == [BusyInterval(START + timedelta(hours=1), START + timedelta(hours=2))]
    assert sleeps == [1.0, 2.0]
    assert [len(body["items"]) for body in freebusy_bodies(http)] == [2, 2, 2, 1]


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (failure(403, "forbidden"), "HTTP 403 (forbidden)"),
        (failure(401, "authError"), "credentials"),
        (({"status": "200"}, "<html>not json</html>"), "could not read"),
    ],
)
def test_answers_that_retrying_cannot_fix_mark_the_calendars_unavailable_at_once(
    reply: Reply, words: str
) -> None:
    calendar, _, sleeps = calendar_over([reply, reply])  # a 401 is retried once by the auth layer at most

    busy = calendar.busy(calendar_ids=[PAT, LEE], start=START, end=END)

    for leader in (PAT, LEE):
        assert isinstance(busy[leader], CalendarUnavailable)
        assert words in busy[leader].reason
    assert sleeps == []


def test_duplicate_ids_are_asked_about_once() -> None:
    calendar, http, _ = calendar_over([ok({PAT: {"busy": []}})])

    assert calendar.busy(calendar_ids=[PAT, PAT], start=START, end=END) == {PAT: []}
    assert freebusy_bodies(http)[0]["items"] == [{"id": PAT}]


def test_a_naive_window_is_a_programming_error_not_an_unavailable_calendar() -> None:
    calendar, http, _ = calendar_over([])
    with pytest.raises(ValueError, match="timezone-aware"):
        calendar.busy(calendar_ids=[PAT], start=datetime(2026, 1, 5, 7), end=datetime(2026, 1, 5, 16))
    assert http.request_sequence == []


@pytest.fixture(scope="module")
def service_account_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path = tmp_path_factory.mktemp("google") / "service-account.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "rounds-test",
                "private_key_id": "test-key",
                "private_key": pem.decode(),
                "client_email": "rounds@rounds-test.iam.gserviceaccount.com",
                "client_id": "1234567890",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    return path


def jwt_claims(assertion: str) -> dict[str, Any]:
    payload = assertion.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_the_service_account_acts_as_the_delegated_admin_with_the_freebusy_scope(
    service_account_file: Path,
) -> None:
    http = HttpMockSequence(
        [
            ({"status": "200"}, json.dumps({"access_token": "token-for-admin", "expires_in": 3600})),
            ok({PAT: {"busy": [{"start": utc(14), "end": utc(15)}]}}),
        ]
    )
    calendar = GoogleFreeBusyCalendar.from_service_account_file(
        str(service_account_file), "admin@district.org", http=http, sleep=lambda _: None
    )

    busy = calendar.busy(calendar_ids=[PAT], start=START, end=END)

    assert busy[PAT] == [BusyInterval(START + timedelta(hours=1), START + timedelta(hours=2))]
    (token_uri, _, token_body, _), (_, _, _, headers) = http.request_sequence
    assert token_uri == "https://oauth2.googleapis.com/token"
    claims = jwt_claims(parse_qs(token_body.decode())["assertion"][0])
    assert (claims["sub"], claims["scope"]) == ("admin@district.org", FREEBUSY_SCOPE)
    assert headers["authorization"] == "Bearer token-for-admin"


def test_a_refused_token_refresh_leaves_every_calendar_unavailable_without_a_crash(
    service_account_file: Path,
) -> None:
    refused = json.dumps({"error": "invalid_grant", "error_description": "Not a valid email or user ID."})
    http = HttpMockSequence([({"status": "400"}, refused)])
    sleeps: list[float] = []
    calendar = GoogleFreeBusyCalendar.from_service_account_file(
        str(service_account_file), "nobody@district.org", http=http, sleep=sleeps.append
    )

    busy = calendar.busy(calendar_ids=[PAT, LEE], start=START, end=END)

    for leader in (PAT, LEE):
        assert isinstance(busy[leader], CalendarUnavailable)
        assert "invalid_grant" in busy[leader].reason
    assert sleeps == []
    assert len(http.request_sequence) == 1


def test_a_missing_key_file_is_a_clear_error_at_start_up(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        GoogleFreeBusyCalendar.from_service_account_file(str(tmp_path / "absent.json"), "admin@district.org")
