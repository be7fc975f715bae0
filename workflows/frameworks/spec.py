"""A framework file read into plain data, with every problem reported at its line.

The YAML is composed into a node tree (not loaded into dicts) so each value keeps the line it was written
on: a district admin fixing a typo needs "line 42", not "somewhere in look_fors". The format is documented
at the top of `default.yml`. The limits come from where the text ends up in Slack (see the constants).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

KEY_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")
KEY_MAX = 64  # the key columns
FRAMEWORK_NAME_MAX = 150  # a header block's text
OPTION_TEXT_MAX = 75  # Slack: the text (and the description) of an option in a select or radio group
LOOK_FOR_TEXT_MAX = (
    300  # a look-for is an input block's label (Slack allows 2000); a label is read at a glance
)
FOCUS_MAX = 300  # shown as a hint under the form choice
MIN_OBSERVED_LEVELS = 2
MAX_LEVELS = 10  # Slack shows at most 10 radio buttons
# A form of 12 look-fors is a rating plus a note each and a few fixed blocks, well inside a modal's 100
# blocks, and still a visit a leader can log in under a minute.
MAX_LOOK_FORS_PER_FORM = 12

_BOOL_TAG = "tag:yaml.org,2002:bool"
_NULL_TAG = "tag:yaml.org,2002:null"
_TOP_FIELDS = ("key", "name", "rating_scale", "areas", "look_fors", "forms")


class FrameworkError(Exception):
    """A framework file that cannot be loaded, with every problem found (each naming its line)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class RatingLevel:
    """One level of the continuum. `observed=False` is "not seen on this visit": never in an average."""

    value: int
    label: str
    observed: bool = True
    description: str | None = None


