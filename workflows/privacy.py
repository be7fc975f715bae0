"""Who may see what. Every surface (modal, options, DMs, App Home, digests, coaching) asks here.

The rules (DESIGN.md, "Privacy rules"):
- a teacher sees only their own walkthroughs, ratings and coaching notes;
- a leader sees individual data only for the schools they lead (admins count as leaders of their schools);
- coaching notes are readable by the coach who wrote them and the teacher they concern, no one else;
  leaders see only counts and needs tags, each backed by at least 3 teachers;
- a coach sees a walkthrough's evidence only where the teacher shared it with them;
- a coach's weekly reflection is its author's alone, unless they send it to their principal or share it
  with the coach community;
- a community post that names a teacher is posted only once its coach has seen where and chosen to.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, bindparam, false, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from workflows.coaching.models import WalkthroughShare
from workflows.roster.models import Person, School, StaffRole
from workflows.roster.names import fold, query_words
from workflows.roster.service import StaffProfile
from workflows.roster.snapshot import Role
from workflows.walkthroughs.models import Walkthrough
from workflows.workspaces.models import DEFAULT_WORKSPACE

LEADING_ROLES = frozenset({Role.LEADER, Role.ADMIN})
# A coaching figure shown to leaders (or in pd-needs) is backed by at least this many distinct teachers.
COACHING_MIN_TEACHERS = 3
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Viewer:
    """A person looking at Rounds, reduced to what the rules need."""

    person_id: int
    led_school_ids: frozenset[int]
    workspace: str = DEFAULT_WORKSPACE
    coached_school_ids: frozenset[int] = frozenset()

    @classmethod
    def of(cls, profile: StaffProfile) -> Viewer:
        led = {school.id for school in led_schools(profile) if school.id is not None}
        coached = {s.school.id for s in profile.schools if Role.COACH in s.roles and s.school.id is not None}
        person = profile.person
        return cls(
            person_id=person.id or 0, led_school_ids=frozenset(led), workspace=person.workspace,
            coached_school_ids=frozenset(coached),
        )  # fmt: skip

    @property
    def leads_a_school(self) -> bool:
        return bool(self.led_school_ids)

    @property
    def coaches_a_school(self) -> bool:
        return bool(self.coached_school_ids)


def led_schools(profile: StaffProfile) -> list[School]:
    """The schools a person leads, from their roster profile: a leader's or an admin's role there."""
    return [s.school for s in profile.schools if s.roles & LEADING_ROLES]


@dataclass(frozen=True)
class TeacherAtSchool:
    """A teacher as a leader may pick them: at one school that leader leads."""

    teacher_id: int
    school_id: int
    name: str
    school_name: str
    slack_user_id: str | None


def can_log_walkthroughs(viewer: Viewer) -> bool:
    """Leaders and admins log walkthroughs; teachers and coaches do not."""
    return viewer.leads_a_school


def can_see_walkthrough(viewer: Viewer, walkthrough: Walkthrough) -> bool:
    return walkthrough.teacher_id == viewer.person_id or walkthrough.school_id in viewer.led_school_ids


def walkthrough_visibility(viewer: Viewer) -> ColumnElement[bool]:
    """The SQL form of `can_see_walkthrough`, for queries over many walkthroughs."""
    led = sorted(viewer.led_school_ids)
    return or_(
        col(Walkthrough.teacher_id) == viewer.person_id,
        col(Walkthrough.school_id).in_(led) if led else false(),
    )


def visible_walkthroughs(viewer: Viewer) -> SelectOfScalar[Walkthrough]:
    """Every walkthrough the viewer may see; callers narrow it further, never widen it."""
    return select(Walkthrough).where(walkthrough_visibility(viewer))


def can_respond_as_teacher(viewer: Viewer, walkthrough: Walkthrough) -> bool:
    """Thanks, reflections and "let's talk" come only from the teacher who was visited."""
    return walkthrough.teacher_id == viewer.person_id


def can_edit_walkthrough(viewer: Viewer, walkthrough: Walkthrough) -> bool:
    """Only the observer who wrote the evidence changes it, and only while they lead that school."""
    return walkthrough.observer_id == viewer.person_id and walkthrough.school_id in viewer.led_school_ids


def can_record_conversation(viewer: Viewer, walkthrough: Walkthrough) -> bool:
    """The feedback conversation is the observer's to record: they are the one who held it."""
    return walkthrough.observer_id == viewer.person_id


