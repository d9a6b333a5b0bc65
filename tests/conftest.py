"""Shared fixtures: the real corpus, the real embedding model (loaded once), real Chroma.

Under CI=true a missing resource (the reference corpus, Tesseract) fails the run instead of
skipping the tests that need it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

from retrieval.core.settings import PROJECT_ROOT, Settings

# Ingest in tests embeds the chunks only: the reader's unit vectors are computed when a
# question reads them (the same answers, `tests/test_store.py` checks both ways); embedding
# every unit at ingest would add minutes to the suite. Subprocesses inherit it.
os.environ.setdefault("KARIGAR_UNIT_VECTORS_AT_INGEST", "false")
# Nor does the web app start building the multilingual index in the background (ten minutes
# of e5 beside every app test); tests/test_multilingual.py turns it on where it is the subject.
os.environ.setdefault("KARIGAR_MULTILINGUAL_IN_BACKGROUND", "false")
CORPUS = Path(os.environ.get("KARIGAR_TEST_CORPUS", PROJECT_ROOT.parent / "shared" / "corpus"))
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(condition: bool, what: str) -> None:
    """Skip locally, fail in CI, when a resource the test needs is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"missing in CI: {what}")
    pytest.skip(f"missing: {what}")


@pytest.fixture(scope="session")
def corpus() -> Path:
    require((CORPUS / "MANIFEST.tsv").exists(), f"the reference corpus at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def tesseract() -> str:
    exe = shutil.which("tesseract")
    require(exe is not None, "tesseract (apt-get install tesseract-ocr tesseract-ocr-eng)")
    return str(exe)


@pytest.fixture(scope="session")
def embedder():
    from retrieval.core.embeddings import get_embedder

    return get_embedder("all-MiniLM-L6-v2")


@pytest.fixture(scope="session")
def ocr_cache(tmp_path_factory) -> Path:
    """One OCR cache for the session, so each scanned page is read by Tesseract once."""
    return tmp_path_factory.mktemp("ocr-cache")


@pytest.fixture
def make_settings(tmp_path, ocr_cache):
    def build(corpus_dir: Path | None = None, **overrides) -> Settings:
        overrides.setdefault("progress", False)
        settings = Settings(
            corpus_dir=corpus_dir or tmp_path / "corpus", data_dir=tmp_path / "data", **overrides
        )
        # share the session's OCR cache
        (settings.data_dir).mkdir(parents=True, exist_ok=True)
        if not settings.ocr_cache_dir.exists():
            settings.ocr_cache_dir.symlink_to(ocr_cache, target_is_directory=True)
        return settings

    return build


@pytest.fixture
def mini_corpus(tmp_path, corpus) -> Path:
    """A small real corpus: two seeds, one PDF with a text layer, two scheme records."""
    root = tmp_path / "corpus"
    (root / "seeds").mkdir(parents=True)
    (root / "pdf").mkdir()
    (root / "schemes").mkdir()
    for rel in (
        "seeds/indian-sme-clusters-overview.txt",
        "seeds/jk-handicrafts-msme-ramp-review.txt",
        "pdf/PMEGP_Second_Loan_Guidelines_MoMSME_2018.pdf",
        "schemes/Atal_Pension_Yojana.json",
        "schemes/Advanced_Training_in_Handicrafts.json",
    ):
        shutil.copy(corpus / rel, root / rel)
    return root


@pytest.fixture(scope="session")
def full_store(tmp_path_factory, corpus, embedder, ocr_cache, tesseract):
    """The whole reference corpus ingested once for the session: (settings, report, store)."""
    from ingest.pipeline import Ingestor

    data = tmp_path_factory.mktemp("full-data")
    reuse = os.environ.get("KARIGAR_TEST_REUSE_STORE")  # local iteration only, never in CI
    if reuse and not IN_CI:
        shutil.copytree(Path(reuse) / "chroma", data / "chroma")
    # read and embedded by two Ray workers while this process writes: 1.31 times as fast as
    # one process here (`python -m bench.fanout --fresh-ocr --no-unit-vectors`: 155 s, 119 s),
    # and the whole corpus goes through the fan-out on every run
    has_ray = importlib.util.find_spec("ray") is not None
    require(has_ray or not IN_CI, "ray (make install installs it)")
    settings = Settings(
        corpus_dir=corpus, data_dir=data, progress=False, ingest_workers=2 if has_ray else 1
    )
    data.mkdir(parents=True, exist_ok=True)
    settings.ocr_cache_dir.symlink_to(ocr_cache, target_is_directory=True)
    ingestor = Ingestor(settings, embedder)
    report = ingestor.run()
    return settings, report, ingestor.store


@pytest.fixture(scope="session")
def searcher(full_store, embedder):
    """One hybrid searcher over the full ingest for the session (its BM25 index is built once)."""
    from retrieval.search.hybrid import Searcher

    return Searcher(full_store[2], embedder)


@pytest.fixture(scope="session")
def chain(searcher, embedder, full_store):
    """The extractive answer chain over the full ingest, shared by the answer tests."""
    from retrieval.answer.chain import AnswerChain
    from retrieval.answer.generators import ExtractiveGenerator

    return AnswerChain(
        searcher, ExtractiveGenerator(embedder, idf=searcher.lexical.idf), settings=full_store[0]
    )
