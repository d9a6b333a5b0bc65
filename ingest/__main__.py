"""`python -m ingest [SOURCE] [--prune] [--rebuild]` is `karigar ingest`."""

import typer

from ingest.cli import ingest_command

typer.run(ingest_command)
