"""Riverbend Unified (demo): the made-up district that `rounds demo` imports.

Every name, email, room and date here is invented, so the demo can show all of Rounds without touching
real people's data. The generator is deterministic: one seed always gives byte-identical files, which keeps
demo transcripts and tests stable. It writes a OneRoster 1.2 CSV bulk bundle (the files a student
information system would export) plus Rounds' own files (bell schedules, calendar, staff roles, teams,
school time zones), and returns a `DemoDistrict` that the demo uses to register people and channels in the
fake Slack and to narrate what happens.
"""

from __future__ import annotations

import csv
import hashlib
import random
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from workflows.roster.snapshot import BellPeriodRecord, CalendarDayRecord, Role

DISTRICT_SOURCED_ID = "org-riverbend"
DISTRICT_NAME = "Riverbend Unified (demo)"
EMAIL_DOMAIN = "riverbend.example"  # .example is reserved: no mail can ever reach a real person
FIRST_DAY = date(2026, 8, 12)
LAST_DAY = date(2027, 5, 28)
SCHOOL_YEAR = "2027"  # OneRoster names a school year by the calendar year it ends in
YEAR_ID = "as-2027"
TERM_IDS = ("as-2027-s1", "as-2027-s2")
FIRST_STAFF_NUMBER = 1001

# Exact headers, in order: the OneRoster 1.2 CSV binding for the standard files, Rounds' own for the rest.
HEADERS: dict[str, tuple[str, ...]] = {
    "manifest.csv": ("propertyName", "value"),
    "orgs.csv": ("sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"),
    "users.csv": (
        "sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName",
        "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades",
        "password", "userMasterIdentifier", "resourceSourcedIds", "preferredGivenName", "preferredMiddleName",
        "preferredFamilyName", "primaryOrgSourcedId", "pronouns",
    ),
    "roles.csv": (
        "sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate", "endDate",
        "orgSourcedId", "userProfileSourcedId",
    ),
    "academicSessions.csv": (
        "sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "parentSourcedId",
        "schoolYear",
    ),
    "courses.csv": (
        "sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades",
        "orgSourcedId", "subjects", "subjectCodes",
    ),
    "classes.csv": (
        "sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode",
        "classType", "location", "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods",
    ),
    "enrollments.csv": (
        "sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId", "role",
        "primary", "beginDate", "endDate",
    ),
    "demographics.csv": (
        "sourcedId", "status", "dateLastModified", "birthDate", "sex", "americanIndianOrAlaskaNative", "asian",
        "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander", "white",
        "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity", "countryOfBirthCode",
        "stateOfBirthAbbreviation", "cityOfBirth", "publicSchoolResidenceStatus",
    ),
    "bell_schedules.csv": ("schoolSourcedId", "dayType", "period", "startTime", "endTime"),
    "calendar.csv": ("schoolSourcedId", "date", "dayType"),
    "staff_roles.csv": ("userSourcedId", "schoolSourcedId", "role"),
    "teams.csv": ("sourcedId", "schoolSourcedId", "name", "slackChannel", "userSourcedIds"),
    "schools.csv": ("schoolSourcedId", "timezone"),
}  # fmt: skip

# Every file the 1.2 manifest names, in the binding's order; the ones we write are `bulk`.
_MANIFEST_FILES = (
    "academicSessions", "categories", "classes", "classResources", "courses", "courseResources",
    "demographics", "enrollments", "lineItemLearningObjectiveIds", "lineItems", "lineItemScoreScales", "orgs",
    "resources", "resultLearningObjectiveIds", "results", "resultScoreScales", "roles", "scoreScales",
    "userProfiles", "userResources", "users",
)  # fmt: skip


# --- the description the demo narrates -------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSchool:
    sourced_id: str
    name: str
    short_name: str
    timezone: str
    grades: tuple[str, ...]


@dataclass(frozen=True)
class DemoPerson:
    """A staff member as the demo knows them: who they are at which school, and who they are in Slack."""

    sourced_id: str
    given_name: str
    family_name: str
    preferred_given_name: str | None
    email: str
    title: str  # what they do, in words the narration can use: "Grade 3 teacher", "Principal"
    roles: tuple[tuple[str, Role], ...]  # (school sourcedId, role); the first school is their home school
    primary_org_sourced_id: str
    timezone: str
    slack_user_id: str
    pronouns: str

    @property
    def name(self) -> str:
        return f"{self.preferred_given_name or self.given_name} {self.family_name}"

    @property
    def username(self) -> str:
        return self.email.split("@", 1)[0]

    def has_role(self, role: Role, school_sourced_id: str | None = None) -> bool:
        return any(r == role and school_sourced_id in (None, s) for s, r in self.roles)

    def schools_for(self, role: Role) -> tuple[str, ...]:
        return tuple(school for school, r in self.roles if r == role)


@dataclass(frozen=True)
class DemoClass:
    sourced_id: str
    school_sourced_id: str
    course_sourced_id: str
    title: str
    course_title: str
    subjects: tuple[str, ...]
    grades: tuple[str, ...]
    periods: tuple[str, ...]
    room: str
    teacher_sourced_id: str


@dataclass(frozen=True)
class DemoChannel:
    slack_channel_id: str
    name: str  # as Slack stores it, without the "#"

    @property
    def hashtag(self) -> str:
        return f"#{self.name}"


