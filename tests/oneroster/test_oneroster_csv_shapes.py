"""Files as real exports write them: BOM, CRLF, no final newline, quoted commas, quotes and newlines."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from integrations.oneroster import read_bundle

if TYPE_CHECKING:
    from conftest import BundleCopy

FIXTURES = Path(__file__).parents[1] / "data" / "oneroster"


def rewrite_every_file(bundle: BundleCopy, change: str) -> None:
    for csv_file in bundle.path.glob("*.csv"):
        text = csv_file.read_text(encoding="utf-8")
        if change == "bom":
            csv_file.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
        elif change == "crlf":
            csv_file.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
        elif change == "no final newline":
            csv_file.write_bytes(text.rstrip("\n").encode("utf-8"))


@pytest.mark.parametrize("change", ["bom", "crlf", "no final newline"])
def test_byte_order_mark_line_endings_and_final_newline_do_not_change_the_snapshot(
    v1_1: BundleCopy, change: str
) -> None:
    rewrite_every_file(v1_1, change)

    assert v1_1.snapshot() == read_bundle(FIXTURES / "v1_1")


def test_header_case_and_padding_do_not_matter(v1_2: BundleCopy) -> None:
    v1_2.edit("classes.csv", "schoolSourcedId,termSourcedIds", " SchoolSourcedID ,termSourcedIds")

    assert v1_2.snapshot() == read_bundle(FIXTURES / "v1_2")


def test_quoted_newline_stays_in_the_value_and_later_rows_keep_their_numbers(v1_1: BundleCopy) -> None:
    v1_1.edit(
        "classes.csv",
        ',Room 104,sch-maple,"as-2025-s1,as-2025-s2",English Language Arts,',
        ',"Room 104\n(east wing)",sch-maple,"as-2025-s1,as-2025-s2",English Language Arts,',
    )
    assert v1_1.snapshot().classes[0].room == "Room 104\n(east wing)"

    v1_1.edit(
        "classes.csv",
        "Grade 3 Math,03,crs-math3,3MATH-01,scheduled,Room 104,sch-maple",
        "Grade 3 Math,03,crs-math3,3MATH-01,scheduled,Room 104,sch-elm",
    )

    assert v1_1.problems() == ["classes.csv, row 3, column schoolSourcedId: unknown school 'sch-elm'"]


def test_multi_value_cells_are_split_trimmed_and_deduplicated(v1_1: BundleCopy) -> None:
    v1_1.edit(
        "classes.csv",
        'Science Lab,sch-maple,"as-2025-s1,as-2025-s2",Science,,"3,4"',
        'Science Lab,sch-maple,"as-2025-s1,as-2025-s2",Science,,"3, 4,,3"',
    )
    v1_1.edit("teams.csv", '"usr-nakamura,usr-nunez"', '" usr-nakamura , usr-nunez "')

    snapshot = v1_1.snapshot()

    assert snapshot.classes[2].periods == ("3", "4")
    assert snapshot.teams[2].member_sourced_ids == ("usr-nakamura", "usr-nunez")


def test_blank_lines_are_skipped_but_counted_as_rows(v1_1: BundleCopy) -> None:
    v1_1.edit("calendar.csv", "sch-maple,2025-10-17,early\n", "\n,,\nsch-maple,2025-10-17,early\n")
    v1_1.edit("calendar.csv", "sch-harbor,2025-11-28,none", "sch-harbor,2025-11-31,none")

    assert v1_1.problems() == ["calendar.csv, row 11, column date: '2025-11-31' is not a date (YYYY-MM-DD)"]