def can_log_paired_visit(viewer: Viewer, partner: Walkthrough) -> bool:
    """Only the leader named as second observer logs their own ratings of a paired visit."""
    return partner.second_observer_id == viewer.person_id


def can_read_coaching_note(viewer: Viewer, *, coach_id: int, teacher_id: int) -> bool:
    """Coaching is non-evaluative: the coach who wrote the note and the teacher it concerns, no one else."""
    return viewer.person_id in (coach_id, teacher_id)


def coaching_note_visibility(viewer: Viewer, *, coach_id: Any, teacher_id: Any) -> ColumnElement[bool]:
    """The SQL form of `can_read_coaching_note`, over a table's coach and teacher columns."""
    return or_(col(coach_id) == viewer.person_id, col(teacher_id) == viewer.person_id)


def can_log_coaching(viewer: Viewer) -> bool:
    """Coaches log coaching; leaders, teachers and admins do not (coaching is kept apart from evaluation)."""
    return viewer.coaches_a_school


def can_edit_coaching_note(viewer: Viewer, *, coach_id: int) -> bool:
    """A note is its author's to change: the teacher answers it, never edits it."""
    return viewer.person_id == coach_id


def can_answer_coaching_note(viewer: Viewer, *, teacher_id: int) -> bool:
    """Reflections and "let's talk again" come only from the teacher the note is about."""
    return viewer.person_id == teacher_id


def can_coach_teacher(session: Session, *, viewer: Viewer, teacher_id: int, school_id: int) -> bool:
    """A coach logs coaching for a teacher only at a school where they coach."""
    return bool(teachers_coached_by(session, viewer=viewer, teacher_id=teacher_id, school_id=school_id))


def teachers_coached_by(
    session: Session,
    *,
    viewer: Viewer,
    query: str = "",
    slack_user_id: str | None = None,
    teacher_id: int | None = None,
    school_id: int | None = None,
    limit: int = 100,
) -> list[TeacherAtSchool]:
    """The type-ahead of the coaching log: teachers at the schools the viewer coaches."""
    if not viewer.coached_school_ids:
        return []
    return teachers_visible_to(
        session, viewer=viewer, query=query, slack_user_id=slack_user_id, teacher_id=teacher_id,
        school_id=school_id, limit=limit, schools=viewer.coached_school_ids,
    )  # fmt: skip


def can_read_coach_reflection(viewer: Viewer, *, author_id: int) -> bool:
    """A weekly reflection is private to its author; sharing it sends a copy, it grants no reading."""
    return viewer.person_id == author_id


def can_see_coaching_counts(viewer: Viewer, *, school_id: int) -> bool:
    """Aggregated coaching figures (never a name, never a word of a note): the school's leaders and coaches."""
    return school_id in viewer.led_school_ids or school_id in viewer.coached_school_ids


def coaching_figure_shown(teachers: int) -> bool:
    return teachers >= COACHING_MIN_TEACHERS


def withheld_figures(cells: Mapping[K, Collection[int]], *, total_shown: bool = True) -> set[K]:
    """The figures of one breakdown to withhold, given the teachers behind each (a partition of a total).

    A figure backed by fewer than `COACHING_MIN_TEACHERS` teachers is withheld, and so are as many of the
    smallest others as it takes for what was withheld to be backed by enough teachers together, so that no
    withheld figure can be worked out from the total and the figures shown. When the whole breakdown is
    too thin, everything is withheld (and the caller withholds the total too: `coaching_figure_shown`).
    """
    hidden = {key for key, teachers in cells.items() if not coaching_figure_shown(len(set(teachers)))}
    if not hidden or not total_shown:
        return hidden
    shown = sorted((key for key in cells if key not in hidden), key=lambda k: (len(cells[k]), str(k)))
    while shown and not coaching_figure_shown(len(set().union(*(cells[k] for k in hidden)))):
        hidden.add(shown.pop(0))
    return hidden


def can_share_walkthrough_with_coach(viewer: Viewer, walkthrough: Walkthrough) -> bool:
    """Only the teacher visited lets a coach read a walkthrough, and only evidence that reached them."""
    return walkthrough.teacher_id == viewer.person_id and walkthrough.shared_at is not None


