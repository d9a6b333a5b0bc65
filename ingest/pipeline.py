"""The ingest run: idempotent, incremental, and safe to kill at any point.

For each file: hash its bytes, then `plan_file` decides, from what the store holds, whether
it is unchanged, moved, a duplicate of another file, new or changed. A new or changed file is
loaded, cleaned, chunked and embedded, then `Store.write_document` writes it in the order
recovery relies on (record `pending`, pages, chunks, record `complete`), and only then is the
file's previous version removed. A run killed anywhere in between is repaired by the next
run's `Store.recover()`; chunk ids are deterministic, so nothing is ever written twice.

Loading and embedding (`ingest.fanout.prepare`) run in this process, or, with
`KARIGAR_INGEST_WORKERS` above 1, in Ray workers a few files ahead; either way this process
plans every file and is the only one that writes the store.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import resource
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ingest.catalogue import write_catalogue
from ingest.fanout import EMBED_SLICE, Job, Prepared, RayWorkers, prepare, unit_texts_of
from ingest.loaders import LOADERS
from ingest.manifest import (
    MANIFEST_NAME,
    ManifestEntry,
    build_source_doc,
    read_manifest,
    read_names,
)
from ingest.report import (
    ADDED,
    FAILED,
    MOVED,
    PRUNED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    FileResult,
    IngestReport,
)
from retrieval.core.embeddings import Embedder
from retrieval.core.errors import ConfigError, DiskFullError, IngestError, StoreError
from retrieval.core.settings import Settings
from retrieval.core.store import COMPLETE, DocRecord, Store
from retrieval.core.timing import stage
from retrieval.core.types import Chunk, SourceDoc
from retrieval.parts import open_parts

log = logging.getLogger(__name__)

# Files that describe a corpus folder rather than belong to it.
FOLDER_DOCS = {MANIFEST_NAME.lower(), "readme.md", "readme.txt", "readme"}


# What `plan_file` decides for one file.
NEW, CHANGED, DUPLICATE = "new", "changed", "duplicate"  # with UNCHANGED and MOVED
# A step of the run, for `Ingestor(on_step=...)`: (step, file) after "embedded" (before any
# write), "pending", "chunks" (each slice), "complete", and before "drop_old" (removing the
# file's previous version).
StepObserver = Callable[[str, str], None]


@dataclass(frozen=True)
class Plan:
    """What to do with one file: `action`; `existing`, the stored document with the same
    content (unchanged, moved, duplicate); `previous`, the versions stored under its path."""

    action: str
    existing: DocRecord | None
    previous: tuple[DocRecord, ...]


def plan_file(
    rel: str,
    doc_id: str,
    records: Mapping[str, DocRecord],
    by_path: Mapping[str, Sequence[DocRecord]],
    file_exists: Callable[[str], bool],
) -> Plan:
    """Decide, without touching the store or the disk (`file_exists` answers for a stored
    path), what to do with the file at `rel` whose content hashes to `doc_id`."""
    previous = tuple(by_path.get(rel, ()))
    existing = records.get(doc_id)
    if existing is not None and existing.ingest_state == COMPLETE:
        if existing.doc.path == rel:
            return Plan(UNCHANGED, existing, previous)
        if file_exists(existing.doc.path):
            return Plan(DUPLICATE, existing, previous)
        return Plan(MOVED, existing, previous)
    return Plan(CHANGED if previous else NEW, None, previous)


@contextmanager
def _ingest_lock(settings: Settings) -> Iterator[None]:
    """One ingest at a time per data folder: a second one fails with a clear message."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lock_path = settings.data_dir / "ingest.lock"
    with lock_path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise StoreError(
                f"another ingest is running on {settings.data_dir} (lock {lock_path}); wait for "
                "it to finish, then try again"
            ) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def discover(root: Path) -> tuple[list[Path], list[Path]]:
    """(files to ingest, files of unsupported types) under `root`, sorted; hidden files and the
    folder's own README and MANIFEST are not documents."""
    if root.is_file():
        return [root], []
    if not root.is_dir():
        raise ConfigError(
            f"corpus folder {root} does not exist; set KARIGAR_CORPUS_DIR or pass a folder"
        )
    found, unsupported = [], []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if len(rel.parts) == 1 and path.name.lower() in FOLDER_DOCS:
            continue
        (found if path.suffix.lower() in LOADERS else unsupported).append(path)
    return found, unsupported


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes the file system gave as surrogate escapes
        return False
    return True


