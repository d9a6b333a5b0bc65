"""The LangChain chain: a `BaseRetriever` over the hybrid search, and a Runnable taking
`{question, chat_history, filters}` and returning an `Answer`.

    from retrieval.chain import build_chain
    chain = build_chain()
    answer = chain.invoke({"question": "Who is eligible for PMEGP?"})

Refusal comes before generation: when the best passage is not relevant enough
(`retrieval.search.RELEVANCE_THRESHOLD`, or `E5_RELEVANCE_THRESHOLD` for an untranslated
Hindi question; both calibrated on questions), the answer is `REFUSAL`
with the closest passages as related reading.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from retrieval.embeddings import get_embedder
from retrieval.errors import ConfigError
from retrieval.followup import is_follow_up, standalone_question
from retrieval.generators import Composed, ExtractiveGenerator, Generator
from retrieval.multilingual import MultilingualIndex, get_e5, is_indic
from retrieval.search import Filters, Searcher
from retrieval.settings import Settings
from retrieval.store import Store
from retrieval.types import Answer, AnswerSentence, Citation, Hit

log = logging.getLogger(__name__)
REFUSAL = "The documents don't answer this question."
SUPERSEDED_NOTE = (
    "A source used here is superseded: check the current guideline before relying on it."
)
ENGLISH_SOURCES_NOTE = "The sources are in English."
MULTILINGUAL_MISSING_NOTE = (
    "Questions in Hindi, Assamese or Bengali are found far better with the multilingual index: "
    "build it once with `karigar index-multilingual`."
)


def hit_to_document(hit: Hit) -> Document:
    """A LangChain Document carrying the chunk's and its document's full metadata."""
    meta: dict[str, Any] = hit.doc.to_dict() | {
        "chunk_id": hit.chunk.chunk_id,
        "page": hit.chunk.page,
        "section": hit.chunk.section,
        "char_start": hit.chunk.char_start,
        "char_end": hit.chunk.char_end,
        "ocr": hit.chunk.ocr,
        "table_header": hit.chunk.table_header,
        "score": hit.score,
        **{f"feature_{k}": v for k, v in hit.extra.items()},
    }
    return Document(page_content=hit.chunk.text, metadata=meta, id=hit.chunk.chunk_id)


class KarigarRetriever(BaseRetriever):
    """Hybrid retrieval as a LangChain retriever."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    searcher: Searcher
    k: int = 5
    filters: Filters = Filters()

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        result = self.searcher.retrieve(query, self.k, self.filters)
        return [hit_to_document(h) for h in result.hits]


