"""Fixture bundles copied to a temporary folder, so each test can spoil one file and read the result."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from integrations.oneroster import read_bundle
from workflows.roster.snapshot import RosterError, RosterSnapshot

FIXTURES = Path(__file__).parents[1] / "data" / "oneroster"


@dataclass(frozen=True)
class BundleCopy:
    """A private copy of a fixture bundle."""

    path: Path

    def file(self, name: str) -> Path:
        return self.path / name

    def text(self, name: str) -> str:
        return self.file(name).read_text(encoding="utf-8")

    def write(self, name: str, text: str) -> None:
        self.file(name).write_bytes(text.encode("utf-8"))

    def edit(self, name: str, old: str, new: str) -> None:
        """Replace one exact piece of a file (failing loudly if the fixture no longer has it)."""
        text = self.text(name)
        assert text.count(old) == 1, f"{old!r} is not exactly once in {name}"
        self.write(name, text.replace(old, new))

    def append(self, name: str, line: str) -> None:
        self.write(name, self.text(name) + line + "\n")

    def snapshot(self) -> RosterSnapshot:
        return read_bundle(self.path)

    def problems(self) -> list[str]:
        with pytest.raises(RosterError) as raised:
            read_bundle(self.path)
        return [str(problem) for problem in raised.value.problems]


def copy_fixture(version: str, target: Path) -> BundleCopy:
    shutil.copytree(FIXTURES / version, target)
    return BundleCopy(target)


@pytest.fixture
def v1_1(tmp_path: Path) -> BundleCopy:
    return copy_fixture("v1_1", tmp_path / "v1_1")


@pytest.fixture
def v1_2(tmp_path: Path) -> BundleCopy:
    return copy_fixture("v1_2", tmp_path / "v1_2")