def walkthroughs_shared_with(viewer: Viewer) -> SelectOfScalar[Walkthrough]:
    """The walkthroughs teachers chose to share with the viewer as their coach, and nothing else."""
    return (
        select(Walkthrough)
        .join(WalkthroughShare, col(WalkthroughShare.walkthrough_id) == Walkthrough.id)
        .where(WalkthroughShare.coach_id == viewer.person_id, col(Walkthrough.shared_at).is_not(None))
    )


def teachers_visible_to(
    session: Session,
    *,
    viewer: Viewer,
    query: str = "",
    slack_user_id: str | None = None,
    teacher_id: int | None = None,
    school_id: int | None = None,
    limit: int = 100,
    schools: frozenset[int] | None = None,
) -> list[TeacherAtSchool]:
    """Teachers at the schools the viewer leads (or at `schools`, a set of the viewer's own, such as the
    schools they coach) whose name holds every word of `query`, anywhere in it, case and accents ignored
    ("perez" finds Pérez-Whitlock, "zelenski" Żeleński)."""
    led = sorted(viewer.led_school_ids if schools is None else schools)
    if not led:
        return []
    words = query_words(query)
    statement = _teachers_statement(
        words=len(words), by_slack=slack_user_id is not None, by_id=teacher_id is not None,
        by_school=school_id is not None,
    )  # fmt: skip
    params: dict[str, Any] = {"schools": led, "limit": limit, "workspace": viewer.workspace}
    params |= {f"word{i}": f"%{_like_escaped(word)}%" for i, word in enumerate(words)}
    params |= {"slack_user_id": slack_user_id, "teacher_id": teacher_id, "school_id": school_id}
    return [
        TeacherAtSchool(person.id or 0, school_id, person.name, school_name, person.slack_user_id)
        for person, school_id, school_name in session.execute(statement, params)
    ]


@cache
def _teachers_statement(*, words: int, by_slack: bool, by_id: bool, by_school: bool) -> Select:
    """The query of `teachers_visible_to` for one shape of question, built once (see `workflows.db`)."""
    statement = (
        sa_select(Person, School.id, School.name)  # the teacher loaded: the caller's next steps read them
        .join(StaffRole, col(StaffRole.person_id) == Person.id)
        .join(School, col(School.id) == StaffRole.school_id)
        .where(
            col(StaffRole.role) == Role.TEACHER.value,
            col(StaffRole.school_id).in_(bindparam("schools", expanding=True)),
            col(Person.active).is_(True),
        )
    )
    for i in range(words):
        statement = statement.where(col(Person.search_name).like(bindparam(f"word{i}"), escape="/"))
    if by_slack:
        statement = statement.where(
            Person.workspace == bindparam("workspace"), Person.slack_user_id == bindparam("slack_user_id")
        )
    if by_id:
        statement = statement.where(Person.id == bindparam("teacher_id"))
    if by_school:
        statement = statement.where(School.id == bindparam("school_id"))
    return statement.order_by(
        col(Person.given_name), col(Person.family_name), col(Person.id), col(School.name)
    ).limit(bindparam("limit"))


def _like_escaped(word: str) -> str:
    return word.replace("/", "//").replace("%", "/%").replace("_", "/_")


def can_observe(session: Session, *, viewer: Viewer, teacher_id: int, school_id: int) -> bool:
    """A leader may log a visit to a teacher only at a school that leader leads."""
    return bool(teachers_visible_to(session, viewer=viewer, teacher_id=teacher_id, school_id=school_id))


def led_school_ids(
    session: Session, *, person_id: int, roles: frozenset[Role] = LEADING_ROLES
) -> frozenset[int]:
    """The schools a person leads (as leader or admin): the database form of `Viewer.led_school_ids`.

    `roles` can only narrow who counts: the rotation plans visits for the `leader` role alone."""
    rows = session.exec(
        select(StaffRole.school_id).where(
            StaffRole.person_id == person_id,
            col(StaffRole.role).in_([r.value for r in roles & LEADING_ROLES]),
        )
    ).all()
    return frozenset(rows)


def leads_school(session: Session, *, person_id: int, school_id: int) -> bool:
    """Whether a person is a leader (or admin) of the school: a second observer must be."""
    return school_id in led_school_ids(session, person_id=person_id)


