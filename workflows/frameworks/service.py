"""Frameworks: load a framework file as a new version, and the queries walkthroughs and digests use.

Each load that changes anything writes a whole new version (its own areas, look-fors and forms), so a
walkthrough keeps pointing at the rows it was rated on. A look-for that leaves the file is not deleted: it
is carried into the new version as retired, off the forms but still in history.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from importlib import resources
from typing import Literal

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from workflows.frameworks.models import Form, FormLookFor, Framework, FrameworkArea, LookFor
from workflows.frameworks.spec import (
    FormSpec,
    FrameworkError,
    FrameworkSpec,
    RatingLevel,
    parse_framework,
)
from workflows.reference.cache import bump_generation
from workflows.roster.models import District

__all__ = [
    "FrameworkChanges",
    "FrameworkError",
    "FrameworkOutline",
    "FrameworkSpec",
    "LoadResult",
    "RatingLevel",
    "active_forms",
    "current_framework",
    "default_framework_text",
    "district_id_for",
    "ensure_default_framework",
    "form_look_fors",
    "framework_outline",
    "load_framework",
    "parse_framework",
    "rating_scale",
]

DEFAULT_FILE = "default.yml"


@dataclass(frozen=True)
class FrameworkChanges:
    """What a new version changed compared with the one before it, by key."""

    renamed: bool = False
    rating_scale_changed: bool = False
    areas_added: tuple[str, ...] = ()
    areas_renamed: tuple[str, ...] = ()
    look_fors_added: tuple[str, ...] = ()
    look_fors_reworded: tuple[str, ...] = ()
    look_fors_moved: tuple[str, ...] = ()
    look_fors_retired: tuple[str, ...] = ()
    look_fors_restored: tuple[str, ...] = ()
    forms_added: tuple[str, ...] = ()
    forms_changed: tuple[str, ...] = ()
    forms_retired: tuple[str, ...] = ()
    forms_restored: tuple[str, ...] = ()
    # Frameworks of the same district under another key, which stop being current.
    replaced_frameworks: tuple[str, ...] = ()


@dataclass(frozen=True)
class LoadResult:
    framework: Framework
    outcome: Literal["created", "new_version", "unchanged"]
    changes: FrameworkChanges

    @property
    def version(self) -> int:
        return self.framework.version


@dataclass(frozen=True)
class FrameworkOutline:
    """One version in full, retired entries included, in display order (for `rounds framework show`)."""

    framework: Framework
    scale: list[RatingLevel]
    areas: list[tuple[FrameworkArea, list[LookFor]]]
    forms: list[tuple[Form, list[LookFor]]]


# ── loading ──────────────────────────────────────────────────────────────────────────────────────────


def load_framework(
    session: Session, *, spec: FrameworkSpec, district_id: int | None, source_digest: str, now: datetime
) -> LoadResult:
    """Make `spec` the current framework of the district (None: shared by every district without one).

    Same digest as the current version: nothing is written. The caller owns the transaction.
    """
    versions = session.exec(
        select(Framework).where(Framework.key == spec.key).order_by(col(Framework.version).desc())
    ).all()
    if any(row.district_id != district_id for row in versions):
        raise FrameworkError(
            [
                f"{spec.source}, line {spec.line}: the key '{spec.key}' belongs to another district's "
                "framework; give this framework a key of its own"
            ]
        )
    previous = versions[0] if versions else None
    if previous is not None and previous.current and previous.source_digest == source_digest:
        return LoadResult(framework=previous, outcome="unchanged", changes=FrameworkChanges())

    replaced: list[str] = []
    for row in session.exec(select(Framework).where(Framework.current, _district_is(district_id))).all():
        row.current = False
        if row.key != spec.key:
            replaced.append(row.key)
    framework = Framework(
        district_id=district_id,
        key=spec.key,
        name=spec.name,
        version=previous.version + 1 if previous else 1,
        current=True,
        rating_scale=[asdict(level) for level in spec.rating_scale],
        source_digest=source_digest,
        loaded_at=now,
    )
    session.add(framework)
    session.flush()
    before = _Version.read(session, previous)
    _write_version(session, framework=framework, spec=spec, before=before)
    bump_generation(session)  # every process reads the current framework again
    changes = (
        _compare(before, spec, replaced=tuple(replaced))
        if previous
        else FrameworkChanges(replaced_frameworks=tuple(replaced))
    )
    return LoadResult(framework=framework, outcome="new_version" if previous else "created", changes=changes)


def ensure_default_framework(session: Session, *, now: datetime) -> Framework:
    """The framework in use; on a fresh install, the shipped starter framework (demo and first run)."""
    existing = (
        current_framework(session)
        or session.exec(
            select(Framework)
            .where(Framework.current)
            .order_by(col(Framework.loaded_at).desc(), col(Framework.id).desc())
        ).first()
    )
    if existing is not None:
        return existing
    spec = parse_framework(default_framework_text(), source=DEFAULT_FILE)
    return load_framework(session, spec=spec, district_id=None, source_digest=spec.digest, now=now).framework


def default_framework_text() -> str:
    """The starter framework shipped with Rounds, a template for a district's own file."""
    return resources.files("workflows.frameworks").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")


