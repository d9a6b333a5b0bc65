"""Ingest fanned out over Ray (`KARIGAR_INGEST_WORKERS`): a local cluster of two worker
processes reads, OCRs and embeds the files while the ingest alone writes into a Chroma server,
and the store comes out as a one-process ingest leaves it, even when a worker is killed in
the middle of a file."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import pytest

from ingest.fanout import Job, RayWorkers, unit_texts_of
from ingest.pipeline import Ingestor
from ingest.report import ADDED
from retrieval.core.errors import IngestError
from retrieval.core.settings import Settings
from retrieval.core.store import Store
from retrieval.core.unit_vectors import UnitVectors
from tests.conftest import require
from tests.test_server import chroma_server  # noqa: F401 - the fixture

SCAN = "scanned/MSME_OM_NIC_Activities_Not_Covered_2020-12-01_SCANNED.pdf"


@pytest.fixture(scope="module", autouse=True)
def _ray_installed():
    try:
        import ray  # noqa: F401
    except ImportError:
        require(False, "ray (pip install 'karigar[ray]')")


@pytest.fixture
def corpus_with_scan(mini_corpus, corpus) -> Path:
    """The mini corpus, a one-page scan to OCR, and a copy of a seed (stored once)."""
    (mini_corpus / "scanned").mkdir()
    shutil.copy(corpus / SCAN, mini_corpus / SCAN)
    seed = mini_corpus / "seeds/indian-sme-clusters-overview.txt"
    shutil.copy(seed, mini_corpus / "seeds/copy-of-overview.txt")
    return mini_corpus


def contents(settings: Settings, embedder) -> dict:
    """What the store holds: every document's record, every chunk with its text, place and
    vector, the first page's text."""
    store = Store(settings, embedder.name, embedder.dimension)
    records = store.records()
    chunks = {c.chunk_id: c for d in records for c in store.chunks_of(d)}
    vectors = store.embeddings_of(sorted(chunks))
    return {
        "records": {
            d: (r.doc.path, r.doc.title, r.ingest_state, r.chunks, r.pages, r.ocr_pages)
            for d, r in records.items()
        },
        "chunks": {
            i: (c.text, c.page, c.section, c.char_start, c.char_end) for i, c in chunks.items()
        },
        "vectors": {i: np.asarray(v) for i, v in vectors.items()},
        "pages": {d: store.page_text(d, 1) for d in records},
        "count": store.count(),
    }


def kill_a_worker_while_it_reads(found: list[int], stop: threading.Event) -> None:
    """SIGKILL the Ray worker process (the task's process, not the parse worker below it)
    as soon as Tesseract runs under it: mid-file, for certain. Its pid goes in `found`."""
    while not stop.is_set() and not found:
        for proc in psutil.process_iter(["name"]):
            if proc.info["name"] != "tesseract":
                continue
            try:
                ray_worker = next(p for p in proc.parents() if "ray::" in " ".join(p.cmdline()[:1]))
            except (StopIteration, psutil.Error):
                continue
            found.append(ray_worker.pid)
            os.kill(ray_worker.pid, signal.SIGKILL)
            return
        time.sleep(0.02)


