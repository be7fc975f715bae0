"""Roadmap levels from the database: the figures behind them counted from a hand-built history, the
leader's own levels on `/rounds roadmap`, and a district admin who sees only the distribution."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from bot import ids
from tests.coaching.support import home
from tests.walkthroughs.support import message_text
from workflows.db import transaction
from workflows.roadmap.levels import district_distribution, roadmap_record
from workflows.roster.models import Person, School, StaffRole
from workflows.roster.snapshot import Role

SUNDAY = date(2026, 3, 8)
LEADER_NAMES = ("Ada", "Okafor", "Mia", "Chen", "Otto", "Reyes")


def add_admin(sessions, slack) -> None:
    """A district data coordinator: admin at both schools."""
    with transaction(sessions) as session:
        admin = Person(sourced_id="p-dee", given_name="Dee", family_name="Data", email="dee@example.org",
                       slack_user_id="UDEE")  # fmt: skip
        session.add(admin)
        session.flush()
        for school in session.exec(select(School)).all():
            session.add(StaffRole(person_id=admin.id or 0, school_id=school.id or 0, role=Role.ADMIN))
    slack.add_user("UDEE", email="dee@example.org", real_name="Dee Data")


def test_the_figures_are_counted_from_the_leaders_own_records(app, sessions):
    with sessions() as session:
        ada = session.exec(select(Person.id).where(Person.sourced_id == "p-ada")).one()
        record = roadmap_record(session, leader_id=ada, until=SUNDAY)

    assert record is not None
    # The last 20 school days (9 Feb – 6 Mar): two visits a day, Ben in periods 1 and 2, Bea in period 1.
    assert (record.school_days, record.visits, record.days_with_three) == (20, 40, 0)
    assert (record.caseload, record.seen_this_cycle, record.teachers_seen_twice, record.teachers_in_two_periods) == (
        2, 2, 2, 1)  # fmt: skip
    assert (record.shared, record.shared_within_hour, record.conversations) == (40, 40, 40)
    assert record.roles_used == {"directive", "reflective"}
    assert (record.rated, record.framework_conversations, record.teachers_with_framework_conversation) == (40, 40, 2)
    assert (record.year_visits, round(record.pace_expected, 1)) == (50, 69.4)
    assert record.improved_areas == ("Academic discussion",)
    assert (record.teachers_three_rated, record.teachers_three_areas, record.review_current) == (2, 2, False)


def test_a_leader_sees_their_own_levels_on_rounds_roadmap(app):
    reply = app.driver.command("ULEAD", ids.ROUNDS_COMMAND, "roadmap").json()

    text = message_text(reply)
    assert "*Walkthroughs* — level 2 of 4" in text
    assert "*Your figure:* 10.0 visits a school week; 2 of 2 teachers seen in the last 10 school days" in text
    assert "*Conversations* — level 3 of 4" in text
    assert "conversations in the reflexive role as teachers need it" in text
    assert "Olga" not in text and "Otto" not in text


def test_a_district_admin_sees_only_the_distribution_never_a_leaders_level(app, slack, sessions):
    add_admin(sessions, slack)

    reply = message_text(app.driver.command("UDEE", ids.ROUNDS_COMMAND, "roadmap").json())
    view = message_text(home(app.driver, slack, "UDEE"))

    for text in (reply, view):
        assert "Roadmap levels across your district's leaders* — 3 leaders at 2 schools" in text
        assert "Your figure" not in text and "To move up" not in text
        for name in LEADER_NAMES:
            assert name not in text, name
    # Walkthroughs: Ada and Otto at level 2, Mia (no visits) at level 1: every cell is under 3 leaders.
    assert (
        "*Walkthroughs* (Get Into Classrooms!): level 1: not enough data yet · level 2: not enough data yet · "
        "level 3: 0 · level 4: 0"
    ) in reply


def test_thin_levels_are_withheld_with_what_would_give_them_away(app, sessions):
    with sessions() as session:
        schools = session.exec(select(School.id)).all()
        found = district_distribution(session, school_ids=schools, until=SUNDAY)

    assert found.leaders == 3
    for stage in found.stages:  # 3 leaders split in every stage: no level holds 3 of them
        shown = [n for n in stage.at_level if n is not None]
        assert shown == [0] * len(shown) and stage.most is None, stage


def test_the_withholding_of_a_distribution_cell_by_cell():
    from workflows.privacy import withheld_levels

    # Seven leaders: 4 at level 3, 3 at level 2; levels 1 and 4 empty (shown as 0: they name nobody).
    assert withheld_levels({1: set(), 2: {1, 2, 3}, 3: {4, 5, 6, 7}, 4: set()}) == (set(), None)
    # One leader at level 1: withheld, and so is the smallest shown level, so 1 can't be worked out.
    assert withheld_levels({1: {1}, 2: {2, 3, 4}, 3: {5, 6, 7, 8}, 4: set()}) == ({1, 2}, None)
    # Eight of nine at level 3: it reads "most", everything else is withheld.
    assert withheld_levels({1: set(), 2: {9}, 3: set(range(1, 9)), 4: set()}) == ({1, 2, 4}, 3)
    # Two leaders in all: nothing is shown.
    assert withheld_levels({1: {1}, 2: {2}, 3: set(), 4: set()}) == ({1, 2, 3, 4}, None)


def test_a_teacher_is_told_who_roadmap_levels_are_for(app):
    text = message_text(app.driver.command("UBEN", ids.ROUNDS_COMMAND, "roadmap").json())

    assert "Roadmap levels are for leaders (their own) and for district admins" in text