# ── queries ──────────────────────────────────────────────────────────────────────────────────────────


def current_framework(session: Session, *, district_id: int | None = None) -> Framework | None:
    """The district's own current framework, else the shared one (loaded without a district)."""
    for district in (district_id, None) if district_id is not None else (None,):
        row = session.exec(
            select(Framework)
            .where(Framework.current, _district_is(district))
            .order_by(col(Framework.loaded_at).desc(), col(Framework.id).desc())
        ).first()
        if row is not None:
            return row
    return None


def active_forms(session: Session, *, framework_id: int) -> list[Form]:
    """The forms a leader can choose from, in the framework's order."""
    return list(
        session.exec(
            select(Form)
            .where(Form.framework_id == framework_id, col(Form.retired).is_(False))
            .order_by(col(Form.position))
        ).all()
    )


def form_look_fors(session: Session, *, form_id: int) -> list[LookFor]:
    """The look-fors to rate on this form, in the form's order; retired ones are left off."""
    return list(
        session.exec(
            select(LookFor)
            .join(FormLookFor, col(FormLookFor.look_for_id) == LookFor.id)
            .where(FormLookFor.form_id == form_id, col(LookFor.retired).is_(False))
            .order_by(col(FormLookFor.position))
        ).all()
    )


def rating_scale(framework: Framework) -> list[RatingLevel]:
    """The continuum, lowest first; the level with observed=False never counts in an average."""
    return [
        RatingLevel(
            value=level["value"],
            label=level["label"],
            observed=level.get("observed", True),
            description=level.get("description"),
        )
        for level in framework.rating_scale
    ]


def framework_outline(session: Session, *, framework_id: int) -> FrameworkOutline:
    framework = session.get(Framework, framework_id)
    if framework is None:
        raise LookupError(f"no framework with id {framework_id}")
    version = _Version.read(session, framework)
    by_area: dict[int, list[LookFor]] = {}
    for look_for in version.look_fors.values():
        by_area.setdefault(look_for.area_id, []).append(look_for)
    by_id = {look_for.id: look_for for look_for in version.look_fors.values()}
    return FrameworkOutline(
        framework=framework,
        scale=rating_scale(framework),
        areas=[(area, by_area.get(area.id or 0, [])) for area in version.areas.values()],
        forms=[
            (form, [by_id[link] for link in version.form_links[form.key]]) for form in version.forms.values()
        ],
    )


def district_id_for(session: Session, *, sourced_id: str) -> int | None:
    """The district a framework file is loaded for, by its OneRoster sourcedId."""
    return session.exec(select(District.id).where(District.sourced_id == sourced_id)).first()


# ── one version's rows ───────────────────────────────────────────────────────────────────────────────


@dataclass
class _Version:
    """A stored version's rows by key, in position order (empty when there is no previous version)."""

    framework: Framework | None = None
    areas: dict[str, FrameworkArea] = field(default_factory=dict)
    look_fors: dict[str, LookFor] = field(default_factory=dict)
    forms: dict[str, Form] = field(default_factory=dict)
    form_links: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def read(cls, session: Session, framework: Framework | None) -> _Version:
        if framework is None:
            return cls()
        fid = framework.id
        areas = session.exec(
            select(FrameworkArea)
            .where(FrameworkArea.framework_id == fid)
            .order_by(col(FrameworkArea.position))
        ).all()
        look_fors = session.exec(
            select(LookFor).where(LookFor.framework_id == fid).order_by(col(LookFor.position))
        ).all()
        forms = session.exec(select(Form).where(Form.framework_id == fid).order_by(col(Form.position))).all()
        links: dict[int, list[int]] = {form.id or 0: [] for form in forms}
        for link in session.exec(
            select(FormLookFor)
            .where(col(FormLookFor.form_id).in_(list(links)))
            .order_by(col(FormLookFor.form_id), col(FormLookFor.position))
        ).all():
            links[link.form_id].append(link.look_for_id)
        return cls(
            framework=framework,
            areas={area.key: area for area in areas},
            look_fors={look_for.key: look_for for look_for in look_fors},
            forms={form.key: form for form in forms},
            form_links={form.key: links[form.id or 0] for form in forms},
        )

    def area_key(self, look_for: LookFor) -> str:
        return next(key for key, area in self.areas.items() if area.id == look_for.area_id)

    def look_for_keys(self, form_key: str) -> tuple[str, ...]:
        keys = {look_for.id: key for key, look_for in self.look_fors.items()}
        return tuple(keys[link] for link in self.form_links[form_key])


