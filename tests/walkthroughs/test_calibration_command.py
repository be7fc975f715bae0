"""`/rounds calibration` end to end: walkthroughs logged through the walkthrough service, figures in Slack.

Maple's two leaders, Ada (ULEAD) and Mia (UMIA), each log the same three lessons on the "Quick visit" form
(four look-fors); Ada always logs first. Levels: 1 Beginning, 2 Developing, 3 Proficient, 4 Exemplary,
None = not observed (0).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import col, select

from bot.blocks.calibration import MAX_LOOK_FORS, calibration_message
from tests.walkthroughs.support import TUESDAY_PERIOD_1, message_text, person_id
from workflows.db import Sessions, transaction
from workflows.frameworks.models import LookFor
from workflows.frameworks.service import default_framework_text, load_framework, parse_framework
from workflows.privacy import Viewer
from workflows.roster.models import School
from workflows.roster.service import identify
from workflows.walkthroughs.calibration import calibration_for_leader, calibration_report, find_pairs
from workflows.walkthroughs.capture import WalkthroughEntry, log_walkthrough
from workflows.walkthroughs.modal import start_walkthrough

TUESDAY_PERIOD_2 = TUESDAY_PERIOD_1 + timedelta(hours=1)
WEDNESDAY_PERIOD_1 = TUESDAY_PERIOD_1 + timedelta(days=1)
THURSDAY_PERIOD_1 = TUESDAY_PERIOD_1 + timedelta(days=2)
LATER = timedelta(minutes=5)

ON_TASK, EXPLAIN, CHECK, MATERIALS = (
    "on-task",
    "explain-reasoning",
    "check-every-student",
    "materials-as-designed",
)


BEN_MATH = ("Ben Lindqvist", "Grade 3 Math")
BEN_SCIENCE = ("Ben Lindqvist", "Grade 3 Science")
BEA_READING = ("Bea Lindgren", "Grade 4 Reading")
OLGA_MATH = ("Olga Novak", "Grade 7 Math")


def rated(on_task: int | None, explain: int | None, check: int | None, materials: int | None) -> dict:
    return {ON_TASK: on_task, EXPLAIN: explain, CHECK: check, MATERIALS: materials}


def log(
    sessions: Sessions,
    leader: str,
    lesson: tuple[str, str],
    at: datetime,
    ratings: dict[str, int | None],
    *,
    second_observer: str | None = None,
    paired_with: int | None = None,
) -> int:
    """A leader logs a "Quick visit" walkthrough of (teacher, class) through the walkthrough service."""
    teacher, class_title = lesson
    with transaction(sessions) as session:
        profile = identify(session, slack_user_id=leader)
        assert profile is not None
        viewer = Viewer.of(profile)
        found = start_walkthrough(session, viewer=viewer, now=at, query=teacher)
        assert found.teacher is not None, found.teacher_note
        form = next(f for f in found.forms if f.name == "Quick visit")
        context = start_walkthrough(
            session,
            viewer=viewer,
            now=at,
            teacher_id=found.teacher.teacher_id,
            school_id=found.teacher.school_id,
            form_id=form.form_id,
        )
        chosen = next(c for c in context.classes if c.title == class_title)
        keys = dict(
            session.exec(
                select(LookFor.key, LookFor.id).where(
                    col(LookFor.id).in_([lf.look_for_id for lf in context.look_fors])
                )
            ).all()
        )
        entry = WalkthroughEntry(
            teacher_id=found.teacher.teacher_id,
            school_id=found.teacher.school_id,
            class_id=chosen.class_id,
            period=chosen.period,
            form_id=form.form_id,
            ratings={keys[key]: value for key, value in ratings.items()},
            evidence="Pairs compared two strategies for 3 × 14 and chose the quicker one.",
            strength="",
            next_step="",
            role="reflective",
            share_with_teacher=paired_with is None,
            second_observer_slack_id=second_observer,
            paired_with_id=paired_with,
        )
        key = f"test:{leader}:{at.isoformat()}"
        return log_walkthrough(session, viewer=viewer, key=key, entry=entry, now=at).walkthrough.id


def three_paired_lessons(sessions: Sessions) -> list[int]:
    """Three lessons seen by both Maple leaders, plus visits that must not pair. Returns the paired ids."""
    # 1. Tuesday, period 1, Ben's math: a planned paired visit (Ada names Mia; Mia logs the paired ratings).
    ada_1 = log(sessions, "ULEAD", BEN_MATH, TUESDAY_PERIOD_1, rated(3, 2, 2, 3), second_observer="UMIA")
    mia_1 = log(sessions, "UMIA", BEN_MATH, TUESDAY_PERIOD_1 + LATER, rated(3, 3, 2, 3), paired_with=ada_1)
    # 2. Wednesday, period 1, Bea's reading: not planned, both happened to log it. Ada didn't see checks.
    ada_2 = log(sessions, "ULEAD", BEA_READING, WEDNESDAY_PERIOD_1, rated(4, 3, None, 3))
    mia_2 = log(sessions, "UMIA", BEA_READING, WEDNESDAY_PERIOD_1 + LATER, rated(4, 3, 2, 3))
    # 3. Tuesday, period 2, Ben's science: neither saw students explain their reasoning.
    ada_3 = log(sessions, "ULEAD", BEN_SCIENCE, TUESDAY_PERIOD_2, rated(3, None, 2, 3))
    mia_3 = log(sessions, "UMIA", BEN_SCIENCE, TUESDAY_PERIOD_2 + LATER, rated(3, None, 2, 3))
    # Not pairs: Ada alone in Ben's math on Thursday; Mia alone in Bea's reading on Tuesday (period 1, like
    # lesson 1, but another class); Otto alone at Oak.
    log(sessions, "ULEAD", BEN_MATH, THURSDAY_PERIOD_1, rated(1, 1, 1, 1))
    log(sessions, "UMIA", BEA_READING, TUESDAY_PERIOD_1 + 4 * LATER, rated(1, 4, 4, 1))
    log(sessions, "UOTTO", OLGA_MATH, TUESDAY_PERIOD_1, rated(2, 2, 2, 2))
    return [ada_1, mia_1, ada_2, mia_2, ada_3, mia_3]


def sections(reply: dict) -> list[str]:
    return [b["text"]["text"] for b in reply.get("blocks", []) if b["type"] == "section"]


def test_a_leader_sees_agreement_and_kappa_per_look_for_and_overall(app, sessions):
    three_paired_lessons(sessions)

    response = app.driver.command("UMIA", "/rounds", "calibration")

    assert response.status_code == 200
    reply = response.json()
    assert reply["response_type"] == "ephemeral"
    assert len(reply["blocks"]) <= 50
    intro, overall, *look_fors = sections(reply)
    assert "From 3 paired visits at Maple Elementary." in intro
    # Pooled, 12 rating pairs: on-task (3,3) (4,4) (3,3); explain (2,3) (3,3) (0,0);
    # check (2,2) (0,2) (2,2); materials (3,3) (3,3) (3,3).
    # p_o = 10/12 → 83%. Within one level: all but (0,2) → 11/12 → 92%.
    # Ada's levels: 0: 2, 2: 3, 3: 6, 4: 1. Mia's: 0: 1, 2: 3, 3: 7, 4: 1.
    # p_e = (2·1 + 3·3 + 6·7 + 1·1)/144 = 54/144 = 3/8; κ = (5/6 − 3/8)/(1 − 3/8) = (11/24)/(15/24) = 0.73
    assert overall == "*Overall* — 12 rating pairs · 83% agree · 92% within one level · κ 0.73"
    assert look_fors == [
        # (3,3) (4,4) (3,3): p_o = 1; p_e = (2/3)² + (1/3)² = 5/9; κ = 1
        "*Nearly all students are working on the lesson's task, not waiting for directions or off task.*\n"
        "3 pairs · 100% agree · 100% within one level · κ 1.00",
        # (2,3) (3,3) (0,0): p_o = 2/3; Ada 2: 1, 3: 1, 0: 1; Mia 3: 2, 0: 1; p_e = (2 + 1)/9 = 1/3;
        # κ = (2/3 − 1/3)/(2/3) = 0.50
        "*Students explain their reasoning to a partner or to the class, not only their answers.*\n"
        "3 pairs · 67% agree · 100% within one level · κ 0.50",
        # (2,2) (0,2) (2,2): p_o = 2/3; Ada 2: 2, 0: 1; Mia 2: 3; p_e = 2·3/9 = 2/3; κ = 0.
        # "Not observed" against "Developing" is not within one level.
        "*The teacher checks for understanding of every student before moving on.*\n"
        "3 pairs · 67% agree · 67% within one level · κ 0.00",
        # Both always "Proficient": p_e = 1, κ undefined.
        "*The lesson uses the adopted curriculum materials as designed, "
        "at the point the unit plan expects.*\n"
        "3 pairs · 100% agree · 100% within one level · κ —",
    ]
    assert "Cohen's kappa" in message_text(reply)


def test_a_leader_of_another_school_sees_no_pairs_from_this_one(app, sessions):
    three_paired_lessons(sessions)

    reply = app.driver.command("UOTTO", "/rounds", "calibration").json()

    assert reply["response_type"] == "ephemeral"
    assert "No paired visits yet — choose a second observer in the walkthrough modal" in reply["text"]
    assert "Maple" not in message_text(reply)
    assert "blocks" not in reply


def test_teachers_and_coaches_are_politely_refused(app, sessions):
    three_paired_lessons(sessions)

    for user in ("UBEN", "UCOACH"):
        reply = app.driver.command(user, "/rounds", "calibration").json()
        assert reply["response_type"] == "ephemeral"
        assert "for leaders" in reply["text"]
        assert "agree" not in message_text(reply) and "κ" not in message_text(reply)


def test_help_tells_leaders_about_calibration_and_not_teachers(app):
    assert "/rounds calibration" in app.driver.command("ULEAD", "/rounds", "help").json()["text"]
    assert "/rounds calibration" not in app.driver.command("UBEN", "/rounds", "help").json()["text"]


def test_pairs_are_the_same_lesson_by_two_observers_first_logged_first(app, sessions):
    ada_1, mia_1, ada_2, mia_2, ada_3, mia_3 = three_paired_lessons(sessions)
    ada, mia = person_id(sessions, "ULEAD"), person_id(sessions, "UMIA")

    with sessions() as session:
        maple, oak = (
            session.exec(select(School.id).where(School.name == n)).one()
            for n in ("Maple Elementary", "Oak Middle")
        )
        pairs = find_pairs(session, school_ids=[maple])
        assert [(p.first_walkthrough_id, p.second_walkthrough_id) for p in pairs] == [
            (ada_1, mia_1),
            (ada_3, mia_3),
            (ada_2, mia_2),
        ]
        assert {(p.first_observer_id, p.second_observer_id) for p in pairs} == {(ada, mia)}
        assert pairs[0].ratings == {ON_TASK: (3, 3), EXPLAIN: (2, 3), CHECK: (2, 2), MATERIALS: (3, 3)}
        assert pairs[2].ratings[CHECK] == (0, 2)
        assert [p.visit_date for p in find_pairs(session, school_ids=[maple], since=date(2026, 3, 4))] == [
            date(2026, 3, 4)
        ]
        assert find_pairs(session, school_ids=[oak]) == []
        assert find_pairs(session, school_ids=[]) == []
        assert calibration_for_leader(session, leader_person_id=person_id(sessions, "UOTTO")).empty
        assert calibration_for_leader(session, leader_person_id=person_id(sessions, "UBEN")).empty


def test_a_look_for_reworded_between_the_two_visits_still_pairs_by_its_key(app, sessions):
    log(sessions, "ULEAD", BEN_MATH, TUESDAY_PERIOD_1, rated(3, 2, 2, 3))
    reworded = default_framework_text().replace(
        "Students explain their reasoning to a partner", "Students explain their thinking to a partner"
    )
    spec = parse_framework(reworded, source="reworded.yml")
    with transaction(sessions) as session:
        load_framework(session, spec=spec, district_id=None, source_digest=spec.digest, now=TUESDAY_PERIOD_1)
    log(sessions, "UMIA", BEN_MATH, TUESDAY_PERIOD_1 + LATER, rated(3, 2, 2, 3))

    with sessions() as session:
        report = calibration_for_leader(session, leader_person_id=person_id(sessions, "ULEAD"))

    assert report.paired_visits == 1 and report.overall.pairs == 4
    explain = next(row for row in report.look_fors if row.look_for == EXPLAIN)
    assert explain.text.startswith("Students explain their thinking to a partner")
    assert explain.agreement == 1.0


def test_a_long_framework_stays_within_slacks_block_limit_and_says_how_many_look_fors_are_left_out():
    # 60 look-fors, each rated twice in disagreement: p_o = 0, p_e = ½·½ + ½·½ = ½, κ = −1.
    report = calibration_report({f"look-for-{i}": [(1, 2), (2, 1)] for i in range(60)}, paired_visits=2)

    reply = calibration_message(report, school_names=["Maple Elementary"])

    assert len(reply["blocks"]) <= 50
    text = message_text(reply)
    assert f"and {60 - MAX_LOOK_FORS} more look-fors" in text
    assert "*look-for-0*\n2 pairs · 0% agree · 100% within one level · κ −1.00" in text
    assert "*Overall* — 120 rating pairs · 0% agree · 100% within one level · κ −1.00" in text