@dataclass(frozen=True)
class DemoTeam:
    """A grade-level or subject team; its digest goes to its channel."""

    sourced_id: str
    school_sourced_id: str
    name: str
    channel: DemoChannel
    member_sourced_ids: tuple[str, ...]


@dataclass(frozen=True)
class DemoDistrict:
    """What `write_demo_district` wrote, in the demo's words. Students appear only as ids and a count."""

    folder: Path
    seed: int
    sourced_id: str
    name: str
    schools: tuple[DemoSchool, ...]
    people: tuple[DemoPerson, ...]
    classes: tuple[DemoClass, ...]
    teams: tuple[DemoTeam, ...]
    community_channel: DemoChannel  # instructional partners across schools, for lateral support
    bell_periods: tuple[BellPeriodRecord, ...]
    calendar_days: tuple[CalendarDayRecord, ...]
    student_sourced_ids: tuple[str, ...]
    first_day: date
    last_day: date

    def school(self, sourced_id: str) -> DemoSchool:
        return next(s for s in self.schools if s.sourced_id == sourced_id)

    def person(self, sourced_id: str) -> DemoPerson:
        return next(p for p in self.people if p.sourced_id == sourced_id)

    @property
    def leaders(self) -> list[DemoPerson]:
        return demo_people_by_role(self, Role.LEADER)

    @property
    def coaches(self) -> list[DemoPerson]:
        return demo_people_by_role(self, Role.COACH)

    @property
    def teachers(self) -> list[DemoPerson]:
        return demo_people_by_role(self, Role.TEACHER)

    @property
    def admins(self) -> list[DemoPerson]:
        return demo_people_by_role(self, Role.ADMIN)

    @property
    def channels(self) -> tuple[DemoChannel, ...]:
        """Every channel the fake Slack needs: each team's, then the coach community."""
        return (*(team.channel for team in self.teams), self.community_channel)

    def classes_of(self, teacher_sourced_id: str) -> list[DemoClass]:
        return [c for c in self.classes if c.teacher_sourced_id == teacher_sourced_id]

    def teams_at(self, school_sourced_id: str) -> list[DemoTeam]:
        return [t for t in self.teams if t.school_sourced_id == school_sourced_id]

    def periods(self, school_sourced_id: str, day_type: str = "regular") -> list[BellPeriodRecord]:
        return [
            p
            for p in self.bell_periods
            if p.school_sourced_id == school_sourced_id and p.day_type == day_type
        ]


def demo_people_by_role(
    district: DemoDistrict, role: Role, school_sourced_id: str | None = None
) -> list[DemoPerson]:
    """Everyone with `role` (at `school_sourced_id`, if given), in sourcedId order, for the narration."""
    return [p for p in district.people if p.has_role(role, school_sourced_id)]


# --- the district's shape: fixed, so every seed gives the same schools, schedules and teams --------------

ELEMENTARY = DemoSchool("org-cedar-hollow", "Cedar Hollow Elementary (demo)", "Cedar Hollow", "America/Chicago",
                        ("KG", "01", "02", "03", "04", "05"))  # fmt: skip
SECONDARY = DemoSchool("org-summit-ridge", "Summit Ridge Middle School (demo)", "Summit Ridge", "America/Denver",
                       ("06", "07", "08"))  # fmt: skip
_SCHOOL_CODES = {ELEMENTARY.sourced_id: "ch", SECONDARY.sourced_id: "sr"}

ELA, MATH, SCIENCE, SOCIAL = "English Language Arts", "Mathematics", "Science", "Social Studies"

# Elementary: three self-contained homerooms per grade; each grade goes to specials in its own period,
# which is its teachers' planning time. Each grade uses three of the four specials, so every specials
# teacher keeps at least one period for planning.
_ES_SPECIALS = (
    ("Art", ("Art",), "Art Room"),
    ("Music", ("Music",), "Music Room"),
    ("Physical Education", ("Physical Education",), "Gym"),
    ("STEM", ("Science", "Technology"), "STEM Lab"),
)
_ES_SECTIONS = "ABC"

# Secondary courses: key -> (title, code, subjects, grades).
_MS_COURSES: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "math6": ("Math 6", "MATH6", (MATH,), ("06",)),
    "math7": ("Math 7", "MATH7", (MATH,), ("07",)),
    "math8": ("Math 8", "MATH8", (MATH,), ("08",)),
    "alg1": ("Algebra I", "ALG1", (MATH,), ("08",)),
    "ela6": ("ELA 6", "ELA6", (ELA,), ("06",)),
    "ela7": ("ELA 7", "ELA7", (ELA,), ("07",)),
    "ela8": ("ELA 8", "ELA8", (ELA,), ("08",)),
    "read": ("Reading Intervention", "READ", (ELA,), ("06", "07", "08")),
    "sci6": ("Science 6", "SCI6", (SCIENCE,), ("06",)),
    "sci7": ("Science 7", "SCI7", (SCIENCE,), ("07",)),
    "sci8": ("Science 8", "SCI8", (SCIENCE,), ("08",)),
    "stem": ("STEM Lab", "STEM", (SCIENCE, "Technology"), ("06", "07", "08")),
    "ss6": ("World Geography", "SS6", (SOCIAL,), ("06",)),
    "ss7": ("World History", "SS7", (SOCIAL,), ("07",)),
    "ss8": ("U.S. History", "SS8", (SOCIAL,), ("08",)),
    "art": ("Visual Art", "ART", ("Art",), ("06", "07", "08")),
    "band": ("Band", "BAND", ("Music",), ("06", "07", "08")),
    "choir": ("Choir", "CHOIR", ("Music",), ("06", "07", "08")),
}