class AnswerChain:
    """Question in, `Answer` out."""

    def __init__(self, searcher: Searcher, generator: Generator, k: int = 5,
                 translator: Callable[[str], str] | None = None) -> None:  # fmt: skip
        self.searcher = searcher
        self.generator = generator
        self.k = k
        self.translator = translator

    def invoke(self, inputs: dict[str, Any] | str) -> Answer:
        if isinstance(inputs, str):
            inputs = {"question": inputs}
        question = str(inputs.get("question", "")).strip()
        if not question:
            raise ConfigError("the question is empty: ask something")
        history = [tuple(pair) for pair in inputs.get("chat_history") or []]
        filters = inputs.get("filters") or Filters()
        if isinstance(filters, dict):
            filters = Filters(**filters)
        k = int(inputs.get("k") or self.k)
        timings: dict[str, float] = {}
        started = time.perf_counter()
        standalone = self._standalone(question, history)  # type: ignore[arg-type]
        timings["rewrite"] = time.perf_counter() - started
        mark = time.perf_counter()
        result = self.searcher.retrieve(standalone, k, filters, original=question)
        timings["retrieve"] = time.perf_counter() - mark
        notes = [ENGLISH_SOURCES_NOTE] if is_indic(question) else []
        if notes and not self.searcher.multilingual_ready:
            notes.append(MULTILINGUAL_MISSING_NOTE)
        hits = result.hits
        absent = missing_names(standalone, hits)
        if absent:
            notes.append(f"The documents found do not mention {', '.join(absent)}.")
        if not result.answerable or absent:
            timings["total"] = time.perf_counter() - started
            return self._refusal(question, standalone, hits, notes, result.relevance, timings)
        mark = time.perf_counter()
        composed = self.generator.compose(standalone, hits)
        timings["generate"] = time.perf_counter() - mark
        if not composed.sentences:
            timings["total"] = time.perf_counter() - started
            return self._refusal(question, standalone, hits, notes, result.relevance, timings)
        answer_sentences, citations = _cite(composed, hits)
        if any(c.status == "superseded" for c in citations):
            notes.insert(0, SUPERSEDED_NOTE)
        text = " ".join(
            f"{s.text} " + "".join(f"[{m}]" for m in s.markers) for s in answer_sentences
        ).strip()
        timings["total"] = time.perf_counter() - started
        return Answer(
            question=question, standalone_question=standalone, text=text,
            sentences=tuple(answer_sentences), citations=tuple(citations), passages=tuple(hits),
            abstained=False, generator=self.generator.name, notes=tuple(notes),
            relevance=result.relevance, timings=timings,
        )  # fmt: skip

    def _standalone(self, question: str, history: list[tuple[str, str]]) -> str:
        """Rules make follow-ups standalone; a generator with a model does it itself. A
        question in Hindi (or Bengali, Assamese) goes to the multilingual index as it is when
        one is built (15 of 20 Hindi questions found their page, against 9 of 20 through the
        local model's translation: `python -m bench.hindi`); otherwise the local model
        translates it when it can be loaded."""
        rewrite = getattr(self.generator, "rewrite", None)
        if history and rewrite is not None and is_follow_up(question):
            standalone = rewrite(history, question)
        else:
            standalone = standalone_question(question, history)
        translate = getattr(self.generator, "translate", None) or self.translator
        if is_indic(standalone) and translate is not None and not self.searcher.multilingual_ready:
            standalone = translate(standalone)
        return standalone

    def _refusal(self, question: str, standalone: str, hits: list[Hit], notes: list[str],
                 relevance: float, timings: dict[str, float]) -> Answer:  # fmt: skip
        return Answer(
            question=question, standalone_question=standalone, text=REFUSAL, sentences=(),
            citations=(), passages=tuple(hits), abstained=True, generator=self.generator.name,
            notes=tuple(notes), relevance=relevance, timings=timings,
        )  # fmt: skip

    def as_runnable(self) -> Runnable[Any, Answer]:
        return RunnableLambda(self.invoke, name="karigar_answer")


_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-zA-Z]{2,}(?:\s+[A-Z][a-zA-Z]{2,})*)\b")
_GENERIC = {
    "India", "Indian", "Government", "Ministry", "Scheme", "Schemes", "Rs", "Under", "What",
    "Who", "How", "Which", "When", "Where", "Why", "The", "Can", "Does", "Is", "Are", "MSME",
    "MSMEs", "Micro", "Small", "Medium", "Enterprises", "Enterprise", "Central", "State",
}  # fmt: skip


def missing_names(question: str, hits: list[Hit]) -> list[str]:
    """Names in the question (places, schemes, people: capitalised words past the first)
    that none of the retrieved passages mentions: 'PMEGP subsidy in Nepal' finds PMEGP
    passages, but they don't answer for Nepal."""
    if not hits:
        return []
    haystack = " ".join(
        f"{h.doc.title} {h.doc.state} {h.chunk.section} {h.chunk.text}" for h in hits
    ).lower()
    names = []
    for match in _NAME.finditer(question):
        name = match.group(1)
        words = [w for w in name.split() if w not in _GENERIC]
        if words and not any(w.lower() in haystack for w in words):
            names.append(name)
    return names