def printable_path(name: str) -> str:
    """A file name with bytes that are not UTF-8 shown as escapes (b'\\xff'), for reports."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def store_path(path: Path, settings: Settings) -> str:
    """How the store names a file: relative to the corpus folder, else absolute."""
    path = path.resolve()
    try:
        return path.relative_to(settings.corpus_dir).as_posix()
    except ValueError:
        return str(path)


def absolute_path(stored: str, settings: Settings) -> Path:
    path = Path(stored)
    return path if path.is_absolute() else settings.corpus_dir / path


class Ingestor:
    """One run over a folder (or one file) into one store."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder | None = None,
        store: Store | None = None,
        on_step: StepObserver | None = None,
    ) -> None:
        self.settings = settings
        self._parts = open_parts(settings, embedder, store)
        self.store = self._parts.store  # the model loads only once a file needs embedding
        self.on_step = on_step or (lambda _step, _path: None)

    @property
    def embedder(self) -> Embedder:
        return self._parts.embedder

    def run(
        self,
        source: Path | None = None,
        prune: bool = False,
        rebuild: bool = False,
        on_file: Callable[[int, int, FileResult], None] | None = None,
    ) -> IngestReport:
        """`on_file(done, total, result)` is called after each file (the web app's bar)."""
        with _ingest_lock(self.settings):
            return self._run(source, prune, rebuild, on_file)

    def _keep_unit_vectors(self, doc: SourceDoc, chunks: list[Chunk], rel: str) -> None:
        """The reader's unit vectors for the document's chunks, kept for the answers: a
        failure costs only their speed (the answers embed what is missing)."""
        texts = unit_texts_of(doc, chunks)
        try:
            for start in range(0, len(texts), EMBED_SLICE):
                self._parts.unit_vectors.vectors(self.embedder, texts[start : start + EMBED_SLICE])
        except Exception as exc:  # the document is stored: its units are embedded on use
            log.warning("unit vectors of %s not kept: %s", rel, exc)

    def delete(self, doc_id: str) -> None:
        """Delete one stored document, under the ingest lock: never while an ingest writes to
        the same data folder (that is a `StoreError` saying so), so the two never interleave."""
        with _ingest_lock(self.settings):
            self.store.delete_document(doc_id)

    def _run(
        self,
        source: Path | None,
        prune: bool,
        rebuild: bool,
        on_file: Callable[[int, int, FileResult], None] | None = None,
    ) -> IngestReport:
        settings = self.settings
        root = (source or settings.corpus_dir).expanduser().resolve()
        started = time.perf_counter()
        report = IngestReport(
            corpus=str(root),
            store=self.store.location,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        if rebuild:
            self.store.drop_all()
        report.recovered = [r.doc.path for r in self.store.recover()]
        files, unsupported = discover(root)
        manifest_root = root if root.is_dir() else root.parent
        manifest = read_manifest(manifest_root)
        records = self.store.records()
        by_path: dict[str, list[DocRecord]] = defaultdict(list)
        for rec in records.values():
            by_path[rec.doc.path].append(rec)

        for path in unsupported:
            report.files.append(
                FileResult(
                    path=printable_path(store_path(path, settings)),
                    status=SKIPPED,
                    reason=f"unsupported file type {path.suffix!r}: Karigar reads "
                    f"{', '.join(sorted(LOADERS))}",
                )
            )
        fanout = RayWorkers(settings) if settings.ingest_workers > 1 else None
        bar_docs = tqdm(
            total=len(files),
            unit="doc",
            desc="documents",
            position=0,
            disable=not settings.progress,
            dynamic_ncols=True,
        )
        bar_chunks = tqdm(
            unit="chunk",
            desc="chunks   ",
            position=1,
            disable=not settings.progress,
            dynamic_ncols=True,
        )
        results: dict[int, FileResult] = {}

        def finish(index: int, result: FileResult) -> None:
            results[index] = result
            if result.status in (ADDED, UPDATED):
                report.chunks_embedded += result.chunks
            bar_docs.update(1)
            if on_file is not None:
                on_file(len(results), len(files), result)

        # files handed to the workers, oldest first: (index, job, previous versions, start,
        # task); written in that order as they come back
        flight: deque[tuple[int, Job, tuple[DocRecord, ...], float, Any]] = deque()

        def land(oldest: int = 0) -> None:
            """Write the files in flight until at most `oldest` remain."""
            assert fanout is not None
            while len(flight) > oldest:
                index, job, previous, started, ref = flight.popleft()
                try:
                    prepared = fanout.result(job, ref)
                except IngestError as exc:
                    finish(index, self._failed(job.rel, exc.reason, previous, started))
                    continue
                bar_chunks.update(len(prepared.chunks))
                finish(index, self._store(job, prepared, previous, started, records, by_path))

        try:
            for index, path in enumerate(files):
                rel = store_path(path, settings)
                entry = (
                    manifest.get(path.relative_to(manifest_root).as_posix())
                    if path.is_relative_to(manifest_root)
                    else None
                )
                step = self._plan(path, rel, entry, records, by_path)
                if (
                    fanout is not None
                    and not isinstance(step, FileResult)
                    and any(f[1].doc_id == step[0].doc_id for f in flight)
                ):
                    land()  # the same content in flight: plan it again once that is stored
                    step = self._plan(path, rel, entry, records, by_path)
                if isinstance(step, FileResult):
                    finish(index, step)
                    continue
                job, previous, begun = step
                if fanout is None:
                    finish(
                        index,
                        self._prepare_and_store(job, previous, begun, records, by_path, bar_chunks),
                    )
                    continue
                flight.append((index, job, previous, begun, fanout.submit(job)))
                land(fanout.window - 1)
            if fanout is not None:
                land()
        finally:
            bar_docs.close()
            bar_chunks.close()
            if fanout is not None:
                fanout.close()
        report.files += [results[i] for i in sorted(results)]
        if prune:
            seen = {store_path(p, settings) for p in files}
            for rel, recs in sorted(by_path.items()):
                under_root = absolute_path(rel, settings).resolve().is_relative_to(root)
                if rel in seen or not under_root:
                    continue
                for rec in recs:
                    self.store.delete_document(rec.doc.doc_id)
                report.files.append(
                    FileResult(
                        path=rel,
                        status=PRUNED,
                        doc_id=recs[0].doc.doc_id,
                        title=recs[0].doc.title,
                        reason="file removed",
                    )
                )
        self._sync_multilingual(report)
        final = self.store.records()
        report.documents_in_store = sum(1 for r in final.values() if r.ingest_state == COMPLETE)
        report.chunks_in_store = self.store.count()
        report.seconds = time.perf_counter() - started
        report.peak_memory_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        write_catalogue(
            [r for r in final.values() if r.ingest_state == COMPLETE],
            settings.data_dir / "catalogue.tsv",
        )
        report.save(settings.reports_dir)
        return report

    def _sync_multilingual(self, report: IngestReport) -> None:
        """Keep the e5 index in step when it is wanted (setting) or was built before."""
        from retrieval.search.multilingual import MultilingualIndex

        index = MultilingualIndex.existing(self.store)
        if index is None and not self.settings.multilingual:
            return
        index = index or MultilingualIndex(self.store)
        bar = tqdm(
            unit="chunk",
            desc="multilingual",
            disable=not self.settings.progress,
            dynamic_ncols=True,
        )
        try:
            result = index.sync(bar.update)
        finally:
            bar.close()
        report.multilingual_embedded = result.embedded
        report.multilingual_in_store = result.total

    # -- one file -------------------------------------------------------------------------
    def _plan(
        self,
        path: Path,
        rel: str,
        entry: ManifestEntry | None,
        records: dict[str, DocRecord],
        by_path: dict[str, list[DocRecord]],
    ) -> FileResult | tuple[Job, tuple[DocRecord, ...], float]:
        """A file's result when nothing needs reading (unchanged, moved, a duplicate, a bad
        name, unreadable), else the job of reading it, with its stored versions."""
        started = time.perf_counter()
        if not _is_utf8(rel):
            return FileResult(
                path=printable_path(rel),
                status=FAILED,
                reason="its name is not valid UTF-8 (the store cannot hold it); rename the file",
                seconds=time.perf_counter() - started,
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            previous = tuple(by_path.get(rel, ()))
            return self._failed(rel, f"cannot be read: {exc.strerror}", previous, started)
        sha = hashlib.sha256(data).hexdigest()
        doc_id = sha[:16]
        plan = plan_file(
            rel,
            doc_id,
            records,
            by_path,
            lambda stored: absolute_path(stored, self.settings).exists(),
        )
        previous, existing = plan.previous, plan.existing
        if plan.action == UNCHANGED and existing is not None:
            self._drop_versions(previous, keep=doc_id, rel=rel)
            self._refresh_metadata(existing, path, rel, entry)
            return self._result(UNCHANGED, existing, started)
        if plan.action == DUPLICATE and existing is not None:
            return FileResult(
                path=rel,
                status=SKIPPED,
                doc_id=doc_id,
                title=existing.doc.title,
                reason=f"same content as {existing.doc.path}; not stored twice",
            )
        if plan.action == MOVED and existing is not None:
            moved = self._describe(path, rel, sha, _derived(existing.doc), entry)
            self.store.move_document(moved)
            by_path[existing.doc.path] = [
                r for r in by_path[existing.doc.path] if r.doc.doc_id != doc_id
            ]
            self._drop_versions(previous, keep=doc_id, rel=rel)
            result = self._result(MOVED, existing, started)
            result.reason = f"moved from {existing.doc.path}"
            result.path = rel
            return result
        original = read_names(path.parent).get(path.name, "")
        return Job(path, rel, data, sha, entry, original), previous, started

    def _prepare_and_store(
        self,
        job: Job,
        previous: tuple[DocRecord, ...],
        started: float,
        records: dict[str, DocRecord],
        by_path: dict[str, list[DocRecord]],
        bar_chunks: tqdm,
    ) -> FileResult:
        """Read, embed and store one file in this process."""
        try:
            prepared = prepare(job, self.settings, self.embedder, bar_chunks.update)
        except IngestError as exc:
            return self._failed(job.rel, exc.reason, previous, started)
        except Exception as exc:  # a parser bug must not stop the batch either
            log.warning("unexpected %s on %s: %s", type(exc).__name__, job.rel, exc)
            log.debug("traceback of the error on %s", job.rel, exc_info=True)
            reason = f"unexpected {type(exc).__name__}: {exc}"
            return self._failed(job.rel, reason, previous, started)
        return self._store(job, prepared, previous, started, records, by_path)

    def _store(
        self,
        job: Job,
        prepared: Prepared,
        previous: tuple[DocRecord, ...],
        started: float,
        records: dict[str, DocRecord],
        by_path: dict[str, list[DocRecord]],
    ) -> FileResult:
        """Write a prepared file (this process is the store's only writer), keep its units'
        vectors, then drop the versions it replaces."""
        rel, doc, chunks = job.rel, prepared.doc, prepared.chunks
        ingested_at = datetime.now(UTC).isoformat(timespec="seconds")
        self.on_step("embedded", rel)
        try:
            with stage("store write"):
                self.store.write_document(
                    doc,
                    prepared.pages,
                    chunks,
                    prepared.vectors,
                    ingested_at,
                    on_step=lambda step: self.on_step(step, rel),
                )
        except DiskFullError:
            raise  # every later file would fail too: the run stops, saying why
        except StoreError as exc:  # nothing of it was kept
            return self._failed(
                rel, f"could not be stored: {exc.__cause__ or exc}", previous, started
            )
        if prepared.unit_vectors is not None:
            with stage("unit vectors"):
                self._parts.unit_vectors.keep(
                    prepared.model, prepared.unit_texts, prepared.unit_vectors
                )
        elif self.settings.unit_vectors_at_ingest:
            with stage("unit vectors"):
                self._keep_unit_vectors(doc, chunks, rel)
        self._drop_versions(previous, keep=doc.doc_id, rel=rel)
        status = UPDATED if previous else ADDED
        records[doc.doc_id] = DocRecord(
            doc,
            COMPLETE,
            sum(1 for p in prepared.pages if p.number),
            len(chunks),
            tuple(p.number for p in prepared.pages if p.ocr),
            ingested_at,
        )
        by_path[rel] = [records[doc.doc_id]]
        result = self._result(status, records[doc.doc_id], started)
        result.worker = prepared.worker
        return result

    def _describe(
        self, path: Path, rel: str, sha: str, derived: dict, entry: ManifestEntry | None
    ) -> SourceDoc:
        """The document's metadata: manifest, file, and an upload's original name."""
        original = read_names(path.parent).get(path.name, "")
        return build_source_doc(
            path, rel, sha, derived, entry, self.settings.max_prefix_chars, original
        )

    def _refresh_metadata(
        self, rec: DocRecord, path: Path, rel: str, entry: ManifestEntry | None
    ) -> None:
        """An unchanged file whose manifest entry changed (status, date...) gets the new
        metadata without being embedded again."""
        wanted = self._describe(path, rel, rec.doc.sha256, _derived(rec.doc), entry)
        if wanted != rec.doc:
            self.store.move_document(wanted)

    def _drop_versions(self, previous: Sequence[DocRecord], keep: str, rel: str) -> None:
        for rec in previous:
            if rec.doc.doc_id != keep:
                self.on_step("drop_old", rel)
                self.store.delete_document(rec.doc.doc_id)

    def _failed(
        self, rel: str, reason: str, previous: Sequence[DocRecord], started: float
    ) -> FileResult:
        self._drop_versions(previous, keep="", rel=rel)
        if previous:
            reason += "; its previous version was removed from the store"
        return FileResult(
            path=rel, status=FAILED, reason=reason, seconds=time.perf_counter() - started
        )

    @staticmethod
    def _result(status: str, rec: DocRecord, started: float) -> FileResult:
        return FileResult(
            path=rec.doc.path,
            status=status,
            doc_id=rec.doc.doc_id,
            title=rec.doc.title,
            doc_type=rec.doc.doc_type,
            pages=rec.pages,
            chunks=rec.chunks,
            ocr_pages=list(rec.ocr_pages),
            seconds=time.perf_counter() - started,
            reason=(
                f"flagged: it addresses an AI assistant (“{rec.doc.flagged}”); its text is never "
                "quoted in an answer"
                if rec.doc.flagged
                else ""
            ),
        )


def _derived(doc: SourceDoc) -> dict:
    """A stored document's metadata in the shape a loader derives it (for re-describing it)."""
    return {
        k: v
        for k, v in doc.to_dict().items()
        if k not in ("doc_id", "path", "sha256", "status", "metadata_source")
    }


def ingest(
    settings: Settings,
    source: Path | None = None,
    prune: bool = False,
    rebuild: bool = False,
    embedder: Embedder | None = None,
) -> IngestReport:
    return Ingestor(settings, embedder).run(source, prune=prune, rebuild=rebuild)