@dataclass(frozen=True)
class _Department:
    key: str
    team_name: str
    common_planning: str  # the department's shared planning period, for its team meetings
    teachers: tuple[tuple[tuple[str, ...], str, str | None, bool], ...]  # (courses, room, grade team, double)


# A `double` teacher's first course meets in two consecutive periods (a lab or an intervention block).
_MS_DEPARTMENTS = (
    _Department("math", "Math Department", "2", (
        (("math6",), "Room 201", "06", False), (("math7",), "Room 202", "07", False),
        (("math8",), "Room 203", "08", False), (("alg1", "math8"), "Room 204", "08", False),
    )),
    _Department("ela", "ELA Department", "3", (
        (("ela6",), "Room 211", "06", False), (("ela7",), "Room 212", "07", False),
        (("ela8",), "Room 213", "08", False), (("read", "ela6"), "Room 214", "06", True),
    )),
    _Department("science", "Science Department", "5", (
        (("sci6",), "Lab 301", "06", False), (("sci7",), "Lab 302", "07", False),
        (("sci8",), "Lab 303", "08", False), (("stem",), "STEM Lab", None, True),
    )),
    _Department("social-studies", "Social Studies Department", "6", (
        (("ss6",), "Room 221", "06", False), (("ss7",), "Room 222", "07", False),
        (("ss8",), "Room 223", "08", False),
    )),
    _Department("arts", "Arts Department", "4", (
        (("art",), "Art Studio", None, False), (("band",), "Band Room", None, False),
        (("choir",), "Choir Room", None, False),
    )),
)  # fmt: skip

# (title, roles as (school, role), primary org). Leaders, coaches and the district admin.
_NON_TEACHERS: tuple[tuple[str, tuple[tuple[str, Role], ...], str], ...] = (
    ("Principal", ((ELEMENTARY.sourced_id, Role.LEADER),), ELEMENTARY.sourced_id),
    ("Assistant principal", ((ELEMENTARY.sourced_id, Role.LEADER),), ELEMENTARY.sourced_id),
    ("Principal", ((SECONDARY.sourced_id, Role.LEADER),), SECONDARY.sourced_id),
    ("Assistant principal", ((SECONDARY.sourced_id, Role.LEADER),), SECONDARY.sourced_id),
    ("Instructional leader", ((SECONDARY.sourced_id, Role.LEADER), (ELEMENTARY.sourced_id, Role.LEADER)),
     SECONDARY.sourced_id),
    ("Instructional partner (literacy)", ((ELEMENTARY.sourced_id, Role.COACH),), ELEMENTARY.sourced_id),
    ("Instructional partner (science)", ((SECONDARY.sourced_id, Role.COACH),), SECONDARY.sourced_id),
    ("Instructional partner (math)", ((ELEMENTARY.sourced_id, Role.COACH), (SECONDARY.sourced_id, Role.COACH)),
     ELEMENTARY.sourced_id),
    ("District data coordinator", ((ELEMENTARY.sourced_id, Role.ADMIN), (SECONDARY.sourced_id, Role.ADMIN)),
     DISTRICT_SOURCED_ID),
)  # fmt: skip

# Days that are not regular Monday–Friday instruction. Both schools, unless a school is named.
_HOLIDAYS = (
    ("2026-09-07", 1),  # Labor Day
    ("2026-11-25", 3),  # Thanksgiving break, Wednesday to Friday
    ("2026-12-21", 5),  # winter break
    ("2026-12-28", 5),
    ("2027-01-18", 1),  # Martin Luther King Jr. Day
    ("2027-03-15", 5),  # spring break
)
_EARLY_DAYS = ("2026-09-16", "2026-10-21", "2026-11-24", "2026-12-18", "2027-02-17", "2027-05-28")
# Parent-teacher conferences: early release at Cedar Hollow only, so the two calendars differ.
_ES_CONFERENCE_DAYS = ("2026-10-22", "2026-10-23")


@dataclass(frozen=True)
class _Bells:
    """One day type's bell schedule, as a school would describe it."""

    first_bell: str
    minutes: int
    passing: int
    count: int
    lunch_after: str | None = None
    lunch_minutes: int = 0

    @property
    def period_names(self) -> list[str]:
        return [str(n) for n in range(1, self.count + 1)]


# Early release keeps every period, only shorter, so a planned visit still has its slot.
_BELLS = {
    (ELEMENTARY.sourced_id, "regular"): _Bells("08:00", 55, 5, 6, lunch_after="4", lunch_minutes=45),
    (ELEMENTARY.sourced_id, "early"): _Bells("08:00", 35, 5, 6),
    (SECONDARY.sourced_id, "regular"): _Bells("07:45", 50, 5, 7, lunch_after="4", lunch_minutes=35),
    (SECONDARY.sourced_id, "early"): _Bells("07:45", 30, 5, 7),
}

