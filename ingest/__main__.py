"""`python -m ingest [SOURCE] [--prune] [--rebuild]` is `karigar ingest`.

This entry shim is the one place `ingest` touches `ui`: the library modules never do."""

import sys

from ui.cli import main

sys.argv = [sys.argv[0], "ingest", *sys.argv[1:]]
main()
