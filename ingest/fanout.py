"""The work a file needs before the store sees it, done here or fanned out over Ray workers.

`prepare` reads one file under the limits (`ingest.worker.read_file`: parse, OCR, clean,
chunk), describes it and embeds its passages. It needs nothing of the store, only the file's
bytes, the settings and the model, so it runs wherever the package is installed. `Ingestor`
calls it in its own process by default (no Ray needed). With `KARIGAR_INGEST_WORKERS` above
1 it hands the files to `RayWorkers`, which run `prepare` (and embed the reader's units) as
Ray tasks, while the ingesting process stays the only writer of the store: it plans every
file, writes each prepared document in the order recovery relies on, and keeps the store
generation, so nothing about the store's safety changes with the number of workers.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from ingest.manifest import ManifestEntry, build_source_doc
from ingest.worker import read_file
from retrieval.core.embeddings import Embedder, embedder_for
from retrieval.core.errors import ConfigError, IngestError
from retrieval.core.settings import Settings
from retrieval.core.text import embedding_text
from retrieval.core.timing import stage
from retrieval.core.types import Chunk, Hit, Page, SourceDoc

log = logging.getLogger(__name__)
EMBED_SLICE = 64  # chunks embedded between progress updates (and failpoint checks)


@dataclass(frozen=True)
class Job:
    """One file to read and embed: everything a worker needs, none of it on its disk."""

    path: Path  # where the file is (names it in errors; a worker elsewhere reads `data`)
    rel: str  # how the store names it
    data: bytes
    sha256: str
    entry: ManifestEntry | None  # its manifest line, if any
    original: str = ""  # the name an uploaded file came with

    @property
    def doc_id(self) -> str:
        return self.sha256[:16]


@dataclass(frozen=True)
class Prepared:
    """A file read and embedded, ready for `Store.write_document`."""

    doc: SourceDoc
    pages: list[Page]
    chunks: list[Chunk]
    vectors: list[list[float]]
    model: str = ""  # the model that embedded them
    unit_texts: tuple[str, ...] = ()  # the reader's units, when a worker embedded them
    unit_vectors: np.ndarray | None = None
    worker: str = ""  # host:pid of the Ray worker that prepared it ("" for this process)


def prepare(
    job: Job,
    settings: Settings,
    embedder: Embedder,
    on_embedded: Callable[[int], None] | None = None,
) -> Prepared:
    """Read, describe and embed one file; IngestError when it cannot be read."""
    with stage("reading (parse, OCR, clean, chunk)"):
        parsed = read_file(job.path, job.data, job.sha256, job.doc_id, settings)
    doc = build_source_doc(
        job.path,
        job.rel,
        job.sha256,
        parsed.meta | {"flagged": parsed.planted},
        job.entry,
        settings.max_prefix_chars,
        job.original,
    )
    texts = [embedding_text(c, doc.title) for c in parsed.chunks]
    vectors: list[list[float]] = []
    with stage("embedding"):
        for start in range(0, len(texts), EMBED_SLICE):
            part = texts[start : start + EMBED_SLICE]
            vectors += embedder.embed(part)
            if on_embedded is not None:
                on_embedded(len(part))
    return Prepared(doc, parsed.pages, parsed.chunks, vectors, embedder.name)


def unit_texts_of(doc: SourceDoc, chunks: list[Chunk]) -> list[str]:
    """The texts of the reader's units of a document's passages (what answers embed)."""
    from retrieval.answer.generators import unit_texts

    return [t for c in chunks for t in unit_texts(Hit(c, doc, 0.0))]


def _prepare_remote(job: Job, settings: Settings) -> tuple[str, Any]:
    """A Ray task: ("ok", Prepared with the unit vectors) or ("failed", reason). The model
    is loaded once per worker process (`get_embedder` keeps it)."""
    worker = f"{socket.gethostname()}:{os.getpid()}"
    try:
        embedder = embedder_for(settings)
        prepared = prepare(job, settings, embedder)
    except IngestError as exc:
        return "failed", exc.reason
    except Exception as exc:  # a parser bug: the file fails, the batch goes on
        return "failed", f"unexpected {type(exc).__name__}: {exc}"
    prepared = replace(prepared, worker=worker)
    if not settings.unit_vectors_at_ingest:
        return "ok", prepared
    try:
        with stage("unit vectors"):
            texts = unit_texts_of(prepared.doc, prepared.chunks)
            vectors = np.asarray(embedder.embed(texts), dtype=np.float32)
    except Exception as exc:  # the document is still good: answers embed its units on use
        log.warning("unit vectors of %s not computed: %s", job.rel, exc)
        return "ok", prepared
    return "ok", replace(prepared, unit_texts=tuple(texts), unit_vectors=vectors)


class RayWorkers:
    """Files prepared by Ray tasks, one CPU each. `submit` starts a file's task; `result`
    waits for it. A task whose worker dies is tried again `retries` times (on another worker
    where the cluster has one); if that fails too the file fails, naming why, and the batch
    goes on. Nothing of a file reaches the store before its task has returned whole."""

    def __init__(self, settings: Settings, retries: int = 1) -> None:
        try:
            import ray
        except ImportError as exc:
            raise ConfigError(
                f"KARIGAR_INGEST_WORKERS={settings.ingest_workers} needs Ray: install it with "
                "`pip install 'karigar[ray]'`, or set KARIGAR_INGEST_WORKERS=1"
            ) from exc
        self._ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            try:
                if settings.ray_address:
                    ray.init(address=settings.ray_address, log_to_driver=False)
                else:
                    ray.init(
                        num_cpus=settings.ingest_workers,
                        include_dashboard=False,
                        log_to_driver=False,
                        logging_level=logging.ERROR,  # not its banner and notices on each run
                    )
            except Exception as exc:
                raise ConfigError(
                    f"Ray could not start or reach its cluster "
                    f"(KARIGAR_RAY_ADDRESS={settings.ray_address!r}): {exc}"
                ) from exc
        self.workers = settings.ingest_workers
        # two files a worker in flight: a worker never waits for the writer, and memory holds
        # at most that many files' bytes and vectors
        self.window = 2 * self.workers
        self.retries = retries
        self._task = ray.remote(num_cpus=1, max_retries=retries)(_prepare_remote)
        self._settings = ray.put(settings)

    def submit(self, job: Job) -> Any:
        return self._task.remote(job, self._settings)

    def result(self, job: Job, ref: Any) -> Prepared:
        """The prepared file, or IngestError naming why it failed."""
        try:
            kind, value = self._ray.get(ref)
        except self._ray.exceptions.RayError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            tries = self.retries + 1
            raise IngestError(
                job.path,
                f"the Ray worker reading it stopped {'once' if tries == 1 else f'{tries} times'}"
                f" ({type(exc).__name__}: {first}); nothing of it was stored: run the ingest "
                "again",
            ) from exc
        if kind != "ok":
            raise IngestError(job.path, str(value))
        prepared: Prepared = value
        return prepared

    def close(self) -> None:
        """Stop the local cluster this object started (a cluster it joined keeps running)."""
        if self._started:
            self._ray.shutdown()
            self._started = False
