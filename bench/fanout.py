"""Ingest fanned out over Ray workers against the same ingest in one process, in one run:

    .venv/bin/python -m bench.fanout [--folder ../shared/corpus] [--workers 2] [--files N]
                                     [--fresh-ocr] [--server] [--no-unit-vectors]

Each side ingests the same files into a fresh data folder of its own (an embedded store, or
a Chroma server started for the run with --server), with the reader's unit vectors kept, as
the default settings do (--no-unit-vectors: without, as the tests' shared store is built).
OCR reads the scanned pages from the shared cache in .bench-cache/ocr unless --fresh-ocr
(then each side runs Tesseract itself). Prints both times and the speed-up (one process's
seconds over the workers'); the workers' side includes starting the local Ray cluster and
loading the model in each worker.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from ingest.pipeline import Ingestor, discover
from retrieval.core.settings import PROJECT_ROOT, Settings
from tests.test_server import _free_port, start_chroma, stop_chroma


def _run(
    folder: Path, data_dir: Path, cache: Path | None, **overrides: object
) -> tuple[float, int]:
    settings = Settings(
        corpus_dir=folder,
        data_dir=data_dir,
        progress=False,
        **overrides,  # type: ignore[arg-type]
    )
    data_dir.mkdir(parents=True)
    if cache is not None:
        settings.ocr_cache_dir.symlink_to(cache, target_is_directory=True)
    started = time.perf_counter()
    report = Ingestor(settings).run()
    seconds = time.perf_counter() - started
    if report.failed:
        print(f"  {len(report.failed)} file(s) failed, e.g. {report.failed[0].reason}")
    return seconds, report.chunks_in_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folder", type=Path, default=PROJECT_ROOT.parent / "shared/corpus")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--files", type=int, default=0, help="the first N files only (0: all)")
    parser.add_argument("--fresh-ocr", action="store_true")
    parser.add_argument("--server", action="store_true", help="write into a Chroma server")
    parser.add_argument(
        "--no-unit-vectors", action="store_true", help="as the tests ingest: no unit vectors"
    )
    args = parser.parse_args()
    files, _ = discover(args.folder.resolve())
    cache = None if args.fresh_ocr else PROJECT_ROOT / ".bench-cache" / "ocr"
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder.resolve()
        if args.files:
            folder = Path(tmp) / "corpus"
            for path in files[: args.files]:
                target = folder / path.relative_to(args.folder.resolve())
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, target)
        count = len(discover(folder)[0])
        print(f"{count} files from {args.folder}; OCR {'fresh' if cache is None else 'cached'}")
        results = {}
        for name, workers in (("one process", 1), (f"{args.workers} Ray workers", args.workers)):
            server: dict[str, object] = {}
            proc = None
            if args.server:  # started and awaited as the tests start theirs
                port = _free_port()
                proc = start_chroma(
                    Path(tmp) / f"server-{workers}", port, Path(tmp) / f"chroma-{workers}.log"
                )
                server = {"chroma_host": "127.0.0.1", "chroma_port": port}
            try:
                seconds, chunks = _run(
                    folder,
                    Path(tmp) / f"data-{workers}",
                    cache,
                    ingest_workers=workers,
                    unit_vectors_at_ingest=not args.no_unit_vectors,
                    **server,
                )
            finally:
                if proc is not None:
                    stop_chroma(proc)
            results[name] = seconds
            print(f"{name:>16}: {seconds:7.1f} s, {chunks:,} chunks")
        one, many = results.values()
        print(f"speed-up with {args.workers} workers: {one / many:.2f}x")


if __name__ == "__main__":
    main()
