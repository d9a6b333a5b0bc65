"""Answer generators. Each turns the retrieved passages into answer sentences that point at
the passage they come from.

* `ExtractiveGenerator` (the default): the answer is made of the passages' own most
  relevant sentences (or table rows, read with their header), so every figure is exact and
  nothing is said that the documents don't say.
* The local LLM and chat-model generators live in `retrieval.llm_generators`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from retrieval.embeddings import Embedder
from retrieval.glossary import ASKS_FOR_FIGURE_HI, gloss
from retrieval.lexical import acronym, numbers_in, tokenize
from retrieval.multilingual import is_indic
from retrieval.text import is_table_row, sentence_spans
from retrieval.types import Hit

_ROW_SPLIT = re.compile(r"\t+|\s*\|\s*")
_DELIMITED = re.compile(r"\t|^\s*\|")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_LIST_MARK = re.compile(r"^(?:[•▪◦●*-]|\(?[ivx]{1,4}[.)]|\([a-z]\)|[a-z]\.)\s+")
_ASKS_FOR_FIGURE = re.compile(
    r"\b(how (?:many|much)|number|amount|rate|percentage|share|figure|total|limit|ceiling|"
    r"cost|subsidy|fee|age)\b", re.I
)  # fmt: skip


@dataclass(frozen=True)
class Unit:
    """A quotable piece of a passage: a sentence, or a table row."""

    hit_index: int  # which passage (0-based, in retrieval order)
    start: int  # offsets into the page text
    end: int
    quote: str  # verbatim page text
    rendered: str  # how the answer says it (a row is read with its header)
    is_row: bool = False
    fragment: bool = False  # no sentence end: a heading, a caption or a list's lead-in


@dataclass(frozen=True)
class Composed:
    """A generator's output: sentences, each with the passages (0-based) it rests on."""

    sentences: list[tuple[str, tuple[int, ...]]]
    units: list[Unit]  # the quoted units behind them (for citations)
    unsupported: tuple[str, ...] = ()  # sentences the support check did not find backed


class Generator(Protocol):
    name: str

    def compose(self, question: str, hits: list[Hit]) -> Composed: ...


def _cells(line: str) -> list[str]:
    return [c.strip() for c in _ROW_SPLIT.split(line.strip().strip("|")) if c.strip()]


def render_row(row: str, header: str) -> str:
    """'8.\\tASSAM\\t194379\\t1.85' under 'S.L. No\\tName of State/UT\\t...' reads as
    'S.L. No 8.; Name of State/UT: ASSAM; ...' when the cells line up, else 'header: row'."""
    header_line = header.strip().split("\n")[-1] if header else ""
    cells, names = _cells(row), _cells(header_line)
    if names and len(cells) == len(names):
        return "; ".join(f"{n}: {c}" for n, c in zip(names, cells, strict=True)) + "."
    return " ".join(cells) + ("." if cells and not cells[-1].endswith(".") else "")


def passage_units(hit_index: int, hit: Hit) -> list[Unit]:
    """Sentences and table rows of one passage, with page offsets."""
    chunk = hit.chunk
    text = chunk.text
    units: list[Unit] = []
    header = chunk.table_header
    in_table = bool(header)  # the chunk continues a table whose header it carries
    pos = 0
    block_start: int | None = None
    previous_text = ""

    def close_block(end: int) -> None:
        nonlocal block_start
        if block_start is None:
            return
        for s, e in sentence_spans(text, block_start, end):
            quote = text[s:e]
            flat = _LIST_MARK.sub("", " ".join(quote.split()))
            words = len(flat.split())
            if words >= 4 and not quote.startswith("#"):
                fragment = flat[-1] not in ".;:?!\"'”" and (words < 12 or "\n" in quote.strip())
                units.append(
                    Unit(hit_index, chunk.char_start + s, chunk.char_start + e, quote, flat,
                         fragment=fragment)
                )  # fmt: skip
        block_start = None

    last_header = ""  # the header of the table a short label block interrupts
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        if is_table_row(line.strip()):
            label = text[block_start:start] if block_start is not None else ""
            if (last_header and label and not _HAS_LETTER.search(line)
                    and len(label) <= 400 and label.count("\n") <= 5):  # fmt: skip
                # a row whose label wraps over lines above its figures ("Special Category
                # (including SC, ST, ...)\netc.\n05% 25% 35%"): one row, label and figures
                row = " ".join(f"{' '.join(label.split())} {line.strip()}".split())
                units.append(
                    Unit(hit_index, chunk.char_start + block_start, chunk.char_start + end,
                         text[block_start:end], render_row(row, last_header), is_row=True)
                )  # fmt: skip
                block_start, in_table, header = None, True, last_header
                continue
            close_block(start)
            if not in_table:
                in_table = True
                if _DELIMITED.search(line):  # the first row of a delimited table is its header
                    header = line
                    continue
                header = previous_text  # a PDF table: the line above names the columns

            units.append(
                Unit(hit_index, chunk.char_start + start, chunk.char_start + end, line,
                     render_row(line, header), is_row=True)
            )  # fmt: skip
            last_header = header
        else:
            in_table = False
            previous_text = line
            if block_start is None:
                block_start = start
    close_block(len(text))
    return units


