"""The vector store: the only module that knows Chroma's collections, metadata keys, filter
syntax and distances.

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
`_similarity` converts them once, here, to similarities in [-1, 1] where higher is better;
nothing else sees distances.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from retrieval.core.errors import StoreError
from retrieval.core.filters import Filters, date_end, date_number
from retrieval.core.settings import Settings
from retrieval.core.types import Chunk, Hit, Page, SourceDoc

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

log = logging.getLogger(__name__)

PENDING, COMPLETE = "pending", "complete"
_DOC_FIELDS = (
    "path",
    "title",
    "doc_type",
    "sha256",
    "publisher",
    "date",
    "status",
    "official_url",
    "state",
    "department",
    "scheme_type",
    "beneficiary",
    "metadata_source",
)
_LIST_FIELDS = ("tags", "source_urls")
_UNIT = [1.0]  # the constant vector of records in the docs collection
_GENERATION = "__generation__"
WRITE_SLICE = 64  # chunks written between steps


def _doc_metadata(doc: SourceDoc) -> dict[str, Any]:
    meta: dict[str, Any] = {"doc_id": doc.doc_id}
    for key in _DOC_FIELDS:
        meta[key] = getattr(doc, key)
    for key in _LIST_FIELDS:
        values = list(getattr(doc, key))
        if values:  # Chroma refuses empty lists
            meta[key] = values
    meta["date_num"] = date_number(doc.date)
    return meta


def _doc_from_metadata(meta: dict[str, Any]) -> SourceDoc:
    fields: dict[str, Any] = {key: meta.get(key, "") for key in _DOC_FIELDS}
    for key in _LIST_FIELDS:
        fields[key] = tuple(meta.get(key) or ())
    return SourceDoc(doc_id=meta["doc_id"], **fields)


@dataclass(frozen=True)
class DocRecord:
    """What the store knows of one ingested document."""

    doc: SourceDoc
    ingest_state: str  # PENDING or COMPLETE (the document's own `doc.state` is a place)
    pages: int
    chunks: int
    ocr_pages: tuple[int, ...]
    ingested_at: str


class Store:
    """Chroma, embedded (a folder) or a server (host and port), with the model recorded."""

    def __init__(self, settings: Settings, embedding_model: str, dimension: int) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.settings = settings
        self.embedding_model = embedding_model
        self.dimension = dimension
        chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        try:
            if settings.chroma_host:
                self.location = f"Chroma server {settings.chroma_host}:{settings.chroma_port}"
                self._client = chromadb.HttpClient(
                    host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
                )
                self._client.heartbeat()
            else:
                settings.chroma_path.mkdir(parents=True, exist_ok=True)
                self.location = str(settings.chroma_path)
                self._client = chromadb.PersistentClient(
                    path=str(settings.chroma_path), settings=chroma_settings
                )
        except StoreError:
            raise
        except Exception as exc:
            if settings.chroma_host:
                raise StoreError(
                    f"cannot reach the Chroma server at {settings.chroma_host}:"
                    f"{settings.chroma_port} ({exc}); start it with `chroma run --host "
                    f"{settings.chroma_host} --port {settings.chroma_port} --path DIR` or unset "
                    "KARIGAR_CHROMA_HOST to use the embedded store"
                ) from exc
            raise StoreError(
                f"cannot open the Chroma store in {settings.chroma_path} ({exc}); check the "
                "folder's permissions, or set KARIGAR_DATA_DIR to another folder"
            ) from exc
        self._chunks = self._open_chunks()
        self._docs: Any = self._client.get_or_create_collection(
            f"{settings.collection}_docs", embedding_function=None
        )
        self._batch = max(1, min(1000, int(self._client.get_max_batch_size())))

    @property
    def batch_size(self) -> int:
        return self._batch

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
        self._bump()

    # -- generation: changes with every write, so derived indexes know when to rebuild --------
    def generation(self) -> str:
        found = self._docs.get(ids=[_GENERATION], include=["metadatas"])
        metas = found["metadatas"] or []
        return str(metas[0].get("value", "")) if metas else ""

    def _bump(self) -> None:
        self._docs.upsert(
            ids=[_GENERATION],
            embeddings=[_UNIT],
            metadatas=[{"kind": "meta", "value": uuid.uuid4().hex}],
        )

    # -- documents -----------------------------------------------------------------------
    def records(self) -> dict[str, DocRecord]:
        """Every document record, pending ones included, by doc_id."""
        found = self._docs.get(where={"kind": "doc"}, include=["metadatas"])
        out: dict[str, DocRecord] = {}
        for meta in found["metadatas"] or []:
            rec = self._record(dict(meta))
            out[rec.doc.doc_id] = rec
        return out

    @staticmethod
    def _record(meta: dict[str, Any]) -> DocRecord:
        ocr = meta.get("ocr_pages") or []
        return DocRecord(
            doc=_doc_from_metadata(meta),
            ingest_state=str(meta.get("ingest_state", PENDING)),
            pages=int(meta.get("pages", 0)),
            chunks=int(meta.get("chunks", 0)),
            ocr_pages=tuple(int(p) for p in ocr),
            ingested_at=str(meta.get("ingested_at", "")),
        )

    def begin_document(self, doc: SourceDoc, pages: Sequence[Page], ingested_at: str) -> None:
        """Write the document's record as `pending`, then its pages."""
        meta = _doc_metadata(doc) | {
            "kind": "doc",
            "ingest_state": PENDING,
            "pages": sum(1 for p in pages if p.number > 0),
            "chunks": 0,
            "ingested_at": ingested_at,
        }
        ocr_pages = [p.number for p in pages if p.ocr]
        if ocr_pages:
            meta["ocr_pages"] = ocr_pages
        self._docs.upsert(ids=[doc.doc_id], embeddings=[_UNIT], metadatas=[meta])
        self._bump()
        ids = [f"{doc.doc_id}:page:{p.number}" for p in pages]
        metas = [
            {"kind": "page", "doc_id": doc.doc_id, "page": p.number, "ocr": p.ocr} for p in pages
        ]
        for start in range(0, len(ids), self._batch):
            end = start + self._batch
            self._docs.upsert(
                ids=ids[start:end],
                embeddings=[_UNIT] * len(ids[start:end]),
                documents=[p.text for p in pages[start:end]],
                metadatas=metas[start:end],
            )

    def add_chunks(
        self, doc: SourceDoc, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]
    ) -> None:
        if len(chunks) != len(embeddings):
            raise StoreError(f"{doc.path}: {len(chunks)} chunks but {len(embeddings)} vectors")
        base = _doc_metadata(doc)
        for start in range(0, len(chunks), self._batch):
            part = chunks[start : start + self._batch]
            self._chunks.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=[list(v) for v in embeddings[start : start + self._batch]],
                documents=[c.text for c in part],
                metadatas=[base | _chunk_metadata(c) for c in part],
            )

    def complete_document(self, doc_id: str, chunks: int) -> None:
        self._docs.update(ids=[doc_id], metadatas=[{"ingest_state": COMPLETE, "chunks": chunks}])
        self._bump()

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
            self.delete_document(doc.doc_id)  # nothing of a failed write stays
            raise StoreError(f"{doc.path} could not be stored: {exc}") from exc
        step("complete")

    def move_document(self, doc: SourceDoc) -> None:
        """Record a new path (and metadata) for an unchanged document, without re-embedding."""
        base = _doc_metadata(doc)
        self._docs.update(ids=[doc.doc_id], metadatas=[base])
        ids = self._chunks.get(where={"doc_id": doc.doc_id}, include=[])["ids"]
        for start in range(0, len(ids), self._batch):
            part = ids[start : start + self._batch]
            self._chunks.update(ids=part, metadatas=[base] * len(part))
        self._bump()

    def delete_document(self, doc_id: str) -> None:
        """Chunks first, then pages, then the record: the record outlives what it describes."""
        self._chunks.delete(where={"doc_id": doc_id})
        self._docs.delete(where={"$and": [{"kind": "page"}, {"doc_id": doc_id}]})
        self._docs.delete(ids=[doc_id])
        self._bump()

    def recover(self) -> list[DocRecord]:
        """Delete what a killed run left half-written; return those records."""
        pending = [r for r in self.records().values() if r.ingest_state != COMPLETE]
        for rec in pending:
            log.warning("removing %s left half-written by an earlier run", rec.doc.path)
            self.delete_document(rec.doc.doc_id)
        return pending

    # -- reading -------------------------------------------------------------------------
    def count(self) -> int:
        return int(self._chunks.count())

    def page_text(self, doc_id: str, page: int) -> str | None:
        found = self._docs.get(ids=[f"{doc_id}:page:{page}"], include=["documents"])
        docs = found["documents"] or []
        return docs[0] if docs else None

    def chunks_of(self, doc_id: str) -> list[Chunk]:
        found = self._chunks.get(where={"doc_id": doc_id}, include=["documents", "metadatas"])
        return sorted((c for c, _ in _chunk_rows(found)), key=lambda c: c.index)

    def iter_chunks(self) -> Iterator[tuple[Chunk, SourceDoc]]:
        """Every chunk with its document, in pages of `_batch` (for the lexical index)."""
        total = self.count()
        for offset in range(0, total, self._batch):
            found = self._chunks.get(
                include=["documents", "metadatas"], limit=self._batch, offset=offset
            )
            for chunk, meta in _chunk_rows(found):
                yield chunk, _doc_from_metadata(meta)

    def get_chunks(self, chunk_ids: Sequence[str]) -> dict[str, tuple[Chunk, SourceDoc]]:
        if not chunk_ids:
            return {}
        found = self._chunks.get(ids=list(chunk_ids), include=["documents", "metadatas"])
        return {c.chunk_id: (c, _doc_from_metadata(meta)) for c, meta in _chunk_rows(found)}

    def embeddings_of(self, chunk_ids: Sequence[str]) -> dict[str, list[float]]:
        return embeddings_in(self._chunks, chunk_ids)

    def neighbours(self, chunk: Chunk) -> list[Chunk]:
        """The chunks just before and after `chunk` on the same page."""
        found = self._chunks.get(
            where={
                "$and": [
                    {"doc_id": chunk.doc_id},
                    {"page": chunk.page},
                    {"chunk_index": {"$in": [chunk.index - 1, chunk.index + 1]}},
                ]
            },
            include=["documents", "metadatas"],
        )
        return sorted((c for c, _ in _chunk_rows(found)), key=lambda c: c.index)

    def all_chunk_ids(self) -> set[str]:
        return ids_in(self._chunks, self._batch)

    def query(
        self, embedding: Sequence[float], k: int = 5, filters: Filters | None = None
    ) -> list[Hit]:
        """Nearest chunks passing `filters`; `Hit.score` is cosine similarity, higher is
        better."""
        if k <= 0 or self.count() == 0:
            return []
        found = self._chunks.query(
            query_embeddings=[list(embedding)],
            n_results=k,
            where=chroma_where(filters),
            include=["documents", "metadatas", "distances"],
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
                    chunk=_chunk_from(cid, text or "", meta),
                    doc=_doc_from_metadata(meta),
                    score=_similarity(dist),
                )
            )
        return hits

    # -- derived indexes: other vectors of the same chunks (the multilingual one) ---------
    def derived(self, suffix: str, embedding_model: str, dimension: int) -> DerivedIndex:
        """The collection `<name>_chunks_<suffix>`, created if absent."""
        return DerivedIndex(
            self,
            self._client.get_or_create_collection(
                self._derived_name(suffix),
                embedding_function=None,
                metadata={"embedding_model": embedding_model, "embedding_dim": dimension},
                configuration={"hnsw": {"space": "cosine"}},
            ),
        )

    def has_derived(self, suffix: str) -> bool:
        names = {getattr(c, "name", c) for c in self._client.list_collections()}
        return self._derived_name(suffix) in names

    def _derived_name(self, suffix: str) -> str:
        return f"{self.settings.collection}_chunks_{suffix}"