def test_two_ray_workers_into_a_chroma_server_store_what_one_process_stores(
    chroma_server,  # noqa: F811
    make_settings,
    corpus_with_scan,
    embedder,
    tmp_path,
):
    one = make_settings(corpus_dir=corpus_with_scan)
    alone = Ingestor(one, embedder).run()
    assert alone.exit_code == 0

    # the workers get a data folder of their own: no OCR cache, so the scan is read by
    # Tesseract there, from the bytes the ingest sends
    fanned = Settings(
        corpus_dir=corpus_with_scan,
        data_dir=tmp_path / "fanned",
        chroma_host="127.0.0.1",
        chroma_port=chroma_server,
        ingest_workers=2,
        unit_vectors_at_ingest=True,  # the tests' default is off
        progress=False,
    )
    killed: list[int] = []
    stop = threading.Event()
    killer = threading.Thread(target=kill_a_worker_while_it_reads, args=(killed, stop))
    killer.start()
    try:
        report = Ingestor(fanned).run()
    finally:
        stop.set()
        killer.join()

    # a worker was killed in the middle of the scan; its file was read again by another
    assert killed, "no Ray worker was caught reading the scan"
    assert report.exit_code == 0, [(f.path, f.reason) for f in report.failed]
    assert report.seconds >= max(f.seconds for f in report.files)  # the run holds each file
    assert [(f.path, f.status, f.chunks) for f in report.files] == [
        (f.path, f.status, f.chunks) for f in alone.files
    ]
    scan = next(f for f in report.files if f.path == SCAN)
    assert scan.status == ADDED and scan.ocr_pages == [1]
    workers = {f.worker for f in report.files if f.status == ADDED}
    assert "" not in workers  # every file was read by a Ray worker...
    assert not any(w.endswith(f":{os.getpid()}") for w in workers)  # ...not this process
    assert f"{os.uname().nodename}:{killed[0]}" != scan.worker

    # the same store, through the server: records, chunks, page texts; vectors to rounding
    got, want = contents(fanned, embedder), contents(one, embedder)
    for key in ("records", "chunks", "pages", "count"):
        assert got[key] == want[key], key
    assert got["vectors"].keys() == want["vectors"].keys()
    for chunk_id, vector in want["vectors"].items():
        assert float(vector @ got["vectors"][chunk_id]) > 0.9999, chunk_id

    # the workers' unit vectors are kept for the answers, under the model's name
    units = UnitVectors(fanned.data_dir / "unit-vectors.sqlite")
    store = Store(fanned, embedder.name, embedder.dimension)
    rec = store.records()[scan.doc_id]
    texts = unit_texts_of(rec.doc, store.chunks_of(scan.doc_id))
    before = units.misses
    kept = units.vectors(embedder, texts)
    assert units.misses == before  # all read from the file, none embedded again
    assert np.allclose(kept, np.asarray(embedder.embed(texts)), atol=1e-4)


def test_a_file_whose_worker_dies_on_every_try_fails_by_name(corpus, tmp_path):
    settings = Settings(
        corpus_dir=corpus, data_dir=tmp_path / "data", ingest_workers=2, progress=False
    )
    data = (corpus / SCAN).read_bytes()
    job = Job(corpus / SCAN, SCAN, data, hashlib.sha256(data).hexdigest(), None)
    workers = RayWorkers(settings, retries=0)
    killed: list[int] = []
    stop = threading.Event()
    killer = threading.Thread(target=kill_a_worker_while_it_reads, args=(killed, stop))
    killer.start()
    try:
        ref = workers.submit(job)
        with pytest.raises(IngestError) as caught:
            workers.result(job, ref)
    finally:
        stop.set()
        killer.join()
        workers.close()
    assert killed
    assert caught.value.path == str(corpus / SCAN)
    assert "the Ray worker reading it stopped once" in caught.value.reason
    assert "nothing of it was stored" in caught.value.reason


def test_karigar_ingest_workers_from_the_command_line(make_settings, corpus, tmp_path):
    """`karigar ingest --workers 2`: the files are read by Ray workers, a bad one fails by
    name there and the batch goes on, the exit code says so."""
    from typer.testing import CliRunner

    from ui.cli import app

    folder = tmp_path / "folder"
    folder.mkdir()
    for name in ("indian-sme-clusters-overview.txt", "jk-handicrafts-msme-ramp-review.txt"):
        shutil.copy(corpus / "seeds" / name, folder / name)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    settings = make_settings(corpus_dir=folder)
    env = {"KARIGAR_CORPUS_DIR": str(folder), "KARIGAR_DATA_DIR": str(settings.data_dir)}
    done = CliRunner().invoke(app, ["ingest", "--no-progress", "--json", "--workers", "2"], env=env)
    assert done.exit_code == 1, done.output
    report = json.loads(done.output)
    by_path = {f["path"]: f for f in report["files"]}
    assert by_path["broken.pdf"]["status"] == "failed"
    reason = by_path["broken.pdf"]["reason"]
    assert reason and not reason.startswith("unexpected"), reason  # the loader's own reason
    for name in ("indian-sme-clusters-overview.txt", "jk-handicrafts-msme-ramp-review.txt"):
        assert by_path[name]["status"] == ADDED
        assert by_path[name]["worker"] and not by_path[name]["worker"].endswith(f":{os.getpid()}")
    assert report["documents_in_store"] == 2