@dataclass(frozen=True)
class AreaSpec:
    key: str
    name: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class LookForSpec:
    key: str
    area: str
    text: str
    retired: bool = False
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class FormSpec:
    key: str
    name: str
    focus: str
    look_fors: tuple[str, ...]
    retired: bool = False
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class FrameworkSpec:
    """A whole framework file, validated. Equal specs mean equal frameworks, wherever they were read."""

    key: str
    name: str
    rating_scale: tuple[RatingLevel, ...]
    areas: tuple[AreaSpec, ...]
    look_fors: tuple[LookForSpec, ...]
    forms: tuple[FormSpec, ...]
    source: str = field(default="", compare=False)
    line: int = field(default=1, compare=False)

    @property
    def digest(self) -> str:
        """sha256 of the content: a comment or spacing change is the same framework, not a new version."""
        content = {
            "key": self.key,
            "name": self.name,
            "rating_scale": [asdict(level) for level in self.rating_scale],
            "areas": [[a.key, a.name] for a in self.areas],
            "look_fors": [[lf.key, lf.area, lf.text, lf.retired] for lf in self.look_fors],
            "forms": [[f.key, f.name, f.focus, list(f.look_fors), f.retired] for f in self.forms],
        }
        canonical = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def parse_framework(text: str, *, source: str) -> FrameworkSpec:
    """Read a framework file. Raises FrameworkError listing every problem as "<source>, line N: ..."."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        raise FrameworkError([_syntax_problem(error, source)]) from None
    except yaml.YAMLError as error:
        raise FrameworkError([f"{source}: not valid YAML: {error}"]) from None
    if root is None:
        raise FrameworkError([f"{source}: the file is empty"])
    reader = _Reader(source)
    spec = reader.framework(root)
    if reader.problems or spec is None:
        raise FrameworkError(reader.report())
    return spec


class _Field(NamedTuple):
    key: Node
    value: Node


class _Reader:
    """Walks the node tree, collecting problems instead of stopping at the first."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[tuple[int, str]] = []

    def report(self) -> list[str]:
        ordered = sorted(self.problems, key=lambda p: p[0])
        return [f"{self.source}, line {line}: {message}" for line, message in ordered]

    def problem(self, node: Node, message: str) -> None:
        self.problems.append((_line(node), message))

    # ── the sections ───────────────────────────────────────────────────────────────────────────────

    def framework(self, root: Node) -> FrameworkSpec | None:
        fields = self.fields(root, "the framework", required=_TOP_FIELDS)
        if fields is None:
            return None
        key = self.key(fields["key"].value, "the framework's key") if "key" in fields else None
        name = (
            self.text(fields["name"].value, "the framework's name", FRAMEWORK_NAME_MAX)
            if "name" in fields
            else None
        )
        scale = self.rating_scale(fields["rating_scale"]) if "rating_scale" in fields else ()
        areas = self.areas(fields["areas"]) if "areas" in fields else {}
        look_fors = self.look_fors(fields["look_fors"], areas) if "look_fors" in fields else {}
        forms = self.forms(fields["forms"], look_fors) if "forms" in fields else ()
        if key is None or name is None:
            return None
        return FrameworkSpec(
            key=key,
            name=name,
            rating_scale=scale,
            areas=tuple(areas.values()),
            look_fors=tuple(look_fors.values()),
            forms=forms,
            source=self.source,
            line=_line(fields["key"].value),
        )

    def rating_scale(self, section: _Field) -> tuple[RatingLevel, ...]:
        levels: list[tuple[str, str | None, bool]] = []
        labels: set[str] = set()
        unobserved = 0
        for node in self.sequence(section.value, "rating_scale"):
            fields = self.fields(
                node, "a rating level", required=("label",), optional=("description", "observed")
            )
            if fields is None:
                continue
            label = (
                self.text(fields["label"].value, "a rating level's label", OPTION_TEXT_MAX)
                if "label" in fields
                else None
            )
            description = (
                self.text(fields["description"].value, f"level '{label}': description", OPTION_TEXT_MAX)
                if "description" in fields
                else None
            )
            observed = self.flag(fields["observed"].value, "observed") if "observed" in fields else True
            if label is None:
                continue
            if label.casefold() in labels:
                self.problem(fields["label"].value, f"rating scale repeats the level '{label}'")
                continue
            labels.add(label.casefold())
            if not observed:
                unobserved += 1
                if unobserved > 1:
                    self.problem(node, f"level '{label}': only one level can be marked observed: false")
            levels.append((label, description, observed))
        observed_count = sum(1 for _label, _description, observed in levels if observed)
        if observed_count < MIN_OBSERVED_LEVELS:
            besides = " besides the one marked observed: false" if unobserved else ""
            self.problem(section.key, f"rating scale needs at least {MIN_OBSERVED_LEVELS} levels{besides}")
        if len(levels) > MAX_LEVELS:
            self.problem(
                section.key,
                f"rating scale has {len(levels)} levels; the limit is {MAX_LEVELS} (Slack shows at most "
                f"{MAX_LEVELS} choices as radio buttons)",
            )
        return tuple(_numbered(levels))

    def areas(self, section: _Field) -> dict[str, AreaSpec]:
        areas: dict[str, AreaSpec] = {}
        entries = self.sequence(section.value, "areas")
        for node in entries:
            what = _what(node, "area", "an area")
            fields = self.fields(node, what, required=("key", "name"))
            if fields is None:
                continue
            key = self.key(fields["key"].value, f"{what}: key") if "key" in fields else None
            name = (
                self.text(fields["name"].value, f"{what}: name", OPTION_TEXT_MAX)
                if "name" in fields
                else None
            )
            if key is None:
                continue
            if key in areas:
                self.problem(fields["key"].value, f"duplicate area key '{key}'")
                continue
            # Kept even when its name is wrong, so its look-fors are not reported as well.
            areas[key] = AreaSpec(key=key, name=name or "", line=_line(node))
        if not entries:
            self.problem(section.key, "the framework needs at least one area")
        return areas

    def look_fors(self, section: _Field, areas: dict[str, AreaSpec]) -> dict[str, LookForSpec]:
        look_fors: dict[str, LookForSpec] = {}
        entries = self.sequence(section.value, "look_fors")
        for node in entries:
            what = _what(node, "look-for", "a look-for")
            fields = self.fields(node, what, required=("key", "area", "text"), optional=("retired",))
            if fields is None:
                continue
            key = self.key(fields["key"].value, f"{what}: key") if "key" in fields else None
            area = self.key(fields["area"].value, f"{what}: area") if "area" in fields else None
            text = (
                self.text(fields["text"].value, f"{what}: text", LOOK_FOR_TEXT_MAX)
                if "text" in fields
                else None
            )
            retired = self.flag(fields["retired"].value, "retired") if "retired" in fields else False
            if key is None:
                continue
            if key in look_fors:
                self.problem(fields["key"].value, f"duplicate look-for key '{key}'")
                continue
            if area is not None and area not in areas:
                self.problem(
                    fields["area"].value, f"{what} names unknown area '{area}'{_did_you_mean(area, areas)}"
                )
            # Kept even when a field is wrong, so the forms listing it are not reported as well.
            look_fors[key] = LookForSpec(
                key=key, area=area or "", text=text or "", retired=retired, line=_line(node)
            )
        if not entries:
            self.problem(section.key, "the framework needs at least one look-for")
        return look_fors

    def forms(self, section: _Field, look_fors: dict[str, LookForSpec]) -> tuple[FormSpec, ...]:
        forms: dict[str, FormSpec] = {}
        entries = self.sequence(section.value, "forms")
        for node in entries:
            what = _what(node, "form", "a form")
            fields = self.fields(
                node, what, required=("key", "name", "focus", "look_fors"), optional=("retired",)
            )
            if fields is None:
                continue
            key = self.key(fields["key"].value, f"{what}: key") if "key" in fields else None
            name = (
                self.text(fields["name"].value, f"{what}: name", OPTION_TEXT_MAX)
                if "name" in fields
                else None
            )
            focus = (
                self.text(fields["focus"].value, f"{what}: focus", FOCUS_MAX) if "focus" in fields else None
            )
            retired = self.flag(fields["retired"].value, "retired") if "retired" in fields else False
            listed = (
                self.form_look_fors(fields["look_fors"], what, look_fors, retired)
                if "look_fors" in fields
                else ()
            )
            if key is None:
                continue
            if key in forms:
                self.problem(fields["key"].value, f"duplicate form key '{key}'")
                continue
            forms[key] = FormSpec(
                key=key,
                name=name or "",
                focus=focus or "",
                look_fors=listed,
                retired=retired,
                line=_line(node),
            )
        if not entries:
            self.problem(section.key, "the framework needs at least one form")
        elif len(forms) == len(entries) and all(form.retired for form in forms.values()):
            self.problem(section.key, "the framework needs at least one form that is not retired")
        return tuple(forms.values())

    def form_look_fors(
        self, section: _Field, what: str, look_fors: dict[str, LookForSpec], form_retired: bool
    ) -> tuple[str, ...]:
        listed: list[str] = []
        entries = self.sequence(section.value, f"{what}: look_fors")
        for node in entries:
            key = self.key(node, f"{what}: an entry in look_fors")
            if key is None:
                continue
            if key in listed:
                self.problem(node, f"{what} lists look-for '{key}' twice")
            elif key not in look_fors:
                self.problem(node, f"{what} lists unknown look-for '{key}'{_did_you_mean(key, look_fors)}")
            elif look_fors[key].retired and not form_retired:
                self.problem(
                    node, f"{what} lists retired look-for '{key}': take it off the form or un-retire it"
                )
            else:
                listed.append(key)
        if not entries:
            self.problem(section.key, f"{what} needs at least one look-for")
        if len(entries) > MAX_LOOK_FORS_PER_FORM:
            self.problem(
                section.key,
                f"{what} has {len(entries)} look-fors; the limit is {MAX_LOOK_FORS_PER_FORM} "
                "(a visit should take under a minute to log; make a second form for another focus)",
            )
        return tuple(listed)

    # ── the building blocks ────────────────────────────────────────────────────────────────────────

    def fields(
        self, node: Node, what: str, *, required: Iterable[str], optional: Iterable[str] = ()
    ) -> dict[str, _Field] | None:
        """A mapping's fields by name; repeated, unknown and missing fields are problems."""
        required, optional = tuple(required), tuple(optional)
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} should be a set of fields ({', '.join(required)})")
            return None
        found: dict[str, _Field] = {}
        known = (*required, *optional)
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, ScalarNode) else None
            if name is None:
                self.problem(key_node, f"{what} has a field name that is not plain text")
            elif name in found:
                self.problem(key_node, f"{what} repeats the field '{name}'")
            elif name not in known:
                self.problem(key_node, f"{what} has unknown field '{name}'{_did_you_mean(name, known)}")
            else:
                found[name] = _Field(key_node, value_node)
        for name in required:
            if name not in found:
                self.problem(node, f"{what} is missing '{name}'")
        return found

    def sequence(self, node: Node, what: str) -> list[Node]:
        if isinstance(node, SequenceNode):
            return list(node.value)
        if isinstance(node, ScalarNode) and node.tag == _NULL_TAG:
            return []
        self.problem(node, f"{what} should be a list (one '- ' entry per line)")
        return []

    def text(self, node: Node, what: str, limit: int) -> str | None:
        """Plain text, with runs of spaces and line breaks folded into one space (labels are one line)."""
        if not isinstance(node, ScalarNode):
            self.problem(
                node,
                f"{what} should be text, not a {'list' if isinstance(node, SequenceNode) else 'mapping'}",
            )
            return None
        value = " ".join(node.value.split()) if node.tag != _NULL_TAG else ""
        if not value:
            self.problem(node, f"{what} is empty")
            return None
        if len(value) > limit:
            self.problem(node, f"{what} is {len(value)} characters; the limit is {limit}")
            return None
        return value

    def key(self, node: Node, what: str) -> str | None:
        """A stable identifier: lowercase letters, digits, '-' and '_' (it ends up in Slack block ids)."""
        value = self.text(node, what, KEY_MAX)
        if value is None:
            return None
        if not KEY_PATTERN.fullmatch(value):
            self.problem(
                node, f"{what} '{value}' is not a valid key (lowercase letters, digits, '-' and '_')"
            )
            return None
        return value

    def flag(self, node: Node, name: str) -> bool:
        if isinstance(node, ScalarNode) and node.tag == _BOOL_TAG:
            return bool(yaml.constructor.SafeConstructor.bool_values[node.value.lower()])
        shown = node.value if isinstance(node, ScalarNode) else "a list or mapping"
        self.problem(node, f"{name} should be true or false, not '{shown}'")
        return False


