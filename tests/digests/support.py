"""The digest tests' school: three teams with channels, and weeks of walkthroughs generated into the database.

Maple Elementary (Chicago): the Grade 3 team (six teachers, a busy term), the Grade 4 team (two teachers:
always too thin to show), the Grade 5 team (three teachers, its channel archived). Walkthroughs carry an
evidence text naming the teacher, so a test can check none of it ever reaches a channel.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from bot.demo.fake_slack import FakeSlack
from workflows.db import Sessions, transaction
from workflows.frameworks.service import active_forms, ensure_default_framework, form_look_fors, rating_scale
from workflows.roster.models import Person, School, SchoolClass, Team
from workflows.roster.service import apply_roster
from workflows.roster.snapshot import (
    BellPeriodRecord,
    ClassRecord,
    DistrictRecord,
    Role,
    RosterSnapshot,
    SchoolRecord,
    StaffMember,
    TeamRecord,
)
from workflows.walkthroughs.models import ConversationRole, Walkthrough, WalkthroughRating

MAPLE = "s-maple"
# Monday 9 March 2026, 07:31 in Chicago: the digests of the week of Monday 2 March are due.
DIGEST_MONDAY = datetime(2026, 3, 9, 13, 31, tzinfo=UTC)
REPORTED_WEEK = date(2026, 3, 2)
G3, G4, G5 = "C0GRADE3", "C0GRADE4", "C0GRADE5"
LEADER = ("p-lead", "Lena", "Okafor", "ULEAD")
GRADE3 = [(f"p-g3-{i}", given, "Marsh", f"UG3{i}") for i, given in enumerate(["Tess", "Ugo", "Vera", "Wim", "Xena", "Yusuf"])]
GRADE4 = [(f"p-g4-{i}", given, "Quill", f"UG4{i}") for i, given in enumerate(["Zora", "Abe"])]
GRADE5 = [(f"p-g5-{i}", given, "Rook", f"UG5{i}") for i, given in enumerate(["Cal", "Dina", "Eli"])]
TEACHERS = GRADE3 + GRADE4 + GRADE5


def teacher_names() -> list[str]:
    return [given for _, given, _, _ in TEACHERS] + [f"{g} {f}" for _, g, f, _ in TEACHERS]


def load_digest_school(sessions: Sessions, slack: FakeSlack) -> None:
    staff = [StaffMember(LEADER[0], LEADER[1], LEADER[2], "lena@example.org", frozenset({(MAPLE, Role.LEADER)}))]
    classes = []
    for grade, people in (("03", GRADE3), ("04", GRADE4), ("05", GRADE5)):
        for sid, given, family, _ in people:
            staff.append(StaffMember(sid, given, family, f"{given.lower()}@example.org", frozenset({(MAPLE, Role.TEACHER)})))
            classes.append(ClassRecord(f"c-{sid}", MAPLE, f"Grade {grade} Math", f"Math {grade}", ("Math",), (grade,), ("1",), "1", (sid,)))
    snapshot = RosterSnapshot(
        districts=(DistrictRecord("d-1", "Test District"),),
        schools=(SchoolRecord(MAPLE, "Maple Elementary", "d-1", "America/Chicago"),),
        staff=tuple(staff),
        classes=tuple(classes),
        bell_periods=(BellPeriodRecord(MAPLE, "regular", "1", time(8, 0), time(8, 50)),),
        teams=(
            TeamRecord("t-g3", MAPLE, "Grade 3 team", G3, tuple(s for s, *_ in GRADE3)),
            TeamRecord("t-g4", MAPLE, "Grade 4 team", G4, tuple(s for s, *_ in GRADE4)),
            TeamRecord("t-g5", MAPLE, "Grade 5 team", G5, tuple(s for s, *_ in GRADE5)),
        ),
    )
    with transaction(sessions) as session:
        apply_roster(session, snapshot=snapshot)
        for sid, _g, _f, user in [LEADER, *TEACHERS]:
            person = session.exec(select(Person).where(Person.sourced_id == sid)).one()
            person.slack_user_id = user
            session.add(person)
    for _sid, given, family, user in [LEADER, *TEACHERS]:
        slack.add_user(user, email=f"{given.lower()}@example.org", real_name=f"{given} {family}")
    slack.add_channel(G3, "grade-3")
    slack.add_channel(G4, "grade-4")
    slack.add_channel(G5, "grade-5", archived=True)


def add_walkthroughs(
    session: Session, *, weeks: list[date], teachers: list[str], per_teacher: int = 2, seed: int = 1,
    lean: float = 0.5,
) -> int:  # fmt: skip
    """`per_teacher` walkthroughs a week for each teacher (by sourcedId), ratings drawn around `lean`
    (0: the lowest level, 1: the highest), every look-for of the first form; returns how many."""
    rng = random.Random(seed)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    framework = ensure_default_framework(session, now=now)
    form = active_forms(session, framework_id=framework.id or 0)[0]
    look_fors = form_look_fors(session, form_id=form.id or 0)
    levels = [lv.value for lv in rating_scale(framework) if lv.observed]
    school = session.exec(select(School).where(School.sourced_id == MAPLE)).one()
    leader = session.exec(select(Person).where(Person.sourced_id == LEADER[0])).one()
    made = 0
    for monday in weeks:
        for sid in teachers:
            teacher = session.exec(select(Person).where(Person.sourced_id == sid)).one()
            klass = session.exec(select(SchoolClass).where(SchoolClass.sourced_id == f"c-{sid}")).one()
            for n in range(per_teacher):
                day = monday + timedelta(days=n % 5)
                at = datetime.combine(day, time(14, 10), tzinfo=UTC)
                walkthrough = Walkthrough(
                    idempotency_key=f"gen:{sid}:{day}:{n}:{seed}", school_id=school.id or 0, observer_id=leader.id or 0,
                    teacher_id=teacher.id or 0, class_id=klass.id, period="1", visited_at=at, visit_date=day,
                    framework_id=framework.id or 0, form_id=form.id or 0,
                    evidence=f"SECRET evidence: {teacher.given_name} {teacher.family_name} asked why",
                    planned_role=ConversationRole.REFLECTIVE, created_at=at, updated_at=at,
                )  # fmt: skip
                session.add(walkthrough)
                session.flush()
                made += 1
                for look_for in look_fors:
                    observed = rng.random() < 0.8
                    pick = min(len(levels) - 1, max(0, round(rng.gauss(lean * (len(levels) - 1), 1.0))))
                    rating = WalkthroughRating(
                        walkthrough_id=walkthrough.id or 0, look_for_id=look_for.id or 0,
                        value=levels[pick] if observed else 0, observed=observed,
                    )  # fmt: skip
                    session.add(rating)
    session.flush()
    return made


def term_weeks(last: date = REPORTED_WEEK, count: int = 12) -> list[date]:
    return [last - timedelta(days=7 * k) for k in range(count)]


def team_id(session: Session, sourced_id: str) -> int:
    return session.exec(select(Team.id).where(Team.sourced_id == sourced_id)).one() or 0


def school_id(session: Session) -> int:
    return session.exec(select(School.id).where(School.sourced_id == MAPLE)).one() or 0
