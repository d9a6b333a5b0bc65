"""Chroma's side of the store: the metadata a document and a chunk are written with and read
back from, `Filters` in Chroma's `where` syntax, the one turn from distance to similarity,
and what this process knows of each embedded store folder's shared engine. Only
`retrieval.core.store` uses it."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from typing import Any

import numpy as np

from retrieval.core.filters import Filters, date_end, date_number
from retrieval.core.types import Chunk, SourceDoc

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
    "original_name",
    "flagged",
)
_LIST_FIELDS = ("tags", "source_urls")


class _Views:
    """What this process knows of each embedded store folder it has open: the generations
    its own Stores wrote (their engine already holds those writes), and how often it has
    reopened the folder after another process's writes (its epoch)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._written: dict[str, deque[str]] = {}
        self._epochs: dict[str, int] = {}
        self._retired: dict[str, deque[Any]] = {}

    def epoch(self, location: str) -> int:
        with self._lock:
            return self._epochs.get(location, 0)

    def wrote(self, location: str, generation: str) -> None:
        with self._lock:
            self._written.setdefault(location, deque(maxlen=4096)).append(generation)

    def written_here(self, location: str, generation: str) -> bool:
        with self._lock:
            return generation in self._written.get(location, ())

    def drop(self, location: str, epoch: int) -> None:
        """Retire Chroma's shared engine for the folder, once per epoch, so the next client
        opens a fresh one. A retired engine is stopped two reopens later (its memory is
        freed): until then, another Store of this process still reading it keeps working,
        and once stopped, that Store's next read reopens."""
        from chromadb.api.shared_system_client import SharedSystemClient

        with self._lock:
            if self._epochs.get(location, 0) != epoch:
                return  # another Store here reopened it already
            self._epochs[location] = epoch + 1
            # Chroma caches one engine per folder in this class attribute (chromadb 1.x)
            system = SharedSystemClient._identifier_to_system.pop(location, None)
            if system is None:
                return
            retired = self._retired.setdefault(location, deque())
            retired.append(system)
            while len(retired) > 2:
                retired.popleft().stop()


VIEWS = _Views()


def doc_metadata(doc: SourceDoc) -> dict[str, Any]:
    meta: dict[str, Any] = {"doc_id": doc.doc_id}
    for key in _DOC_FIELDS:
        meta[key] = getattr(doc, key)
    for key in _LIST_FIELDS:
        values = list(getattr(doc, key))
        if values:  # Chroma refuses empty lists
            meta[key] = values
    meta["date_num"] = date_number(doc.date)
    return meta


def doc_from_metadata(meta: dict[str, Any]) -> SourceDoc:
    fields: dict[str, Any] = {key: meta.get(key, "") for key in _DOC_FIELDS}
    for key in _LIST_FIELDS:
        fields[key] = tuple(meta.get(key) or ())
    return SourceDoc(doc_id=meta["doc_id"], **fields)


def similarity(distance: float) -> float:
    """Chroma's cosine distance as a similarity: the one place the direction turns."""
    return 1.0 - float(distance)


def chroma_where(filters: Filters | None, in_states: Sequence[str] = ()) -> dict[str, Any] | None:
    """`Filters` in Chroma's `where` syntax over the chunk metadata written here. A state
    filter is read through `facets` (spellings, all-India documents), so the caller passes
    `in_states`: the ids of the documents that serve the chosen states."""
    if filters is None:
        return None
    f = filters
    clauses: list[dict[str, Any]] = []
    if f.doc_types:
        clauses.append({"doc_type": {"$in": list(f.doc_types)}})
    if f.states:
        clauses.append({"doc_id": {"$in": list(in_states) or [""]}})
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


# ids a `get` asks for at once: Chroma binds each as an SQL variable, and SQLite takes at
# most 32,766 in a statement (a store of 100,000 passages failed its first answer: "too many
# SQL variables", building the lexical index)
IDS_AT_ONCE = 5000


def embeddings_in(
    collection: Any, ids: Sequence[str], at_once: int = IDS_AT_ONCE
) -> dict[str, np.ndarray]:
    """The stored vectors of `ids` in a Chroma collection (missing ids are left out), read
    `at_once` ids a query, as float32 arrays: as Python lists of floats the 100,000 vectors
    of a large store took about a gigabyte while the lexical index was built."""
    out: dict[str, np.ndarray] = {}
    wanted = list(ids)
    for start in range(0, len(wanted), at_once):
        found = collection.get(ids=wanted[start : start + at_once], include=["embeddings"])
        vectors = found["embeddings"]
        if vectors is None:
            continue
        out.update(
            (cid, np.asarray(v, dtype=np.float32))
            for cid, v in zip(found["ids"], vectors, strict=True)
        )
    return out


def ids_in(collection: Any, batch: int) -> set[str]:
    """Every id in a Chroma collection, read `batch` at a time."""
    ids: set[str] = set()
    for offset in range(0, int(collection.count()), batch):
        ids.update(collection.get(include=[], limit=batch, offset=offset)["ids"])
    return ids


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    return {
        "page": chunk.page,
        "section": chunk.section,
        "char_start": chunk.char_start,
        "char_end": chunk.char_end,
        "chunk_index": chunk.index,
        "ocr": chunk.ocr,
        "table_header": chunk.table_header,
    }


def chunk_rows(found: Any) -> list[tuple[Chunk, dict[str, Any]]]:
    """The chunks (with their raw metadata) of a Chroma `get` that included documents and
    metadatas."""
    return [
        (chunk_from(cid, text or "", dict(meta)), dict(meta))
        for cid, text, meta in zip(
            found["ids"], found["documents"] or [], found["metadatas"] or [], strict=True
        )
    ]


def chunk_from(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
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
