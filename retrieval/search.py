"""Hybrid search: dense (Chroma) + lexical (BM25), fused by reciprocal rank, then re-scored.

No cross-encoder ships offline here, so re-scoring is ours: each candidate gets features —
cosine similarity to the question, BM25, how many of the question's content words and
numbers it holds (text, title, section, table header), the longest run of question words it
contains — and a weighted sum orders them; a document's third and later chunks are
discounted for diversity. Weights live in `Weights`, measured in `bench/`.

`Hit.score` is that final score; `Hit.extra` keeps every feature, and `relevance` (what
abstention is decided on) is computed from the best hit's similarity and coverage.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from retrieval.embeddings import Embedder
from retrieval.errors import ConfigError
from retrieval.glossary import gloss
from retrieval.lexical import LexicalIndex, numbers_in, tokenize
from retrieval.multilingual import MultilingualIndex, is_indic
from retrieval.store import Store, date_number
from retrieval.types import DOC_TYPES, Hit, SourceDoc

STATUS_CHOICES = ("current", "superseded", "any")
_ASKS_FOR_OLD = re.compile(
    r"\b(superseded|earlier|previous|old|older|former|original|prior|repealed)\b", re.I
)


@dataclass(frozen=True)
class Filters:
    """What a user narrows the search to. Empty means no restriction; `status` is 'current'
    by default (superseded documents only when asked for, or when nothing current answers)."""

    doc_types: tuple[str, ...] = ()
    states: tuple[str, ...] = ()  # a scheme's state; all-India ("India") schemes always pass
    publishers: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()  # chosen documents (doc ids or corpus paths)
    date_from: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD, inclusive
    date_to: str = ""
    status: str = "current"

    def __post_init__(self) -> None:
        bad = [t for t in self.doc_types if t not in DOC_TYPES]
        if bad:
            raise ConfigError(f"doc_type {bad[0]!r} is not one of {', '.join(DOC_TYPES)}")
        if self.status not in STATUS_CHOICES:
            raise ConfigError(f"status {self.status!r} is not one of {', '.join(STATUS_CHOICES)}")
        for value in (self.date_from, self.date_to):
            if value and not date_number(value):
                raise ConfigError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")

    @classmethod
    def from_pairs(cls, pairs: list[str]) -> Filters:
        """From the command line's `key=value` (repeat a key for several values)."""
        multi = {"doc_type": "doc_types", "state": "states", "publisher": "publishers",
                 "doc": "doc_ids", "doc_id": "doc_ids", "path": "doc_ids"}  # fmt: skip
        single = {"date_from", "date_to", "status"}
        values: dict[str, Any] = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or not key:
                raise ConfigError(f"filter {pair!r} is not key=value (e.g. doc_type=circular)")
            if key in multi:
                values.setdefault(multi[key], []).append(value)
            elif key in single:
                values[key] = value
            else:
                raise ConfigError(
                    f"unknown filter {key!r}: use {', '.join(sorted([*multi, *single]))}"
                )
        args = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        return cls(**args)  # type: ignore[arg-type]

    def with_status(self, status: str) -> Filters:
        return replace(self, status=status)

    def keep(self, doc: SourceDoc) -> bool:
        if self.doc_types and doc.doc_type not in self.doc_types:
            return False
        if self.states and doc.state not in self.states and doc.state != "India":
            return False
        if self.publishers and doc.publisher not in self.publishers:
            return False
        if self.doc_ids and doc.doc_id not in self.doc_ids and doc.path not in self.doc_ids:
            return False
        if self.status != "any" and doc.status != self.status:
            return False
        number = date_number(doc.date)
        if self.date_from and (not number or number < date_number(self.date_from)):
            return False
        return not (self.date_to and (not number or number > _date_end(self.date_to)))

    def chroma_where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.doc_types:
            clauses.append({"doc_type": {"$in": list(self.doc_types)}})
        if self.states:
            clauses.append({"state": {"$in": [*self.states, "India"]}})
        if self.publishers:
            clauses.append({"publisher": {"$in": list(self.publishers)}})
        if self.doc_ids:
            ids = list(self.doc_ids)
            clauses.append({"$or": [{"doc_id": {"$in": ids}}, {"path": {"$in": ids}}]})
        if self.status != "any":
            clauses.append({"status": self.status})
        if self.date_from:
            clauses.append({"date_num": {"$gte": date_number(self.date_from)}})
        if self.date_to:
            clauses.append({"date_num": {"$lte": _date_end(self.date_to)}})
        if self.date_from or self.date_to:
            clauses.append({"date_num": {"$gt": 0}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _date_end(value: str) -> int:
    """The last day a partial date covers: '2022' -> 20221231, '2022-03' -> 20220331."""
    number = date_number(value)
    if number % 10000 == 0:
        return number + 1231
    if number % 100 == 0:
        return number + 31
    return number


@dataclass(frozen=True)
class Weights:
    """How the re-scoring weighs each feature (all in [0, 1])."""

    rrf_k: int = 60
    dense_rrf: float = 1.0
    lexical_rrf: float = 1.0
    fused: float = 0.35  # reciprocal-rank fusion, scaled so the best candidate has 1
    similarity: float = 0.35
    coverage: float = 0.15  # share of the question's content words in the chunk
    numbers: float = 0.10  # share of the question's numbers in the chunk
    phrase: float = 0.05  # longest run of question words, as a share of them
    multilingual_rrf: float = 1.0  # e5's list for a translated Indic question
    per_doc_discount: float = 0.85  # applied to a document's 3rd, 4th... chunk
    candidates: int = 40


@dataclass
class SearchResult:
    hits: list[Hit]
    relevance: float  # of the best hit: what abstention is decided on
    filters: Filters
    widened_to_superseded: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.0  # relevance below this: the documents don't answer it
    space: str = "english"  # "english": MiniLM (+ e5 for an Indic original); "e5": e5 only

    @property
    def answerable(self) -> bool:
        return bool(self.hits) and self.relevance >= self.threshold


@dataclass
class _Space:
    """The dense space a search ranks and re-scores in."""

    name: str
    text: str  # what BM25 and the word features read: the query, or its English gloss
    vector: list[float]
    nearest: Callable[[int, Filters], list[Hit]]
    embeddings_of: Callable[[list[str]], dict[str, list[float]]]
    threshold: float


class Searcher:
    """Dense + lexical + fusion + re-scoring + filters over one store; with a multilingual
    index, a question in an Indic script is also (or, untranslated, only) searched in e5."""

    def __init__(self, store: Store, embedder: Embedder, weights: Weights | None = None,
                 multilingual: MultilingualIndex | None = None) -> None:  # fmt: skip
        self.store = store
        self.embedder = embedder
        self.lexical = LexicalIndex(store)
        self.weights = weights or Weights()
        self.multilingual = multilingual

    @property
    def multilingual_ready(self) -> bool:
        """A multilingual index with chunks in it: Indic questions need no translation."""
        return self.multilingual is not None and self.multilingual.count() > 0

    def search(self, query: str, k: int = 5, filters: Filters | None = None,
               original: str | None = None) -> list[Hit]:  # fmt: skip
        return self.retrieve(query, k, filters, original, status_policy=False).hits

    def _spaces(self, query: str, original: str | None) -> tuple[_Space, list[Hit] | None]:
        """The space to score in and, for a translated Indic question, e5's own list."""
        ml = self.multilingual if self.multilingual_ready else None
        indic = original if original and is_indic(original) else query if is_indic(query) else None
        if ml is not None and indic is not None and is_indic(query):
            vector = ml.embedder.embed_query(indic)
            return _Space("e5", gloss(query), vector,
                          lambda n, f: ml.query_vector(vector, n, f.keep),
                          ml.embeddings_of, E5_RELEVANCE_THRESHOLD), None  # fmt: skip
        vector = self.embedder.embed_query(query)
        space = _Space("english", query, vector,
                       lambda n, f: self.store.query(vector, k=n, where=f.chroma_where()),
                       self.store.embeddings_of, RELEVANCE_THRESHOLD)  # fmt: skip
        if ml is not None and indic is not None:
            return space, ml.query(indic, self.weights.candidates)
        return space, None

    def _search(self, query: str, k: int, filters: Filters, space: _Space,
                extra: list[Hit] | None = None) -> list[Hit]:  # fmt: skip
        w = self.weights
        dense = space.nearest(w.candidates, filters)
        lexical = self.lexical.search(query, w.candidates, keep=filters.keep) if query else []
        fused: dict[str, float] = {}
        found: dict[str, Hit] = {}
        sims: dict[str, float] = {}
        bm25: dict[str, float] = {}
        for rank, hit in enumerate(dense):
            cid = hit.chunk.chunk_id
            fused[cid] = fused.get(cid, 0.0) + w.dense_rrf / (w.rrf_k + rank + 1)
            found[cid] = hit
            sims[cid] = hit.score
        for rank, hit in enumerate(h for h in extra or [] if filters.keep(h.doc)):
            cid = hit.chunk.chunk_id
            fused[cid] = fused.get(cid, 0.0) + w.multilingual_rrf / (w.rrf_k + rank + 1)
            found.setdefault(cid, replace(hit, score=0.0))
        for rank, (chunk, doc, score) in enumerate(lexical):
            cid = chunk.chunk_id
            fused[cid] = fused.get(cid, 0.0) + w.lexical_rrf / (w.rrf_k + rank + 1)
            bm25[cid] = score
            found.setdefault(cid, Hit(chunk=chunk, doc=doc, score=0.0))
        missing = [cid for cid in found if cid not in sims]
        if missing:
            q = np.asarray(space.vector)
            for cid, vec in space.embeddings_of(missing).items():
                sims[cid] = float(np.dot(q, np.asarray(vec)))
        if not found:
            return []
        top_fused = max(fused.values())
        top_bm25 = max(bm25.values(), default=0.0) or 1.0
        q_tokens = tokenize(query)
        q_set = set(q_tokens)
        q_numbers = numbers_in(query)
        scored = []
        for cid, hit in found.items():
            chunk, doc = hit.chunk, hit.doc
            body = f"{doc.title} {chunk.section} {chunk.table_header} {chunk.text}"
            tokens = tokenize(body)
            token_set = set(tokens)
            coverage = len(q_set & token_set) / len(q_set) if q_set else 0.0
            numbers = len(q_numbers & numbers_in(body)) / len(q_numbers) if q_numbers else 0.0
            phrase = _longest_run(q_tokens, tokens) / len(q_tokens) if q_tokens else 0.0
            features = {
                "fused": fused[cid] / top_fused,
                "similarity": sims.get(cid, 0.0),
                "bm25": bm25.get(cid, 0.0) / top_bm25,
                "coverage": coverage,
                "numbers": numbers,
                "phrase": phrase,
            }
            score = (
                w.fused * features["fused"]
                + w.similarity * features["similarity"]
                + w.coverage * coverage
                + w.numbers * numbers
                + w.phrase * phrase
            )
            scored.append(Hit(chunk=chunk, doc=doc, score=score, extra=features))
        scored.sort(key=lambda h: (-h.score, h.chunk.chunk_id))
        return _diversify(scored, k, w.per_doc_discount)

    def retrieve(self, query: str, k: int = 5, filters: Filters | None = None,
                 original: str | None = None,
                 status_policy: bool = True) -> SearchResult:  # fmt: skip
        """Search with the status policy: current documents first; superseded ones when the
        question asks for them, or when nothing current is relevant enough.

        `original` is the question as the user wrote it when `query` is its translation: in
        an Indic script, the multilingual index (if built) adds its own ranking."""
        filters = filters or Filters()
        space, extra = self._spaces(query, original)
        if status_policy and filters.status == "current" and _ASKS_FOR_OLD.search(space.text):
            filters = filters.with_status("any")
        hits = self._search(space.text, k, filters, space, extra)
        result = SearchResult(hits, relevance(hits, space.name), filters,
                              threshold=space.threshold, space=space.name)  # fmt: skip
        if status_policy and filters.status == "current" and not result.answerable:
            wider = filters.with_status("any")
            more = self._search(space.text, k, wider, space, extra)
            if relevance(more, space.name) > result.relevance:
                result = SearchResult(more, relevance(more, space.name), wider,
                                      widened_to_superseded=True, threshold=space.threshold,
                                      space=space.name)  # fmt: skip
        return result


# Abstention: calibrated on questions with `python -m bench.retrieval_quality`, not guessed:
# on 84 answerable and 12 unanswerable questions, 0.54 refused 11 of 12 and answered 82 of 84.
RELEVANCE_THRESHOLD = 0.54
# The same measure in e5's space (an untranslated Hindi question): e5's cosine similarities
# run higher, so its threshold is its own, calibrated with `python -m bench.hindi`.
E5_RELEVANCE_THRESHOLD = 0.84


def relevance(hits: list[Hit], space: str = "english") -> float:
    """How well the best passage matches: its cosine similarity, lifted by how many of the
    question's content words it holds. In e5's space (an untranslated Hindi question) word
    coverage means nothing, so it is the best passage's e5 similarity alone."""
    if not hits:
        return 0.0
    if space == "e5":
        return max(h.extra.get("similarity", 0.0) for h in hits)
    return max(h.extra.get("similarity", 0.0) * 0.7 + h.extra.get("coverage", 0.0) * 0.3
               for h in hits[:3])  # fmt: skip


def _longest_run(query: list[str], text: list[str]) -> int:
    """Length of the longest run of consecutive query tokens that appears in the text."""
    if not query or not text:
        return 0
    positions: dict[str, list[int]] = {}
    for i, tok in enumerate(text):
        positions.setdefault(tok, []).append(i)
    best = 0
    for start in range(len(query)):
        for pos in positions.get(query[start], []):
            length = 1
            while (
                start + length < len(query)
                and pos + length < len(text)
                and text[pos + length] == query[start + length]
            ):
                length += 1
            best = max(best, length)
    return best


def _diversify(hits: list[Hit], k: int, discount: float) -> list[Hit]:
    """Re-rank so one long document does not crowd out the others."""
    seen: Counter[str] = Counter()
    adjusted = []
    for hit in hits:
        seen[hit.doc.doc_id] += 1
        factor = discount ** max(0, seen[hit.doc.doc_id] - 2)
        adjusted.append(replace(hit, score=hit.score * factor))
    adjusted.sort(key=lambda h: (-h.score, h.chunk.chunk_id))
    return adjusted[:k]
