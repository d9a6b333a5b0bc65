"""`karigar eval` (and `python -m eval`): every system on the question sets, the report, and
the check against `eval/baseline.json`. Errors become one clear line and exit code 2; a
regression makes it exit 1."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from eval.run import run_eval
from retrieval.core.errors import ConfigError, KarigarError, show_error
from retrieval.core.settings import load_settings

out = Console()


def eval_command(
    selection: Annotated[str, typer.Option(help="full (every set + FAQ sample) or ci.")] = "full",
    systems: Annotated[
        str, typer.Option(help="Comma-separated: karigar, plain-langchain, bm25.")
    ] = "karigar,plain-langchain,bm25",
    faq: Annotated[str, typer.Option(help="FAQ pairs to sample, or 'all'.")] = "200",
    judge: Annotated[
        str, typer.Option(help="lexical (fast) or llm (the local model too).")
    ] = "lexical",
    generator: Annotated[str, typer.Option(help="Generator every system uses.")] = "extractive",
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Results folder (default eval/results/<date>).")
    ] = None,
    check: Annotated[
        bool, typer.Option(help="Exit 1 on a regression against eval/baseline.json.")
    ] = True,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
    half: Annotated[
        str, typer.Option(help="both, tune (for fitting: never compared) or test.")
    ] = "both",
) -> None:
    """Evaluate our system beside the plain LangChain recipe and BM25 alone: retrieval,
    correctness, faithfulness, citations, abstention and latency; writes report.md,
    results.json and metrics.png, and prints regressions against eval/baseline.json."""
    if selection not in ("full", "ci"):
        raise typer.Exit(show_error(ConfigError(f"unknown selection {selection!r}: full or ci")))
    try:
        limit = None if faq == "all" else int(faq)
    except ValueError:
        error = ConfigError(f"--faq {faq!r} is neither a number nor 'all'")
        raise typer.Exit(show_error(error)) from None
    try:
        settings = load_settings(progress=progress and sys.stderr.isatty())
        folder, results, regressed = run_eval(
            settings,
            selection,
            [s.strip() for s in systems.split(",") if s.strip()],
            judge,
            limit,
            generator,
            out_dir,
            progress=settings.progress,
            half=half,
        )
    except (KarigarError, ValueError) as exc:
        error = exc if isinstance(exc, KarigarError) else ConfigError(str(exc))
        raise typer.Exit(show_error(error)) from exc
    out.print((folder / "report.md").read_text(encoding="utf-8"), markup=False, highlight=False)
    out.print(f"Results: {folder}")
    if regressed:
        out.print("[red]Regressions against eval/baseline.json:[/]")
        for line in regressed:
            out.print(f"  {line}")
        if check:
            raise typer.Exit(1)
    elif not results["baseline_recorded"]:
        out.print(
            f"No baseline recorded in eval/baseline.json for "
            f"{results['config']['selection']!r}: nothing compared."
        )
    else:
        out.print("No regression against eval/baseline.json.")
