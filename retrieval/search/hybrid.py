"""Hybrid search: dense (every chunk's MiniLM vector compared in memory, kept beside the BM25
index; e5's from its Chroma collection) and lexical (BM25) candidates, fused by reciprocal
rank and re-scored (`retrieval.search.ranking` holds every formula and weight), with the status
policy: current documents first, superseded ones when asked for or when nothing current is
relevant enough. A question in an Indic script is searched in e5's space when the
multilingual index is built.

`Hit.score` is the final score and `Hit.features` what it was computed from; `relevance`
(what abstention is decided on) comes from the best hits' features.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from retrieval.core.embeddings import TextEmbedder
from retrieval.core.filters import Filters
from retrieval.core.store import Store
from retrieval.core.timing import stage
from retrieval.core.types import Chunk, Hit, SourceDoc
from retrieval.search.glossary import gloss
from retrieval.search.lexical import LexicalIndex
from retrieval.search.multilingual import MultilingualIndex, is_indic
from retrieval.search.ranking import (
    QueryTerms,
    Weights,
    diversify,
    features,
    fuse,
    order,
    relevance,
    rescore,
    searchable_text,
    threshold,
)

# Words that ask for older documents: "superseded" or "repealed" on their own; "previous",
# "earlier", "old"... only before what a rule lives in ("the previous guidelines", "the
# earlier 2018 circular"), since "previous year" or "prior approval" ask for nothing old;
# and a year that names an edition ("the 2018 PMEGP guidelines", "the 2022-23 booklet",
# "the guidelines of 2018", "the 2018 PMEGP ..."), which may be a superseded one: the
# ranking then prefers the document whose title or date names that year.
_RULE_TEXTS = (
    r"(?:guidelines?|version|edition|circulars?|notifications?|schemes?|rules|o\.?m\.?|"
    r"orders?|booklets?|policy|policies|rates?|norms)"
)
_EDITION_TEXTS = r"(?:guidelines?|edition|circulars?|notifications?|booklets?|o\.?m\.?)"
_YEAR = r"(?:19|20)\d{2}(?:\s*-\s*\d{2,4})?"
_ASKS_FOR_OLD = re.compile(
    r"\b(?:superseded|repealed|rescinded|withdrawn)\b"
    r"|\b(?:earlier|previous|old|older|former|original|prior)\s+(?:[\w()\-/.]+\s+){0,2}?"
    rf"{_RULE_TEXTS}\b"
    rf"|\b{_YEAR}\s+(?:[\w()\-/.]+\s+){{0,2}}?{_EDITION_TEXTS}\b"
    rf"|\b{_EDITION_TEXTS}\s+(?:of|from|dated|issued in)\s+(?:\w+\s+)?{_YEAR}\b"
    # "under the 2018 PMEGP exhibition pattern": the year before the scheme's short name
    rf"|\bthe\s+{_YEAR}\s+(?-i:[A-Z][A-Za-z&-]*[A-Z])\b",
    re.I,
)


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


class Progress(Protocol):
    def describe(self) -> str: ...


@dataclass
class _Space:
    """The dense space a search ranks and re-scores in."""

    name: str
    text: str  # what BM25 and the word features read: the query, or its English gloss
    vector: list[float]
    nearest: Callable[[int, Filters], list[Hit]]
    embeddings_of: Callable[[list[str]], Mapping[str, Sequence[float] | np.ndarray]]
    threshold: float


class Searcher:
    """Dense + lexical + fusion + re-scoring + filters over one store; with a multilingual
    index, a question in an Indic script is also (or, untranslated, only) searched in e5."""

    def __init__(
        self,
        store: Store,
        embedder: TextEmbedder,
        weights: Weights | None = None,
        multilingual: MultilingualIndex | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.lexical = LexicalIndex(store)
        self.weights = weights or Weights()
        self.multilingual = multilingual
        # the multilingual index's build in the background (`Parts.build_multilingual_in_
        # background`), while it runs: what an Indic question's note reports
        self.building: Progress | None = None

    @property
    def multilingual_ready(self) -> bool:
        """A multilingual index holding every chunk: Indic questions need no translation. A
        part-built one (a build cut short) is not used: it would miss pages; `karigar
        index-multilingual` or the web app completes it."""
        if self.multilingual is None:
            return False
        held = self.multilingual.count()
        return held > 0 and held >= len(self.lexical)  # the complete chunks, from memory

    def search(
        self, query: str, k: int = 5, filters: Filters | None = None, original: str | None = None
    ) -> list[Hit]:
        return self.retrieve(query, k, filters, original, status_policy=False).hits

    def _spaces(self, query: str, original: str | None) -> tuple[_Space, list[Hit] | None]:
        """The space to score in and, for a translated Indic question, e5's own list."""
        indic = original if original and is_indic(original) else query if is_indic(query) else None
        ml = self.multilingual if indic is not None and self.multilingual_ready else None
        if ml is not None and indic is not None and is_indic(query):
            with stage("multilingual"):
                vector = ml.embedder.embed_query(indic)
            return _Space(
                "e5",
                gloss(query),
                vector,
                lambda n, f: ml.query_vector(vector, n, f),
                ml.embeddings_of,
                threshold("e5"),
            ), None
        with stage("query embedding"):
            vector = self.embedder.embed_query(query)
        space = _Space(
            "english",
            query,
            vector,
            lambda n, f: self.lexical.nearest(vector, n, f.keep),
            self.lexical.vectors_of,
            threshold("english"),
        )
        if ml is not None and indic is not None:
            with stage("multilingual"):
                return space, ml.query(indic, self.weights.candidates)
        return space, None

    def _search(
        self, query: str, k: int, filters: Filters, space: _Space, extra: list[Hit] | None = None
    ) -> list[Hit]:
        w = self.weights
        with stage("dense"):
            dense = space.nearest(w.candidates, filters)
        with stage("lexical"):
            lexical = self.lexical.search(query, w.candidates, keep=filters.keep) if query else []
        with stage("fusion"):
            found, sims, fused, bm25 = self._fuse(dense, lexical, extra, filters, space)
        if not found:
            return []
        with stage("re-scoring"):
            return self._rescored(query, k, found, sims, fused, bm25)

    def _fuse(
        self,
        dense: list[Hit],
        lexical: list[tuple[Chunk, SourceDoc, float]],
        extra: list[Hit] | None,
        filters: Filters,
        space: _Space,
    ) -> tuple[dict[str, Hit], dict[str, float], dict[str, float], dict[str, float]]:
        """The candidates of every ranking with their fused rank score, their similarity to
        the question (read from their space's vectors for those the dense search did not
        return) and
        their BM25 score."""
        w = self.weights
        extra_kept = [h for h in extra or [] if filters.keep(h.doc)]
        fused = fuse(
            [
                ([h.chunk.chunk_id for h in dense], w.dense_rrf),
                ([h.chunk.chunk_id for h in extra_kept], w.multilingual_rrf),
                ([c.chunk_id for c, _, _ in lexical], w.lexical_rrf),
            ],
            w.rrf_k,
        )
        found: dict[str, Hit] = {h.chunk.chunk_id: h for h in dense}
        sims = {h.chunk.chunk_id: h.score for h in dense}
        for hit in extra_kept:
            found.setdefault(hit.chunk.chunk_id, replace(hit, score=0.0))
        bm25 = {c.chunk_id: score for c, _, score in lexical}
        for chunk, doc, _ in lexical:
            found.setdefault(chunk.chunk_id, Hit(chunk=chunk, doc=doc, score=0.0))
        missing = [cid for cid in found if cid not in sims]
        if missing:
            q = np.asarray(space.vector)
            with stage("candidate vectors"):
                vectors = space.embeddings_of(missing)
            for cid, vec in vectors.items():
                sims[cid] = float(np.dot(q, np.asarray(vec)))
        return found, sims, fused, bm25

    def _rescored(
        self,
        query: str,
        k: int,
        found: dict[str, Hit],
        sims: dict[str, float],
        fused: dict[str, float],
        bm25: dict[str, float],
    ) -> list[Hit]:
        w = self.weights
        top_fused = max(fused.values())
        top_bm25 = max(bm25.values(), default=0.0) or 1.0
        terms = QueryTerms.of(query)
        scored = []
        for cid, hit in found.items():
            f = features(
                terms,
                searchable_text(hit),
                fused[cid] / top_fused,
                sims.get(cid, 0.0),
                bm25.get(cid, 0.0) / top_bm25,
            )
            scored.append(Hit(chunk=hit.chunk, doc=hit.doc, score=rescore(f, w), features=f))
        return diversify(order(scored), k, w.per_doc_discount)

    def retrieve(
        self,
        query: str,
        k: int = 5,
        filters: Filters | None = None,
        original: str | None = None,
        status_policy: bool = True,
        topic: str | None = None,
    ) -> SearchResult:
        """Search with the status policy: current documents first; superseded ones when the
        question asks for them, or when nothing current is relevant enough.

        `original` is the question as the user wrote it when `query` is its translation: in
        an Indic script, the multilingual index (if built) adds its own ranking. `topic`
        is the question without its profile: relevance reads its words' coverage."""
        filters = filters or Filters()
        with stage("store refresh"):
            self.store.refresh()  # another process may have ingested since the last question
        space, extra = self._spaces(query, original)
        if status_policy and filters.status == "current" and _ASKS_FOR_OLD.search(space.text):
            filters = filters.with_status("any")
        hits = self._search(space.text, k, filters, space, extra)
        terms = QueryTerms.of(topic) if topic and topic != query else None
        result = SearchResult(
            hits,
            relevance(hits, space.name, terms),
            filters,
            threshold=space.threshold,
            space=space.name,
        )
        if status_policy and filters.status == "current" and not result.answerable:
            wider = filters.with_status("any")
            more = self._search(space.text, k, wider, space, extra)
            if relevance(more, space.name, terms) > result.relevance:
                result = SearchResult(
                    more,
                    relevance(more, space.name, terms),
                    wider,
                    widened_to_superseded=True,
                    threshold=space.threshold,
                    space=space.name,
                )
        return result