_INTENTS = (  # question pattern, section it points at, section that answers the opposite
    (re.compile(r"\b(who|whom)\b.*\beligib|\beligib\w*\b|\bwho can (apply|avail)", re.I),
     "eligib", "exclusion"),
    (re.compile(r"\b(not eligible|excluded|exclusion|cannot apply)\b", re.I), "exclusion", ""),
    (re.compile(r"\bbenefit|\bwhat (do|will) (i|they|beneficiaries) get\b", re.I), "benefit", ""),
    (re.compile(r"\bdocuments?\b", re.I), "document", ""),
    (re.compile(r"\bhow (to|do i|can i) apply\b|\bapplication process\b", re.I), "application", ""),
)  # fmt: skip


def section_intent(question: str) -> tuple[str, str]:
    """The record section a question is about ('Who is eligible' -> Eligibility, and not
    Exclusions), for scheme records and other sectioned documents."""
    for pattern, wanted, unwanted in _INTENTS:
        if pattern.search(question):
            return wanted, unwanted
    return "", ""


class ExtractiveGenerator:
    """The passages' own most relevant sentences, in reading order, each cited."""

    name = "extractive"

    def __init__(self, embedder: Embedder, max_sentences: int = 3, min_similarity: float = 0.35,
                 passages: int = 4,
                 multilingual: Callable[[], Any] | None = None) -> None:  # fmt: skip
        self.embedder = embedder
        # e5, loaded on the first question in an Indic script: it ranks the English
        # sentences against the untranslated question
        self.multilingual = multilingual
        self.max_sentences = max_sentences
        self.min_similarity = min_similarity
        self.passages = passages

    def rank_units(self, question: str, hits: list[Hit]) -> list[tuple[float, Unit]]:
        units = [u for i, h in enumerate(hits[: self.passages]) for u in passage_units(i, h)]
        if not units:
            return []
        embedder, words = self.embedder, question
        indic = self.multilingual is not None and is_indic(question)
        if indic:  # e5 compares the Hindi question with English sentences; the gloss gives
            embedder, words = self.multilingual(), gloss(question)  # the English keywords
        q_vec = np.asarray(embedder.embed_query(question))
        # a row is read as rendered: with the header it sits under, named cell by cell
        texts = [f"{_context(hits[u.hit_index])}: {u.rendered}" for u in units]
        vectors = np.asarray(embedder.embed(texts))
        sims = vectors @ q_vec
        if indic and len(sims) > 1:  # e5's similarities crowd into 0.75-0.9: spread them
            sims = 0.3 + 0.6 * (sims - sims.min()) / (np.ptp(sims) or 1.0)
        q_tokens = set(tokenize(words))
        q_numbers = numbers_in(words)
        asks_figure = _ASKS_FOR_FIGURE.search(words) or ASKS_FOR_FIGURE_HI.search(question)
        row_weight = 1.0 if asks_figure else 0.85
        wanted, unwanted = section_intent(words)
        scored = []
        for unit, sim in zip(units, sims, strict=True):
            hit = hits[unit.hit_index]
            context = (
                f"{_context(hit)} {acronym(hit.doc.title)} {hit.chunk.table_header} "
                f"{unit.rendered if unit.is_row else unit.quote}"
            )
            tokens = set(tokenize(context))
            coverage = len(q_tokens & tokens) / len(q_tokens) if q_tokens else 0.0
            numbers = len(q_numbers & numbers_in(context)) / len(q_numbers) if q_numbers else 0.0
            prior = 1.0 / (1 + unit.hit_index)
            score = 0.6 * float(sim) + 0.25 * coverage + 0.1 * numbers + 0.05 * prior
            section = hit.chunk.section.lower()
            if wanted and wanted in section:
                score *= 1.15
            elif unwanted and unwanted in section:
                score *= 0.8
            if unit.is_row:
                score *= row_weight
            elif unit.fragment:
                score *= 0.8
            scored.append((score, unit))
        scored.sort(key=lambda pair: -pair[0])
        return scored

    def compose(self, question: str, hits: list[Hit]) -> Composed:
        scored = self.rank_units(question, hits)
        if not scored:
            return Composed([], [])
        best = scored[0][0]
        chosen: list[Unit] = []
        seen_tokens: list[set[str]] = []
        # "Who is eligible?", "Which documents?": the answer is a list, so give more of it
        words = gloss(question) if is_indic(question) else question
        limit = self.max_sentences + 2 if section_intent(words)[0] else self.max_sentences
        for score, unit in scored:
            if len(chosen) >= limit or score < max(self.min_similarity, 0.8 * best):
                break
            tokens = set(tokenize(unit.quote))
            if any(_jaccard(tokens, other) >= 0.7 for other in seen_tokens):
                continue  # the same sentence again (e.g. from two editions)
            chosen.append(unit)
            seen_tokens.append(tokens)
        chosen.sort(key=lambda u: (u.hit_index, u.start))
        named: set[int] = set()  # a record's name leads its first sentence only
        sentences = []
        for u in chosen:
            sentences.append((u.rendered if u.hit_index in named else _named(u, hits),
                              (u.hit_index,)))  # fmt: skip
            named.add(u.hit_index)
        return Composed(sentences, chosen)


def _named(unit: Unit, hits: list[Hit]) -> str:
    """A scheme record's sentence says which scheme it is about ("Atal Pension Yojana: The
    minimum age ..."): a record's body rarely names its scheme, and a facilitator looking
    for programmes needs the names."""
    doc = hits[unit.hit_index].doc
    if doc.doc_type != "scheme_record" or doc.title.lower() in unit.rendered.lower():
        return unit.rendered
    return f"{doc.title}: {unit.rendered}"


def _context(hit: Hit) -> str:
    return " — ".join(part for part in (hit.doc.title, hit.chunk.section) if part)


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0