# Invented names. More than the staff needs, and more non-ASCII family names than are ever left over, so every
# seed exercises UTF-8. No two given names fold to the same ASCII, so emails stay distinct.
_GIVEN_NAMES = (
    "Zoë", "Amara", "Benedikt", "Carmen", "Dario", "Elif", "Farah", "Gideon", "Hana", "Iker", "Jolene",
    "Kwame", "Lucía", "Mateo", "Noor", "Oksana", "Priya", "Quentin", "Rosalind", "Soren", "Talia", "Umar",
    "Valeria", "Wendell", "Ximena", "Yusuf", "Zara", "Anneliese", "Bashir", "Céline", "Desmond", "Esperanza",
    "Fintan", "Greta", "Hollis", "Ingrid", "Jasper", "Keiko", "Leopold", "Marisol", "Nikolai", "Odette",
    "Pablo", "Rhiannon", "Sanjay", "Thea", "Ulrich", "Vivian", "Wiremu", "Yara", "Anouk", "Bram", "Cosima",
    "Declan", "Elodie", "Florian",
)  # fmt: skip
_FAMILY_NAMES = (
    "Nguyễn", "Abernathy", "Bellweather", "Castellanos", "Dunmore", "Åkesson", "Fairbanks", "Galloway",
    "Hadley", "Ibarra", "Jablonski", "Kettering", "Lindqvist", "Marchetti", "Nakamura", "Okonkwo",
    "Pemberton", "Quintero", "Rasmussen", "Sandoval", "Thorne", "Underhill", "Vasquez", "Whitcombe",
    "Yılmaz", "Żeleński", "Ashdown", "Brightwater", "Calloway", "Delacroix", "Everly", "Fenwick",
    "Grünewald", "Holloway", "Iwasaki", "Jiménez", "Kowalczyk", "Lockhart", "Muñoz", "Northcott",
    "O'Shaughnessy", "Pérez-Whitlock", "Ravensworth", "Søndergaard", "Tremaine", "Valdés", "Westbrook",
    "Ashby", "Bramwell", "Corrigan", "Dalgleish", "Ellison", "Fairweather", "Grayson", "Hartigan", "Ingleby",
)  # fmt: skip
_PREFERRED = {"Rosalind": "Roz", "Nikolai": "Nik", "Anneliese": "Anna", "Esperanza": "Espi"}
_PRONOUNS = ("she/her", "he/him", "they/them", "", "")
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l", "ı": "i"})


def write_demo_district(folder: Path, *, seed: int = 7) -> DemoDistrict:
    """Write the demo bundle into `folder` (created if needed) and describe what was written."""
    rng = random.Random(seed)
    specs = _teacher_specs()
    people = _people(specs, rng, seed)
    classes = _classes([spec for spec, _ in specs], rng)
    students = _students(classes, rng)
    district = DemoDistrict(
        folder=folder,
        seed=seed,
        sourced_id=DISTRICT_SOURCED_ID,
        name=DISTRICT_NAME,
        schools=(ELEMENTARY, SECONDARY),
        people=people,
        classes=classes,
        teams=_teams([spec for spec, _ in specs], seed),
        community_channel=DemoChannel(
            _slack_id("C", seed, "instructional-partners"), "instructional-partners"
        ),
        bell_periods=_bell_periods(),
        calendar_days=_calendar_days(),
        student_sourced_ids=tuple(s.sourced_id for s in students),
        first_day=FIRST_DAY,
        last_day=LAST_DAY,
    )
    _check_unique(p.slack_user_id for p in people)
    _check_unique(c.slack_channel_id for c in district.channels)
    _write_bundle(folder, district, students)
    return district


# --- people ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _TeacherSpec:
    """How one teacher's day is built; turned into classes by `_classes`."""

    sourced_id: str
    school_sourced_id: str
    kind: str  # "homeroom", "special" or "secondary"
    grade: str | None  # homeroom grade, or the secondary grade team they belong to
    section: str = ""
    special: int = -1  # index into _ES_SPECIALS
    department: _Department | None = None
    courses: tuple[str, ...] = ()
    room: str = ""
    double: bool = False


def _staff_id(index: int) -> str:
    """Staff sourcedIds: leaders, coaches and the admin first, then teachers, elementary first."""
    return f"stf-{FIRST_STAFF_NUMBER + index}"


def _teacher_specs() -> list[tuple[_TeacherSpec, str]]:
    """Every teacher's shape and their title, elementary first."""
    specs: list[tuple[_TeacherSpec, str]] = []

    def add(spec: _TeacherSpec, title: str) -> None:
        specs.append((spec, title))

    def next_id() -> str:
        return _staff_id(len(_NON_TEACHERS) + len(specs))

    for grade in ELEMENTARY.grades:
        for section in _ES_SECTIONS:
            add(_TeacherSpec(next_id(), ELEMENTARY.sourced_id, "homeroom", grade, section=section),
                f"{_grade_words(grade)} teacher")  # fmt: skip
    for index, (subject, _, room) in enumerate(_ES_SPECIALS):
        add(_TeacherSpec(next_id(), ELEMENTARY.sourced_id, "special", None, special=index, room=room),
            f"{subject} teacher")  # fmt: skip
    for department in _MS_DEPARTMENTS:
        for courses, room, grade, double in department.teachers:
            add(_TeacherSpec(next_id(), SECONDARY.sourced_id, "secondary", grade, department=department,
                             courses=courses, room=room, double=double),
                f"{_MS_COURSES[courses[0]][0]} teacher")  # fmt: skip
    return specs