def _numbered(levels: list[tuple[str, str | None, bool]]) -> Iterable[RatingLevel]:
    """Observed levels count 1, 2, 3… lowest first; "not observed" is 0 and sits outside the count."""
    value = 0
    for label, description, observed in levels:
        if observed:
            value += 1
        yield RatingLevel(
            value=value if observed else 0, label=label, observed=observed, description=description
        )


def _syntax_problem(error: yaml.MarkedYAMLError, source: str) -> str:
    """The line YAML stumbled on, and where the construct it was reading began (an unclosed quote...)."""
    mark = error.problem_mark or error.context_mark
    where = f"{source}, line {mark.line + 1}" if mark else source
    message = error.problem or error.context or "unreadable"
    context = error.context_mark
    if error.context and context is not None and mark is not None and context.line != mark.line:
        message += f" ({error.context} that starts on line {context.line + 1})"
    return f"{where}: not valid YAML: {message}"


def _what(node: Node, kind: str, unnamed: str) -> str:
    """How an entry is named in problems: by its key when it has a usable one."""
    if not isinstance(node, MappingNode):
        return unnamed
    keys = [v.value for k, v in node.value if k.value == "key" and isinstance(v, ScalarNode)]
    if keys and KEY_PATTERN.fullmatch(keys[0]) and len(keys[0]) <= KEY_MAX:
        return f"{kind} '{keys[0]}'"
    return unnamed


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""
