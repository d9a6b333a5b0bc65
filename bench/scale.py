"""The store at scale: a corpus of N passages made from the real documents, ingested, then
searched and answered.

    .venv/bin/python -m bench.scale [--chunks 10000] [--server] [--workers 2]
                                    [--questions 100] [--multilingual] [--keep DIR]

The corpus is written as text files, each a new document of several sections, each section
paragraphs drawn from different real pages of the store in KARIGAR_DATA_DIR (the reference
corpus, ingested): recombined, not copied, so no two files are alike, and the words, figures
and tables are the field's own. Files are made until their passages, counted as ingest would
chunk them, reach --chunks. Then, in this process:

* ingest (one process, or --workers Ray workers), unit vectors kept as by default: seconds,
  passages a second, the store's size on disk, peak memory;
* with --multilingual, the e5 index over the same passages (slow: 5 to 8 passages a second
  on 2 cores);
* the first search (the lexical index built over every passage), then --questions of the
  project's questions answered (extractive): p50 and p95, English and Indic apart (an Indic
  question without the e5 index embeds its candidates with e5 as it asks), and the resident
  memory after.

--server writes into a Chroma server started for the run. Everything is in a temporary
folder unless --keep names one (the corpus is then kept, and made again only if absent);
--answers-only then answers over the store a run before ingested there, without ingesting
(a run of 100,000 passages ingests for about two hours here); with --server and no server
store kept, a copy of the kept embedded store is served.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.answer_latency import percentile
from ingest.chunking import chunk_document
from retrieval.core.settings import Settings, load_settings
from retrieval.core.types import Page

if TYPE_CHECKING:
    import psutil

PAGES_PER_FILE = (3, 8)  # sections a made document has
PARAGRAPHS = (2, 5)  # paragraphs a section takes, each from a different page


def _paragraphs(settings: Settings) -> list[tuple[str, list[str]]]:
    """(title, paragraphs) of every page of the reference store."""
    from retrieval.core.embeddings import embedder_for
    from retrieval.core.store import Store

    embedder = embedder_for(settings)
    store = Store(settings, embedder.name, embedder.dimension)
    pages = []
    for rec in store.documents().values():
        for number in range(1, rec.pages + 1) if rec.pages else (0,):  # 0: a page-less file
            text = store.page_text(rec.doc.doc_id, number) or ""
            paragraphs = [p.strip() for p in text.split("\n\n") if len(p.split()) >= 8]
            if paragraphs:
                pages.append((rec.doc.title, paragraphs))
    if not pages:
        raise SystemExit(f"no pages in the store at {settings.data_dir}: run `karigar ingest`")
    return pages


def make_corpus(folder: Path, target: int, settings: Settings, seed: int = 0) -> int:
    """Text files of recombined real paragraphs under `folder`, until they make `target`
    passages; the passages made."""
    rng = random.Random(seed)
    pages = _paragraphs(settings)
    folder.mkdir(parents=True, exist_ok=True)
    made, n, chars = 0, 0, 0
    while made < target:
        sections = []
        for _ in range(rng.randint(*PAGES_PER_FILE)):
            title, _ = rng.choice(pages)
            picked = [rng.choice(rng.choice(pages)[1]) for _ in range(rng.randint(*PARAGRAPHS))]
            sections.append(f"## {title}\n\n" + "\n\n".join(picked))
        text = f"# Compiled notes {n + 1}\n\n" + "\n\n".join(sections) + "\n"
        chunks = chunk_document(f"d{n}", [Page(0, text)], settings.chunk_chars, 300)
        made += len(chunks)
        chars += sum(len(c.text) for c in chunks)
        (folder / f"notes-{n // 500:03d}" / f"compiled-{n:06d}.md").parent.mkdir(exist_ok=True)
        (folder / f"notes-{n // 500:03d}" / f"compiled-{n:06d}.md").write_text(text, "utf-8")
        n += 1
    print(f"{made:,} passages of {chars / max(made, 1):.0f} characters on average")
    return made


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def _rss_mb(process: psutil.Process | None = None) -> float:
    """The resident memory of `process` (this one without), in MB."""
    import psutil

    return (process or psutil.Process()).memory_info().rss / 2**20


def _ingest(settings: Settings, server: bool, multilingual: bool, root: Path) -> None:
    from ingest.pipeline import Ingestor

    t = time.perf_counter()
    report = Ingestor(settings).run()
    seconds = time.perf_counter() - t
    stored = _size_mb(root / "server" if server else settings.chroma_path)
    print(
        f"ingest: {report.chunks_in_store:,} passages, {seconds:.0f} s, "
        f"{report.chunks_in_store / seconds:.1f} a second, {len(report.failed)} "
        f"failed; store {stored:,.0f} MB; unit vectors "
        f"{_size_mb(settings.data_dir) - (0 if server else stored):,.0f} MB; peak memory "
        f"{report.peak_memory_mb:,.0f} MB"
    )
    if multilingual:
        print(f"multilingual: {report.multilingual_in_store:,} passages in the e5 index")


def _serve_embedded_copy(root: Path) -> None:
    """A server's store made from an embedded run's kept store, so --server --answers-only
    measures the answers through a Chroma server without the server's own two-hour ingest:
    the embedded store's folder is the format `chroma run --path` reads, and the rest of the
    data folder (catalogue, unit vectors) goes to the server run's data folder."""
    embedded = root / "data"
    if not (embedded / "chroma").is_dir():
        raise SystemExit(
            f"--server --answers-only: no server store in {root / 'server'} and no embedded "
            f"store in {embedded / 'chroma'} to serve: run once without --answers-only"
        )
    t = time.perf_counter()
    shutil.rmtree(root / "data-server", ignore_errors=True)
    shutil.copytree(embedded / "chroma", root / "server")
    shutil.copytree(embedded, root / "data-server", ignore=shutil.ignore_patterns("chroma"))
    print(f"served a copy of the embedded run's store ({time.perf_counter() - t:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=10_000)
    parser.add_argument("--server", action="store_true")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--multilingual", action="store_true")
    parser.add_argument("--keep", type=Path)
    parser.add_argument(
        "--answers-only",
        action="store_true",
        help="with --keep: answer over the store a run before ingested there (no ingest)",
    )
    args = parser.parse_args()
    if args.answers_only and args.keep is None:
        parser.error("--answers-only needs --keep: the folder of an earlier run")
    reference = load_settings()
    root = args.keep or Path(tempfile.mkdtemp(prefix="karigar-scale-"))
    corpus = root / "corpus"
    started = time.perf_counter()
    if not corpus.exists():
        made = make_corpus(corpus, args.chunks, reference)
        print(f"made {made:,} passages in {sum(1 for _ in corpus.rglob('*.md')):,} files "
              f"({time.perf_counter() - started:.0f} s)")  # fmt: skip
    data = root / ("data-server" if args.server else "data")
    if not args.answers_only:
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(root / "server", ignore_errors=True)  # a server's store of an earlier run
    if args.server and args.answers_only and not (root / "server").exists():
        _serve_embedded_copy(root)
    server = None
    extra: dict[str, object] = {}
    if args.server:  # started and awaited as the tests start theirs
        from tests.test_server import _free_port, start_chroma

        port = _free_port()
        server = start_chroma(root / "server", port, root / "chroma.log")
        extra = {"chroma_host": "127.0.0.1", "chroma_port": port}
    try:
        settings = Settings(
            corpus_dir=corpus,
            data_dir=data,
            progress=False,
            ingest_workers=args.workers,
            multilingual=args.multilingual,
            **extra,  # type: ignore[arg-type]
        )
        if not args.answers_only:
            _ingest(settings, args.server, args.multilingual, root)
        from eval.questions import load_questions
        from retrieval.answer.chain import Query
        from retrieval.parts import open_parts

        parts = open_parts(settings)
        chain = parts.chain("extractive")
        t = time.perf_counter()
        chain.answer(Query("What is the PMEGP margin money subsidy?"))
        print(f"first answer (models loaded, lexical index built): {time.perf_counter() - t:.1f} s")
        questions = list(load_questions(faq_path=None))
        random.Random(1).shuffle(questions)
        times: dict[str, list[float]] = {"English": [], "Indic": []}
        for q in questions[: args.questions]:
            t = time.perf_counter()
            chain.answer(Query(q.question))
            times["English" if q.language == "en" else "Indic"].append(time.perf_counter() - t)
        for name, values in times.items():
            if values:
                print(
                    f"answers, {name}: {len(values)}, p50 {percentile(values, 0.5) * 1000:.0f} "
                    f"ms, p95 {percentile(values, 0.95) * 1000:.0f} ms"
                )
        print(
            f"resident memory {_rss_mb():,.0f} MB "
            f"(peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB)"
        )
        if server is not None:
            import psutil

            print(
                f"the Chroma server's resident memory {_rss_mb(psutil.Process(server.pid)):,.0f} MB"
            )
    finally:
        if server is not None:
            from tests.test_server import stop_chroma

            stop_chroma(server)
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