# ── the coach community: names stay out ─────────────────────────────────────────────────────────────
# Community posts are read across schools (and, in a Slack Connect channel, across districts) and coaching
# is confidential: before Rounds posts a coach's text that names a teacher of the district, the coach
# sees where and chooses to edit it or to post it anyway. Rounds never puts evidence, notes or
# reflections in a channel on its own: only what a coach typed, or a reflection its author chose to share.

_WORD = re.compile(r"[^\W_]+(?:['\u2019\u02bc][^\W_]+)*")
_POSSESSIVE = re.compile(r"['\u2019\u02bc][sS]$")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_TITLES = frozenset({"ms", "mr", "mrs", "mx", "dr", "miss", "mister", "coach", "teacher", "sra", "sr"})
NAME_PART_MIN = 2  # a one-letter initial alone is not taken for a name


@dataclass(frozen=True)
class NamedTeacher:
    """Where a text names a teacher: the characters [start, end) as the coach typed them."""

    start: int
    end: int
    words: str


def can_share_with_community(viewer: Viewer) -> bool:
    """The community is for instructional coaches: peers supporting peers, apart from evaluation."""
    return viewer.coaches_a_school


def teachers_named_in(session: Session, *, school_ids: Collection[int], text: str) -> list[NamedTeacher]:
    """Every place `text` names a teacher of `school_ids` (the district's schools): a given name, a family
    name (or one part of a double one), the full name, "Ms. Family", or an @-mention; case and accents
    ignored, as in the type-ahead."""
    teachers = session.exec(
        select(Person)
        .join(StaffRole, col(StaffRole.person_id) == Person.id)
        .where(col(StaffRole.school_id).in_(sorted(school_ids)), StaffRole.role == Role.TEACHER.value,
               col(Person.active).is_(True))
        .distinct()
    ).all()  # fmt: skip
    forms: set[tuple[str, ...]] = set()
    slack_ids = set()
    for person in teachers:
        given, family = _name_words(person.given_name), _name_words(person.family_name)
        forms.update({tuple(given + family), tuple(family), tuple(given[:1])})
        forms.update((part,) for part in family + given)
        if person.slack_user_id:
            slack_ids.add(person.slack_user_id)
    forms = {f for f in forms if f and all(len(w) >= NAME_PART_MIN for w in f)}
    found = [NamedTeacher(m.start(), m.end(), m.group(0)) for m in _MENTION.finditer(text) if m.group(1) in slack_ids]
    words = [_bare_word(m) for m in _WORD.finditer(text)]
    longest = max((len(f) for f in forms), default=0)
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            if tuple(w for _, _, w in words[i : i + size]) in forms:
                start = words[i - 1][0] if i > 0 and words[i - 1][2] in _TITLES else words[i][0]
                end = words[i + size - 1][1]
                found.append(NamedTeacher(start, end, text[start:end]))
                i += size - 1
                break
        i += 1
    inside_mentions = [(f.start, f.end) for f in found if f.words.startswith("<@")]
    kept = [f for f in found if f.words.startswith("<@") or not any(a <= f.start < b for a, b in inside_mentions)]
    return sorted(kept, key=lambda f: f.start)


def _bare_word(match: re.Match[str]) -> tuple[int, int, str]:
    """A typed word without its possessive ("Sousa's" is Sousa): start, end, folded."""
    word = _POSSESSIVE.sub("", match.group(0))
    return match.start(), match.start() + len(word), fold(word)


def _name_words(name: str) -> list[str]:
    return re.findall(r"[^\W_]+", fold(name))
# --------------------------------------------------------------------------- team digests
# A team digest's figure is backed by at least this many walkthroughs and distinct teachers (DESIGN.md).
DIGEST_MIN_WALKTHROUGHS = 5
DIGEST_MIN_TEACHERS = 3
# A distribution where one level holds at least this share says "most", never a share that would state
# a fact about (almost) every member of the team.
MOST_SHARE = 0.9


@dataclass(frozen=True)
class DigestFigure:
    """One figure a digest could show, as the sum of some atoms (a look-for's level in one week, say).

    `walkthroughs` and `teachers` back it (distinct counts, from SQL); `group` is the distribution it is a
    level of, `total` marks the distribution's total; `fixed` figures are already out of our hands (an
    earlier week's digest, the school's figures): they are taken as shown if they pass the thresholds,
    and can never be withheld now, only guarded against.
    """

    key: Hashable
    atoms: frozenset[Hashable]
    walkthroughs: int
    teachers: int
    group: Hashable | None = None
    total: bool = False
    fixed: bool = False


