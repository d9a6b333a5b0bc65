"""Ranking, in one place: fusion of the candidate lists, the features of a candidate, the
re-scoring that orders passages, the diversity discount, the relevance abstention reads,
and how many quotable units the extractive reader takes (its scoring of each unit is the
fitted model of `retrieval.answer.reader`).

No cross-encoder ships offline here, so re-scoring is ours: each candidate gets `Features`
(cosine similarity to the question, BM25, how many of the question's content words and
numbers it holds with its title, section and table header, the longest run of question
words it contains) and a weighted sum orders them.

Every number here says where it comes from: the command that measured it, or "hand-set"
(chosen by reading answers, never fit). Nothing in this module loads a model or a store,
so `tests/test_ranking.py` checks it in a second.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from retrieval.core.text import passage_text
from retrieval.core.types import Features, Hit
from retrieval.search.lexical import numbers_in, tokenize

# Abstention, fit on the tuning half of the questions with `python -m eval.fit`: the highest
# relevance that refuses no more than 5% of its answerable questions. English space (MiniLM):
# 0.56 refused 7 of 165 answerable and 10 of 30 unanswerable tuning questions (the in-domain
# ones are left to the reader; 0.562 on the 151 tuning questions before the batch of
# 2026-12); e5's space (an untranslated Indic question): 0.833 refused
# none of 17 answerable and all 5 off-topic ones. (Before the split: 0.54 and 0.84, set on
# every question, the lowest answerable Hindi one at 0.839.)
RELEVANCE_THRESHOLD = 0.56
E5_RELEVANCE_THRESHOLD = 0.833
# relevance = similarity * 0.7 + coverage * 0.3 over the top 3 hits: hand-set, then the
# threshold above was measured on it.
RELEVANCE_SIMILARITY, RELEVANCE_COVERAGE, RELEVANCE_TOP = 0.7, 0.3, 3


@dataclass(frozen=True)
class Weights:
    """How fusion and re-scoring weigh each list and feature. All hand-set; the hybrid
    search they give is measured by `python -m bench.retrieval_quality` (24 gold questions:
    page hit@5 1.00 hybrid, 0.92 dense, 0.96 BM25) and by `karigar eval`."""

    rrf_k: int = 60  # reciprocal-rank constant (Cormack et al. 2009's default)
    dense_rrf: float = 1.0
    lexical_rrf: float = 1.0
    multilingual_rrf: float = 1.0  # e5's list for an Indic question searched in English
    fused: float = 0.35
    similarity: float = 0.35
    coverage: float = 0.15
    numbers: float = 0.10
    phrase: float = 0.05
    per_doc_discount: float = 0.85  # applied to a document's 3rd, 4th... passage
    candidates: int = 40  # passages each list contributes


# -- features --------------------------------------------------------------------------
def overlap(wanted: Iterable[str], have: Iterable[str]) -> float:
    """The share of `wanted` (distinct words or numbers) found in `have`; 0 when nothing is
    wanted. The one word-overlap formula of re-scoring and of unit scoring."""
    wanted_set = set(wanted)
    if not wanted_set:
        return 0.0
    return len(wanted_set & set(have)) / len(wanted_set)


def longest_run(query: Sequence[str], text: Sequence[str]) -> int:
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


@dataclass(frozen=True)
class QueryTerms:
    """The question as the word features read it, computed once per search."""

    tokens: tuple[str, ...]
    numbers: frozenset[str]

    @classmethod
    def of(cls, text: str) -> QueryTerms:
        return cls(tuple(tokenize(text)), frozenset(numbers_in(text)))


def features(
    query: QueryTerms, passage: str, fused: float, similarity: float, bm25: float
) -> Features:
    """The features of one candidate; `passage` is its searchable text (title, section,
    table header and body), `fused` and `bm25` already scaled to the best candidate."""
    tokens = tokenize(passage)
    q_tokens = list(query.tokens)
    return Features(
        fused=fused,
        similarity=similarity,
        bm25=bm25,
        coverage=overlap(q_tokens, tokens),
        numbers=overlap(query.numbers, numbers_in(passage)),
        phrase=longest_run(q_tokens, tokens) / len(q_tokens) if q_tokens else 0.0,
    )


# -- fusion, re-scoring, diversity -------------------------------------------------------
def fuse(lists: Sequence[tuple[Sequence[str], float]], rrf_k: int) -> dict[str, float]:
    """Reciprocal-rank fusion: each (ranked ids, weight) adds weight / (rrf_k + rank) to
    its ids, ranks counted from 1. Ids keep the order in which they were first seen."""
    fused: dict[str, float] = {}
    for ids, weight in lists:
        for rank, cid in enumerate(ids):
            fused[cid] = fused.get(cid, 0.0) + weight / (rrf_k + rank + 1)
    return fused


def rescore(f: Features, w: Weights) -> float:
    """The weighted sum that orders candidates (BM25 counts through `fused` only)."""
    return (
        w.fused * f.fused
        + w.similarity * f.similarity
        + w.coverage * f.coverage
        + w.numbers * f.numbers
        + w.phrase * f.phrase
    )


def order(hits: Iterable[Hit]) -> list[Hit]:
    """Best first; ties broken by chunk id, so a ranking repeats exactly."""
    return sorted(hits, key=lambda h: (-h.score, h.chunk.chunk_id))


def diversify(hits: Sequence[Hit], k: int, discount: float) -> list[Hit]:
    """Re-rank so one long document does not crowd out the others: a document's third and
    later hits (in the given order) are multiplied by discount, discount², ..."""
    seen: Counter[str] = Counter()
    adjusted = []
    for hit in hits:
        seen[hit.doc.doc_id] += 1
        factor = discount ** max(0, seen[hit.doc.doc_id] - 2)
        adjusted.append(replace(hit, score=hit.score * factor))
    return order(adjusted)[:k]


def relevance(
    hits: Sequence[Hit], space: str = "english", topic: QueryTerms | None = None
) -> float:
    """How well the best passage matches, what abstention decides on: the best of the top
    hits' similarity lifted by their coverage of the question's words. In e5's space (an
    untranslated Indic question) word coverage means nothing: the best e5 similarity.

    `topic` is the question without the profile it carries (`retrieval.answer.analysis`):
    coverage is then of its words, so "a 29-year-old woman from Nalbari district" does not
    count against the passage that answers what she asks."""
    if not hits:
        return 0.0
    found = [h.features or Features() for h in hits]
    if space == "e5":
        return max(f.similarity for f in found)
    coverages = [f.coverage for f in found[:RELEVANCE_TOP]]
    if topic is not None:
        coverages = [
            max(c, overlap(topic.tokens, tokenize(searchable_text(h))))
            for c, h in zip(coverages, hits, strict=False)
        ]
    return max(
        f.similarity * RELEVANCE_SIMILARITY + c * RELEVANCE_COVERAGE
        for f, c in zip(found, coverages, strict=False)
    )


def searchable_text(hit: Hit) -> str:
    """What a passage's word features read: its title, section, table header and text."""
    c = hit.chunk
    return passage_text(hit.doc.title, c.section, c.table_header, c.text)


