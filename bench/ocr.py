"""OCR of the reference corpus's scanned pages (21 in 9 files), one page at a time (the
reference) and side by side (one Tesseract per core, what ingest does), in one process,
without the OCR cache.

    .venv/bin/python -m bench.ocr [--folder ../shared/corpus]

The pages are those the PDF loader sends to OCR (no usable text layer, an image on the page).
Prints seconds per page both ways and the ratio; the target (issue 15) is under 5 s a page.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import time
from pathlib import Path

from pypdf import PdfReader

from ingest.loaders import needs_ocr
from ingest.ocr import ocr_pdf_pages
from retrieval.core.settings import PROJECT_ROOT, Settings

TARGET_S = 5.0


def scanned_pages(folder: Path, settings: Settings) -> list[tuple[Path, str, list[int]]]:
    """(file, its hash, the pages the loader would OCR) for each PDF of `folder`."""
    out = []
    for path in sorted(folder.rglob("*.pdf")):
        data = path.read_bytes()
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = [
            i
            for i, page in enumerate(reader.pages)
            if needs_ocr(page, page.extract_text() or "", settings.ocr_min_words)
        ]
        if pages:
            out.append((path, hashlib.sha256(data).hexdigest(), pages))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--folder", type=Path, default=PROJECT_ROOT.parent / "shared/corpus/scanned"
    )
    args = parser.parse_args()
    settings = Settings(progress=False)
    files = scanned_pages(args.folder, settings)
    n = sum(len(p) for _, _, p in files)
    timings = {}
    for name, workers in (("one at a time", 1), (f"side by side ({os.cpu_count()} cores)", None)):
        started = time.perf_counter()
        for path, sha, pages in files:
            ocr_pdf_pages(path, pages, sha, settings.ocr_languages, settings.ocr_dpi, None, workers)
        timings[name] = time.perf_counter() - started
    print(f"{n} scanned pages in {len(files)} files of {args.folder}\n")
    print(f"{'OCR':<32}{'seconds':>9}{'s a page':>10}")
    for name, secs in timings.items():
        print(f"{name:<32}{secs:>9.1f}{secs / n:>10.2f}")
    first, second = timings.values()
    print(f"\nside by side / one at a time: {second / first:.2f}x the time")
    print(f"target: under {TARGET_S:g} s a page")


if __name__ == "__main__":
    main()
