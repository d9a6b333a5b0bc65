"""OCR for pages without a usable text layer: render with pypdfium2, read with Tesseract.

Results are cached by (file hash, page, languages, dpi) under `Settings.ocr_cache_dir`, so a
rebuild does not pay nine seconds a page again.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from retrieval.core.errors import IngestError, OCRUnavailableError

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "install Tesseract: `sudo apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-hin`"
    " (Debian/Ubuntu; `make test` and `make run` do it when run as root), then ingest again"
)


def tesseract_path() -> str | None:
    return shutil.which(os.environ.get("KARIGAR_TESSERACT", "tesseract"))


# pdfium is not thread-safe: pages are rendered one at a time, and read by Tesseract (a
# process of its own, one thread each) side by side
_PDFIUM = threading.Lock()


def ocr_pdf_pages(
    path: Path,
    page_indexes: Sequence[int],
    sha256: str,
    languages: str,
    dpi: int,
    cache_dir: Path | None,
    workers: int | None = None,
    data: bytes | None = None,
) -> list[str]:
    """`ocr_pdf_page` for several pages of one PDF, in their order, as many at a time as the
    machine has cores (`workers`): the reference corpus's 21 scanned pages in 0.72 of the
    time on 2 cores (`python -m bench.ocr`). The first page that fails raises, as one page
    alone would."""
    workers = max(1, min(len(page_indexes), workers or os.cpu_count() or 1))

    def one(i: int) -> str:
        return ocr_pdf_page(path, i, sha256, languages, dpi, cache_dir, data)

    if workers == 1:
        return [one(i) for i in page_indexes]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="karigar-ocr") as pool:
        return list(pool.map(one, page_indexes))


def ocr_pdf_page(
    path: Path,
    page_index: int,
    sha256: str,
    languages: str,
    dpi: int,
    cache_dir: Path | None,
    data: bytes | None = None,
) -> str:
    """The text Tesseract reads on one page (0-based `page_index`) of a PDF: rendered from
    `data`, the file's bytes, when given (a worker on another machine has no copy of the
    file), else from the file at `path` (which names it in errors either way)."""
    cache_file = None
    if cache_dir is not None:
        cache_file = cache_dir / sha256[:2] / f"{sha256}-p{page_index + 1}-{languages}-{dpi}.txt"
        if cache_file.exists():
            return cache_file.read_text(encoding="utf-8")
    exe = tesseract_path()
    if exe is None:
        raise OCRUnavailableError(path, f"page {page_index + 1} is a scan; {INSTALL_HINT}")
    import pypdfium2 as pdfium

    try:
        with _PDFIUM:
            pdf = pdfium.PdfDocument(data if data is not None else str(path))
            try:
                image = pdf[page_index].render(scale=dpi / 72).to_pil()
            finally:
                pdf.close()
    except Exception as exc:
        raise IngestError(
            path, f"page {page_index + 1} could not be rendered for OCR: {exc}"
        ) from exc
    with tempfile.TemporaryDirectory(prefix="karigar-ocr-") as tmp:
        png = Path(tmp) / "page.png"
        image.save(png)
        try:
            done = subprocess.run(
                [exe, str(png), "stdout", "-l", languages, "--psm", "3"],
                capture_output=True,
                text=True,
                timeout=300,
                env=os.environ | {"OMP_THREAD_LIMIT": "1"},
            )
        except subprocess.TimeoutExpired as exc:
            raise IngestError(path, f"OCR of page {page_index + 1} took over 300 s") from exc
    if done.returncode != 0:
        err = done.stderr.strip().splitlines()[-1:] or ["no message"]
        hint = ""
        if "Failed loading language" in done.stderr:
            hint = f"; install the language data ({INSTALL_HINT}) or set KARIGAR_OCR_LANGUAGES"
        raise IngestError(path, f"Tesseract failed on page {page_index + 1}: {err[0]}{hint}")
    text = done.stdout
    if cache_file is not None:
        # a name of its own per writer: two workers reading the same page never mix
        tmp_file = cache_file.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp_file.write_text(text, encoding="utf-8")
            tmp_file.replace(cache_file)  # atomic: a killed run never leaves half an entry
        except OSError as exc:  # a worker elsewhere may not write there: only speed is lost
            log.warning(
                "OCR of %s page %d not cached in %s: %s", path, page_index + 1, cache_dir, exc
            )
    return text