def threshold(space: str) -> float:
    return E5_RELEVANCE_THRESHOLD if space == "e5" else RELEVANCE_THRESHOLD


# -- quotable units inside the chosen passages ---------------------------------------------
@dataclass(frozen=True)
class Selection:
    """What the extractive reader reads. Hand-set; how many units it quotes, and the
    thresholds on its probabilities, are fit with its model (`retrieval.answer.reader`,
    `python -m eval.fit`)."""

    passages: int = 4  # the top passages whose units are read
    per_search: int = 2  # passages each part's own search adds (`AnswerChain.gather`)
    list_extra: int = 2  # more for a question whose answer is a list (eligibility, documents)
    # the share of the shorter unit's words in a unit already chosen at which it repeats it
    duplicate: float = 0.8
    table_rows: int = 5  # "which row has the most": its table is the best row's among these
    # e5's cosines between a Hindi question and English sentences crowd into 0.75-0.9, so
    # they are spread linearly onto e5_low .. e5_low + e5_span before scoring
    e5_low: float = 0.3
    e5_span: float = 0.6

    def read_window(self, searches: int) -> int:
        """How many of a question's first passages the reader reads: the top ones, and each
        of its `searches` (a profile's or a part's own) adds its own."""
        return self.passages + self.per_search * searches