def _write_version(session: Session, *, framework: Framework, spec: FrameworkSpec, before: _Version) -> None:
    """The spec's rows, then whatever the previous version had that the file no longer names, as retired."""
    fid = framework.id or 0
    named = {look_for.key for look_for in spec.look_fors}
    carried = [look_for for key, look_for in before.look_fors.items() if key not in named]
    areas = {a.key: FrameworkArea(framework_id=fid, key=a.key, name=a.name, position=0) for a in spec.areas}
    for look_for in carried:
        key = before.area_key(look_for)
        if key not in areas:
            areas[key] = FrameworkArea(framework_id=fid, key=key, name=before.areas[key].name, position=0)
    for position, area in enumerate(areas.values()):
        area.position = position
    session.add_all(areas.values())
    session.flush()

    look_fors = {
        lf.key: LookFor(
            framework_id=fid,
            area_id=areas[lf.area].id or 0,
            key=lf.key,
            text=lf.text,
            position=0,
            retired=lf.retired,
        )
        for lf in spec.look_fors
    }
    for old in carried:
        look_fors[old.key] = LookFor(
            framework_id=fid,
            area_id=areas[before.area_key(old)].id or 0,
            key=old.key,
            text=old.text,
            position=0,
            retired=True,
        )
    for position, look_for in enumerate(look_fors.values()):
        look_for.position = position
    session.add_all(look_fors.values())

    forms: dict[str, tuple[Form, tuple[str, ...]]] = {
        f.key: (
            Form(framework_id=fid, key=f.key, name=f.name, focus=f.focus, position=0, retired=f.retired),
            f.look_fors,
        )
        for f in spec.forms
    }
    for key, old_form in before.forms.items():
        if key not in forms:
            retired = Form(
                framework_id=fid, key=key, name=old_form.name, focus=old_form.focus, position=0, retired=True
            )
            forms[key] = (retired, before.look_for_keys(key))
    for position, (form, _keys_on_form) in enumerate(forms.values()):
        form.position = position
    session.add_all(form for form, _ in forms.values())
    session.flush()
    session.add_all(
        FormLookFor(form_id=form.id or 0, look_for_id=look_fors[key].id or 0, position=position)
        for form, keys in forms.values()
        for position, key in enumerate(keys)
    )
    session.flush()


def _compare(before: _Version, spec: FrameworkSpec, *, replaced: tuple[str, ...]) -> FrameworkChanges:
    previous = before.framework
    assert previous is not None
    new_look_fors = {lf.key: lf for lf in spec.look_fors}
    new_forms = {f.key: f for f in spec.forms}
    old_areas = {key: area.name for key, area in before.areas.items()}

    def look_for_retired(key: str) -> bool:
        return key not in new_look_fors or new_look_fors[key].retired

    def form_retired(key: str) -> bool:
        return key not in new_forms or new_forms[key].retired

    common = [key for key in new_look_fors if key in before.look_fors]
    return FrameworkChanges(
        renamed=previous.name != spec.name,
        rating_scale_changed=previous.rating_scale != [asdict(level) for level in spec.rating_scale],
        areas_added=tuple(a.key for a in spec.areas if a.key not in old_areas),
        areas_renamed=tuple(a.key for a in spec.areas if a.key in old_areas and old_areas[a.key] != a.name),
        look_fors_added=tuple(key for key in new_look_fors if key not in before.look_fors),
        look_fors_reworded=tuple(
            key for key in common if before.look_fors[key].text != new_look_fors[key].text
        ),
        look_fors_moved=tuple(
            key for key in common if before.area_key(before.look_fors[key]) != new_look_fors[key].area
        ),
        look_fors_retired=tuple(
            key for key, old in before.look_fors.items() if not old.retired and look_for_retired(key)
        ),
        look_fors_restored=tuple(
            key for key in common if before.look_fors[key].retired and not look_for_retired(key)
        ),
        forms_added=tuple(key for key in new_forms if key not in before.forms),
        forms_changed=tuple(
            key
            for key, form in new_forms.items()
            if key in before.forms and not form.retired and _form_differs(before, form)
        ),
        forms_retired=tuple(
            key for key, old in before.forms.items() if not old.retired and form_retired(key)
        ),
        forms_restored=tuple(
            key
            for key, old in before.forms.items()
            if old.retired and key in new_forms and not form_retired(key)
        ),
        replaced_frameworks=replaced,
    )


def _form_differs(before: _Version, form: FormSpec) -> bool:
    old = before.forms[form.key]
    return (old.name, old.focus, before.look_for_keys(form.key)) != (form.name, form.focus, form.look_fors)


def _district_is(district_id: int | None) -> ColumnElement[bool]:
    column = col(Framework.district_id)
    return column.is_(None) if district_id is None else column == district_id
