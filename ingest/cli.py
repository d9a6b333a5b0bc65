"""`karigar ingest` (and `python -m ingest`): the command that reads a folder into the store.
Its errors become one clear line and exit code 2; files that failed make it exit 1."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ingest.pipeline import ingest as run_ingest
from ingest.report import STATUS_ORDER, UNCHANGED
from retrieval.core.errors import KarigarError, show_error
from retrieval.core.settings import load_settings

out = Console()


def ingest_command(
    source: Annotated[
        Path | None, typer.Argument(help="Folder or file (default: KARIGAR_CORPUS_DIR).")
    ] = None,
    prune: Annotated[bool, typer.Option(help="Remove documents whose file is gone.")] = False,
    rebuild: Annotated[bool, typer.Option(help="Empty the store first, then ingest.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            help="Processes reading and embedding files side by side, over Ray (default: "
            "KARIGAR_INGEST_WORKERS, 1: all in this process).",
        ),
    ] = None,
) -> None:
    """Read, clean, chunk and embed documents into the store; print the report."""
    try:
        chosen = {"ingest_workers": workers} if workers else {}
        settings = load_settings(progress=progress and sys.stderr.isatty(), **chosen)
        report = run_ingest(settings, source, prune=prune, rebuild=rebuild)
    except KarigarError as exc:
        raise typer.Exit(show_error(exc)) from exc
    if as_json:
        out.print_json(json.dumps(report.to_dict(), ensure_ascii=False))
        raise typer.Exit(report.exit_code)
    shown = [f for f in report.files if f.status != UNCHANGED]
    shown.sort(key=lambda f: (STATUS_ORDER.index(f.status), f.path))
    if shown:
        table = Table(title=f"Ingest of {report.corpus}", show_lines=False)
        for column in ("status", "file", "type", "pages", "chunks", "OCR pages", "reason"):
            table.add_column(column, overflow="fold")
        colours = {"failed": "red", "added": "green", "updated": "cyan", "skipped": "yellow"}
        for f in shown:
            colour = colours.get(f.status, "white")
            table.add_row(
                f"[{colour}]{f.status}[/]",
                f.path,
                f.doc_type,
                str(f.pages or ""),
                str(f.chunks or ""),
                ",".join(map(str, f.ocr_pages)),
                f.reason,
            )
        out.print(table)
    if report.recovered:
        out.print(f"Repaired {len(report.recovered)} document(s) a killed run left half-written.")
    out.print(report.summary())
    out.print(f"Store: {report.store}")
    raise typer.Exit(report.exit_code)
