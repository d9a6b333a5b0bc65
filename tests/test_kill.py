"""A run killed with SIGKILL at any point between its writes, then run again, leaves exactly
what a clean run leaves: no duplicates, no orphans, no half-written documents."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys

import pytest

from ingest.pipeline import Ingestor
from retrieval.core.settings import PROJECT_ROOT, Settings
from tests.killed_ingest import kill_moment, watched_run

RANDOM_KILLS = 5  # `python -m bench.kill` runs 20 and more


def _snapshot(settings: Settings, embedder) -> dict:
    store = Ingestor(settings, embedder).store
    records = store.records()
    chunks = {}
    for doc_id in records:
        for chunk in store.chunks_of(doc_id):
            chunks[chunk.chunk_id] = (chunk.text, chunk.page, chunk.section, chunk.char_start)
    return {
        "records": {d: (r.doc.path, r.ingest_state, r.chunks, r.pages) for d, r in records.items()},
        "chunks": chunks,
        "count": store.count(),
        "pages": {d: store.page_text(d, 1) for d in records},
    }


def _killed_run(settings: Settings, failpoint: str) -> None:
    """Run an ingest in its own process and SIGKILL it at `step:n` (see tests/killed_ingest)."""
    env = os.environ | {
        "KARIGAR_CORPUS_DIR": str(settings.corpus_dir),
        "KARIGAR_DATA_DIR": str(settings.data_dir),
    }
    step, n = failpoint.split(":")
    done = subprocess.run(
        [sys.executable, "-m", "tests.killed_ingest", step, n],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == -signal.SIGKILL, (failpoint, done.returncode, done.stderr[-2000:])


@pytest.fixture
def clean_snapshot(tmp_path_factory, mini_corpus, embedder, ocr_cache):
    settings = Settings(
        corpus_dir=mini_corpus, data_dir=tmp_path_factory.mktemp("clean"), progress=False
    )
    Ingestor(settings, embedder).run()
    return _snapshot(settings, embedder)


@pytest.mark.parametrize(
    "failpoint",
    ["embedded:2", "pending:3", "chunks:1", "chunks:4", "complete:5"],
)
def test_killed_then_rerun_equals_a_clean_run(
    failpoint, make_settings, mini_corpus, embedder, clean_snapshot
):
    settings = make_settings(corpus_dir=mini_corpus)
    _killed_run(settings, failpoint)
    report = Ingestor(settings, embedder).run()
    assert report.exit_code == 0
    assert _snapshot(settings, embedder) == clean_snapshot
    if failpoint.startswith(("pending", "chunks")):
        assert len(report.recovered) == 1  # the half-written document was found and removed


def test_killed_while_replacing_a_changed_file(make_settings, mini_corpus, embedder, tmp_path):
    settings = make_settings(corpus_dir=mini_corpus)
    Ingestor(settings, embedder).run()
    target = mini_corpus / "seeds/indian-sme-clusters-overview.txt"
    target.write_text(
        target.read_text("utf-8") + "\n\nChannapatna toys are lacquerware.\n", "utf-8"
    )
    _killed_run(settings, "drop_old:1")  # new version complete, old one not yet removed
    Ingestor(settings, embedder).run()
    clean = Settings(corpus_dir=mini_corpus, data_dir=tmp_path / "clean2", progress=False)
    Ingestor(clean, embedder).run()
    assert _snapshot(settings, embedder) == _snapshot(clean, embedder)


def test_killed_at_random_moments_then_rerun_equals_a_clean_run(
    make_settings, mini_corpus, embedder, clean_snapshot, tmp_path
):
    """SIGKILL from outside at a random moment of the writing (not at a failpoint): the next
    run leaves exactly what a clean run leaves."""
    rng = random.Random(20261204)
    last, timeline = watched_run(mini_corpus, tmp_path / "whole", None)
    assert last == "finished"
    where = []
    settings = make_settings(corpus_dir=mini_corpus)
    for trial in range(RANDOM_KILLS):
        data = settings.data_dir / f"trial{trial}"
        at = kill_moment(rng, timeline)
        where.append(watched_run(mini_corpus, data, at)[0])
        again = settings.model_copy(update={"data_dir": data})
        assert Ingestor(again, embedder).run().exit_code == 0
        assert _snapshot(again, embedder) == clean_snapshot, (trial, at, where[-1])
    assert any(w not in ("start", "finished") for w in where), where  # some landed mid-run
