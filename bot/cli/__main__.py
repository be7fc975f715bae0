"""`python -m bot.cli`: the same as the `rounds` command."""

from bot.cli import main

main()
