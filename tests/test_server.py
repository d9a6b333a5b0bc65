"""Server mode: a real `chroma run` on 127.0.0.1, started and stopped by the test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.pipeline import Ingestor
from ingest.report import ADDED, UNCHANGED
from retrieval.core.errors import StoreError
from retrieval.core.store import Store

CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_chroma(path: Path, port: int, log_path: Path) -> subprocess.Popen:
    """`chroma run` on 127.0.0.1:port over `path`, ready to answer."""
    assert CHROMA.exists(), f"{CHROMA} missing: chromadb installs it"
    log = log_path.open("a")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(path)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=os.environ | {"ANONYMIZED_TELEMETRY": "False"},
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            assert proc.poll() is None, log_path.read_text()
            time.sleep(0.2)
    proc.kill()
    pytest.fail("chroma run did not start within 60 s")


def stop_chroma(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(20)


@pytest.fixture
def chroma_server(tmp_path):
    port = _free_port()
    proc = start_chroma(tmp_path / "server-data", port, tmp_path / "chroma.log")
    yield port
    stop_chroma(proc)


def test_ingest_and_search_through_a_chroma_server(
    chroma_server, make_settings, mini_corpus, embedder
):
    settings = make_settings(
        corpus_dir=mini_corpus, chroma_host="127.0.0.1", chroma_port=chroma_server
    )
    first = Ingestor(settings, embedder).run()
    assert {f.status for f in first.files} == {ADDED} and len(first.files) == 5
    assert first.store == f"Chroma server 127.0.0.1:{chroma_server}"
    assert not settings.chroma_path.exists()  # nothing went to the embedded store
    second = Ingestor(settings, embedder).run()
    assert {f.status for f in second.files} == {UNCHANGED}
    store = Store(settings, embedder.name, embedder.dimension)
    assert store.count() == first.chunks_in_store > 0
    hits = store.query(embedder.embed_query("pension for unorganised workers aged 18 to 40"), k=3)
    assert hits[0].doc.title == "Atal Pension Yojana"
    with pytest.raises(StoreError, match="--rebuild"):
        Store(settings, "another-model", 768)


def test_an_unreachable_server_is_a_clear_error(make_settings, embedder):
    settings = make_settings(chroma_host="127.0.0.1", chroma_port=_free_port())
    with pytest.raises(StoreError) as caught:
        Store(settings, embedder.name, embedder.dimension)
    assert "cannot reach the Chroma server" in str(caught.value)
    assert "chroma run" in str(caught.value)
