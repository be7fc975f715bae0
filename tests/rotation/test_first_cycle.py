"""Where the first cycle starts: on the school's first plan, or on the first day of school it sets.

The demo district starts using Rounds on Monday Nov 30. Counted from July 1, that morning would fall late
in a cycle and leaders would read "N can't be fitted"; instead a whole cycle starts then, and "cycle" means
the same days in the morning DM, `/rounds coverage` and `rounds plan --explain`.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from bot import ids
from bot.cli import cli
from bot.deliveries import DeliveryWorker
from bot.demo.district import DemoDistrict
from bot.jobs import remind_all
from integrations.oneroster import read_bundle
from tests.rotation.support import (
    CEDAR,
    MONDAY,
    TUESDAY,
    Clock,
    _demo,
    at,
    block_texts,
    dm_messages,
    leaders_at,
    load_demo,
)
from workflows.db import transaction
from workflows.roster.models import School
from workflows.roster.service import apply_roster
from workflows.rotation.calendars import NoCalendars


@pytest.fixture
def clock() -> Clock:
    return Clock(at(MONDAY, 9))


@pytest.fixture
def worker(settings, sessions) -> DeliveryWorker:
    return DeliveryWorker.from_settings(sessions, settings, channel_interval=0, senders=3)


def _remind(sessions, worker, day: date) -> None:
    remind_all(sessions, calendars=NoCalendars(), now=at(day, 7, 15), day=day)
    worker.drain(timeout=30)


def _morning_dms(slack, district: DemoDistrict) -> list[str]:
    users = {p.slack_user_id for s in (CEDAR, "org-summit-ridge") for p in leaders_at(district, s)}
    return [block_texts(m) for user in sorted(users) for m in dm_messages(slack, user)]


def _explain(database_url: str, day: date) -> str:
    result = CliRunner().invoke(
        cli,
        ["plan", "--date", day.isoformat(), "--school", CEDAR, "--explain"],
        env={"DATABASE_URL": database_url, "SLACK_BOT_TOKEN": ""},
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_a_school_starting_in_november_begins_a_whole_cycle_on_its_first_morning(
    rounds, sessions, slack, worker, database_url
):
    district = load_demo(sessions, slack)

    _remind(sessions, worker, MONDAY)

    dms = _morning_dms(slack, district)
    assert dms, "every leader gets a morning DM"
    for text in dms:
        assert "can't be fitted" not in text
        assert "teachers seen this cycle (day 1 of 10)" in text
    principal = leaders_at(district, CEDAR)[0].slack_user_id
    coverage = rounds.driver.command(principal, ids.ROUNDS_COMMAND, "coverage").json()
    assert "teachers seen since Mon Nov 30 (this cycle)" in str(coverage["blocks"])
    explained = _explain(database_url, MONDAY)
    assert "This cycle: Mon 2026-11-30 to Fri 2026-12-11, 10 school days" in explained


def test_the_next_morning_is_day_two_of_the_same_cycle_everywhere(
    rounds, sessions, slack, worker, database_url
):
    district = load_demo(sessions, slack)
    _remind(sessions, worker, MONDAY)

    _remind(sessions, worker, TUESDAY)

    principal = leaders_at(district, CEDAR)[0].slack_user_id
    tuesday_dm = dm_messages(slack, principal)[-1]
    assert "(day 2 of 10)" in block_texts(tuesday_dm)
    assert "This cycle: Mon 2026-11-30 to Fri 2026-12-11" in _explain(database_url, TUESDAY)


def test_a_first_day_set_in_schools_csv_starts_the_first_cycle_and_no_visit_is_planned_before_it(
    rounds, sessions, slack, worker, database_url, tmp_path: Path
):
    district, _ = _demo()
    bundle = Path(shutil.copytree(district.folder, tmp_path / "district"))
    schools = (bundle / "schools.csv").read_text().splitlines()
    rows = [schools[0] + ",firstDay"] + [
        line + (",2026-11-23" if line.startswith(CEDAR) else ",") for line in schools[1:]
    ]
    (bundle / "schools.csv").write_text("\n".join(rows) + "\n")
    load_demo(sessions, slack)
    with transaction(sessions) as session:
        apply_roster(session, snapshot=read_bundle(bundle))
        cedar = session.exec(select(School).where(School.sourced_id == CEDAR)).one()
        assert cedar.first_day == date(2026, 11, 23)

    _remind(sessions, worker, MONDAY)

    # Mon 23 and Tue 24 Nov were school days, then Thanksgiving break: Monday 30 is the third.
    principal = leaders_at(district, CEDAR)[0].slack_user_id
    assert "(day 3 of 10)" in block_texts(dm_messages(slack, principal)[-1])
    assert "This cycle: Mon 2026-11-23 to Wed 2026-12-09" in _explain(database_url, MONDAY)
    before = _explain(database_url, date(2026, 11, 20))
    assert "(none)" in before and "Nov 20 is not a school day: no visits planned." in before
