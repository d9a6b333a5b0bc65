"""Scanned documents are read by Tesseract, marked as OCR, and match someone else's OCR."""

from __future__ import annotations

import hashlib
import os
import re
from difflib import SequenceMatcher

import pytest

from ingest.loaders import load
from retrieval.core.errors import OCRUnavailableError
from retrieval.core.settings import Settings

SCAN = "scanned/KVIC_PMEGP_2nd_Loan_Guidelines_2019-02-12_SCANNED.pdf"
THEIR_OCR = "scanned/KVIC_PMEGP_2nd_Loan_Guidelines_2019-02-12_repo-OCR.pdf"
CAMSCANNER = "scanned/MSME_OM_PMEGP_Interest_on_Margin_Money_2014-09-20_CamScanner.pdf"


def _load(path, settings):
    data = path.read_bytes()
    return load(path, data, hashlib.sha256(data).hexdigest(), settings)


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def test_our_ocr_of_the_scan_matches_the_other_ocr_copy(corpus, make_settings, tesseract):
    settings = make_settings()
    ours = _load(corpus / SCAN, settings)
    theirs = _load(corpus / THEIR_OCR, settings)
    assert [p.ocr for p in ours.pages] == [True] * 4  # no text layer at all: every page read
    assert [p.ocr for p in theirs.pages] == [False] * 4  # a text layer (noisy, but usable)
    for mine, other in zip(ours.pages, theirs.pages, strict=True):
        ratio = SequenceMatcher(None, _words(mine.text), _words(other.text), autojunk=False).ratio()
        assert ratio >= 0.9, f"page {mine.number}: only {ratio:.2f} of words agree"
    assert "Guidelines for disbursing and validating margin money" in ours.pages[0].text


def test_a_watermark_is_not_a_text_layer(corpus, make_settings, tesseract):
    loaded = _load(corpus / CAMSCANNER, make_settings())
    page = loaded.pages[0]
    assert page.ocr
    assert len(page.text.split()) > 100
    assert "Khadi and Village Industries Commission" in page.text


def test_a_scan_is_read_from_its_bytes_where_the_file_is_not(corpus, tmp_path, tesseract):
    """An ingest worker on another machine gets the file's bytes, not the file: OCR renders
    the pages from them. Nor may it write the OCR cache where the settings say (here a file
    stands where the cache folder should be): that costs only the cache."""
    data = (corpus / CAMSCANNER).read_bytes()
    settings = Settings(corpus_dir=tmp_path, data_dir=tmp_path / "data", progress=False)
    settings.data_dir.mkdir()
    settings.ocr_cache_dir.write_text("not a folder", "utf-8")
    elsewhere = tmp_path / "on-another-machine" / CAMSCANNER
    loaded = load(elsewhere, data, hashlib.sha256(data).hexdigest(), settings)
    assert loaded.pages[0].ocr
    assert "Khadi and Village Industries Commission" in loaded.pages[0].text


def test_without_tesseract_a_scan_fails_saying_how_to_install(corpus, make_settings, monkeypatch):
    monkeypatch.setenv("KARIGAR_TESSERACT", "/nonexistent/tesseract")
    settings = make_settings()
    settings.ocr_cache_dir.unlink()  # no cached pages: Tesseract would really be needed
    with pytest.raises(OCRUnavailableError) as caught:
        _load(
            corpus / "scanned/MSME_OM_NIC_Activities_Not_Covered_2020-12-01_SCANNED.pdf", settings
        )
    assert "apt-get install tesseract-ocr" in caught.value.reason
    assert caught.value.path.endswith("_SCANNED.pdf")


def test_the_scanned_pages_of_a_file_are_read_side_by_side(
    corpus, make_settings, tesseract, tmp_path, monkeypatch
):
    """One Tesseract per core: with two cores, two pages of the 4-page scan are read at
    once (each run's start and end logged by a wrapper), and the pages come back in their
    order, the same text as read one by one."""
    log = tmp_path / "runs.log"
    wrapper = tmp_path / "tesseract"
    wrapper.write_text(
        "#!/bin/sh\n"
        f'echo "start $(date +%s.%N)" >> "{log}"\n'
        f'"{tesseract}" "$@"\n'
        "rc=$?\n"
        f'echo "end $(date +%s.%N)" >> "{log}"\n'
        "exit $rc\n"
    )
    wrapper.chmod(0o755)
    one_by_one = _load(corpus / SCAN, make_settings())  # the session's OCR cache
    monkeypatch.setenv("KARIGAR_TESSERACT", str(wrapper))
    fresh = Settings(corpus_dir=corpus, data_dir=tmp_path / "fresh", progress=False)
    side_by_side = _load(corpus / SCAN, fresh)  # an empty cache: Tesseract reads each page
    assert [p.text for p in side_by_side.pages] == [p.text for p in one_by_one.pages]
    running = most = 0
    events = [line.split() for line in log.read_text().splitlines()]
    assert sum(kind == "start" for kind, _ in events) == 4
    for kind, _ in sorted(events, key=lambda e: (float(e[1]), e[0] == "start")):
        running += 1 if kind == "start" else -1
        most = max(most, running)
    assert most == min(2, os.cpu_count() or 1)
