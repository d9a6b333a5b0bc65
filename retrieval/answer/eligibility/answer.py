"""A check as an `Answer`: the verdict, each deciding criterion and benefit as a sentence with
the markers of its rules, each rule's clause quoted from its page (highlighted where the store
holds the page), and the facts still needed asked back in one question."""

from __future__ import annotations

import re
from collections.abc import Callable

from retrieval.answer.eligibility.ask import ASK_BACK
from retrieval.answer.eligibility.rules import (
    ASSUMED,
    ELIGIBLE,
    NOT_ELIGIBLE,
    Check,
    Rule,
    SchemeResult,
)
from retrieval.core.types import Answer, AnswerSentence, Chunk, Citation, Hit, SourceDoc

RULES_NOTE = (
    "Checked against the rules coded from the guidelines (corpus/rules), as in force on {day}; "
    "each rule is quoted from its page."
)

# (document path) -> the stored document, its page text, and the chunks of a page
Lookup = Callable[[str], SourceDoc | None]
PageText = Callable[[str, int], str | None]
PageChunks = Callable[[str, int], list[Chunk]]


def clause_span(page: str, clause: str) -> tuple[int, int] | None:
    """Where the clause stands on the page, whitespace aside (a PDF's line breaks and spacing
    differ from the clause as quoted); None when it is not there."""
    wanted = re.sub(r"\s+", "", clause)
    if not wanted:
        return None
    positions = [i for i, ch in enumerate(page) if not ch.isspace()]
    squashed = "".join(page[i] for i in positions)
    found = squashed.find(wanted)
    if found < 0:
        return None
    return positions[found], positions[found + len(wanted) - 1] + 1


def one_question(questions: list[str]) -> str:
    """'How old is the applicant; and is the unit in a rural or an urban area?'"""
    parts = [q.rstrip("?") for q in questions]
    parts = [p if i == 0 else p[:1].lower() + p[1:] for i, p in enumerate(parts)]
    if len(parts) > 1:
        parts[-1] = "and " + parts[-1]
    return "; ".join(parts) + "?"


def eligibility_answer(
    question: str,
    standalone: str,
    result: Check,
    lookup: Lookup,
    page_text: PageText,
    page_chunks: PageChunks,
) -> Answer:
    markers: dict[tuple[str, int], int] = {}
    quoted: dict[tuple[str, int], list[Rule]] = {}
    said: set[str] = set()

    def words(rules: tuple[Rule, ...]) -> str:
        """The clauses not yet quoted in the text, quoted: an official reads the rule itself."""
        fresh = [r.clause for r in rules if r.clause and r.clause not in said]
        said.update(fresh)
        return "".join(f" “{c}”" for c in dict.fromkeys(fresh))

    def mark(rules: tuple[Rule, ...]) -> tuple[int, ...]:
        found = []
        for rule in rules:
            key = (rule.document, rule.page)
            markers.setdefault(key, len(markers) + 1)
            if all(r.clause != rule.clause for r in quoted.setdefault(key, [])):
                quoted[key].append(rule)
            found.append(markers[key])
        return tuple(dict.fromkeys(found))

    sentences: list[AnswerSentence] = []
    notes: list[str] = [RULES_NOTE.format(day=result.day)]
    asked: list[str] = []
    for scheme in result.results:
        sentences.extend(_scheme_sentences(scheme, mark, words))
        notes.extend(scheme.notes)
        asked.extend(q for q in scheme.missing if q not in asked)
    if asked:
        sentences.append(AnswerSentence(f"{ASK_BACK} {one_question(asked)}", ()))
    citations, hits = _citations(markers, quoted, lookup, page_text, page_chunks)
    text = " ".join(s.marked for s in sentences)
    return Answer(
        question=question,
        standalone_question=standalone,
        text=text,
        sentences=tuple(sentences),
        citations=tuple(citations),
        passages=tuple(hits),
        abstained=False,
        generator="rules",
        notes=tuple(dict.fromkeys(notes)),
        relevance=1.0,
        timings=dict(result.timings),
    )


def _scheme_sentences(
    scheme: SchemeResult,
    mark: Callable[[tuple[Rule, ...]], tuple[int, ...]],
    words: Callable[[tuple[Rule, ...]], str],
) -> list[AnswerSentence]:
    deciding = [c for c in scheme.criteria if c.status not in (ASSUMED,)]
    if scheme.verdict == NOT_ELIGIBLE:
        deciding = [c for c in deciding if c.status == "not met"]
    verdict_rules = tuple(r for c in deciding for r in c.rules)
    lines = [AnswerSentence(f"{scheme.title}: {scheme.verdict}.", mark(verdict_rules))]
    for item in scheme.criteria:
        if item.status == ASSUMED and not item.rules:
            continue
        quotes = words(item.rules)
        # a criterion that is its clause ("Artisan (met): The applicant should be an
        # artisan ...") is said once, as the quote
        plain = item.text in {r.clause for r in item.rules} and quotes
        said = f"{item.name} ({item.status}):{'' if plain else ' ' + item.text}{quotes}"
        lines.append(AnswerSentence(said, mark(item.rules)))
    for benefit in scheme.benefits:
        said = f"{benefit.name}: {benefit.text}{words(benefit.rules)}"
        lines.append(AnswerSentence(said, mark(benefit.rules)))
    if scheme.verdict != ELIGIBLE:
        lines.extend(AnswerSentence(f"What would change it: {c}", ()) for c in scheme.changes)
    return lines


def _citations(
    markers: dict[tuple[str, int], int],
    quoted: dict[tuple[str, int], list[Rule]],
    lookup: Lookup,
    page_text: PageText,
    page_chunks: PageChunks,
) -> tuple[list[Citation], list[Hit]]:
    citations: list[Citation] = []
    hits: list[Hit] = []
    for (document, page), marker in markers.items():
        rules = quoted[(document, page)]
        doc = lookup(document)
        text = page_text(doc.doc_id, page) if doc else None
        spans = [clause_span(text, r.clause) if text else None for r in rules]
        found = [s for s in spans if s]
        quotes = tuple(
            text[s[0] : s[1]] if text and s else r.clause for r, s in zip(rules, spans, strict=True)
        )
        chunk = _chunk_of(page_chunks(doc.doc_id, page) if doc else [], found)
        if doc and chunk:
            hits.append(Hit(chunk=chunk, doc=doc, score=1.0))
        citations.append(
            Citation(
                marker=marker,
                chunk_id=chunk.chunk_id if chunk else "",
                doc_id=doc.doc_id if doc else "",
                title=doc.title if doc else document,
                path=document,
                doc_type=doc.doc_type if doc else "scheme_guideline",
                page=page,
                section=chunk.section if chunk else "",
                quotes=quotes,
                spans=tuple(found) if len(found) == len(rules) else (),
                official_url=doc.official_url if doc else "",
                source_urls=doc.source_urls if doc else (),
                date=doc.date if doc else "",
                status=doc.status if doc else "current",
            )
        )
    return citations, hits


def _chunk_of(chunks: list[Chunk], spans: list[tuple[int, int]]) -> Chunk | None:
    """The chunk that holds most of the quoted text."""
    if not chunks:
        return None
    if not spans:
        return chunks[0]

    def overlap(chunk: Chunk) -> int:
        return sum(max(0, min(e, chunk.char_end) - max(s, chunk.char_start)) for s, e in spans)

    return max(chunks, key=overlap)
