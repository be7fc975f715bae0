"""The state shared while one bundle is read: its files, its manifest, the problems found so far."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from integrations.oneroster.problems import Problems
from integrations.oneroster.source import BundleFiles, Progress, Row, read_rows
from integrations.oneroster.values import Status, parse_datetime

BULK, DELTA, ABSENT = "bulk", "delta", "absent"
MODES = (BULK, DELTA, ABSENT)
STATUS_COLUMNS = ("status", "dateLastModified")


@dataclass
class Reading:
    """One bundle being read. `modes` holds the manifest's `file.<kind>` entries (bulk, delta or absent),
    keyed by the kind in lower case."""

    files: BundleFiles
    problems: Problems
    progress: Progress | None
    version: str = "1.1"
    modes: dict[str, str] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)

    @property
    def is_delta(self) -> bool:
        return DELTA in self.modes.values()

    def mode(self, kind: str) -> str:
        """How the bundle carries `kind`: the manifest's word for it, else bulk when the file is there."""
        mode = self.modes.get(kind.lower())
        if mode is not None:
            return mode if mode == ABSENT or self.files.has(file_name(kind)) else ABSENT
        return BULK if self.files.has(file_name(kind)) else ABSENT

    def present(self, kind: str) -> bool:
        return self.mode(kind) != ABSENT

    def complete(self, kind: str) -> bool:
        """Whether the bundle holds every `kind` record, so a reference to one it lacks is a mistake.
        A file that could not be read is not complete: its problem is told once, not once per reference."""
        return self.mode(kind) == BULK and kind not in self.unreadable

    def file(self, kind: str) -> str:
        return self.files.display_name(file_name(kind))

    def rows(
        self,
        kind: str,
        required: Sequence[str],
        optional: Sequence[str] = (),
        read_past: tuple[str, frozenset[str]] | None = None,
    ) -> Iterator[Row]:
        if not self.present(kind):
            return
        whole = yield from read_rows(
            self.files,
            file_name(kind),
            required=required,
            optional=optional,
            problems=self.problems,
            progress=self.progress,
            read_past=read_past,
        )
        if not whole:
            self.unreadable.add(kind)

    def add(self, kind: str, row: Row | int | None, column: str | None, message: str) -> None:
        number = row.number if isinstance(row, Row) else row
        self.problems.add(self.file(kind), number, column, message)

    def status(self, kind: str, row: Row) -> Status | None:
        """The row's status, checked as OneRoster asks: blank means active in bulk files, but delta files
        must say `active` or `tobedeleted` and give `dateLastModified`. None (with a problem) if unusable."""
        delta = self.mode(kind) == DELTA
        raw = row["status"].lower()
        status: Status | None
        if raw == Status.TO_BE_DELETED.value:
            status = Status.TO_BE_DELETED
        elif raw == Status.ACTIVE.value or (raw == "" and not delta):
            status = Status.ACTIVE
        elif raw == "":
            self.add(kind, row, "status", "status is required in a delta file (active or tobedeleted)")
            status = None
        else:
            self.add(kind, row, "status", f"unknown status '{row['status']}' (active or tobedeleted)")
            status = None
        modified = row["dateLastModified"]
        if modified and parse_datetime(modified) is None:
            self.add(kind, row, "dateLastModified", f"'{modified}' is not a date-time (ISO 8601)")
            return None
        if not modified and delta:
            self.add(kind, row, "dateLastModified", "dateLastModified is required in a delta file")
            return None
        return status

    def sourced_id(self, kind: str, row: Row, seen: dict[str, int], column: str = "sourcedId") -> str | None:
        """The row's sourcedId if it is filled in and new to this file; else a problem and None."""
        sourced_id = row[column]
        if not sourced_id:
            self.add(kind, row, column, f"{column} is empty")
            return None
        first = seen.get(sourced_id)
        if first is not None:
            self.add(kind, row, column, f"duplicate {column} '{sourced_id}' (first on row {first})")
            return None
        seen[sourced_id] = row.number
        return sourced_id

    def filled(self, kind: str, row: Row, column: str) -> str | None:
        value = row[column]
        if not value:
            self.add(kind, row, column, f"{column} is empty")
            return None
        return value


def file_name(kind: str) -> str:
    return f"{kind}.csv"