@dataclass(frozen=True)
class DigestVerdict:
    """What a digest may show: every key in `withheld` reads "not enough data yet"; a group in `worded`
    reads "most … <level key>" instead of its shares."""

    withheld: frozenset[Hashable]
    worded: Mapping[Hashable, Hashable]

    def shown(self, key: Hashable) -> bool:
        return key not in self.withheld


def can_give_form_feedback(viewer: Viewer, members: Collection[int]) -> bool:
    """Feedback on the form from a team's digest comes from the team's own members."""
    return viewer.person_id in members


def can_see_form_feedback(viewer: Viewer, *, school_id: int) -> bool:
    """Leaders see the school's feedback on the form, counted, never who said it."""
    return school_id in viewer.led_school_ids


def digest_figure_shown(walkthroughs: int, teachers: int) -> bool:
    return walkthroughs >= DIGEST_MIN_WALKTHROUGHS and teachers >= DIGEST_MIN_TEACHERS


def digest_disclosure(figures: Collection[DigestFigure]) -> DigestVerdict:
    """The one decision of what a team digest shows, so that no withheld figure can be worked out.

    1. A figure backed by fewer than 5 walkthroughs or 3 teachers is withheld (a level nobody reached
       too: "0%" states a fact about every member).
    2. A distribution where one level holds `MOST_SHARE` or more is worded "most", its shares withheld.
    3. Within each distribution, complementary suppression (`withheld_figures`, on walkthroughs and
       teachers): what was withheld together is itself backed by enough.
    4. Across distributions, weeks, windows and the school: each figure is a sum of atoms, and a withheld
       one must not be a linear combination of the figures shown (this week's minus last week's, six
       weeks minus the last, the school's minus the team's …). While one is, the smallest shown figure
       that takes part is withheld too. Fixed figures (already shown elsewhere) are never withdrawn.
    """
    by_key = {f.key: f for f in figures}
    withheld = {f.key for f in figures if not digest_figure_shown(f.walkthroughs, f.teachers)}
    worded: dict[Hashable, Hashable] = {}
    groups: dict[Hashable, list[DigestFigure]] = {}
    for f in figures:
        if f.group is not None and not f.total:
            groups.setdefault(f.group, []).append(f)
    totals = {f.group: f for f in figures if f.total and f.group is not None}
    for group, cells in groups.items():
        total = totals.get(group)
        if total is None or total.key in withheld or total.walkthroughs == 0:
            withheld.update(c.key for c in cells if not c.fixed)
            continue
        top = max(cells, key=lambda c: (c.walkthroughs, str(c.key)))
        if top.walkthroughs >= MOST_SHARE * total.walkthroughs:
            worded[group] = top.key
            withheld.update(c.key for c in cells if not c.fixed)
            continue
        thin = {c.key for c in cells if c.key in withheld}
        if thin:
            withheld |= _complement(cells, thin)
    withheld = _audit(list(figures), withheld)
    # A fixed figure stays as it was published; it is guarded against, never withdrawn.
    return DigestVerdict(
        withheld=frozenset(k for k in withheld if not by_key[k].fixed or not _passes(by_key[k])),
        worded=worded,
    )


def _passes(f: DigestFigure) -> bool:
    return digest_figure_shown(f.walkthroughs, f.teachers)


def _complement(cells: list[DigestFigure], thin: set[Hashable]) -> set[Hashable]:
    """`withheld_figures` for a distribution backed by walkthroughs as well as teachers.

    Walkthroughs of different levels are distinct, so theirs add up; distinct teachers may not, so the
    larger of the hidden cells' is taken (never overstating how many stand behind what was withheld)."""
    hidden = set(thin)
    shown = sorted(
        (c for c in cells if c.key not in hidden and not c.fixed), key=lambda c: (c.walkthroughs, str(c.key))
    )

    def enough() -> bool:
        inside = [c for c in cells if c.key in hidden]
        return digest_figure_shown(sum(c.walkthroughs for c in inside), max(c.teachers for c in inside))

    while shown and not enough():
        hidden.add(shown.pop(0).key)
    return hidden


