"""Ingest speed, as ratios against two references run in the same process on the same files:

* the embedding floor: embedding our chunks' texts and nothing else (no loading, cleaning,
  OCR, chunking or storing): no ingest can be faster than this with this model;
* the plain LangChain recipe, as `karigar eval` builds it: pypdf page text (or the raw file),
  RecursiveCharacterTextSplitter 1000/200, the same model, langchain-chroma.

    .venv/bin/python -m bench.ingest [--folder ../shared/corpus] [--fresh-ocr]

The whole reference corpus by default. OCR is reported apart: the scanned pages are read
from a cache in .bench-cache/ (filled on the first run, which says so) unless --fresh-ocr,
so the ratio to the floor is the ingest's own, OCR aside; the seconds of the files with
OCR'd pages are printed beside it (run with --fresh-ocr for what OCR itself costs). Our
ingest's time is split into its stages (`retrieval.core.timing`): reading (parse, OCR,
clean, chunk), embedding, store write and the reader's unit vectors kept for the answers
(`KARIGAR_UNIT_VECTORS_AT_INGEST`).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from ingest.pipeline import Ingestor, discover
from retrieval.core.embeddings import embedder_for
from retrieval.core.settings import PROJECT_ROOT, Settings, load_settings
from retrieval.core.text import embedding_text
from retrieval.core.timing import collect

TARGET = 1.2  # issue 15: the full ingest within 1.2 times the embedding floor, OCR aside


def plain_langchain(files: list[Path], root: Path, embedder, folder: Path) -> tuple[float, int]:
    """The recipe's ingest as `karigar eval` builds it (`eval.systems.PlainLangChainSystem`,
    in a new folder): its seconds and its chunks."""
    from eval.systems import PlainLangChainSystem

    recipe = PlainLangChainSystem(files, root, embedder, folder)
    return recipe.build_seconds, len(recipe.store.get(include=[])["ids"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=PROJECT_ROOT.parent / "shared/corpus")
    parser.add_argument("--fresh-ocr", action="store_true", help="do not use the OCR cache")
    args = parser.parse_args()
    embedder = embedder_for(load_settings())
    embedder.embed(["warm up"])
    files, _ = discover(args.folder.resolve())
    cache = PROJECT_ROOT / ".bench-cache" / "ocr"
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(corpus_dir=args.folder, data_dir=Path(tmp) / "ours", progress=False)
        settings.data_dir.mkdir(parents=True)
        if not args.fresh_ocr:
            settings.ocr_cache_dir.symlink_to(cache, target_is_directory=True)
        cached_before = sum(1 for _ in cache.rglob("*") if _.is_file())
        with collect() as stages:
            ours = Ingestor(settings, embedder).run()
        ours_s = ours.seconds
        scanned = [f for f in ours.files if f.ocr_pages]
        ocr_files_s = sum(f.seconds for f in scanned)
        fresh = args.fresh_ocr or sum(1 for _ in cache.rglob("*") if _.is_file()) > cached_before

        # the floor: the same chunk texts, embedded alone
        store = Ingestor(settings, embedder).store
        texts = []
        for rec in store.records().values():
            for chunk in store.chunks_of(rec.doc.doc_id):
                texts.append(embedding_text(chunk, rec.doc.title))
        started = time.perf_counter()
        for start in range(0, len(texts), 64):
            embedder.embed(texts[start : start + 64])
        floor_s = time.perf_counter() - started

        recipe_s, recipe_chunks = plain_langchain(
            files, args.folder.resolve(), embedder, Path(tmp) / "recipe"
        )
        shutil.rmtree(Path(tmp) / "recipe", ignore_errors=True)
    ocr_pages = sum(len(f.ocr_pages) for f in scanned)
    print(
        f"files: {len(files)} in {args.folder}; {ocr_pages} OCR'd pages in {len(scanned)} "
        f"files ({'OCR run in this ingest' if fresh else 'read from the OCR cache'}); "
        f"peak memory {ours.peak_memory_mb:.0f} MB"
    )
    print(f"\n{'run':<44}{'seconds':>9}{'chunks':>8}{'chunks/s':>10}")
    for name, secs, n in (
        ("embedding floor", floor_s, len(texts)),
        ("karigar ingest", ours_s, ours.chunks_embedded),
        ("  of which the files with OCR'd pages", ocr_files_s, 0),
        ("plain LangChain recipe", recipe_s, recipe_chunks),
    ):
        rate = f"{n / secs:>10.1f}" if n and secs else f"{'':>10}"
        print(f"{name:<44}{secs:>9.1f}{n or '':>8}{rate}")
    print(f"\n{'karigar ingest, by stage':<44}{'seconds':>9}{'share':>8}")
    for name, secs in sorted(stages.items(), key=lambda kv: -kv[1]):
        print(f"{name:<44}{secs:>9.1f}{secs / ours_s:>8.0%}")
    rest = ours_s - sum(stages.values())
    print(f"{'other (plan, hashing, records, reports)':<44}{rest:>9.1f}{rest / ours_s:>8.0%}")
    print(
        f"\nkarigar / floor: {ours_s / floor_s:.2f}x the time (target {TARGET}x, OCR aside"
        + ("; OCR ran in this run: run again for the ratio without it)" if fresh else ")")
    )
    print(
        f"karigar / plain recipe: {ours_s / recipe_s:.2f}x the time "
        f"({ours.chunks_embedded} vs {recipe_chunks} chunks)"
    )


if __name__ == "__main__":
    main()
