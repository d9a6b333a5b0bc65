"""The vector store: with `retrieval.core.chroma` (its record shapes, filter syntax, distance
turn and engine bookkeeping), the only code that knows Chroma.

Two collections per store, named from `Settings.collection`, and any derived ones:

* `<name>_chunks`: one record per chunk, embedded with the recorded model; its metadata holds
  the chunk's place (doc_id, page, section, character span) and its document's metadata, so
  filters run inside Chroma.
* `<name>_docs`: one record per document (state `pending` while it is being written,
  `complete` once every chunk is in) and one per page holding the page's cleaned text. These
  carry a constant 1-d vector: Chroma needs one, nothing searches them.
* `<name>_chunks_<suffix>` (`derived()`): the same chunks' vectors from another model (the
  multilingual index's e5), keyed by the chunk ids; what it finds is read back from
  `<name>_chunks`.

`write_document()` writes a document in the order recovery relies on: record `pending`,
pages, chunks, record `complete`. `recover()` deletes whatever a killed run left `pending`,
so a crash at any point leaves no orphans and no duplicates.

Filters arrive as plain `Filters` values and are translated into Chroma's `where` here
(`chroma_where`). Score direction: Chroma returns cosine *distances* (lower is closer);
`similarity` converts them once, here, to similarities in [-1, 1] where higher is better;
nothing else sees distances.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from retrieval.core.chroma import (
    IDS_AT_ONCE,
    VIEWS,
    chroma_where,
    chunk_from,
    chunk_metadata,
    chunk_rows,
    doc_from_metadata,
    doc_metadata,
    embeddings_in,
    ids_in,
    similarity,
)
from retrieval.core.errors import DiskFullError, StoreError
from retrieval.core.facets import facets_of
from retrieval.core.filters import Filters
from retrieval.core.settings import Settings
from retrieval.core.types import Chunk, Hit, Page, SourceDoc

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

log = logging.getLogger(__name__)

PENDING, COMPLETE = "pending", "complete"
_UNIT = [1.0]  # the constant vector of records in the docs collection
_GENERATION = "__generation__"
WRITE_SLICE = 64  # chunks written between steps
_T = TypeVar("_T")


@dataclass(frozen=True)
class DocRecord:
    """What the store knows of one ingested document."""

    doc: SourceDoc
    ingest_state: str  # PENDING or COMPLETE (the document's own `doc.state` is a place)
    pages: int
    chunks: int
    ocr_pages: tuple[int, ...]
    ingested_at: str


_FULL = re.compile(r"disk is full|no space left|database or disk is full", re.IGNORECASE)
FULL_BYTES = 64 * 1024 * 1024  # after a failed write, a store disk with less free is full


_DAMAGED = re.compile(
    r"malformed|not a database|database disk image|file is encrypted|corrupt|"
    r"Error loading hnsw index|Error constructing hnsw|no such table",
    re.IGNORECASE,
)


def damaged_message(path: Path, exc: object) -> str:
    """What to do with a store folder that cannot be read back."""
    return (
        f"the Chroma store in {path} is damaged ({exc}). Move it aside (`mv {path} "
        f"{path}.damaged`) and run `karigar ingest` to build it again from the corpus; uploads "
        f"(in {path.parent / 'uploads'}) are kept and are read again by "
        f"`karigar ingest {path.parent / 'uploads'}`"
    )


class Store:
    """Chroma, embedded (a folder) or a server (host and port), with the model recorded.

    Several processes may share an embedded store (the web app while `karigar ingest` runs):
    Chroma's embedded engine keeps an in-memory view that another process's writes leave
    stale, so every read first checks the store's generation (`refresh`), and a Store whose
    view another process changed reopens it; a read that still finds it inconsistent is
    reopened and tried once more."""

    def __init__(self, settings: Settings, embedding_model: str, dimension: int) -> None:
        self.settings = settings
        self.embedding_model = embedding_model
        self.dimension = dimension
        self.embedded = not settings.chroma_host
        self.location = (
            str(settings.chroma_path)
            if self.embedded
            else f"Chroma server {settings.chroma_host}:{settings.chroma_port}"
        )
        self._lock = threading.RLock()
        self._epoch = -1
        self._connect()
        self._seen = self.generation()
        self._batch = max(1, min(1000, int(self._client.get_max_batch_size())))

    def _connect(self) -> None:
        """Open the client and the collections (again, after another process's writes)."""
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        settings = self.settings
        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        try:
            if not self.embedded:
                self._client = chromadb.HttpClient(
                    host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
                )
                self._client.heartbeat()
            else:
                settings.chroma_path.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(
                    path=str(settings.chroma_path), settings=chroma_settings
                )
                self._epoch = VIEWS.epoch(self.location)
        except StoreError:
            raise
        except Exception as exc:
            if not self.embedded:
                raise self._unreachable(exc) from exc
            if _DAMAGED.search(str(exc)):
                raise StoreError(damaged_message(settings.chroma_path, exc)) from exc
            raise StoreError(
                f"cannot open the Chroma store in {settings.chroma_path} ({exc}); check the "
                "folder's permissions, or set KARIGAR_DATA_DIR to another folder"
            ) from exc
        self._chunks = self._open_chunks()
        self._docs: Any = self._client.get_or_create_collection(
            f"{settings.collection}_docs", embedding_function=None
        )
        self._derived_collections: dict[str, Any] = {}
        self._pending_cache: tuple[str, frozenset[str]] | None = None
        self._records_cache: tuple[str, dict[str, DocRecord]] | None = None

    @property
    def batch_size(self) -> int:
        return self._batch

    # -- one view across processes ----------------------------------------------------------
    def refresh(self) -> bool:
        """Reopen this process's view of an embedded store if another process changed it
        since this Store last looked; True when it did. Cheap when nothing changed: one
        read of the generation record."""
        if not self.embedded:
            return False  # a server is the one process that holds the data
        generation = self.generation()
        with self._lock:
            if generation == self._seen or VIEWS.written_here(self.location, generation):
                self._seen = generation
                return False
            self._reopen()
            self._seen = self.generation()
        log.info("%s was changed by another process: reopened", self.location)
        return True

    def _reopen(self) -> None:
        with self._lock:
            if self.embedded:
                VIEWS.drop(self.location, self._epoch)
            self._connect()

    def _unreachable(self, exc: Exception) -> StoreError:
        s = self.settings
        return StoreError(
            f"cannot reach the Chroma server at {s.chroma_host}:{s.chroma_port} ({exc}); start "
            f"it with `chroma run --host {s.chroma_host} --port {s.chroma_port} --path DIR` or "
            "unset KARIGAR_CHROMA_HOST to use the embedded store"
        )

    def _server_call(self, call: Callable[[], _T]) -> _T:
        """A call to a Chroma server: a connection that fails is a StoreError saying how to
        start the server (the next call tries again, so the process recovers with it)."""
        import httpx

        try:
            return call()
        except (httpx.TransportError, ConnectionError) as exc:
            raise self._unreachable(exc) from exc

    def _read(self, call: Callable[[], _T]) -> _T:
        """Run a read. If the embedded engine finds its view inconsistent (another process
        wrote meanwhile), or this Store's engine was retired by a reopen, reopen the view and
        try once more."""
        from chromadb.errors import ChromaError

        if not self.embedded:
            return self._server_call(call)
        try:
            return call()
        except Exception as exc:
            outdated = self.embedded and VIEWS.epoch(self.location) != self._epoch
            if not (outdated or (self.embedded and isinstance(exc, ChromaError))):
                raise
            log.info("reopening %s after %r", self.location, exc)
            self._reopen()
            try:
                return call()
            except ChromaError as again:
                if self._disk_full(again):
                    raise DiskFullError(
                        f"the disk holding {self.location} is full ({again}); the store cannot "
                        "be read until some space is freed on it. Nothing stored is lost"
                    ) from again
                raise StoreError(
                    f"the store in {self.location} could not be read ({again}); if an ingest "
                    "is running, ask again when it ends"
                ) from again

    # -- opening -------------------------------------------------------------------------
    def _open_chunks(self) -> Any:
        name = f"{self.settings.collection}_chunks"
        wanted = {"embedding_model": self.embedding_model, "embedding_dim": self.dimension}
        collection = self._client.get_or_create_collection(
            name,
            embedding_function=None,
            metadata=wanted,
            configuration={"hnsw": {"space": "cosine"}},
        )
        found = collection.metadata or {}
        if (found.get("embedding_model"), found.get("embedding_dim")) != (
            self.embedding_model,
            self.dimension,
        ):
            raise StoreError(
                f"the collection {name!r} in {self.location} was built with embedding model "
                f"{found.get('embedding_model')!r} ({found.get('embedding_dim')} dimensions), "
                f"but this run uses {self.embedding_model!r} ({self.dimension}); rebuild it "
                f"with `karigar ingest --rebuild`, or set KARIGAR_EMBEDDING_MODEL="
                f"{found.get('embedding_model')} to use it as it is"
            )
        return collection

    def drop_all(self) -> None:
        """Delete both collections (for `--rebuild`), then create them empty for this model."""
        for suffix in ("chunks", "docs"):
            name = f"{self.settings.collection}_{suffix}"
            try:
                self._client.delete_collection(name)
            except Exception:  # absent already
                log.debug("no collection %s to delete", name)
        self._chunks = self._open_chunks()
        self._docs = self._client.get_or_create_collection(
            f"{self.settings.collection}_docs", embedding_function=None
        )
        self._derived_collections = {}
        self._bump()

    # -- generation: changes with every write, so derived indexes know when to rebuild --------
    def fresh_generation(self) -> str:
        """The generation after `refresh`: for an embedded store the one `refresh` just
        read (one read, not two); a server's read once."""
        if not self.embedded:
            return self.generation()
        self.refresh()
        with self._lock:
            return self._seen

    def generation(self) -> str:
        """Changes with every write (by any process), so views and indexes know when to
        rebuild."""
        found = self._read(lambda: self._docs.get(ids=[_GENERATION], include=["metadatas"]))
        metas = found["metadatas"] or []
        return str(metas[0].get("value", "")) if metas else ""

    def _new_generation(self) -> str:
        """A new generation, told to this process's views; the caller writes it."""
        value = uuid.uuid4().hex
        VIEWS.wrote(self.location, value)
        return value

    def _bump(self) -> None:
        self._upsert_with_bump([], [], [])

    def _upsert_with_bump(
        self, ids: list[str], metadatas: list[dict[str, Any]], documents: list[str]
    ) -> None:
        """Upsert these records of the docs collection and a new generation in one call: a
        Chroma call costs about 10 ms however few records it carries (0.6 ms a record in a
        batch of 64), and an ingest writes three per document (`write_document`)."""
        value = self._new_generation()
        self._docs.upsert(
            ids=[*ids, _GENERATION],
            embeddings=[_UNIT] * (len(ids) + 1),
            metadatas=[*metadatas, {"kind": "meta", "value": value}],
            documents=[*documents, ""],
        )
        self._seen = value

    # -- documents -----------------------------------------------------------------------
    def records(self) -> dict[str, DocRecord]:
        """Every document record, pending ones included, by doc_id; read again only when
        the store's generation moved (every write moves it), since the app asks on every
        run of its page (about 85 ms for 315 documents)."""
        generation = self.generation()  # before the read: a write meanwhile reads again next
        with self._lock:
            cached = self._records_cache
        if cached is not None and generation and cached[0] == generation:
            return dict(cached[1])
        found = self._read(lambda: self._docs.get(where={"kind": "doc"}, include=["metadatas"]))
        out: dict[str, DocRecord] = {}
        for meta in found["metadatas"] or []:
            rec = self._record(dict(meta))
            out[rec.doc.doc_id] = rec
        with self._lock:
            self._records_cache = (generation, out)
        return dict(out)

    def documents(self) -> dict[str, DocRecord]:
        """The complete documents, by doc_id: what search, counts, the catalogue and the app
        see. A document being written (or left half-written by a killed run) is not one."""
        return {d: r for d, r in self.records().items() if r.ingest_state == COMPLETE}

    def _in_states(self, filters: Filters | None) -> list[str]:
        """Ids of the documents that serve the filter's states (`facets`)."""
        if filters is None or not filters.states:
            return []
        return sorted(
            d for d, r in self.documents().items() if facets_of(r.doc).in_states(filters.states)
        )

    def _pending(self) -> frozenset[str]:
        """Doc ids of documents not yet complete, read once per generation seen."""
        with self._lock:
            cached = self._pending_cache
            if cached is not None and cached[0] == self._seen:
                return cached[1]
            seen = self._seen
        where = {"$and": [{"kind": "doc"}, {"ingest_state": {"$ne": COMPLETE}}]}
        found = self._read(lambda: self._docs.get(where=where, include=[]))
        pending = frozenset(found["ids"])
        with self._lock:
            self._pending_cache = (seen, pending)
        return pending

    def _visible(self, where: dict[str, Any] | None) -> dict[str, Any] | None:
        """`where` narrowed to complete documents."""
        pending = self._pending()
        if not pending:
            return where
        hidden = {"doc_id": {"$nin": sorted(pending)}}
        return hidden if where is None else {"$and": [where, hidden]}

    @staticmethod
    def _record(meta: dict[str, Any]) -> DocRecord:
        ocr = meta.get("ocr_pages") or []
        return DocRecord(
            doc=doc_from_metadata(meta),
            ingest_state=str(meta.get("ingest_state", PENDING)),
            pages=int(meta.get("pages", 0)),
            chunks=int(meta.get("chunks", 0)),
            ocr_pages=tuple(int(p) for p in ocr),
            ingested_at=str(meta.get("ingested_at", "")),
        )

    def begin_document(self, doc: SourceDoc, pages: Sequence[Page], ingested_at: str) -> None:
        """Write the document's record as `pending`, then its pages."""
        self.refresh()
        meta = doc_metadata(doc) | {
            "kind": "doc",
            "ingest_state": PENDING,
            "pages": sum(1 for p in pages if p.number > 0),
            "chunks": 0,
            "ingested_at": ingested_at,
        }
        ocr_pages = [p.number for p in pages if p.ocr]
        if ocr_pages:
            meta["ocr_pages"] = ocr_pages
        ids = [f"{doc.doc_id}:page:{p.number}" for p in pages]
        metas = [
            {"kind": "page", "doc_id": doc.doc_id, "page": p.number, "ocr": p.ocr}
            | ({"label": p.label} if p.label else {})
            for p in pages
        ]
        texts = [p.text for p in pages]
        # the record, the new generation and the first pages in one call (a document of few
        # pages: one call in all); the rest of its pages a batch at a time
        first = max(0, self._batch - 2)
        self._upsert_with_bump(
            [doc.doc_id, *ids[:first]], [meta, *metas[:first]], ["", *texts[:first]]
        )
        for start in range(first, len(ids), self._batch):
            end = start + self._batch
            self._docs.upsert(
                ids=ids[start:end],
                embeddings=[_UNIT] * len(ids[start:end]),
                documents=texts[start:end],
                metadatas=metas[start:end],
            )

    def add_chunks(
        self, doc: SourceDoc, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]
    ) -> None:
        if len(chunks) != len(embeddings):
            raise StoreError(f"{doc.path}: {len(chunks)} chunks but {len(embeddings)} vectors")
        base = doc_metadata(doc)
        for start in range(0, len(chunks), self._batch):
            part = chunks[start : start + self._batch]
            self._chunks.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=[list(v) for v in embeddings[start : start + self._batch]],
                documents=[c.text for c in part],
                metadatas=[base | chunk_metadata(c) for c in part],
            )

    def complete_document(self, doc_id: str, chunks: int) -> None:
        value = self._new_generation()
        # the state and the new generation in one call (`_upsert_with_bump`)
        self._docs.update(
            ids=[doc_id, _GENERATION],
            metadatas=[{"ingest_state": COMPLETE, "chunks": chunks}, {"value": value}],
        )
        self._seen = value

    def write_document(
        self,
        doc: SourceDoc,
        pages: Sequence[Page],
        chunks: Sequence[Chunk],
        vectors: Sequence[Sequence[float]],
        ingested_at: str,
        on_step: Callable[[str], None] | None = None,
    ) -> None:
        """Write a whole document in the order recovery relies on: its record `pending`, its
        pages, its chunks (a slice at a time), then the record `complete`. `on_step` hears
        "pending", "chunks" (after each slice) and "complete". A failure part-way deletes
        what was written and raises StoreError."""
        step = on_step or (lambda _name: None)
        if len(chunks) != len(vectors):
            raise StoreError(f"{doc.path}: {len(chunks)} chunks but {len(vectors)} vectors")
        try:
            self.begin_document(doc, pages, ingested_at)
            step("pending")
            for start in range(0, len(chunks), WRITE_SLICE):
                end = start + WRITE_SLICE
                self.add_chunks(doc, chunks[start:end], vectors[start:end])
                step("chunks")
            self.complete_document(doc.doc_id, len(chunks))
        except Exception as exc:
            try:
                self.delete_document(doc.doc_id)  # nothing of a failed write stays
            except Exception as again:  # the same fault: the next run's recover() removes it
                log.warning("%s: the half-written document stays pending: %s", doc.path, again)
            if self._disk_full(exc):
                raise DiskFullError(
                    f"the disk holding {self.location} is full ({exc}); {doc.path} was not "
                    "stored. Free some space and run `karigar ingest` again: what was stored "
                    "before is kept, and the half-written document is removed first"
                ) from exc
            raise StoreError(f"{doc.path} could not be stored: {exc}") from exc
        step("complete")

    def _disk_full(self, exc: BaseException) -> bool:
        """Whether a failed write was for want of space: the error says so, or (Chroma's
        own errors seldom do) the store's disk has almost nothing left."""
        seen: BaseException | None = exc
        while seen is not None:
            if isinstance(seen, OSError) and seen.errno == errno.ENOSPC:
                return True
            if _FULL.search(str(seen)):
                return True
            seen = seen.__cause__ or seen.__context__
        if not self.embedded:
            return False
        usage = shutil.disk_usage(self.settings.chroma_path)
        small = usage.total < 16 * FULL_BYTES  # a small disk: Chroma writes in large pieces
        return usage.free < (usage.total * 0.3 if small else FULL_BYTES)

    def move_document(self, doc: SourceDoc) -> None:
        """Record a new path (and metadata) for an unchanged document, without re-embedding."""
        self.refresh()
        base = doc_metadata(doc)
        self._docs.update(ids=[doc.doc_id], metadatas=[base])
        ids = self._chunks.get(where={"doc_id": doc.doc_id}, include=[])["ids"]
        for start in range(0, len(ids), self._batch):
            part = ids[start : start + self._batch]
            self._chunks.update(ids=part, metadatas=[base] * len(part))
        self._bump()

    def delete_document(self, doc_id: str) -> None:
        """Chunks first (and their vectors in every derived index, so the multilingual one
        stays in step), then pages, then the record: the record outlives what it describes."""
        self.refresh()

        def delete() -> None:
            ids = self._chunks.get(where={"doc_id": doc_id}, include=[])["ids"]
            for name in self._derived_names():
                derived = self._client.get_collection(name, embedding_function=None)
                for start in range(0, len(ids), self._batch):
                    derived.delete(ids=ids[start : start + self._batch])
            self._chunks.delete(where={"doc_id": doc_id})
            self._docs.delete(where={"$and": [{"kind": "page"}, {"doc_id": doc_id}]})
            self._docs.delete(ids=[doc_id])
            self._bump()

        if self.embedded:
            delete()
        else:
            self._server_call(delete)

    def recover(self) -> list[DocRecord]:
        """Delete what a killed run left half-written; return those records."""
        pending = [r for r in self.records().values() if r.ingest_state != COMPLETE]
        for rec in pending:
            log.warning("removing %s left half-written by an earlier run", rec.doc.path)
            self.delete_document(rec.doc.doc_id)
        return pending

    # -- reading -------------------------------------------------------------------------
    def count(self) -> int:
        """Chunks of complete documents."""
        total = int(self._read(lambda: self._chunks.count()))
        pending = self._pending()
        if pending:
            where = {"doc_id": {"$in": sorted(pending)}}
            total -= len(self._read(lambda: self._chunks.get(where=where, include=[]))["ids"])
        return total

    def page_text(self, doc_id: str, page: int) -> str | None:
        pid = f"{doc_id}:page:{page}"
        found = self._read(lambda: self._docs.get(ids=[pid], include=["documents"]))
        docs = found["documents"] or []
        return docs[0] if docs else None

    def page_label(self, doc_id: str, page: int) -> str:
        """The number printed on the page when it differs from the PDF's ('' otherwise)."""
        pid = f"{doc_id}:page:{page}"
        found = self._read(lambda: self._docs.get(ids=[pid], include=["metadatas"]))
        metas = found["metadatas"] or []
        return str(metas[0].get("label") or "") if metas else ""

    def page_texts(self, pages: Sequence[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """Many pages' text in one read, by (doc_id, page); pages not stored are left out."""
        ids = [f"{doc_id}:page:{page}" for doc_id, page in pages]
        if not ids:
            return {}
        found = self._read(lambda: self._docs.get(ids=ids, include=["documents"]))
        by_id = dict(zip(found["ids"], found["documents"] or [], strict=True))
        return {key: by_id[pid] for key, pid in zip(pages, ids, strict=True) if pid in by_id}

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        found = self._read(
            lambda: self._chunks.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        )
        return sorted((c for c, _ in chunk_rows(found)), key=lambda c: c.index)

    def chunks_of_documents(self, doc_ids: Sequence[str]) -> list[tuple[Chunk, SourceDoc]]:
        """Every chunk of these documents with its document (an index kept in step reads only
        what changed), `_batch` documents a query."""
        out: list[tuple[Chunk, SourceDoc]] = []
        ids = list(doc_ids)
        for start in range(0, len(ids), self._batch):
            part = ids[start : start + self._batch]
            found = self._read(
                lambda part=part: self._chunks.get(  # type: ignore[misc]
                    where={"doc_id": {"$in": part}}, include=["documents", "metadatas"]
                )
            )
            out.extend((c, doc_from_metadata(meta)) for c, meta in chunk_rows(found))
        return out

    def iter_chunks(self) -> Iterator[tuple[Chunk, SourceDoc]]:
        """Every chunk of a complete document with its document, read `_batch` at a time (for
        the lexical index)."""
        total = int(self._read(lambda: self._chunks.count()))
        pending = self._pending()

        def page(offset: int) -> Any:
            return self._chunks.get(
                include=["documents", "metadatas"], limit=self._batch, offset=offset
            )

        for offset in range(0, total, self._batch):
            found = self._read(lambda offset=offset: page(offset))  # type: ignore[misc]
            for chunk, meta in chunk_rows(found):
                if chunk.doc_id not in pending:
                    yield chunk, doc_from_metadata(meta)

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, tuple[Chunk, SourceDoc]]:
        if not chunk_ids:
            return {}
        ids = list(chunk_ids)
        pending = self._pending()
        out: dict[str, tuple[Chunk, SourceDoc]] = {}
        for start in range(0, len(ids), IDS_AT_ONCE):  # SQLite's bound on a query's ids
            part = ids[start : start + IDS_AT_ONCE]
            found = self._read(
                lambda part=part: self._chunks.get(  # type: ignore[misc]
                    ids=part, include=["documents", "metadatas"]
                )
            )
            out.update(
                (c.chunk_id, (c, doc_from_metadata(meta)))
                for c, meta in chunk_rows(found)
                if c.doc_id not in pending
            )
        return out

    def embeddings_of(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        return self._read(lambda: embeddings_in(self._chunks, chunk_ids))

    def neighbours(self, chunk: Chunk) -> list[Chunk]:
        """The chunks just before and after `chunk` on the same page."""
        found = self._read(
            lambda: self._chunks.get(
                where={
                    "$and": [
                        {"doc_id": chunk.doc_id},
                        {"page": chunk.page},
                        {"chunk_index": {"$in": [chunk.index - 1, chunk.index + 1]}},
                    ]
                },
                include=["documents", "metadatas"],
            )
        )
        return sorted((c for c, _ in chunk_rows(found)), key=lambda c: c.index)

    def all_chunk_ids(self) -> set[str]:
        return self._read(lambda: ids_in(self._chunks, self._batch))

    def query(
        self, embedding: Sequence[float], k: int = 5, filters: Filters | None = None
    ) -> list[Hit]:
        """Nearest chunks passing `filters`; `Hit.score` is cosine similarity, higher is
        better."""
        if k <= 0 or self.count() == 0:
            return []
        found = self._read(
            lambda: self._chunks.query(
                query_embeddings=[list(embedding)],
                n_results=k,
                where=self._visible(chroma_where(filters, self._in_states(filters))),
                include=["documents", "metadatas", "distances"],
            )
        )
        hits = []
        for cid, text, meta, dist in zip(
            found["ids"][0],
            (found["documents"] or [[]])[0],
            (found["metadatas"] or [[]])[0],
            (found["distances"] or [[]])[0],
            strict=True,
        ):
            meta = dict(meta)
            hits.append(
                Hit(
                    chunk=chunk_from(cid, text or "", meta),
                    doc=doc_from_metadata(meta),
                    score=similarity(dist),
                )
            )
        return hits

    # -- derived indexes: other vectors of the same chunks (the multilingual one) ---------
    def derived(self, suffix: str, embedding_model: str, dimension: int) -> DerivedIndex:
        """The collection `<name>_chunks_<suffix>`, created if absent."""
        self._derived_collection(suffix, embedding_model, dimension)
        return DerivedIndex(self, suffix, embedding_model, dimension)

    def has_derived(self, suffix: str) -> bool:
        names = self._read(lambda: {getattr(c, "name", c) for c in self._client.list_collections()})
        return self._derived_name(suffix) in names

    def drop_derived(self, suffix: str) -> None:
        """Delete a derived index (built again by its own sync)."""
        with self._lock:
            self._derived_collections.pop(suffix, None)
            if self.has_derived(suffix):
                self._client.delete_collection(self._derived_name(suffix))

    def _derived_names(self) -> list[str]:
        prefix = self._derived_name("")
        names = (str(getattr(c, "name", c)) for c in self._client.list_collections())
        return sorted(n for n in names if n.startswith(prefix))

    def _derived_name(self, suffix: str) -> str:
        return f"{self.settings.collection}_chunks_{suffix}"

    def _derived_collection(self, suffix: str, embedding_model: str, dimension: int) -> Any:
        """The derived collection on the current view (opened again after a reopen)."""
        with self._lock:
            if suffix not in self._derived_collections:
                self._derived_collections[suffix] = self._client.get_or_create_collection(
                    self._derived_name(suffix),
                    embedding_function=None,
                    metadata={"embedding_model": embedding_model, "embedding_dim": dimension},
                    configuration={"hnsw": {"space": "cosine"}},
                )
            return self._derived_collections[suffix]


class DerivedIndex:
    """Vectors of the store's chunks from another model, keyed by the main chunk ids. What
    it returns is read back from the main collection, so a chunk deleted there since the
    last sync is never returned."""

    def __init__(self, store: Store, suffix: str, embedding_model: str, dimension: int) -> None:
        self.store = store
        self._key = (suffix, embedding_model, dimension)

    @property
    def _collection(self) -> Any:
        return self.store._derived_collection(*self._key)

    def count(self) -> int:
        return int(self.store._read(lambda: self._collection.count()))

    def ids(self) -> set[str]:
        return self.store._read(lambda: ids_in(self._collection, self.store.batch_size))

    def upsert(self, ids: Sequence[str], vectors: Sequence[Sequence[float]]) -> None:
        rows = [[float(x) for x in v] for v in vectors]  # lists or arrays, as Chroma takes
        self._collection.upsert(ids=list(ids), embeddings=rows)

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), self.store.batch_size):
            self._collection.delete(ids=list(ids[start : start + self.store.batch_size]))

    def embeddings_of(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        return self.store._read(lambda: embeddings_in(self._collection, chunk_ids))

    def query(self, vector: Sequence[float], k: int, filters: Filters | None = None) -> list[Hit]:
        """The k nearest chunks whose document passes `filters` (checked on the documents:
        4k are read to find them); `Hit.score` is cosine similarity, higher is better."""
        total = self.count()
        if k <= 0 or total == 0:
            return []
        found = self.store._read(
            lambda: self._collection.query(
                query_embeddings=[list(vector)],
                n_results=min(total, k * 4 if filters is not None else k),
                include=["distances"],
            )
        )
        ids = list(found["ids"][0])
        distances = list((found["distances"] or [[]])[0])
        rows = self.store.get_chunks(ids)
        hits = []
        for cid, dist in zip(ids, distances, strict=True):
            if cid not in rows or (filters is not None and not filters.keep(rows[cid][1])):
                continue
            chunk, doc = rows[cid]
            hits.append(Hit(chunk=chunk, doc=doc, score=similarity(dist)))
        return hits[:k]