def _audit(figures: list[DigestFigure], withheld: set[Hashable]) -> set[Hashable]:
    """Withhold more until no withheld figure is in the span of the shown ones (exact linear attacks)."""
    import numpy as np

    atoms = sorted({a for f in figures for a in f.atoms}, key=str)
    index = {a: i for i, a in enumerate(atoms)}
    vectors: dict[Hashable, np.ndarray] = {}
    for f in figures:
        row = np.zeros(len(atoms))
        row[[index[a] for a in f.atoms]] = 1.0
        vectors[f.key] = row

    def basis(rows: list[DigestFigure]) -> np.ndarray:
        """An orthonormal basis of what `rows` tell together (their row space)."""
        if not rows:
            return np.zeros((0, len(atoms)))
        _, sizes, vt = np.linalg.svd(np.array([vectors[f.key] for f in rows]), full_matrices=False)
        return vt[: int((sizes > 1e-9 * max(1.0, sizes[0])).sum())]

    def told(space: np.ndarray, f: DigestFigure) -> bool:
        v = vectors[f.key]
        return bool(np.linalg.norm(v - space.T @ (space @ v)) < 1e-7)

    published_space = basis([f for f in figures if f.fixed and _passes(f)])
    out_there = {f.key for f in figures if told(published_space, f)}  # already given away elsewhere
    withheld = set(withheld)
    while True:
        shown = [f for f in figures if f.key not in withheld or (f.fixed and _passes(f))]
        guarded = [
            f for f in figures
            if f.key in withheld and not (f.fixed and _passes(f)) and f.atoms and f.key not in out_there
        ]  # fmt: skip
        if not guarded:
            return withheld
        space = basis(shown)
        exposed = next((t for t in guarded if told(space, t)), None)
        if exposed is None:
            return withheld
        # Withholding what is already out there (the school's figure equals the team's) protects nothing.
        candidates = [f for f in shown if not f.fixed and f.key not in out_there]
        movable = [f for f in candidates if f.atoms & exposed.atoms] or candidates
        if not movable:
            return withheld
        withheld.add(min(movable, key=lambda f: (f.walkthroughs, str(f.key))).key)
# ── leader digests, data reviews and roadmap levels ─────────────────────────────────────────────────


def can_see_leader_digest(viewer: Viewer, *, leader_id: int) -> bool:
    """A leader's digest is their own: its coverage names teachers and its roadmap levels are theirs."""
    return viewer.person_id == leader_id and viewer.leads_a_school


def digest_school_ids(viewer: Viewer, school_ids: Collection[int]) -> frozenset[int]:
    """Of the schools a digest would show, those whose individual data the viewer may see: their own."""
    return frozenset(s for s in school_ids if s in viewer.led_school_ids)


def can_record_data_review(viewer: Viewer, *, school_id: int) -> bool:
    """A school's data review is recorded by one of its leaders (or admins), nobody else."""
    return school_id in viewer.led_school_ids


def can_see_roadmap_levels(viewer: Viewer, *, leader_id: int) -> bool:
    """A leader's roadmap levels are shown to that leader alone; a district sees only the distribution."""
    return viewer.person_id == leader_id


def roadmap_district_school_ids(profile: StaffProfile) -> frozenset[int]:
    """The schools whose leaders' roadmap distribution an admin sees (the schools they administer)."""
    return frozenset(s.school.id for s in profile.schools if Role.ADMIN in s.roles and s.school.id is not None)


def withheld_levels(cells: Mapping[K, Collection[int]]) -> tuple[set[K], K | None]:
    """A roadmap distribution (leaders at each level of one stage): the levels to withhold, and the level
    to show as "most" instead of a count.

    A level held by fewer than 3 leaders could name them, so it goes, with as many others as it takes that
    none can be worked out from the number of leaders shown (`withheld_figures`, counting leaders). A level
    holding every leader, or all but fewer than 3, would state a fact about (almost) each of them: it reads
    "most", and the others are withheld. An empty level names nobody and is shown as 0, except beside "most"
    (where it would tell where the few others are)."""
    everyone = set().union(*cells.values()) if cells else set()
    if not coaching_figure_shown(len(everyone)):
        return set(cells), None
    for key, leaders in cells.items():
        if coaching_figure_shown(len(set(leaders))) and not coaching_figure_shown(len(everyone) - len(set(leaders))):
            return set(cells) - {key}, key
    return withheld_figures({k: v for k, v in cells.items() if v}, total_shown=True), None
