"""Where a bundle's files come from (a folder or a .zip) and how one CSV file is streamed as rows.

Files are matched by name without regard to case or to the folder they sit in inside a zip, because
exports are zipped by hand as often as by a tool. Rows are streamed, never loaded whole, so a district
with 50,000 users reads in a second or two.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Generator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path, PurePosixPath
from typing import IO

from integrations.oneroster.problems import Problems

Progress = Callable[[str, int, int], None]

PROGRESS_EVERY = 1000
# No roster row comes near this; a longer one (a file with no line breaks, say) is refused while it is
# read, so the reader never holds more than about this much of it.
MAX_ROW_CHARS = 1 << 20
_UNDECODABLE = re.compile("[\udc80-\udcff]")
_CHUNK = 1 << 20


class BundleFiles(AbstractContextManager["BundleFiles"]):
    """The files of one bundle, looked up by their lower-case base name."""

    def __init__(self, path: Path, problems: Problems) -> None:
        self._zip: zipfile.ZipFile | None = None
        self._names: dict[str, str] = {}
        if path.is_dir():
            for entry in sorted(path.iterdir()):
                if entry.is_file():
                    self._names[entry.name.lower()] = str(entry)
            self._display = {key: Path(full).name for key, full in self._names.items()}
            return
        self._zip = zipfile.ZipFile(path)
        self._display = {}
        for info in self._zip.infolist():
            inner = PurePosixPath(info.filename)
            if info.is_dir() or "__MACOSX" in inner.parts or inner.name.startswith("."):
                continue
            key = inner.name.lower()
            if key in self._names:
                problems.add(inner.name, None, None, f"more than one {inner.name} in {path.name}")
                continue
            self._names[key] = info.filename
            self._display[key] = inner.name

    def __exit__(self, *exc_info: object) -> None:
        if self._zip is not None:
            self._zip.close()

    def has(self, name: str) -> bool:
        return name.lower() in self._names

    def display_name(self, name: str) -> str:
        """The name as the admin wrote it, so problems point at the file they see."""
        return self._display.get(name.lower(), name)

    def open(self, name: str) -> IO[bytes]:
        inner = self._names[name.lower()]
        if self._zip is not None:
            return self._zip.open(inner)
        return open(inner, "rb")

    def count_data_rows(self, name: str) -> int:
        """Data rows in the file, counted as lines (a quoted newline makes this a slight over-estimate)."""
        lines, last = 0, b"\n"
        with self.open(name) as raw:
            while chunk := raw.read(_CHUNK):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        if last != b"\n":
            lines += 1
        return max(lines - 1, 0)


class Row:
    """One data row; `row[column]` is the stripped value, or "" for an optional column the file lacks."""

    __slots__ = ("_index", "_values", "number")

    def __init__(self, number: int, values: list[str], index: dict[str, int]) -> None:
        self.number = number
        self._values = values
        self._index = index

    def __getitem__(self, column: str) -> str:
        position = self._index.get(column)
        return "" if position is None else self._values[position].strip()


def read_rows(
    files: BundleFiles,
    name: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    problems: Problems,
    progress: Progress | None,
    read_past: tuple[str, frozenset[str]] | None = None,
) -> Generator[Row, None, bool]:
    """Stream the data rows of `name` (numbered from 2, the header being row 1); return whether the whole
    file could be read.

    `read_past` = (column, values): rows whose lower-cased value there is one of `values` are not yielded
    (student enrollments: most of a big file, and nothing Rounds keeps).
    Yields nothing if a required column is missing. Reports the first undecodable byte of the file once,
    and rows whose number of values does not match the header, then carries on so every problem is found.
    """
    shown = files.display_name(name)
    total = files.count_data_rows(name) if progress else 0
    with files.open(name) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        lines = _BoundedLines(text, MAX_ROW_CHARS)
        reader = csv.reader(lines)
        number = 1
        header: list[str] | None = None
        try:
            header = next(reader, None)
            if header is None:
                problems.add(shown, None, None, "empty file (no header row)")
                return False
            lines.row_done()
            encoding_ok = _check_encoding(shown, 1, header, header, problems)
            index = _resolve_columns(header, [*required, *optional])
            missing = [column for column in required if column not in index]
            for column in missing:
                problems.add(shown, 1, column, "missing column")
            if missing:
                return False
            width = len(header)
            skip_at, skip_values = (index[read_past[0]], read_past[1]) if read_past else (None, frozenset())
            if progress:
                progress(shown, 0, total)
            for values in reader:
                lines.row_done()
                number += 1
                if progress and (number - 1) % PROGRESS_EVERY == 0:
                    progress(shown, number - 1, max(total, number - 1))
                joined = "".join(values)
                if not joined or joined.isspace():
                    continue
                if len(values) != width:
                    problems.add(
                        shown, number, None, f"{len(values)} values, but the header has {width} columns"
                    )
                    continue
                if not joined.isascii():
                    if encoding_ok:
                        encoding_ok = _check_encoding(shown, number, header, values, problems)
                    values = [_UNDECODABLE.sub("\ufffd", value) for value in values]
                if skip_at is not None and values[skip_at].strip().lower() in skip_values:
                    continue
                yield Row(number, values, index)
        except RowTooLong as error:
            row, column = (number + 1, error.column(header)) if header is not None else (1, None)
            problems.add(shown, row, column, f"row longer than {MAX_ROW_CHARS:,} characters")
            return False
        except csv.Error as error:
            problems.add(shown, number + 1, None, f"not valid CSV ({error})")
            return False
        if progress:
            progress(shown, number - 1, number - 1)
        return True


class RowTooLong(Exception):
    """A row past `MAX_ROW_CHARS`; carries the part read when it is one line, to name its column."""

    def __init__(self, line: str | None) -> None:
        super().__init__("row too long")
        self.line = line

    def column(self, header: list[str]) -> str | None:
        """The header's name for the field the row was in when it passed the limit (the commas outside
        quotes before it; CSV's own parser would refuse a field this long)."""
        if self.line is None:
            return None
        position, quoted = 0, False
        for char in self.line:
            if char == '"':
                quoted = not quoted
            elif char == "," and not quoted:
                position += 1
        return header[position].strip() if position < len(header) else None


class _BoundedLines:
    """The file's lines for `csv.reader`, each read with at most `limit` characters held: a longer line,
    or a quoted row spanning lines that adds up to more, raises `RowTooLong` instead of being read whole."""

    def __init__(self, text: io.TextIOWrapper, limit: int) -> None:
        self._text = text
        self._limit = limit
        self._row = 0  # characters of the current row so far

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        line = self._text.readline(self._limit + 1)
        if not line:
            raise StopIteration
        first = self._row == 0
        self._row += len(line)
        if self._row > self._limit:
            raise RowTooLong(line if first else None)
        return line

    def row_done(self) -> None:
        self._row = 0


def _resolve_columns(header: list[str], wanted: Sequence[str]) -> dict[str, int]:
    """Column positions by our spelling, matching the file's header without regard to case or padding."""
    positions = {column.strip().lower(): position for position, column in reversed(list(enumerate(header)))}
    return {column: positions[column.lower()] for column in wanted if column.lower() in positions}


def _check_encoding(file: str, number: int, header: list[str], values: list[str], problems: Problems) -> bool:
    for position, value in enumerate(values):
        found = _UNDECODABLE.search(value)
        if found:
            byte = ord(found.group()) - 0xDC00
            column = header[position].strip() if number > 1 and position < len(header) else None
            problems.add(file, number, column, f"not UTF-8 (byte 0x{byte:02x} at row {number})")
            return False
    return True