def _cite(composed: Composed, hits: list[Hit]) -> tuple[list[AnswerSentence], list[Citation]]:
    """Number the cited passages 1, 2... in order of first use; a passage index that points
    at no retrieved passage is dropped."""
    markers: dict[int, int] = {}
    sentences = []
    for text, passage_indexes in composed.sentences:
        valid = [i for i in passage_indexes if 0 <= i < len(hits)]
        for i in valid:
            markers.setdefault(i, len(markers) + 1)
        sentences.append(AnswerSentence(text, tuple(markers[i] for i in dict.fromkeys(valid)),
                                        supported=text not in composed.unsupported))  # fmt: skip
    citations = []
    for index, marker in markers.items():
        hit = hits[index]
        units = [u for u in composed.units if u.hit_index == index]
        citations.append(Citation(
            marker=marker, chunk_id=hit.chunk.chunk_id, doc_id=hit.doc.doc_id,
            title=hit.doc.title, path=hit.doc.path, doc_type=hit.doc.doc_type,
            page=hit.chunk.page, section=hit.chunk.section,
            quotes=tuple(u.quote for u in units), spans=tuple((u.start, u.end) for u in units),
            official_url=hit.doc.official_url, source_urls=hit.doc.source_urls,
            date=hit.doc.date, status=hit.doc.status, ocr=hit.chunk.ocr,
        ))  # fmt: skip
    return sentences, citations


def build_chain(
    settings: Settings | None = None, generator: str = "extractive", k: int = 5
) -> Runnable[Any, Answer]:
    """The answer chain as a LangChain Runnable, over the store `settings` name."""
    return build_answer_chain(settings, generator, k).as_runnable()


def build_answer_chain(
    settings: Settings | None = None, generator: str = "extractive", k: int = 5
) -> AnswerChain:
    settings = settings or Settings()
    embedder = get_embedder(settings.embedding_model, settings.embed_batch_size)
    store = Store(settings, embedder.name, embedder.dimension)
    searcher = Searcher(store, embedder, multilingual=MultilingualIndex.existing(store))
    return chain_over(searcher, settings, generator, k)


def chain_over(searcher: Searcher, settings: Settings, generator: str = "extractive",
               k: int = 5) -> AnswerChain:  # fmt: skip
    """A chain with `generator` over an open searcher (the web app shares one store and
    model between its generators)."""
    made = make_generator(generator, searcher.embedder, settings)
    if isinstance(made, ExtractiveGenerator) and searcher.multilingual is not None:
        made.multilingual = get_e5
    return AnswerChain(searcher, made, k, local_translator(settings))


def local_translator(settings: Settings) -> Callable[[str], str]:
    """Translate a Devanagari question with the local LLM, loaded on the first such question.
    Without llama.cpp or the model packages the question goes on untranslated, with a note."""

    def translate(text: str) -> str:
        from retrieval.llm import load_llm, translate_to_english

        try:
            llm = load_llm(settings.llm_model, settings.model_cache_dir)
        except (ConfigError, ImportError) as exc:
            log.warning("Hindi question not translated: %s", exc)
            return text
        return translate_to_english(llm, text)

    return translate


GENERATORS = ("extractive", "llm", "llm:smollm2", "llm:qwen2.5-coder-1.5b", "openai", "ollama")


def make_generator(name: str, embedder: Any, settings: Settings) -> Generator:
    """extractive | llm (settings.llm_model) | llm:<model> | openai | ollama"""
    if name == "extractive":
        return ExtractiveGenerator(embedder)
    if name == "llm" or name.startswith("llm:"):
        from retrieval.llm_generators import LocalLLMGenerator

        model = name.partition(":")[2] or settings.llm_model
        return LocalLLMGenerator(embedder, settings, model)
    if name in ("openai", "ollama"):
        from retrieval.llm_generators import chat_generator

        return chat_generator(name, embedder, settings)
    raise ConfigError(f"unknown generator {name!r}: use one of {', '.join(GENERATORS)}")
