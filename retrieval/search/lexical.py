"""BM25 over the store's chunks (bm25s), rebuilt whenever the store's generation changes, so
it always holds exactly the chunks Chroma holds: every upsert and delete shows in both.

The same index keeps those chunks' vectors in one matrix (`nearest`): an exact search of
every chunk in memory, a matrix product, takes a millisecond where Chroma's query with a
filter took 85 ms at the median over the reference corpus (`bench/query.py`); the matrix
costs 1.5 KB a chunk (7 MB for the reference corpus, 150 MB at 100,000 chunks), held once:
a rebuild takes the rows of the documents it keeps from the last matrix.

Tokens keep numbers whole ("1,25,000" and "125000" are one token, "35%" is "35"), because
officials and researchers ask about figures.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import snowballstemmer

from retrieval.core.store import DocRecord, Store
from retrieval.core.text import clean_text, passage_text
from retrieval.core.types import Chunk, Hit, SourceDoc

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "may",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "shall",
        "should",
        "so",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "under",
        "up",
        "upon",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whose",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "any",
        "all",
        "also",
        "there",
        "which",
        "whether",
    ]
)


def normalise_number(token: str) -> str:
    """'1,25,000' -> '125000'; '2.50' -> '2.5'; words unchanged."""
    if not token[0].isdigit():
        return token
    token = token.replace(",", "")
    if "." in token:
        whole, _, frac = token.partition(".")
        frac = frac.rstrip("0")
        return f"{whole}.{frac}" if frac else whole
    return token


_STEMMER = snowballstemmer.stemmer("english")
_STEM_LOCK = threading.Lock()  # the Snowball stemmer keeps state between calls
_STEMS: dict[str, str] = {}  # word -> stem: a corpus repeats its words, stemming is slow
_STEMS_MAX = 500_000  # bounded, so hostile text of unique words cannot grow it for ever


def _stem(word: str) -> str:
    stem = _STEMS.get(word)
    if stem is None:
        stem = _STEMMER.stemWord(word)
        if len(_STEMS) >= _STEMS_MAX:
            _STEMS.clear()
        _STEMS[word] = stem
    return stem


def tokenize(text: str) -> list[str]:
    """Lower-cased, stemmed words ('eligible' and 'eligibility' are one) and whole numbers."""
    tokens = [normalise_number(t.lower()) for t in _TOKEN.findall(clean_text(text))]
    kept = [t for t in tokens if t not in STOPWORDS and (len(t) > 1 or t.isdigit())]
    with _STEM_LOCK:
        return [t if t[0].isdigit() else _stem(t) for t in kept]


def numbers_in(text: str) -> set[str]:
    return {normalise_number(t) for t in _TOKEN.findall(text) if t[0].isdigit()}


@dataclass
class _Index:
    generation: str
    chunks: list[Chunk]
    docs: list[SourceDoc]
    bm25: object | None
    df: Counter[str] = field(default_factory=Counter)  # token -> chunks holding it
    vectors: np.ndarray | None = None  # one row per chunk, as the store holds it
    row: dict[str, int] = field(default_factory=dict)  # chunk id -> its row
    # the distinct documents, and for each chunk the position of its own among them: a
    # filter is asked once per document, not once per chunk (10 ms a search before)
    distinct: list[SourceDoc] = field(default_factory=list)
    doc_at: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def mask(self, keep: Callable[[SourceDoc], bool]) -> np.ndarray:
        """For each chunk, whether its document passes `keep`."""
        passes = np.fromiter((keep(d) for d in self.distinct), dtype=bool, count=len(self.distinct))
        return passes[self.doc_at]


_Entry = tuple[Chunk, SourceDoc, list[str]]


def _unit(vector: Iterable[float]) -> np.ndarray:
    """The vector at unit length, float32 (normalised once, when read from the store: a
    kept row is copied as it is, so a rebuild equals a build from nothing to the bit)."""
    v = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


def _matrix(vectors: list[np.ndarray]) -> np.ndarray | None:
    """The rows as one float32 matrix (a chunk without a vector: zeros, never near
    anything); None when the store holds no vectors."""
    width = max((len(v) for v in vectors), default=0)
    if not width:
        return None
    matrix = np.zeros((len(vectors), width), dtype=np.float32)
    for i, v in enumerate(vectors):
        if len(v) == width:
            matrix[i] = v
    return matrix


class LexicalIndex:
    """A BM25 index mirroring the store; `search` rebuilds it first if the store changed."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._index: _Index | None = None
        self._lock = threading.Lock()
        # per complete document: its record as last read, and its chunks with their tokens,
        # so a new generation (another file ingested) re-reads only the documents it changed
        self._by_doc: dict[str, tuple[DocRecord, list[_Entry]]] = {}

    def warm(self) -> None:
        """Build the index now (a server does it at start, not on its first question)."""
        self._fresh()

    def _fresh(self) -> _Index:
        generation = self.store.fresh_generation()  # another process's ingest shows
        with self._lock:
            if self._index is None or self._index.generation != generation:
                self._index = self._build(generation)
            return self._index

    def _build(self, generation: str) -> _Index:
        """The index at `generation`: the documents whose record is new or changed are read
        from the store (all of them the first time), the rest come from the last build."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # its import set DEBUG

        records = self.store.documents()
        # the last build's vectors, by chunk: a document kept from it keeps its rows (the
        # vectors are held once, in the matrix, not again per document)
        last = self._index
        kept_rows = last.row if last is not None and last.vectors is not None else {}
        known = {
            d: v
            for d, v in self._by_doc.items()
            if d in records and v[0] == records[d] and all(e[0].chunk_id in kept_rows for e in v[1])
        }
        stale = [d for d in records if d not in known]
        stale_ids = set(stale)
        fresh: dict[str, np.ndarray] = {}
        if stale:
            rows = (
                self.store.iter_chunks()
                if len(stale) == len(records)
                else self.store.chunks_of_documents(stale)
            )
            pairs = [(c, d) for c, d in rows if c.doc_id in stale_ids]
            read_vectors = self.store.embeddings_of([c.chunk_id for c, _ in pairs])
            read: dict[str, list[_Entry]] = {d: [] for d in stale}
            for c, d in pairs:
                text = passage_text(d.title, c.section, c.table_header, c.text, with_acronym=True)
                fresh[c.chunk_id] = _unit(read_vectors.get(c.chunk_id, ()))
                read[c.doc_id].append((c, d, tokenize(text) or ["_empty_"]))
            known.update({d: (records[d], rows_) for d, rows_ in read.items()})
        self._by_doc = known
        entries = sorted(
            (e for _, rows_ in known.values() for e in rows_), key=lambda e: e[0].chunk_id
        )
        if not entries:
            return _Index(generation, [], [], None)
        corpus = [tokens for _, _, tokens in entries]
        bm25 = bm25s.BM25()
        bm25.index(corpus, show_progress=False)
        df: Counter[str] = Counter()
        for tokens in corpus:
            df.update(set(tokens))
        position: dict[str, int] = {}
        for _, d, _ in entries:
            position.setdefault(d.doc_id, len(position))
        distinct = {d.doc_id: d for _, d, _ in entries}

        def vector_of(chunk_id: str) -> np.ndarray:
            if chunk_id in fresh:
                return fresh[chunk_id]
            assert last is not None and last.vectors is not None  # a kept document's row
            return last.vectors[kept_rows[chunk_id]]

        vectors = [vector_of(c.chunk_id) for c, _, _ in entries]
        return _Index(
            generation,
            [e[0] for e in entries],
            [e[1] for e in entries],
            bm25,
            df,
            _matrix(vectors),
            {e[0].chunk_id: i for i, e in enumerate(entries)},
            [distinct[d] for d in position],
            np.fromiter(
                (position[e[1].doc_id] for e in entries), dtype=np.int64, count=len(entries)
            ),
        )

    def nearest(
        self, vector: Iterable[float], k: int, keep: Callable[[SourceDoc], bool] | None = None
    ) -> list[Hit]:
        """The k chunks nearest `vector` whose document passes `keep`, exactly (every chunk
        is compared); `Hit.score` is cosine similarity, as `Store.query` gives it."""
        index = self._fresh()
        if index.vectors is None or k <= 0:
            return []
        scores = index.vectors @ np.asarray(list(vector), dtype=np.float32)
        if keep is not None:
            scores = np.where(index.mask(keep), scores, -np.inf)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [
            Hit(chunk=index.chunks[i], doc=index.docs[i], score=float(scores[i]))
            for i in top
            if np.isfinite(scores[i])
        ]

    def vectors_of(self, chunk_ids: Iterable[str]) -> dict[str, np.ndarray]:
        """The vectors of those chunks the index holds (unit length), by chunk id."""
        index = self._fresh()
        if index.vectors is None:
            return {}
        return {c: index.vectors[index.row[c]] for c in chunk_ids if c in index.row}

    def chunks_of(self, doc_id: str) -> list[tuple[Chunk, SourceDoc]]:
        """Every chunk of one document, in page and reading order (from the index in
        memory: no store read)."""
        self._fresh()
        _, entries = self._by_doc.get(doc_id, (None, []))  # the index's own, by document
        return sorted(
            ((c, d) for c, d, _ in entries), key=lambda pair: (pair[0].page, pair[0].index)
        )

    def idf(self, tokens: Iterable[str]) -> dict[str, float]:
        """Each token's inverse document frequency over the store's chunks (BM25's own
        formula, log(1 + (N - df + 0.5) / (df + 0.5))): how rare, so how telling, a word
        of the question is. A word no chunk holds gets the highest."""
        index = self._fresh()
        n = len(index.chunks)
        return {
            t: math.log(1 + (n - index.df.get(t, 0) + 0.5) / (index.df.get(t, 0) + 0.5))
            for t in tokens
        }

    def __len__(self) -> int:
        return len(self._fresh().chunks)

    def search(
        self,
        query: str,
        k: int,
        keep: Callable[[SourceDoc], bool] | None = None,
    ) -> list[tuple[Chunk, SourceDoc, float]]:
        """The k best chunks by BM25 whose document passes `keep`; scores > 0 only."""
        index = self._fresh()
        tokens = tokenize(query)
        if index.bm25 is None or not tokens:
            return []
        raw = index.bm25.get_scores(tokens)  # type: ignore[attr-defined]
        scores = np.asarray(raw, dtype=np.float64)
        if keep is not None:
            scores = np.where(index.mask(keep), scores, 0.0)
        top = np.argsort(scores)[::-1][:k]
        return [(index.chunks[i], index.docs[i], float(scores[i])) for i in top if scores[i] > 0]
