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
    # every leader's morning DM, one per school they lead (one leader leads both schools)
    assert shown.count("Your three classrooms today") == 6
    assert "teachers seen this cycle" in shown
    # a walkthrough logged in the modal reaches the teacher with the evidence, in the framework's words
    assert "Notes from a walkthrough of your class" in shown
    assert "I heard three pairs explain why 3/4 is greater than 2/3" in shown
    assert "[Thanks] [Add a reflection] [Let's talk]" in shown
