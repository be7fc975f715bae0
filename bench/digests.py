"""Team digests at district scale: 500 schools x 15 teams over a school year (about a million look-for
ratings) on PostgreSQL.

Reported against the floor measured in the same run, the bare aggregate queries alone (the four GROUP BY
queries of every team, nothing else): the whole digests' time (queries, privacy audit, building) as a
ratio to it; queries per digest; the time to render one chart; and the per-school time at a tenth of the
schools against all of them (close to 1 is linear in schools).
Run: `python -m bench digests [--schools 500] [--weeks 40]` (needs PostgreSQL; ROUNDS_BENCH_POSTGRES_URL).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import create_engine, event, insert, text
from sqlmodel import Session, select

POSTGRES_ADMIN_URL = os.environ.get(
    "ROUNDS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TEAMS = 15
TEACHERS_PER_TEAM = 4
WALKTHROUGHS_PER_WEEK = 9
LAST_WEEK = date(2026, 5, 25)


@contextmanager
def scratch_database() -> Iterator[str]:
    import migrations

    name = f"rounds_bench_digests_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        migrations.upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _copy(session: Session, table: str, columns: list[str], rows: Iterator[tuple]) -> int:
    """COPY rows in (tab-separated), the fast way to a million ratings."""
    buffer = io.StringIO()
    n = 0
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
        n += 1
    buffer.seek(0)
    raw = session.connection().connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while chunk := buffer.read(1 << 20):
            copy.write(chunk)
    return n


def generate(session: Session, *, schools: int, weeks: int, seed: int = 11) -> int:
    """The district: schools, teams of teachers with one class each, a year of walkthroughs. Returns ratings."""
    from workflows.frameworks.service import (
        active_forms,
        ensure_default_framework,
        form_look_fors,
        rating_scale,
    )
    from workflows.roster.models import (
        ClassTeacher,
        District,
        Person,
        School,
        SchoolClass,
        StaffRole,
        Team,
        TeamMember,
    )

    rng = random.Random(seed)
    now = datetime(2025, 8, 1, tzinfo=UTC)
    framework = ensure_default_framework(session, now=now)
    form = active_forms(session, framework_id=framework.id or 0)[0]
    look_fors = [lf.id for lf in form_look_fors(session, form_id=form.id or 0)]
    levels = [lv.value for lv in rating_scale(framework) if lv.observed]
    session.execute(insert(District), [{"id": 1, "workspace": "T0001", "sourced_id": "d", "name": "Bench"}])
    session.execute(insert(School), [
        {"id": s, "workspace": "T0001", "sourced_id": f"s{s}", "district_id": 1, "name": f"School {s}"}
        for s in range(1, schools + 1)
    ])  # fmt: skip
    per_school = TEAMS * TEACHERS_PER_TEAM
    people = [{"id": 1, "workspace": "T0001", "sourced_id": "lead", "given_name": "L", "family_name": "L", "search_name": "l"}]
    roles, classes, links, teams, members = [], [], [], [], []
    for s in range(1, schools + 1):
        roles.append({"person_id": 1, "school_id": s, "role": "leader"})
        for t in range(TEAMS):
            team_id = (s - 1) * TEAMS + t + 1
            grade = f"{t:02d}"
            teams.append({"id": team_id, "workspace": "T0001", "sourced_id": f"t{team_id}", "school_id": s,
                          "name": f"Team {t}", "slack_channel": f"C{team_id:07d}", "grades": [grade],
                          "subjects": ["Math"]})  # fmt: skip
            for m in range(TEACHERS_PER_TEAM):
                pid = 2 + (s - 1) * per_school + t * TEACHERS_PER_TEAM + m
                people.append({"id": pid, "workspace": "T0001", "sourced_id": f"p{pid}", "given_name": "T",
                               "family_name": str(pid), "search_name": f"t {pid}"})  # fmt: skip
                roles.append({"person_id": pid, "school_id": s, "role": "teacher"})
                classes.append({"id": pid, "workspace": "T0001", "sourced_id": f"c{pid}", "school_id": s,
                                "title": "Math", "subjects": ["Math"], "grades": [grade], "periods": ["1"]})  # fmt: skip
                links.append({"class_id": pid, "person_id": pid})
                members.append({"team_id": team_id, "person_id": pid})
    for model, rows in ((Person, people), (StaffRole, roles), (SchoolClass, classes), (ClassTeacher, links),
                        (Team, teams), (TeamMember, members)):  # fmt: skip
        for start in range(0, len(rows), 5000):
            session.execute(insert(model), rows[start : start + 5000])
    first = LAST_WEEK - timedelta(days=7 * (weeks - 1))
    walkthroughs: list[tuple] = []
    ratings: list[tuple] = []
    wid = 0
    for s in range(1, schools + 1):
        for w in range(weeks):
            monday = first + timedelta(days=7 * w)
            for _ in range(WALKTHROUGHS_PER_WEEK):
                wid += 1
                teacher = 2 + (s - 1) * per_school + rng.randrange(per_school)
                day = monday + timedelta(days=rng.randrange(5))
                at = f"{day.isoformat()} 14:00:00+00"
                walkthroughs.append((wid, f"w{wid}", s, 1, teacher, teacher, "1", at, day.isoformat(), framework.id,
                                     form.id, "evidence", "", "", "reflective", "t", at, at, 1))  # fmt: skip
                lean = (s % 4) / 3
                for lf in look_fors:
                    observed = rng.random() < 0.85
                    pick = min(len(levels) - 1, max(0, round(rng.gauss(lean * (len(levels) - 1), 1.0))))
                    ratings.append((wid, lf, levels[pick] if observed else 0, "t" if observed else "f"))
    _copy(session, "walkthrough", ["id", "idempotency_key", "school_id", "observer_id", "teacher_id", "class_id",
          "period", "visited_at", "visit_date", "framework_id", "form_id", "evidence", "strength", "next_step",
          "planned_role", "share_with_teacher", "created_at", "updated_at", "revision"], iter(walkthroughs))  # fmt: skip
    n = _copy(session, "walkthrough_rating", ["walkthrough_id", "look_for_id", "value", "observed"], iter(ratings))
    session.execute(text("ANALYZE"))
    return n


class QueryCounter:
    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args) -> None:  # type: ignore[no-untyped-def]
        self.count += 1


def bare_queries(session: Session, school_ids: list[int]) -> float:
    """The floor: each team's four aggregate queries alone."""
    from workflows.digests.figures import counts
    from workflows.digests.team import team_scope, teams_of

    started = time.perf_counter()
    for school_id in school_ids:
        for team in teams_of(session, school_id=school_id):
            class_ids, teacher_ids = team_scope(session, team=team)
            counts(session, school_id=school_id, monday=LAST_WEEK, class_ids=class_ids, teacher_ids=teacher_ids)
    return time.perf_counter() - started