class DerivedIndex:
    """Vectors of the store's chunks from another model, keyed by the main chunk ids. What
    it returns is read back from the main collection, so a chunk deleted there since the
    last sync is never returned."""

    def __init__(self, store: Store, collection: Any) -> None:
        self.store = store
        self._collection = collection

    def count(self) -> int:
        return int(self._collection.count())

    def ids(self) -> set[str]:
        return ids_in(self._collection, self.store.batch_size)

    def upsert(self, ids: Sequence[str], vectors: Sequence[Sequence[float]]) -> None:
        self._collection.upsert(ids=list(ids), embeddings=[list(v) for v in vectors])

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), self.store.batch_size):
            self._collection.delete(ids=list(ids[start : start + self.store.batch_size]))

    def embeddings_of(self, chunk_ids: Sequence[str]) -> dict[str, list[float]]:
        return embeddings_in(self._collection, chunk_ids)

    def query(self, vector: Sequence[float], k: int, filters: Filters | None = None) -> list[Hit]:
        """The k nearest chunks whose document passes `filters` (checked on the documents:
        4k are read to find them); `Hit.score` is cosine similarity, higher is better."""
        total = self.count()
        if k <= 0 or total == 0:
            return []
        found = self._collection.query(
            query_embeddings=[list(vector)],
            n_results=min(total, k * 4 if filters is not None else k),
            include=["distances"],
        )
        ids = list(found["ids"][0])
        distances = list((found["distances"] or [[]])[0])
        rows = self.store.get_chunks(ids)
        hits = []
        for cid, dist in zip(ids, distances, strict=True):
            if cid not in rows or (filters is not None and not filters.keep(rows[cid][1])):
                continue
            chunk, doc = rows[cid]
            hits.append(Hit(chunk=chunk, doc=doc, score=_similarity(dist)))
        return hits[:k]


