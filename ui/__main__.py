"""`python -m ui ...` is the `karigar` command."""

from ui.cli import main

main()