def digests(session: Session, school_ids: list[int]) -> tuple[float, int]:
    from workflows.digests.team import team_digest, teams_of

    started = time.perf_counter()
    made = 0
    for school_id in school_ids:
        for team in teams_of(session, school_id=school_id):
            team_digest(session, team=team, monday=LAST_WEEK)
            made += 1
    return time.perf_counter() - started, made


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench digests", description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=500, help="schools of 15 teams (default 500)")
    parser.add_argument("--weeks", type=int, default=40, help="school weeks of walkthroughs (default 40)")
    options = parser.parse_args(argv)
    if options.schools < 10 or not 12 <= options.weeks <= 52:
        parser.error("--schools must be ≥ 10 and --weeks 12 to 52")
    from integrations.charts.digest import digest_chart
    from workflows.db import make_engine, make_sessions, transaction
    from workflows.digests.team import team_digest
    from workflows.roster.models import Team

    with scratch_database() as url:
        engine = make_engine(url)
        sessions = make_sessions(engine)
        started = time.perf_counter()
        with transaction(sessions) as session:
            ratings = generate(session, schools=options.schools, weeks=options.weeks)
        print(f"  generated {ratings:,} look-for ratings in {time.perf_counter() - started:.1f} s", flush=True)
        counter = QueryCounter(engine)
        tenth = list(range(1, max(1, options.schools // 10) + 1))
        every = list(range(1, options.schools + 1))
        with transaction(sessions) as session:
            bare_queries(session, tenth)  # warm the caches once
            floor_all = bare_queries(session, every)
            small, _small_n = digests(session, tenth)
            before = counter.count
            whole, whole_n = digests(session, every)
            queries = (counter.count - before) / whole_n
            team = session.exec(select(Team).where(Team.id == 1)).one()
            digest = team_digest(session, team=team, monday=LAST_WEEK)
            chart_times = []
            for _ in range(5):
                t0 = time.perf_counter()
                png = digest_chart(digest)
                chart_times.append(time.perf_counter() - t0)
        per_school_small, per_school_all = small / len(tenth), whole / len(every)
        rows = [
            ("bare aggregate queries, every team (floor)", f"{floor_all:.2f} s", "1.00"),
            (f"digests, {whole_n:,} teams of {len(every)} schools", f"{whole:.2f} s", f"{whole / floor_all:.2f}"),
            ("queries per digest", f"{queries:.1f}", ""),
            ("one chart rendered (median of 5)", f"{statistics.median(chart_times) * 1000:.0f} ms ({len(png) // 1024} KiB)", ""),
            (f"per school at {len(tenth)} schools vs {len(every)}", f"{per_school_small * 1000:.0f} / {per_school_all * 1000:.0f} ms",
             f"{per_school_all / per_school_small:.2f}"),
        ]  # fmt: skip
        width = max(len(r[0]) for r in rows)
        print(f"  {'':{width}}  {'time':>22}  ratio")
        for label, value, ratio in rows:
            print(f"  {label:{width}}  {value:>22}  {ratio}")
        engine.dispose()
