"""Questions that ask for programmes ("Which schemes support handloom weavers in Assam?"):
answered by the scheme finder with every match, one line and one marker each, and the
filters it read from the question said in the answer, not by the five best passages."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from retrieval.answer.analysis import analyse
from retrieval.core.facets import asked_in, narrowest
from retrieval.core.filters import Filters
from retrieval.core.text import sentence_spans
from retrieval.core.types import Answer, AnswerSentence, Chunk, Citation, Hit
from retrieval.search.finder import SCHEME_TYPES, SchemeFinder, SchemeQuery, SchemeRow

LISTED_MAX = 25  # rows said in a chat answer; the Schemes page shows them all
LISTED_NOTE = (
    "Listed from the scheme records' own state, beneficiary and type fields (read through "
    "Karigar's one spelling of each); the records are secondary sources: check each "
    "scheme's guideline before advising."
)

_ASKS_PROGRAMMES = re.compile(
    r"\b(?:which|what|list|name|show|find|any|there)\b[^?.;]*?\b(?:schemes|programmes|"
    r"programs|yojanas|initiatives)\b"
    r"|\b(?:schemes|programmes|programs)\s+(?:are\s+)?(?:available|there|exist|offered)\b",
    re.IGNORECASE,
)
# "Which schemes did the Dimoria paper discuss?" asks what a document says, not the list.
_ABOUT_A_DOCUMENT = re.compile(
    r"\b(?:paper|article|study|survey|report|booklet|bulletin|authors?|guidelines?|circular)\b",
    re.IGNORECASE,
)


# "Which state schemes ...", "Assam government schemes": run by the state, not all-India ones.
_STATE_SCHEMES = re.compile(
    r"\bstate(?:'s|s')?\s+(?:government\s+)?(?:schemes|programmes|programs)\b", re.IGNORECASE
)
_GOVERNMENT_SCHEMES = re.compile(r"\s+government\s+(?:schemes|programmes|programs)\b", re.I)


def _state_run(question: str, states: tuple[str, ...]) -> bool:
    if _STATE_SCHEMES.search(question):
        return True
    return any(
        question[: m.start()].lower().endswith(s.lower())
        for m in _GOVERNMENT_SCHEMES.finditer(question)
        for s in states
    )


def programmes_query(question: str, filters: Filters) -> SchemeQuery | None:
    """The finder's query when `question` asks for a list of programmes and says (or the
    filters say) for whom, where or of which type; None otherwise."""
    if not _ASKS_PROGRAMMES.search(question) or _ABOUT_A_DOCUMENT.search(question):
        return None
    analysis = analyse(question)  # a rate, amount or count asked of schemes is no list
    if analysis.asks not in ("list", "name", "yes_no") or len(analysis.parts) > 1:
        return None
    if filters.doc_ids or filters.publishers or filters.date_from or filters.date_to:
        return None
    if filters.doc_types and not set(filters.doc_types) & set(SCHEME_TYPES):
        return None
    states, kinds, types = asked_in(question)
    states = tuple(dict.fromkeys((*states, *filters.states)))
    if not (states or kinds or types):
        return None  # "which schemes did the paper study?" asks the documents, not the list
    return SchemeQuery(
        states=states,
        own_state_only=bool(states) and _state_run(question, states),
        beneficiaries=narrowest(kinds),  # "women entrepreneurs": schemes for women ...
        prefer=kinds,  # ... those also for entrepreneurs first
        scheme_types=types,
        include_superseded=filters.status != "current",
    )


def programmes_answer(
    question: str,
    query: SchemeQuery,
    finder: SchemeFinder,
    chunks_of: Callable[[str], list[Chunk]],
) -> Answer:
    """Every matching scheme, deduplicated by title and benefit, each line quoting its first
    benefit with a marker on the record's passage that holds it."""
    started = time.perf_counter()
    rows, seen = [], set()
    for row in finder.find(query):
        key = (row.doc.title.lower(), row.benefit)
        if key not in seen:
            seen.add(key)
            rows.append(row)
    said = rows[:LISTED_MAX]
    head = f"{len(rows)} of {finder.count()} schemes match ({query.describe()})" + (
        f"; the first {len(said)} are listed here, the Schemes page shows all."
        if len(rows) > len(said)
        else ":"
    )
    sentences = [AnswerSentence(head, ())]
    citations: list[Citation] = []
    hits: list[Hit] = []
    for row in said:
        cited = _cite(row, chunks_of(row.doc.doc_id), len(citations) + 1)
        if cited is None:
            continue
        citation, hit = cited
        line = f"{row.doc.title} ({row.facets.place or 'state not stated'}): {citation.quotes[0]}"
        sentences.append(AnswerSentence(line, (citation.marker,)))
        citations.append(citation)
        hits.append(hit)
    text = "\n".join(s.marked for s in sentences)
    return Answer(
        question=question,
        standalone_question=question,
        text=text,
        sentences=tuple(sentences),
        citations=tuple(citations),
        passages=tuple(hits),
        abstained=not rows,
        generator="scheme finder",
        notes=(LISTED_NOTE,) if rows else (f"No scheme matches ({query.describe()}).",),
        relevance=1.0 if rows else 0.0,
        timings={"total": time.perf_counter() - started},
    )


def _cite(row: SchemeRow, chunks: list[Chunk], marker: int) -> tuple[Citation, Hit] | None:
    """The passage holding the row's benefit line (a record), or the document's first
    sentence (a guideline), as a citation and the hit it rests on."""
    if not chunks:
        return None
    chunk, span = chunks[0], None
    if row.benefit_span is not None:
        start, end = row.benefit_span
        for c in chunks:
            if c.page == 0 and c.char_start <= start and end <= c.char_end:
                chunk, span = c, (start, end)
                break
    if span is None:
        first = sentence_spans(chunk.text)
        if not first:
            return None
        s, e = first[0]
        span = (chunk.char_start + s, chunk.char_start + e)
    quote = chunk.text[span[0] - chunk.char_start : span[1] - chunk.char_start]
    doc = row.doc
    citation = Citation(
        marker=marker,
        chunk_id=chunk.chunk_id,
        doc_id=doc.doc_id,
        title=doc.title,
        path=doc.path,
        doc_type=doc.doc_type,
        page=chunk.page,
        section=chunk.section,
        quotes=(quote,),
        spans=(span,),
        official_url=doc.official_url,
        source_urls=doc.source_urls,
        date=doc.date,
        status=doc.status,
        ocr=chunk.ocr,
    )
    return citation, Hit(chunk, doc, row.score)