def _people(
    teacher_specs: Sequence[tuple[_TeacherSpec, str]], rng: random.Random, seed: int
) -> tuple[DemoPerson, ...]:
    """Names are dealt from shuffled pools; the seed decides who is called what."""
    rows = [*_NON_TEACHERS] + [
        (title, ((spec.school_sourced_id, Role.TEACHER),), spec.school_sourced_id)
        for spec, title in teacher_specs
    ]
    given = list(_GIVEN_NAMES)
    family = list(_FAMILY_NAMES)
    rng.shuffle(given)
    rng.shuffle(family)
    people: list[DemoPerson] = []
    emails: set[str] = set()
    for index, ((title, roles, org), given_name, family_name) in enumerate(
        zip(rows, given[: len(rows)], family[: len(rows)], strict=True)
    ):
        sourced_id = _staff_id(index)
        email = _email(given_name, family_name, emails)
        timezone = ELEMENTARY.timezone if org == DISTRICT_SOURCED_ID else _school(org).timezone
        people.append(
            DemoPerson(
                sourced_id=sourced_id,
                given_name=given_name,
                family_name=family_name,
                preferred_given_name=_PREFERRED.get(given_name),
                email=email,
                title=title,
                roles=roles,
                primary_org_sourced_id=org,
                timezone=timezone,
                slack_user_id=_slack_id("U", seed, sourced_id),
                pronouns=rng.choice(_PRONOUNS),
            )
        )
    return tuple(people)


def _email(given: str, family: str, taken: set[str]) -> str:
    local = f"{_ascii(given)}.{_ascii(family)}"
    candidate, n = local, 1
    while candidate in taken:
        n += 1
        candidate = f"{local}{n}"
    taken.add(candidate)
    return f"{candidate}@{EMAIL_DOMAIN}"


def _ascii(name: str) -> str:
    """A name as it appears in an email address: Nguyễn -> nguyen, O'Shaughnessy -> oshaughnessy."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_FOLD))
    return "".join(ch for ch in decomposed.lower() if ch.isascii() and (ch.isalnum() or ch == "-"))


def _slack_id(prefix: str, seed: int, key: str) -> str:
    """A Slack-shaped id ("U0…", "C0…") that depends only on the seed and what it names."""
    number = int.from_bytes(hashlib.sha256(f"{seed}:{key}".encode()).digest()[:8], "big")
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    chars = []
    for _ in range(8):
        number, digit = divmod(number, len(alphabet))
        chars.append(alphabet[digit])
    return f"{prefix}0{''.join(chars)}"


def _check_unique(values: Iterable[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"demo district: {value} generated twice; try another seed")
        seen.add(value)


# --- classes ---------------------------------------------------------------------------------------------


def _classes(specs: Sequence[_TeacherSpec], rng: random.Random) -> tuple[DemoClass, ...]:
    classes: list[DemoClass] = []
    for spec in specs:
        if spec.kind == "homeroom":
            classes.extend(_homeroom_classes(spec))
        elif spec.kind == "special":
            classes.extend(_specials_classes(spec))
        else:
            classes.extend(_secondary_classes(spec, rng))
    return tuple(
        replace(cls, sourced_id=f"cls-{_SCHOOL_CODES[cls.school_sourced_id]}-{number:03d}")
        for number, cls in enumerate(classes, start=1)
    )


def _es_periods() -> list[str]:
    return _BELLS[(ELEMENTARY.sourced_id, "regular")].period_names


def _specials_period(grade: str) -> str:
    """Each grade has its own specials period: kindergarten first thing, grade 5 last."""
    return _es_periods()[ELEMENTARY.grades.index(grade)]


def _specials_for(grade: str) -> list[int]:
    """The three specials a grade's homerooms go to; a different one sits out each period."""
    index = ELEMENTARY.grades.index(grade)
    return [s for s in range(len(_ES_SPECIALS)) if s != index % len(_ES_SPECIALS)]


def _homeroom_classes(spec: _TeacherSpec) -> list[DemoClass]:
    assert spec.grade is not None
    grade = spec.grade
    homeroom = f"{'K' if grade == 'KG' else int(grade)}{spec.section}"
    room = f"Room {101 + 3 * ELEMENTARY.grades.index(grade) + _ES_SECTIONS.index(spec.section)}"
    periods = [p for p in _es_periods() if p != _specials_period(grade)]
    blocks = (
        ("Literacy", "lit", (ELA,), periods[0:2]),
        ("Math", "math", (MATH,), periods[2:4]),
        ("Science & Social Studies", "scisoc", (SCIENCE, SOCIAL), periods[4:]),
    )
    return [
        DemoClass(
            sourced_id="",
            school_sourced_id=ELEMENTARY.sourced_id,
            course_sourced_id=f"crs-ch-{grade.lower()}-{key}",
            title=f"{_grade_words(grade)} {title} ({homeroom})",
            course_title=f"{_grade_words(grade)} {title}",
            subjects=subjects,
            grades=(grade,),
            periods=tuple(block),
            room=room,
            teacher_sourced_id=spec.sourced_id,
        )
        for title, key, subjects, block in blocks
    ]


