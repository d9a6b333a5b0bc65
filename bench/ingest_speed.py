"""Ingest speed, as ratios against two references run in the same process on the same files:

* the embedding floor: embedding our chunks' texts and nothing else (no loading, cleaning,
  OCR, chunking or storing): no ingest can be faster than this with this model;
* the plain LangChain recipe: pypdf page text (or the raw file), RecursiveCharacterTextSplitter
  1000/200, the same model, langchain-chroma `add_texts`.

    .venv/bin/python -m bench.ingest_speed [--folder ../shared/corpus/pdf] [--fresh-ocr]

OCR'd pages come from a cache in .bench-cache/ unless --fresh-ocr; the recipe does no OCR.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from ingest.pipeline import Ingestor, discover
from retrieval.core.embeddings import as_langchain, get_embedder
from retrieval.core.settings import PROJECT_ROOT, Settings
from retrieval.core.text import embedding_text


def plain_langchain(files: list[Path], embedder, data_dir: Path) -> tuple[float, int]:
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter
    from pypdf import PdfReader

    started = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    store = Chroma(
        "recipe", embedding_function=as_langchain(embedder), persist_directory=str(data_dir)
    )
    total = 0
    for path in files:
        if path.suffix.lower() == ".pdf":
            texts = [page.extract_text() or "" for page in PdfReader(path).pages]
        else:
            texts = [path.read_text(encoding="utf-8", errors="replace")]
        pieces = [piece for text in texts for piece in splitter.split_text(text)]
        if pieces:
            store.add_texts(pieces)
            total += len(pieces)
    return time.perf_counter() - started, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=PROJECT_ROOT.parent / "shared/corpus/pdf")
    parser.add_argument("--fresh-ocr", action="store_true", help="do not use the OCR cache")
    args = parser.parse_args()
    embedder = get_embedder("all-MiniLM-L6-v2")
    embedder.embed(["warm up"])
    files, _ = discover(args.folder.resolve())
    cache = PROJECT_ROOT / ".bench-cache" / "ocr"
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(corpus_dir=args.folder, data_dir=Path(tmp) / "ours", progress=False)
        settings.data_dir.mkdir(parents=True)
        if not args.fresh_ocr:
            settings.ocr_cache_dir.symlink_to(cache, target_is_directory=True)
        ours = Ingestor(settings, embedder).run()
        ours_s = ours.seconds

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

        recipe_s, recipe_chunks = plain_langchain(files, embedder, Path(tmp) / "recipe")
        shutil.rmtree(Path(tmp) / "recipe", ignore_errors=True)
    ocr_pages = sum(len(f.ocr_pages) for f in ours.files)
    print(
        f"files: {len(files)} in {args.folder}  (OCR pages: {ocr_pages}, "
        f"{'read fresh' if args.fresh_ocr else 'from the cache when present'})"
    )
    print(f"{'run':<28}{'seconds':>9}{'chunks':>8}{'chunks/s':>10}")
    for name, secs, n in (
        ("embedding floor", floor_s, len(texts)),
        ("karigar ingest", ours_s, ours.chunks_embedded),
        ("plain LangChain recipe", recipe_s, recipe_chunks),
    ):
        print(f"{name:<28}{secs:>9.1f}{n:>8}{n / secs if secs else 0:>10.1f}")
    print(f"karigar / floor: {ours_s / floor_s:.2f}x the time")
    print(
        f"karigar / plain recipe: {ours_s / recipe_s:.2f}x the time "
        f"({ours.chunks_embedded} vs {recipe_chunks} chunks)"
    )


if __name__ == "__main__":
    main()
