"""Answer generators. Each turns the retrieved passages into answer sentences that point at
the passage they come from.

* `ExtractiveGenerator` (the default): the answer is made of the passages' own most
  relevant sentences (or table rows, read with their header), so every figure is exact and
  nothing is said that the documents don't say.
* The local LLM and chat-model generators live in `retrieval.answer.llm_generators`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from retrieval.answer.units import Unit, passage_units
from retrieval.core.embeddings import TextEmbedder
from retrieval.core.errors import ConfigError
from retrieval.core.text import passage_text
from retrieval.core.types import Hit
from retrieval.search.glossary import ASKS_FOR_FIGURE_HI, gloss
from retrieval.search.lexical import tokenize
from retrieval.search.multilingual import is_indic
from retrieval.search.ranking import QueryTerms, Selection, UnitWeights, unit_score

if TYPE_CHECKING:  # pragma: no cover
    from retrieval.core.settings import Settings

_ASKS_FOR_FIGURE = re.compile(
    r"\b(how (?:many|much)|number|amount|rate|percentage|share|figure|total|limit|ceiling|"
    r"cost|subsidy|fee|age)\b",
    re.I,
)


@dataclass(frozen=True)
class Composed:
    """A generator's output: sentences, each with the passages (0-based) it rests on."""

    sentences: list[tuple[str, tuple[int, ...]]]
    units: list[Unit]  # the quoted units behind them (for citations)
    unsupported: tuple[str, ...] = ()  # sentences the support check did not find backed


@runtime_checkable
class Generator(Protocol):
    """What every generator does: compose an answer from the retrieved passages."""

    name: str

    def compose(self, question: str, hits: list[Hit]) -> Composed: ...


@runtime_checkable
class Rewrites(Protocol):
    """An optional ability: make a follow-up standalone with the generator's own model."""

    def rewrite(self, history: list[tuple[str, str]], question: str) -> str: ...


@runtime_checkable
class Translates(Protocol):
    """An optional ability: translate an Indic question into English with its own model."""

    def translate(self, text: str) -> str: ...


_INTENTS = (  # question pattern, section it points at, section that answers the opposite
    (
        re.compile(r"\b(who|whom)\b.*\beligib|\beligib\w*\b|\bwho can (apply|avail)", re.I),
        "eligib",
        "exclusion",
    ),
    (re.compile(r"\b(not eligible|excluded|exclusion|cannot apply)\b", re.I), "exclusion", ""),
    (re.compile(r"\bbenefit|\bwhat (do|will) (i|they|beneficiaries) get\b", re.I), "benefit", ""),
    (re.compile(r"\bdocuments?\b", re.I), "document", ""),
    (re.compile(r"\bhow (to|do i|can i) apply\b|\bapplication process\b", re.I), "application", ""),
)


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

    def __init__(
        self,
        embedder: TextEmbedder,
        multilingual: Callable[[], TextEmbedder] | None = None,
        weights: UnitWeights | None = None,
        selection: Selection | None = None,
    ) -> None:
        self.embedder = embedder
        # e5, loaded on the first question in an Indic script: it ranks the English
        # sentences against the untranslated question
        self.multilingual = multilingual
        self.weights = weights or UnitWeights()
        self.selection = selection or Selection()

    def rank_units(self, question: str, hits: list[Hit]) -> list[tuple[float, Unit]]:
        top = hits[: self.selection.passages]
        units = [u for i, h in enumerate(top) for u in passage_units(i, h)]
        if not units:
            return []
        embedder, words = self.embedder, question
        indic = self.multilingual is not None and is_indic(question)
        if self.multilingual is not None and indic:  # e5 compares the Hindi question with
            # English sentences; the gloss gives the English keywords
            embedder, words = self.multilingual(), gloss(question)
        q_vec = np.asarray(embedder.embed_query(question))
        # a row is read as rendered: with the header it sits under, named cell by cell
        texts = [f"{_context(hits[u.hit_index])}: {u.rendered}" for u in units]
        vectors = np.asarray(embedder.embed(texts))
        sims = vectors @ q_vec
        if indic and len(sims) > 1:  # e5's similarities crowd together: spread them
            low, span = self.selection.e5_low, self.selection.e5_span
            sims = low + span * (sims - sims.min()) / (np.ptp(sims) or 1.0)
        terms = QueryTerms.of(words)
        asks_figure = bool(_ASKS_FOR_FIGURE.search(words) or ASKS_FOR_FIGURE_HI.search(question))
        intent = section_intent(words)
        scored = []
        for unit, sim in zip(units, sims, strict=True):
            hit = hits[unit.hit_index]
            context = passage_text(
                hit.doc.title,
                hit.chunk.section,
                hit.chunk.table_header,
                unit.rendered if unit.is_row else unit.quote,
                with_acronym=True,
            )
            score = unit_score(
                float(sim),
                terms,
                context,
                unit.hit_index,
                hit.chunk.section.lower(),
                intent,
                unit.is_row,
                unit.fragment,
                asks_figure,
                self.weights,
            )
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
        sel = self.selection
        limit = sel.max_units + (sel.list_extra if section_intent(words)[0] else 0)
        for score, unit in scored:
            if len(chosen) >= limit or score < max(sel.min_score, sel.relative * best):
                break
            tokens = set(tokenize(unit.quote))
            if any(_jaccard(tokens, other) >= sel.duplicate for other in seen_tokens):
                continue  # the same sentence again (e.g. from two editions)
            chosen.append(unit)
            seen_tokens.append(tokens)
        chosen.sort(key=lambda u: (u.hit_index, u.start))
        named: set[int] = set()  # a record's name leads its first sentence only
        sentences: list[tuple[str, tuple[int, ...]]] = []
        for u in chosen:
            text = u.rendered if u.hit_index in named else _named(u, hits)
            sentences.append((text, (u.hit_index,)))
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


# -- the generators this installation offers ----------------------------------------------
GENERATORS = ("extractive", "llm", "llm:smollm2", "llm:qwen2.5-coder-1.5b", "openai", "ollama")


def available_generators(configured: str = "") -> list[str]:
    """The generators this installation can run: the local LLMs only when llama.cpp and
    their model packages are installed (asked of `retrieval.answer.llm`, which owns them);
    a configured chat-model generator is offered as it is set."""
    from retrieval.answer.llm import available_models

    found = ["extractive", *(f"llm:{model}" for model in available_models())]
    if configured in GENERATORS and configured not in found and configured != "llm":
        found.append(configured)
    return found


def make_generator(
    name: str,
    embedder: TextEmbedder,
    settings: Settings,
    multilingual: Callable[[], TextEmbedder] | None = None,
) -> Generator:
    """extractive | llm (settings.llm_model) | llm:<model> | openai | ollama. `multilingual`
    gives e5 to the extractive reader, for questions in an Indic script."""
    if name == "extractive":
        return ExtractiveGenerator(embedder, multilingual=multilingual)
    if name == "llm" or name.startswith("llm:"):
        from retrieval.answer.llm_generators import LocalLLMGenerator

        model = name.partition(":")[2] or settings.llm_model
        return LocalLLMGenerator(embedder, settings, model)
    if name in ("openai", "ollama"):
        from retrieval.answer.llm_generators import chat_generator

        return chat_generator(name, embedder, settings)
    raise ConfigError(f"unknown generator {name!r}: use one of {', '.join(GENERATORS)}")