def _specials_classes(spec: _TeacherSpec) -> list[DemoClass]:
    subject, subjects, room = _ES_SPECIALS[spec.special]
    return [
        DemoClass(
            sourced_id="",
            school_sourced_id=ELEMENTARY.sourced_id,
            course_sourced_id=f"crs-ch-{_ascii(subject.replace(' ', '-'))}",
            title=f"{subject} ({_grade_words(grade)})",
            course_title=f"Elementary {subject}",
            subjects=subjects,
            grades=(grade,),
            periods=(_specials_period(grade),),
            room=room,
            teacher_sourced_id=spec.sourced_id,
        )
        for grade in ELEMENTARY.grades
        if spec.special in _specials_for(grade)
    ]


def _secondary_classes(spec: _TeacherSpec, rng: random.Random) -> list[DemoClass]:
    """Six periods less the department's planning period; about half the teachers get a second one."""
    assert spec.department is not None
    bells = _BELLS[(SECONDARY.sourced_id, "regular")]
    teaching = [p for p in bells.period_names if p != spec.department.common_planning]
    blocks: list[tuple[str, list[str]]] = []
    if spec.double:
        first = next(p for p in teaching if str(int(p) + 1) in teaching and p != bells.lunch_after)
        pair = [first, str(int(first) + 1)]
        blocks.append((spec.courses[0], pair))
        teaching = [p for p in teaching if p not in pair]
    if rng.random() < 0.5:
        teaching.remove(rng.choice(teaching))
    for index, period in enumerate(teaching):
        blocks.append((spec.courses[index % len(spec.courses)], [period]))
    blocks.sort(key=lambda block: int(block[1][0]))
    classes = []
    for course, periods in blocks:
        title, _, subjects, grades = _MS_COURSES[course]
        label = "-".join(periods)
        classes.append(
            DemoClass(
                sourced_id="",
                school_sourced_id=SECONDARY.sourced_id,
                course_sourced_id=f"crs-sr-{course}",
                title=f"{title} (P{label})",
                course_title=title,
                subjects=subjects,
                grades=grades,
                periods=tuple(periods),
                room=spec.room,
                teacher_sourced_id=spec.sourced_id,
            )
        )
    return classes


# --- teams, schedules, calendar --------------------------------------------------------------------------


def _teams(specs: Sequence[_TeacherSpec], seed: int) -> tuple[DemoTeam, ...]:
    def team(school: DemoSchool, key: str, name: str, channel: str, members: Iterable[str]) -> DemoTeam:
        team_id = f"team-{_SCHOOL_CODES[school.sourced_id]}-{key}"
        return DemoTeam(team_id, school.sourced_id, name, DemoChannel(_slack_id("C", seed, team_id), channel),
                        tuple(members))  # fmt: skip

    teams = []
    for grade in ELEMENTARY.grades:
        words = _grade_words(grade)
        members = (s.sourced_id for s in specs if s.kind == "homeroom" and s.grade == grade)
        teams.append(team(ELEMENTARY, words.lower().replace(" ", "-"), f"{words} Team",
                          f"{words.lower().replace(' ', '-')}-team", members))  # fmt: skip
    specials = (s.sourced_id for s in specs if s.kind == "special")
    teams.append(team(ELEMENTARY, "specials", "Specials Team", "specials-team", specials))
    for department in _MS_DEPARTMENTS:
        members = (s.sourced_id for s in specs if s.department is department)
        teams.append(team(SECONDARY, department.key, department.team_name, f"ms-{department.key}", members))
    for grade in SECONDARY.grades:
        words = _grade_words(grade)
        members = (s.sourced_id for s in specs if s.kind == "secondary" and s.grade == grade)
        teams.append(
            team(SECONDARY, f"grade-{int(grade)}", f"{words} Team", f"grade-{int(grade)}-team", members)
        )
    return tuple(teams)


def _bell_periods() -> tuple[BellPeriodRecord, ...]:
    periods = []
    for (school, day_type), bells in _BELLS.items():
        clock = datetime.combine(FIRST_DAY, time.fromisoformat(bells.first_bell))
        for name in bells.period_names:
            end = clock + timedelta(minutes=bells.minutes)
            periods.append(BellPeriodRecord(school, day_type, name, clock.time(), end.time()))
            clock = end + timedelta(
                minutes=bells.lunch_minutes if name == bells.lunch_after else bells.passing
            )
    return tuple(periods)


def _calendar_days() -> tuple[CalendarDayRecord, ...]:
    days: list[CalendarDayRecord] = []
    for school in (ELEMENTARY, SECONDARY):
        dated: dict[date, str] = {}
        for first, weekdays in _HOLIDAYS:
            day = date.fromisoformat(first)
            for offset in range(weekdays):
                dated[day + timedelta(days=offset)] = "none"
        early = _EARLY_DAYS + (_ES_CONFERENCE_DAYS if school is ELEMENTARY else ())
        for text in early:
            dated[date.fromisoformat(text)] = "early"
        days.extend(CalendarDayRecord(school.sourced_id, day, kind) for day, kind in sorted(dated.items()))
    return tuple(days)


