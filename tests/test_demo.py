"""`rounds demo` runs from nothing and shows what each person receives."""

from __future__ import annotations

from rich.console import Console

from bot.demo.run import run_demo


def test_the_demo_shows_every_role_what_rounds_does_for_them():
    console = Console(record=True, width=200)

    run_demo(console)

    shown = console.export_text()
    assert "Riverbend Unified (demo)" in shown
    assert "Rounds knows you as: leader at" in shown
    assert "Rounds knows you as: teacher at" in shown
    assert "Rounds knows you as: coach at" in shown
    assert "not on the roster yet" in shown
    assert "8 student rows in the export were read past and never stored" in shown
