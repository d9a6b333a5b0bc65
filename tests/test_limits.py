"""Bounded work per file: each limit stops its file with a reason naming the limit and the
setting that raises it; the batch goes on and nothing of a stopped file is stored. Reading
runs in a worker process (`ingest/worker.py`), so time and memory limits hold there."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from ingest.report import ADDED, FAILED
from ingest.worker import parse
from retrieval.core.errors import IngestError
from retrieval.core.settings import Settings

GOOD = "The PMEGP scheme gives margin money to new micro enterprises in rural areas. " * 30
PDF = "pdf/PMEGP_Guidelines_KVIC_certified_2022-23.pdf"  # over 10 pages
SCANNED = "scanned/MSME_OM_NIC_Activities_Not_Covered_2020-12-01_SCANNED.pdf"


def _reasons(report) -> dict[str, tuple[str, str]]:
    return {Path(f.path).name: (f.status, f.reason) for f in report.files}


def _scheme(**content) -> str:
    return json.dumps({"content": {"title": "A scheme", **content}})


def test_each_limit_fails_its_file_by_name_and_the_batch_goes_on(
    tmp_path, corpus, make_settings, embedder
):
    root = tmp_path / "corpus"
    root.mkdir()
    shutil.copy(corpus / PDF, root / "guideline.pdf")
    (root / "good.txt").write_text(GOOD)
    (root / "long.txt").write_text("word " * 5_000)  # 25,000 characters
    (root / "many.md").write_text("\n\n".join(f"## Part {i}\n\n{GOOD[:1500]}" for i in range(8)))
    (root / "deep.json").write_text("[" * 200 + "]" * 200)
    (root / "wrong_type.json").write_text(_scheme(benefits=["a", 2]))
    (root / "blank_title.json").write_text(json.dumps({"content": {"title": "  "}}))
    (root / "state_as_number.json").write_text(_scheme(state=5))
    settings = make_settings(
        corpus_dir=root, max_pages=10, max_page_chars=20_000, max_chunks=10, max_json_depth=20
    )
    report = Ingestor(settings, embedder).run()
    said = _reasons(report)
    assert said["good.txt"][0] == ADDED
    expected = {
        "guideline.pdf": "over the 10 limit (KARIGAR_MAX_PAGES)",
        "long.txt": "over the 20,000 limit (KARIGAR_MAX_PAGE_CHARS)",
        "many.md": "over the 10 limit (KARIGAR_MAX_CHUNKS)",
        "deep.json": "nested deeper than the 20 limit (KARIGAR_MAX_JSON_DEPTH)",
        "wrong_type.json": "wrong field: content.benefits[1]: Input should be a valid string",
        "blank_title.json": "wrong field: content.title: Value error, the scheme's title is blank",
        "state_as_number.json": "wrong field: content.state: Input should be a valid string",
    }
    for name, words in expected.items():
        status, reason = said[name]
        assert status == FAILED and words in reason, (name, reason)
    store = Ingestor(settings, embedder).store
    assert [r.doc.path for r in store.documents().values()] == ["good.txt"]
    assert store.count() == sum(r.chunks for r in store.records().values())


def test_a_file_over_the_time_limit_is_stopped_and_the_next_one_is_read(
    tmp_path, corpus, embedder, tesseract
):
    """A scanned page needs OCR (the cache here is empty): over a 1 s limit the worker is
    stopped, and a fresh one reads the next file."""
    root = tmp_path / "corpus"
    root.mkdir()
    shutil.copy(corpus / SCANNED, root / "a_scanned.pdf")
    (root / "b_good.txt").write_text(GOOD)
    settings = Settings(
        corpus_dir=root, data_dir=tmp_path / "data", progress=False, max_file_seconds=1
    )
    report = Ingestor(settings, embedder).run()
    said = _reasons(report)
    status, reason = said["a_scanned.pdf"]
    assert status == FAILED and "took over 1 s to read and was stopped" in reason
    assert "KARIGAR_MAX_FILE_SECONDS" in reason
    assert said["b_good.txt"][0] == ADDED
    assert report.files[0].seconds < 30  # stopped, not waited out


def test_a_file_that_needs_too_much_memory_fails_and_the_store_is_intact(
    tmp_path, make_settings, embedder
):
    root = tmp_path / "corpus"
    root.mkdir()
    paragraph = "Margin money subsidy is given under PMEGP for new units in rural areas. " * 20
    (root / "a_huge.txt").write_text((paragraph + "\n\n") * 30_000)  # 43 MB of text
    (root / "b_good.txt").write_text(GOOD)
    settings = make_settings(
        corpus_dir=root, max_parse_mb=256, max_chunks=10**6, max_page_chars=10**9
    )
    report = Ingestor(settings, embedder).run()
    said = _reasons(report)
    status, reason = said["a_huge.txt"]
    assert status == FAILED and "more than 256 MB of memory" in reason
    assert "KARIGAR_MAX_PARSE_MB" in reason
    assert said["b_good.txt"][0] == ADDED
    store = Ingestor(settings, embedder).store
    assert [r.doc.path for r in store.records().values()] == ["b_good.txt"]


def test_the_limits_hold_when_reading_in_the_ingests_own_process(tmp_path, make_settings):
    settings = make_settings(parse_in_worker=False, max_chunks=2)
    path = tmp_path / "x.txt"
    data = "\n\n".join(f"Heading {i}\n\n{GOOD}" for i in range(5)).encode()
    with pytest.raises(IngestError, match=r"KARIGAR_MAX_CHUNKS"):
        parse(path, data, "0" * 64, "x", settings)


def test_a_worker_that_dies_fails_its_file_and_a_fresh_one_reads_the_next(tmp_path, make_settings):
    """The worker killed from outside while it reads (as the kernel's OOM killer would):
    the file fails naming the memory setting; the next file is read by a new worker."""
    import os
    import signal
    import threading

    from ingest.worker import WORKER, read_file

    settings = make_settings()
    path = tmp_path / "a.txt"
    WORKER.close()
    read_file(path, GOOD.encode(), "0" * 64, "a", settings)  # a worker is up
    proc = WORKER._proc
    assert proc is not None
    timer = threading.Timer(0.5, os.kill, (proc.pid, signal.SIGKILL))
    timer.start()
    slow = settings.model_copy(update={"max_page_chars": 10**9, "max_chunks": 10**7})
    huge = ((GOOD + "\n\n") * 20_000).encode()  # 47 MB: longer than half a second to read
    with pytest.raises(IngestError, match=r"exit code -9.*KARIGAR_MAX_PARSE_MB"):
        read_file(path, huge, "1" * 64, "b", slow)
    timer.join()
    parsed = read_file(tmp_path / "c.txt", GOOD.encode(), "2" * 64, "c", settings)
    assert parsed.chunks and WORKER._proc is not None and WORKER._proc.pid != proc.pid


def test_an_upload_is_read_under_the_same_limits_before_anything_is_replaced(
    make_settings, embedder
):
    from ingest.uploads import save_upload, uploads_dir

    settings = make_settings(max_chunks=3)
    ingestor = Ingestor(settings, embedder)
    first = save_upload(ingestor, "notes.txt", GOOD[:800].encode())
    assert first.status == ADDED
    longer = "\n\n".join(f"Heading {i}\n\n{GOOD}" for i in range(5)).encode()
    with pytest.raises(IngestError, match=r"KARIGAR_MAX_CHUNKS.*The version stored before is kept"):
        save_upload(ingestor, "notes.txt", longer)
    assert (uploads_dir(settings) / "notes.txt").read_bytes() == GOOD[:800].encode()
    assert [r.doc.path for r in ingestor.store.documents().values()] == [
        str(uploads_dir(settings) / "notes.txt")
    ]