def _similarity(distance: float) -> float:
    """Chroma's cosine distance as a similarity: the one place the direction turns."""
    return 1.0 - float(distance)


def chroma_where(filters: Filters | None) -> dict[str, Any] | None:
    """`Filters` in Chroma's `where` syntax over the chunk metadata written here."""
    if filters is None:
        return None
    f = filters
    clauses: list[dict[str, Any]] = []
    if f.doc_types:
        clauses.append({"doc_type": {"$in": list(f.doc_types)}})
    if f.states:
        clauses.append({"state": {"$in": [*f.states, "India"]}})
    if f.publishers:
        clauses.append({"publisher": {"$in": list(f.publishers)}})
    if f.doc_ids:
        ids = list(f.doc_ids)
        clauses.append({"$or": [{"doc_id": {"$in": ids}}, {"path": {"$in": ids}}]})
    if f.status != "any":
        clauses.append({"status": f.status})
    if f.date_from:
        clauses.append({"date_num": {"$gte": date_number(f.date_from)}})
    if f.date_to:
        clauses.append({"date_num": {"$lte": date_end(f.date_to)}})
    if f.date_from or f.date_to:
        clauses.append({"date_num": {"$gt": 0}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def embeddings_in(collection: Any, ids: Sequence[str]) -> dict[str, list[float]]:
    """The stored vectors of `ids` in a Chroma collection (missing ids are left out)."""
    if not ids:
        return {}
    found = collection.get(ids=list(ids), include=["embeddings"])
    vectors = found["embeddings"]
    if vectors is None:
        return {}
    return {cid: [float(x) for x in v] for cid, v in zip(found["ids"], vectors, strict=True)}


def ids_in(collection: Any, batch: int) -> set[str]:
    """Every id in a Chroma collection, read `batch` at a time."""
    ids: set[str] = set()
    for offset in range(0, int(collection.count()), batch):
        ids.update(collection.get(include=[], limit=batch, offset=offset)["ids"])
    return ids


def _chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    return {
        "page": chunk.page,
        "section": chunk.section,
        "char_start": chunk.char_start,
        "char_end": chunk.char_end,
        "chunk_index": chunk.index,
        "ocr": chunk.ocr,
        "table_header": chunk.table_header,
    }


def _chunk_rows(found: Any) -> list[tuple[Chunk, dict[str, Any]]]:
    """The chunks (with their raw metadata) of a Chroma `get` that included documents and
    metadatas."""
    return [
        (_chunk_from(cid, text or "", dict(meta)), dict(meta))
        for cid, text, meta in zip(
            found["ids"], found["documents"] or [], found["metadatas"] or [], strict=True
        )
    ]


def _chunk_from(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
        chunk_id=chunk_id,
        doc_id=str(meta["doc_id"]),
        text=text,
        page=int(meta.get("page", 0)),
        section=str(meta.get("section", "")),
        char_start=int(meta.get("char_start", 0)),
        char_end=int(meta.get("char_end", 0)),
        index=int(meta.get("chunk_index", 0)),
        ocr=bool(meta.get("ocr", False)),
        table_header=str(meta.get("table_header", "")),
    )
