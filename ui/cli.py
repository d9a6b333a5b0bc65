"""The `karigar` command line. Library errors become one clear line and an exit code:
0 done, 1 some files failed to ingest, 2 a setting, the store or the input is wrong."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from eval.cli import eval_command
from ingest.cli import ingest_command
from retrieval.answer.chain import AnswerChain, Query
from retrieval.core.embeddings import runtime_of
from retrieval.core.errors import KarigarError, show_error
from retrieval.core.filters import Filters
from retrieval.core.settings import load_settings
from retrieval.core.text import clean_text
from retrieval.parts import Parts, open_parts
from ui.eligible import eligible_command

app = typer.Typer(
    name="karigar",
    help="Karigar: answers with citations over documents about India's MSMEs and handicrafts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)
app.command("ingest")(ingest_command)
app.command("eval")(eval_command)
app.command("eligible")(eligible_command)


def _parts() -> Parts:
    return open_parts(load_settings())


def _require_documents(parts: Parts) -> None:
    if parts.store.count() == 0:
        err.print("The store is empty: run `karigar ingest` (or `make run`) first.")
        raise typer.Exit(2)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option(help="Passages to show.")] = 5,
    filters: Annotated[
        list[str] | None,
        typer.Option("--filter", help="key=value on document metadata, e.g. doc_type=circular."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the passages as JSON.")] = False,
) -> None:
    """Show the passages nearest a question (dense search only), with document and page."""
    query = clean_text(query)
    try:
        chosen = Filters.from_pairs(filters or [])
        parts = _parts()
        _require_documents(parts)
        hits = parts.store.query(parts.embedder.embed_query(query), k, chosen)
    except KarigarError as exc:
        raise typer.Exit(show_error(exc)) from exc
    if as_json:
        rows = [
            {
                "score": round(h.score, 4),
                "doc": h.doc.to_dict(),
                "page": h.chunk.page,
                "section": h.chunk.section,
                "chunk_id": h.chunk.chunk_id,
                "text": h.chunk.text,
                "char_start": h.chunk.char_start,
                "char_end": h.chunk.char_end,
            }
            for h in hits
        ]
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    out.print(f"[bold]{query}[/]\n")
    for rank, hit in enumerate(hits, 1):
        flags = " [yellow](superseded)[/]" if hit.doc.status == "superseded" else ""
        flags += " [magenta](OCR)[/]" if hit.chunk.ocr else ""
        out.print(
            f"[bold cyan][{rank}][/] {hit.doc.title} — {hit.chunk.location}{flags}  "
            f"[dim]{hit.doc.path} · {hit.doc.doc_type} · {hit.doc.date or 'undated'} · "
            f"similarity {hit.score:.2f}[/]",
            highlight=False,
        )
        out.print("    " + hit.chunk.text[:600].replace("\n", " "), highlight=False)
        out.print()


def _print_answer(answer, show_passages: bool = False) -> None:  # noqa: ANN001
    style = "yellow" if answer.abstained else "bold"
    out.print(f"[{style}]{answer.text}[/]", highlight=False)
    if answer.standalone_question != answer.question:
        out.print(f"[dim](understood as: {answer.standalone_question})[/]", highlight=False)
    for note in answer.notes:
        out.print(f"[magenta]Note:[/] {note}", highlight=False)
    for c in answer.citations:
        flags = " [yellow](superseded)[/]" if c.status == "superseded" else ""
        flags += " [magenta](OCR)[/]" if c.ocr else ""
        out.print(
            f"  [cyan][{c.marker}][/] {c.title} — {c.location}{flags}  "
            f"[dim]{c.path} · {c.doc_type} · {c.date or 'undated'}"
            f"{' · ' + c.official_url if c.official_url else ''}[/]",
            highlight=False,
        )
        for quote in c.quotes:
            out.print(f"      “{' '.join(quote.split())}”", highlight=False)
    if answer.abstained and answer.passages:
        out.print("[dim]Related reading:[/]")
        for rank, hit in enumerate(answer.passages[:3], 1):
            out.print(f"  {rank}. {hit.doc.title} — {hit.chunk.location}", highlight=False)
    if show_passages:
        for rank, hit in enumerate(answer.passages, 1):
            out.print(f"[dim]({rank}) {hit.doc.path} p{hit.chunk.page} {hit.score:.3f}[/]")


def _chain(generator: str | None, k: int) -> AnswerChain:
    parts = _parts()
    _require_documents(parts)
    return parts.chain(generator, k)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question.")],
    k: Annotated[int, typer.Option(help="Passages to retrieve.")] = 5,
    filters: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            help="key=value: doc_type, state, publisher, doc, date_from, date_to, "
            "status (current, superseded, any). Repeat for more.",
        ),
    ] = None,
    generator: Annotated[
        str | None,
        typer.Option(help="extractive, llm, llm:smollm2, openai or ollama (KARIGAR_GENERATOR)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the Answer as JSON.")] = False,
) -> None:
    """Answer a question from the documents, citing the page of every sentence."""
    try:
        chosen = Filters.from_pairs(filters or [])
        answer = _chain(generator, k).answer(Query(question, filters=chosen))
    except KarigarError as exc:
        raise typer.Exit(show_error(exc)) from exc
    if as_json:
        out.print_json(json.dumps(answer.to_dict(), ensure_ascii=False))
        return
    _print_answer(answer)


@app.command()
def chat(
    k: Annotated[int, typer.Option(help="Passages to retrieve.")] = 5,
    generator: Annotated[
        str | None,
        typer.Option(help="extractive, llm, llm:smollm2, openai or ollama (KARIGAR_GENERATOR)."),
    ] = None,
) -> None:
    """Ask questions in turn; follow-ups ("And for service units?") use the conversation."""
    try:
        chain = _chain(generator, k)
    except KarigarError as exc:
        raise typer.Exit(show_error(exc)) from exc
    history: list[tuple[str, str]] = []
    out.print("Ask about MSME and handicraft schemes. An empty line or Ctrl-D ends.")
    while True:
        try:
            question = input("you> ").strip()
        except EOFError:
            break
        if not question:
            break
        try:
            answer = chain.answer(Query(question, tuple(history)))
        except KarigarError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
            continue
        _print_answer(answer)
        history.append((answer.standalone_question, answer.text))


@app.command()
def status() -> None:
    """What is in the store, with which model, and how the last ingest went."""
    from ingest.report import IngestReport

    try:
        parts = _parts()
        store = parts.store
        done = list(store.documents().values())
        count = store.count()
        index = parts.multilingual
        indexed = index.count() if index is not None else 0
    except KarigarError as exc:  # a damaged store, a full disk, a stopped server
        raise typer.Exit(show_error(exc)) from exc
    runtime = {"onnx": "int8 on onnxruntime", "torch": "torch"}[
        runtime_of(store.embedding_model, parts.settings.embedding_backend)
    ]
    out.print(
        f"Store: {store.location}  (model {store.embedding_model}, {store.dimension} "
        f"dimensions; run by {runtime}, KARIGAR_EMBEDDING_BACKEND)"
    )
    out.print(f"{len(done)} documents, {count} chunks")
    if index is None:
        out.print(
            "Multilingual index: not built (run `karigar index-multilingual` for "
            "questions in Hindi)"
        )
    else:
        out.print(f"Multilingual index: {indexed} of {count} chunks")
    data = IngestReport.load_last(parts.settings.reports_dir)
    if data is not None:
        out.print(f"Last ingest ({data['started_at']}): {data['summary']}")


@app.command("index-multilingual")
def index_multilingual(
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Build (or bring up to date) the multilingual index for questions in Hindi, Assamese or
    Bengali: multilingual-e5-small over every chunk, about 12 chunks a second on 2 cores.
    Once built, every `karigar ingest` keeps it in step."""
    from tqdm import tqdm

    try:
        parts = _parts()
        store = parts.store
        index = parts.multilingual_index()
        plan = index.missing()
        with tqdm(
            total=len(plan[0]),
            unit="chunk",
            desc="multilingual",
            disable=not (progress and sys.stderr.isatty()),
        ) as bar:
            result = index.sync(bar.update, plan)
    except KarigarError as exc:
        raise typer.Exit(show_error(exc)) from exc
    out.print(
        f"Multilingual index: {result.embedded} chunks embedded, {result.deleted} removed; "
        f"{result.total} of {store.count()} chunks indexed"
    )


@app.command()
def catalogue(
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the TSV.")] = Path(
        "corpus/catalogue.tsv"
    ),
) -> None:
    """Write the catalogue of stored documents (type, pages, chunks, OCR pages) as TSV."""
    from ingest.catalogue import write_catalogue

    try:
        records = _parts().store.documents()
    except KarigarError as exc:
        raise typer.Exit(show_error(exc)) from exc
    write_catalogue(records.values(), out_path)
    out.print(f"Wrote {out_path}")


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