def _school(sourced_id: str) -> DemoSchool:
    return ELEMENTARY if sourced_id == ELEMENTARY.sourced_id else SECONDARY


def _grade_words(grade: str) -> str:
    return "Kindergarten" if grade == "KG" else f"Grade {int(grade)}"


# --- students (read past by the importer, never stored) --------------------------------------------------


@dataclass(frozen=True)
class _Student:
    sourced_id: str
    number: int
    school_sourced_id: str
    grade: str
    class_sourced_ids: tuple[str, ...]
    birth_date: date
    sex: str
    races: tuple[bool, ...]  # the five race flags, in demographics.csv order
    hispanic: bool


def _students(classes: Sequence[DemoClass], rng: random.Random) -> list[_Student]:
    """Four students per school, each in a few classes of their grade, with made-up demographics."""
    picks = ((ELEMENTARY, ("01", "03", "03", "05")), (SECONDARY, ("06", "07", "07", "08")))
    students = []
    number = 2001
    for school, grades in picks:
        for grade in grades:
            offered = [c for c in classes if c.school_sourced_id == school.sourced_id and grade in c.grades]
            taken: list[DemoClass] = []
            for cls in sorted(offered, key=lambda c: (rng.random(), c.title)):
                if not any(set(cls.periods) & set(t.periods) for t in taken):
                    taken.append(cls)
            races = [False] * 5
            races[rng.randrange(5)] = True
            age = 6 + (0 if grade == "KG" else int(grade))
            students.append(
                _Student(
                    sourced_id=f"stu-{number}",
                    number=number,
                    school_sourced_id=school.sourced_id,
                    grade=grade,
                    class_sourced_ids=tuple(sorted(c.sourced_id for c in taken[:6])),
                    birth_date=date(2026 - age, rng.randint(1, 12), rng.randint(1, 28)),
                    sex=rng.choice(("female", "male", "other", "unspecified")),
                    races=tuple(races),
                    hispanic=rng.random() < 0.3,
                )
            )
            number += 1
    return students


# --- writing the files -----------------------------------------------------------------------------------


