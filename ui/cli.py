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
from rich.table import Table

from retrieval.errors import ConfigError, KarigarError
from retrieval.settings import Settings

app = typer.Typer(
    name="karigar",
    help="Karigar: answers with citations over documents about India's MSMEs and handicrafts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)


def _settings(**overrides: object) -> Settings:
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def _fail(exc: KarigarError) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


@app.command()
def ingest(
    source: Annotated[
        Path | None, typer.Argument(help="Folder or file (default: KARIGAR_CORPUS_DIR).")
    ] = None,
    prune: Annotated[bool, typer.Option(help="Remove documents whose file is gone.")] = False,
    rebuild: Annotated[bool, typer.Option(help="Empty the store first, then ingest.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
) -> None:
    """Read, clean, chunk and embed documents into the store; print the report."""
    from ingest.pipeline import ingest as run_ingest
    from ingest.report import STATUS_ORDER, UNCHANGED

    try:
        settings = _settings(progress=progress and sys.stderr.isatty())
        report = run_ingest(settings, source, prune=prune, rebuild=rebuild)
    except KarigarError as exc:
        raise _fail(exc) from exc
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
                f"[{colour}]{f.status}[/]", f.path, f.doc_type, str(f.pages or ""),
                str(f.chunks or ""), ",".join(map(str, f.ocr_pages)), f.reason,
            )  # fmt: skip
        out.print(table)
    if report.recovered:
        out.print(f"Repaired {len(report.recovered)} document(s) a killed run left half-written.")
    out.print(report.summary())
    out.print(f"Store: {report.store}")
    raise typer.Exit(report.exit_code)


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
    from retrieval.embeddings import get_embedder
    from retrieval.search import Filters
    from retrieval.store import Store

    try:
        settings = _settings()
        where = Filters.from_pairs(filters or []).chroma_where()
        embedder = get_embedder(settings.embedding_model, settings.embed_batch_size)
        store = Store(settings, embedder.name, embedder.dimension)
        if store.count() == 0:
            err.print("The store is empty: run `karigar ingest` (or `make run`) first.")
            raise typer.Exit(2)
        hits = store.query(embedder.embed_query(query), k=k, where=where)
    except KarigarError as exc:
        raise _fail(exc) from exc
    if as_json:
        rows = [
            {"score": round(h.score, 4), "doc": h.doc.to_dict(), "page": h.chunk.page,
             "section": h.chunk.section, "chunk_id": h.chunk.chunk_id, "text": h.chunk.text,
             "char_start": h.chunk.char_start, "char_end": h.chunk.char_end}
            for h in hits
        ]  # fmt: skip
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


def _chain(generator: str | None, k: int):  # noqa: ANN202
    from retrieval.chain import build_answer_chain

    settings = _settings()
    return build_answer_chain(settings, generator or settings.generator, k)


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
    from retrieval.search import Filters

    try:
        chain = _chain(generator, k)
        if chain.searcher.store.count() == 0:
            err.print("The store is empty: run `karigar ingest` (or `make run`) first.")
            raise typer.Exit(2)
        answer = chain.invoke({"question": question, "filters": Filters.from_pairs(filters or [])})
    except KarigarError as exc:
        raise _fail(exc) from exc
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
        raise _fail(exc) from exc
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
            answer = chain.invoke({"question": question, "chat_history": history})
        except KarigarError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
            continue
        _print_answer(answer)
        history.append((answer.standalone_question, answer.text))


@app.command()
def status() -> None:
    """What is in the store, with which model, and how the last ingest went."""
    from retrieval.store import COMPLETE

    try:
        settings = _settings()
        store = _store_without_model(settings)
        records = store.records()
    except KarigarError as exc:
        raise _fail(exc) from exc
    done = [r for r in records.values() if r.ingest_state == COMPLETE]
    out.print(
        f"Store: {store.location}  (model {store.embedding_model}, {store.dimension} dimensions)"
    )
    out.print(f"{len(done)} documents, {store.count()} chunks")
    from retrieval.multilingual import MultilingualIndex

    index = MultilingualIndex.existing(store)
    if index is None:
        out.print("Multilingual index: not built (run `karigar index-multilingual` for "
                  "questions in Hindi)")  # fmt: skip
    else:
        out.print(f"Multilingual index: {index.count()} of {store.count()} chunks")
    from ingest.report import IngestReport

    data = IngestReport.load_last(settings.reports_dir)
    if data is not None:
        out.print(f"Last ingest ({data['started_at']}): {data['summary']}")


@app.command("eval")
def evaluate(
    selection: Annotated[str, typer.Option(help="full (every set + FAQ sample) or ci.")] = "full",
    systems: Annotated[
        str, typer.Option(help="Comma-separated: karigar, plain-langchain, bm25.")
    ] = "karigar,plain-langchain,bm25",  # fmt: skip
    faq: Annotated[str, typer.Option(help="FAQ pairs to sample, or 'all'.")] = "200",
    judge: Annotated[
        str, typer.Option(help="lexical (fast) or llm (the local model too).")
    ] = "lexical",
    generator: Annotated[str, typer.Option(help="Generator every system uses.")] = "extractive",
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Results folder (default eval/results/<date>).")
    ] = None,  # fmt: skip
    check: Annotated[
        bool, typer.Option(help="Exit 1 on a regression against eval/baseline.json.")
    ] = True,  # fmt: skip
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
) -> None:
    """Evaluate our system beside the plain LangChain recipe and BM25 alone: retrieval,
    correctness, faithfulness, citations, abstention and latency; writes report.md,
    results.json and metrics.png, and prints regressions against eval/baseline.json."""
    from eval.run import run_eval

    if selection not in ("full", "ci"):
        raise _fail(ConfigError(f"unknown selection {selection!r}: full or ci"))
    try:
        limit = None if faq == "all" else int(faq)
    except ValueError:
        raise _fail(ConfigError(f"--faq {faq!r} is neither a number nor 'all'")) from None
    try:
        settings = _settings(progress=progress and sys.stderr.isatty())
        folder, results, regressed = run_eval(
            settings, selection, [s.strip() for s in systems.split(",") if s.strip()], judge,
            limit, generator, out_dir, progress=settings.progress,
        )  # fmt: skip
    except (KarigarError, ValueError) as exc:
        error = exc if isinstance(exc, KarigarError) else ConfigError(str(exc))
        raise _fail(error) from exc
    out.print((folder / "report.md").read_text(encoding="utf-8"), markup=False, highlight=False)
    out.print(f"Results: {folder}")
    if regressed:
        out.print("[red]Regressions against eval/baseline.json:[/]")
        for line in regressed:
            out.print(f"  {line}")
        if check:
            raise typer.Exit(1)
    elif not results["baseline_recorded"]:
        out.print(f"No baseline recorded in eval/baseline.json for "
                  f"{results['config']['selection']!r}: nothing compared.")  # fmt: skip
    else:
        out.print("No regression against eval/baseline.json.")


@app.command("index-multilingual")
def index_multilingual(
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Build (or bring up to date) the multilingual index for questions in Hindi, Assamese or
    Bengali: multilingual-e5-small over every chunk, about 10 chunks a second on 2 cores.
    Once built, every `karigar ingest` keeps it in step."""
    from tqdm import tqdm

    from retrieval.multilingual import MultilingualIndex

    try:
        store = _store_without_model(_settings())
        index = MultilingualIndex(store)
        plan = index.missing()
        with tqdm(total=len(plan[0]), unit="chunk", desc="multilingual",
                  disable=not (progress and sys.stderr.isatty())) as bar:  # fmt: skip
            result = index.sync(bar.update, plan)
    except KarigarError as exc:
        raise _fail(exc) from exc
    out.print(f"Multilingual index: {result.embedded} chunks embedded, {result.deleted} removed; "
              f"{result.total} of {store.count()} chunks indexed")  # fmt: skip


@app.command()
def catalogue(
    out_path: Annotated[Path, typer.Option("--out", help="Where to write the TSV.")] = Path(
        "corpus/catalogue.tsv"
    ),
) -> None:
    """Write the catalogue of stored documents (type, pages, chunks, OCR pages) as TSV."""
    from ingest.catalogue import write_catalogue

    try:
        records = _store_without_model(_settings()).records()
    except KarigarError as exc:
        raise _fail(exc) from exc
    write_catalogue(records.values(), out_path)
    out.print(f"Wrote {out_path}")


def _store_without_model(settings: Settings):  # noqa: ANN202
    """Open the store for reading its records, naming the model without loading it."""
    from retrieval.embeddings import KNOWN_MODELS
    from retrieval.store import Store

    dimension = KNOWN_MODELS.get(settings.embedding_model, (None, 0))[1]
    return Store(settings, settings.embedding_model, dimension)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