def _write_bundle(folder: Path, district: DemoDistrict, students: Sequence[_Student]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    written = {
        "manifest.csv": _manifest_rows(),
        "orgs.csv": _org_rows(),
        "users.csv": _user_rows(district, students),
        "roles.csv": _role_rows(district, students),
        "academicSessions.csv": _session_rows(),
        "courses.csv": _course_rows(district),
        "classes.csv": _class_rows(district),
        "enrollments.csv": _enrollment_rows(district, students),
        "demographics.csv": _demographic_rows(students),
        "bell_schedules.csv": [
            [p.school_sourced_id, p.day_type, p.period, p.start.strftime("%H:%M"), p.end.strftime("%H:%M")]
            for p in district.bell_periods
        ],
        "calendar.csv": [
            [d.school_sourced_id, d.day.isoformat(), d.day_type] for d in district.calendar_days
        ],
        "staff_roles.csv": [
            [p.sourced_id, school, role.value]
            for p in district.people
            for school, role in p.roles
            if role is not Role.TEACHER
        ],
        "teams.csv": [
            [
                t.sourced_id,
                t.school_sourced_id,
                t.name,
                t.channel.slack_channel_id,
                ",".join(t.member_sourced_ids),
            ]
            for t in district.teams
        ],
        "schools.csv": [[s.sourced_id, s.timezone] for s in district.schools],
    }
    for name, rows in written.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(HEADERS[name])
            for row in rows:
                if len(row) != len(HEADERS[name]):
                    raise AssertionError(f"{name}: row {row!r} does not match the header")
                writer.writerow(row)


def _manifest_rows() -> list[list[str]]:
    ours = {name.removesuffix(".csv") for name in HEADERS}
    rows = [["manifest.version", "1.0"], ["oneroster.version", "1.2"]]
    rows += [[f"file.{name}", "bulk" if name in ours else "absent"] for name in _MANIFEST_FILES]
    rows += [["source.systemName", "Rounds demo generator"], ["source.systemCode", "rounds-demo"]]
    return rows


# In a bulk file `status` and `dateLastModified` stay blank: every row is simply the current state.
def _org_rows() -> list[list[str]]:
    return [
        [DISTRICT_SOURCED_ID, "", "", DISTRICT_NAME, "district", "RBU", ""],
        [ELEMENTARY.sourced_id, "", "", ELEMENTARY.name, "school", "CHE", DISTRICT_SOURCED_ID],
        [SECONDARY.sourced_id, "", "", SECONDARY.name, "school", "SRM", DISTRICT_SOURCED_ID],
    ]


def _user_rows(district: DemoDistrict, students: Sequence[_Student]) -> list[list[str]]:
    rows = []
    for p in district.people:
        grades = sorted({g for c in district.classes_of(p.sourced_id) for g in c.grades}, key=_grade_order)
        employee = f"E{p.sourced_id.removeprefix('stf-')}"
        rows.append([
            p.sourced_id, "", "", "true", p.username, f"{{SIS:{employee}}}", p.given_name, p.family_name, "",
            employee, p.email, "", "", "", ",".join(grades), "", employee, "", p.preferred_given_name or "", "",
            "", p.primary_org_sourced_id, p.pronouns,
        ])  # fmt: skip
    for s in students:
        on_email = s.school_sourced_id == SECONDARY.sourced_id  # secondary students have school accounts
        email = f"s{s.number}@students.{EMAIL_DOMAIN}" if on_email else ""
        rows.append([
            s.sourced_id, "", "", "true", f"s{s.number}", f"{{SIS:S{s.number}}}", "Sample",
            f"Student {s.number - 2000:02d}", "", f"S{s.number}", email, "", "", "", s.grade, "", "", "", "", "",
            "", s.school_sourced_id, "",
        ])  # fmt: skip
    return rows


def _oneroster_roles(person: DemoPerson) -> list[tuple[str, str]]:
    """(org, OneRoster role) pairs, home first.

    OneRoster has no coach: instructional partners are exported as site staff (`siteAdministrator`), not as
    `teacher`, since they hold no class and must not show up as a teacher to visit. staff_roles.csv is what
    makes them coaches, and what makes assistant principals and the instructional leader leaders.
    """
    if person.has_role(Role.ADMIN):
        return [(DISTRICT_SOURCED_ID, "districtAdministrator")]
    pairs = []
    for school, role in person.roles:
        if role is Role.TEACHER:
            pairs.append((school, "teacher"))
        else:
            pairs.append((school, "principal" if person.title == "Principal" else "siteAdministrator"))
    return list(dict.fromkeys(pairs))


def _role_rows(district: DemoDistrict, students: Sequence[_Student]) -> list[list[str]]:
    pairs = [(p.sourced_id, org, role) for p in district.people for org, role in _oneroster_roles(p)]
    pairs += [(s.sourced_id, s.school_sourced_id, "student") for s in students]
    rows, seen = [], set()
    for number, (user, org, role) in enumerate(pairs, start=1):
        role_type = "secondary" if user in seen else "primary"
        seen.add(user)
        rows.append([f"rol-{number:04d}", "", "", user, role_type, role, FIRST_DAY.isoformat(),
                     LAST_DAY.isoformat(), org, ""])  # fmt: skip
    return rows


def _session_rows() -> list[list[str]]:
    return [
        [YEAR_ID, "", "", "2026-27 School Year", "schoolYear", FIRST_DAY.isoformat(), LAST_DAY.isoformat(), "",
         SCHOOL_YEAR],
        [TERM_IDS[0], "", "", "Fall 2026", "semester", FIRST_DAY.isoformat(), "2026-12-18", YEAR_ID, SCHOOL_YEAR],
        [TERM_IDS[1], "", "", "Spring 2027", "semester", "2027-01-05", LAST_DAY.isoformat(), YEAR_ID, SCHOOL_YEAR],
    ]  # fmt: skip


def _course_rows(district: DemoDistrict) -> list[list[str]]:
    courses: dict[str, tuple[str, str, set[str], tuple[str, ...]]] = {}
    for c in district.classes:
        _, _, grades, _ = courses.setdefault(c.course_sourced_id, (c.course_title, c.school_sourced_id, set(),
                                                                   c.subjects))  # fmt: skip
        grades.update(c.grades)
    return [
        [sourced_id, "", "", YEAR_ID, title, _course_code(sourced_id),
         ",".join(sorted(grades, key=_grade_order)), school, ",".join(subjects), ""]
        for sourced_id, (title, school, grades, subjects) in courses.items()
    ]  # fmt: skip


def _class_rows(district: DemoDistrict) -> list[list[str]]:
    sections: Counter[str] = Counter()
    rows = []
    for c in district.classes:
        sections[c.course_sourced_id] += 1
        code = f"{_course_code(c.course_sourced_id)}-{sections[c.course_sourced_id]:02d}"
        rows.append([c.sourced_id, "", "", c.title, ",".join(c.grades), c.course_sourced_id, code, "scheduled",
                     c.room, c.school_sourced_id, ",".join(TERM_IDS), ",".join(c.subjects), "",
                     ",".join(c.periods)])  # fmt: skip
    return rows


def _course_code(course_sourced_id: str) -> str:
    return course_sourced_id.removeprefix("crs-").upper()


def _enrollment_rows(district: DemoDistrict, students: Sequence[_Student]) -> list[list[str]]:
    schools = {c.sourced_id: c.school_sourced_id for c in district.classes}
    pairs = [(c.sourced_id, c.teacher_sourced_id, "teacher", "true") for c in district.classes]
    pairs += [(cls, s.sourced_id, "student", "false") for s in students for cls in s.class_sourced_ids]
    return [
        [f"enr-{number:05d}", "", "", cls, schools[cls], user, role, primary, FIRST_DAY.isoformat(),
         LAST_DAY.isoformat()]
        for number, (cls, user, role, primary) in enumerate(pairs, start=1)
    ]  # fmt: skip


def _demographic_rows(students: Sequence[_Student]) -> list[list[str]]:
    def flag(value: bool) -> str:
        return "true" if value else "false"

    return [
        [s.sourced_id, "", "", s.birth_date.isoformat(), s.sex, *(flag(r) for r in s.races), "false",
         flag(s.hispanic), "US", "", "", ""]
        for s in students
    ]  # fmt: skip


def _grade_order(grade: str) -> int:
    return 0 if grade == "KG" else int(grade)
