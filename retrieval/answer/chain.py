"""The LangChain chain: a `BaseRetriever` over the hybrid search, and the answer chain, which
takes a `Query` (the question, the conversation so far, filters) and returns an `Answer`.

    from retrieval.parts import open_parts
    chain = open_parts().chain()
    answer = chain.answer(Query("Who is eligible for PMEGP?"))
    chain.as_runnable().invoke({"question": "Who is eligible for PMEGP?"})  # as LangChain

Refusal comes before generation: when the best passage is not relevant enough (the
thresholds in `retrieval.search.ranking`, each measured on questions), the answer is
`REFUSAL` with the closest passages as related reading.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from retrieval.answer.analysis import STATE_PATTERN, Analysis, analyse
from retrieval.answer.authority import (
    PRIMARY_TYPES,
    disagreement_note,
    figures,
    is_primary,
    names_document,
    unbacked,
)
from retrieval.answer.citations import name_stems
from retrieval.answer.eligibility.answer import eligibility_answer
from retrieval.answer.eligibility.ask import (
    ASK_BACK,
    EligibilityQuestion,
    describe,
    read_conversation,
)
from retrieval.answer.eligibility.checker import check
from retrieval.answer.followup import is_follow_up, standalone_question
from retrieval.answer.generators import (
    Composed,
    ExtractiveGenerator,
    Generator,
    Rewrites,
    Translates,
    runs_on,
)
from retrieval.answer.programmes import programmes_answer, programmes_query
from retrieval.answer.reader import content_tokens
from retrieval.answer.tables import LEAST, MOST
from retrieval.answer.units import Unit
from retrieval.core.errors import ConfigError
from retrieval.core.filters import Filters
from retrieval.core.settings import Settings
from retrieval.core.text import (
    FIELD_NAMES,
    NOT_NAMES,
    acronym,
    clean_question,
    clean_text,
    is_table_row,
)
from retrieval.core.timing import stage
from retrieval.core.types import Answer, AnswerSentence, Chunk, Citation, Hit, SourceDoc
from retrieval.search.finder import SchemeFinder
from retrieval.search.glossary import names_the_field
from retrieval.search.hybrid import Searcher, SearchResult
from retrieval.search.lexical import tokenize
from retrieval.search.multilingual import is_indic
from retrieval.search.ranking import RELEVANCE_THRESHOLD, QueryTerms, Selection, relevance

log = logging.getLogger(__name__)
REFUSAL = "The documents don't answer this question."
SUPERSEDED_NOTE = (
    "A source used here is superseded: check the current guideline before relying on it."
)
ENGLISH_SOURCES_NOTE = "The sources are in English."
FLAGGED_NOTE = (
    "Text in it addresses an AI assistant (an instruction or a role tag), so ingest flagged it "
    "and no answer quotes it."
)
UNKNOWN_FIELD_NOTE = (
    "The question names no scheme, body or term of this field that Karigar's Hindi glossary "
    "knows: ask with the scheme's or the body's name."
)
UNSUPPORTED_NOTE = (
    "Left out: {n} sentence{s} the generator wrote that the cited passages do not support "
    "(a figure, name or claim not found in them)."
)
MULTILINGUAL_MISSING_NOTE = (
    "Questions in Hindi, Assamese or Bengali are found far better with the multilingual index: "
    "build it once with `karigar index-multilingual`."
)
MULTILINGUAL_BUILDING_NOTE = (
    "Questions in Hindi, Assamese or Bengali are found far better with the multilingual index, "
    "which is being built ({progress}): ask again once it is done."
)


@dataclass(frozen=True)
class Query:
    """One question to the chain: its text, the conversation before it as (question,
    answer) pairs oldest first, the filters, and how many passages to retrieve (0: the
    chain's own number)."""

    text: str
    history: tuple[tuple[str, str], ...] = ()
    filters: Filters = field(default_factory=Filters)
    k: int = 0

    @classmethod
    def of(cls, inputs: Query | str | Mapping[str, Any]) -> Query:
        """From what a LangChain caller passes: a string, or a mapping with `question` and
        optionally `chat_history`, `filters` (a `Filters`) and `k`."""
        if isinstance(inputs, Query):
            return inputs
        if isinstance(inputs, str):
            return cls(inputs)
        unknown = set(inputs) - {"question", "chat_history", "filters", "k"}
        if unknown:
            raise ConfigError(
                f"unknown chain input {sorted(unknown)[0]!r}: use question, "
                "chat_history, filters, k"
            )
        filters = inputs.get("filters") or Filters()
        if isinstance(filters, Mapping):
            filters = Filters.of(filters)
        if not isinstance(filters, Filters):
            raise ConfigError(
                f"filters must be a Filters or a mapping, not {type(filters).__name__}"
            )
        history = tuple((str(q), str(a)) for q, a in inputs.get("chat_history") or ())
        return cls(str(inputs.get("question", "")), history, filters, int(inputs.get("k") or 0))


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
        **{f"feature_{k}": v for k, v in (asdict(hit.features) if hit.features else {}).items()},
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

    def __init__(
        self,
        searcher: Searcher,
        generator: Generator,
        k: int = 5,
        translator: Callable[[str], str] | None = None,
        settings: Settings | None = None,
        finder: SchemeFinder | None = None,
    ) -> None:
        self.searcher = searcher
        self.generator = generator
        self.k = k
        self.translator = translator
        self.settings = settings or Settings()
        self._paths: tuple[str, dict[str, SourceDoc]] | None = None
        self.finder = finder or SchemeFinder(searcher.store)

    def answer(self, query: Query) -> Answer:
        """The answer; when filters narrowed the search, a note says which."""
        answer = self._answer(query)
        narrowed = query.filters.describe()
        if narrowed:
            answer = replace(answer, notes=(f"Searched only: {narrowed}.", *answer.notes))
        return answer

    def _answer(self, query: Query, rules: bool = True, on_topic: bool = False) -> Answer:
        """The answer (`rules`: an eligibility question with a profile is checked against
        the coded rules; without, it is read from the passages as any question is;
        `on_topic`: the question is known to be about a scheme of the corpus, so its
        passages' relevance does not refuse it, though the reader still may)."""
        question = clean_question(query.text)
        if not question:
            raise ConfigError("the question is empty: ask something")
        if len(question) > self.settings.max_question_chars:
            raise ConfigError(
                f"the question has {len(question):,} characters, over the "
                f"{self.settings.max_question_chars:,} read (KARIGAR_MAX_QUESTION_CHARS): ask it "
                "in fewer words, or add the text to the corpus and ask about it"
            )
        history = [(clean_text(q), clean_text(a)) for q, a in query.history]
        filters = query.filters
        k = query.k or self.k
        timings: dict[str, float] = {}
        started = time.perf_counter()
        asked = read_conversation(question, history, self.settings)
        if (
            rules
            and asked is not None
            and not (filters.doc_ids or filters.doc_types or filters.publishers)
        ):
            return self._eligibility(question, asked, filters, k, started)
        standalone = self._standalone(question, history)
        timings["rewrite"] = time.perf_counter() - started
        listing = programmes_query(standalone, filters)
        if listing is not None:
            answer = programmes_answer(
                question, listing, self.finder, self.searcher.store.chunks_of
            )
            if not answer.abstained:  # its time from the question, as for any answer
                took = {**answer.timings, "total": time.perf_counter() - started}
                return replace(answer, standalone_question=standalone, timings=took)
        mark = time.perf_counter()
        with stage("question analysis"):
            analysis = analyse(standalone)
        result = self.gather(standalone, question, analysis, k, filters)
        timings["retrieve"] = time.perf_counter() - mark
        notes = [ENGLISH_SOURCES_NOTE] if is_indic(question) else []
        if notes and not self.searcher.multilingual_ready:
            building = self.searcher.building
            notes.append(
                MULTILINGUAL_BUILDING_NOTE.format(progress=building.describe())
                if building is not None
                else MULTILINGUAL_MISSING_NOTE
            )
        hits = result.hits
        with stage("answerability"):
            absent = missing_names(standalone, hits, analysis, self._document_text)
            absent += missing_periods(analysis.ask, hits) + missing_ordinals(analysis.ask, hits)
        if absent:
            notes.append(f"The documents found do not mention {', '.join(absent)}.")
        unknown = is_indic(question) and not names_the_field(question)
        if unknown:
            notes.append(UNKNOWN_FIELD_NOTE)
        if not (result.answerable or on_topic) or absent or unknown:
            timings["total"] = time.perf_counter() - started
            return self._refusal(question, standalone, hits, notes, result.relevance, timings)
        # a document that addresses an AI assistant is never quoted on its own authority
        usable = [h for h in hits if not h.doc.flagged]
        planted = list(dict.fromkeys(h.doc.title for h in hits if h.doc.flagged))
        if planted:
            notes.append(f"Not quoted: {'; '.join(planted)}. {FLAGGED_NOTE}")
        mark = time.perf_counter()
        with stage("reading"):
            composed = self.generator.compose(standalone, usable) if usable else Composed([], [])
        if composed.unsupported:  # a model that writes: only what the passages back is shown
            n = len(composed.unsupported)
            notes.append(UNSUPPORTED_NOTE.format(n=n, s="" if n == 1 else "s"))
            kept = [s for s in composed.sentences if s[0] not in composed.unsupported]
            composed = replace(composed, sentences=kept, unsupported=())
        with stage("guideline check"):
            composed, usable, differing = self._checked_against_guidelines(
                standalone, usable, composed, result.filters, k
            )
        timings["generate"] = time.perf_counter() - mark
        if not composed.sentences:
            timings["total"] = time.perf_counter() - started
            return self._refusal(question, standalone, hits, notes, result.relevance, timings)
        if composed.missing:
            notes.append(
                "The documents found do not answer this part: "
                + "; ".join(f"“{m.rstrip('?')}?”" for m in composed.missing)
            )
        answer_sentences, citations = _cite(composed, usable)
        retrieved = {h.chunk.chunk_id for h in hits}
        if differing:
            notes.insert(0, _disagreement(differing, citations))
        if any(c.status == "superseded" for c in citations):
            notes.insert(0, SUPERSEDED_NOTE)
        text = " ".join(
            f"{s.text} " + "".join(f"[{m}]" for m in s.markers) for s in answer_sentences
        ).strip()
        timings["total"] = time.perf_counter() - started
        return Answer(
            question=question,
            standalone_question=standalone,
            text=text,
            sentences=tuple(answer_sentences),
            citations=tuple(citations),
            passages=tuple(hits) + tuple(h for h in usable if h.chunk.chunk_id not in retrieved),
            abstained=False,
            generator=self.generator.name,
            notes=tuple(notes),
            relevance=result.relevance,
            timings=timings,
        )

    def _eligibility(
        self, question: str, asked: EligibilityQuestion, filters: Filters, k: int, started: float
    ) -> Answer:
        """An eligibility question with a profile: the rules' verdict, each rule quoted. The
        passages are still searched: what was retrieved is the related reading, and the
        chunks the rules cite follow it."""
        retrieved = self.searcher.retrieve(asked.text or question, k, filters).hits
        result = check(asked.profile, self.settings, asked.schemes)
        answer = eligibility_answer(
            question,
            describe(asked),
            result,
            self._document_at,
            self.searcher.store.page_text,
            self._page_chunks,
        )
        found = {h.chunk.chunk_id for h in retrieved}
        passages = tuple(retrieved) + tuple(
            h for h in answer.passages if h.chunk.chunk_id not in found
        )
        answer = self._also_asked(question, replace(answer, passages=passages), filters, k)
        timings = {**answer.timings, "total": time.perf_counter() - started}
        return replace(answer, timings=timings)

    def _also_asked(self, question: str, verdict: Answer, filters: Filters, k: int) -> Answer:
        """The parts of an eligibility question the rules' verdict does not speak of ("...
        and can the bank ask her for collateral security?"), each answered from the
        passages as a question of its own (under the scheme the question names), after the
        verdict, with its own citations, when what it quotes speaks of a word of the part
        the verdict left unsaid ("collateral")."""
        analysis = analyse(question)
        said = set(tokenize(verdict.text))
        schemes = analysis.constraints.scheme
        # what the verdict asks back stays its last sentence
        asks_back = [s for s in verdict.sentences if s.text.startswith(ASK_BACK)]
        sentences = [s for s in verdict.sentences if s not in asks_back]
        citations = list(verdict.citations)
        ruled = {c.doc_id for c in verdict.citations}  # the documents the rules rest on
        passages = list(verdict.passages)
        notes = list(verdict.notes)
        for part in analysis.parts:
            unsaid = {t for t in content_tokens(part.text) if t not in said and t not in _PERSONS}
            if not unsaid:
                continue  # the verdict speaks of all the part names
            ask = part.text
            if schemes and not any(s.lower() in ask.lower() for s in schemes):
                ask = f"Under {', '.join(schemes)}: {ask}"
            # the verdict says the question is about the scheme: the reader judges the part,
            # from the documents whose rules the verdict quotes when retrieval alone would
            # have refused it
            # (an Indic part is read in e5's space, whose relevance is on another scale)
            english = not is_indic(ask)
            read = self._answer(Query(ask, k=k, filters=filters), rules=False, on_topic=english)
            if read.abstained:
                continue  # the verdict may say it in other words: nothing added
            quoted = read.sentences[:_ALSO_ASKED]
            if english and read.relevance < RELEVANCE_THRESHOLD:  # the rules' documents only
                doc_of = {c.marker: c.doc_id for c in read.citations}
                quoted = tuple(
                    q for q in quoted if q.markers and all(doc_of[m] in ruled for m in q.markers)
                )
            if not any(unsaid & set(tokenize(s.text)) for s in quoted):
                continue  # what it quotes speaks of nothing the verdict left unsaid
            # its citations numbered on from the verdict's, in order of first use
            offset = max((c.marker for c in citations), default=0)
            number: dict[int, int] = {}
            for m in (m for s in quoted for m in s.markers):
                number.setdefault(m, offset + len(number) + 1)
            sentences.append(AnswerSentence(f"Also asked, “{part.text.rstrip('?')}?”:", ()))
            sentences.extend(
                replace(s, markers=tuple(number[m] for m in s.markers)) for s in quoted
            )
            citations.extend(
                replace(c, marker=number[c.marker]) for c in read.citations if c.marker in number
            )
            citations.sort(key=lambda c: c.marker)
            passages.extend(read.passages)
            notes.extend(read.notes)  # a superseded source quoted, a disagreement
        if len(sentences) + len(asks_back) == len(verdict.sentences):
            return verdict
        sentences += asks_back
        return replace(
            verdict,
            text=" ".join(s.marked for s in sentences),
            sentences=tuple(sentences),
            citations=tuple(citations),
            passages=tuple(_once(passages)),
            notes=tuple(dict.fromkeys(notes)),
        )

    def _document_at(self, path: str) -> SourceDoc | None:
        if self._paths is None or self._paths[0] != self.searcher.store.generation():
            docs = {r.doc.path: r.doc for r in self.searcher.store.documents().values()}
            self._paths = (self.searcher.store.generation(), docs)
        return self._paths[1].get(path)

    def _page_chunks(self, doc_id: str, page: int) -> list[Chunk]:
        return [c for c in self.searcher.store.chunks_of(doc_id) if c.page == page]

    def gather(
        self, standalone: str, question: str, analysis: Analysis, k: int, filters: Filters
    ) -> SearchResult:
        """The question's own search; then, for a question with a profile or several
        parts, one search per part (`Analysis.searches`), whose best passages not already
        found come right after the question's first `Selection.passages`, so the reader
        reads them. Relevance is the question's, read on its ask (the profile aside); for a
        question of several parts, the higher of that and its parts' own on average."""
        topic = " ".join([analysis.ask, *analysis.constraints.scheme])
        result = self.searcher.retrieve(standalone, k, filters, original=question, topic=topic)
        if not result.hits:
            return result
        seen = {h.chunk.chunk_id for h in result.hits}
        extra: list[Hit] = []
        selection = Selection()
        lead, each = selection.passages, selection.per_search
        searches = analysis.searches()
        several = len(analysis.parts) > 1  # a profile of one part: its relevance is the whole's
        parts_relevance: list[float] = []
        for text in searches:
            found = self.searcher.search(text, each, result.filters)
            if several:
                parts_relevance.append(relevance(found, result.space, QueryTerms.of(text)))
            for hit in found:
                if hit.chunk.chunk_id not in seen:
                    seen.add(hit.chunk.chunk_id)
                    extra.append(hit)
        if parts_relevance:
            # each part found on its own: a passage answers a part, not the whole
            # question, so the whole's words dilute how well each part is met
            result = replace(
                result, relevance=max(result.relevance, sum(parts_relevance) / len(parts_relevance))
            )
        hits = result.hits[:lead] + extra + result.hits[lead:]
        window = selection.read_window(len(searches))
        hits += self._runs_on(hits[:window], seen)
        if MOST.search(analysis.ask) or LEAST.search(analysis.ask):
            hits += self._rest_of_tables(hits[:window], seen)
        top = hits[0]
        if (
            top.doc.doc_type == "scheme_record"
            and analysis.asks != "list"  # "which schemes give women loans?" names none
            and names_document(standalone, top.doc)
        ):
            # the scheme the question names, as its record: read it whole (its
            # eligibility, benefits and application sit in different passages); the
            # passages not retrieved come last, scored as the lowest retrieved one
            low = min(h.score for h in hits)
            hits += [
                Hit(chunk, doc, low)
                for chunk, doc in self.searcher.lexical.chunks_of(top.doc.doc_id)
                if chunk.chunk_id not in seen
            ]
        return replace(result, hits=hits)

    def _rest_of_tables(self, read: list[Hit], seen: set[str]) -> list[Hit]:
        """For "which ... has the smallest investment?": the other passages of the page
        (of the section, for a document without pages) of each passage read that holds a
        table, so the largest or smallest row is read from the whole table, not from the
        rows retrieval happened to find (`tables.extreme` reads the passages found in the
        documents read). They come last, scored as the passage they belong with."""
        out: list[Hit] = []
        chunks_of: dict[str, list[tuple[Chunk, SourceDoc]]] = {}  # each document's, once
        for hit in read:
            if sum(is_table_row(line) for line in hit.chunk.text.splitlines()) < _TABLE_LINES:
                continue
            doc_id = hit.doc.doc_id
            if doc_id not in chunks_of:
                chunks_of[doc_id] = self.searcher.lexical.chunks_of(doc_id)
            for chunk, doc in chunks_of[doc_id]:
                same = chunk.page == hit.chunk.page and (
                    chunk.page or chunk.section == hit.chunk.section
                )
                if same and chunk.chunk_id not in seen and len(out) < _TABLE_PASSAGES:
                    seen.add(chunk.chunk_id)
                    out.append(Hit(chunk, doc, hit.score))
        return out

    def _runs_on(self, read: list[Hit], seen: set[str]) -> list[Hit]:
        """The next passage of each passage read that ends on a list's lead-in ("The
        details are as under:") or inside the list or table one opened (`runs_on`): the
        list goes on there, and the reader reads it with the passage
        (`generators.continuations`). Scored as the passage it continues."""
        out = []
        for hit in read:
            if not runs_on(hit):
                continue
            for chunk, doc in self.searcher.lexical.chunks_of(hit.doc.doc_id):
                if chunk.index == hit.chunk.index + 1 and chunk.chunk_id not in seen:
                    seen.add(chunk.chunk_id)
                    out.append(Hit(chunk, doc, hit.score))
        return out

    def _checked_against_guidelines(
        self, question: str, hits: list[Hit], composed: Composed, filters: Filters, k: int
    ) -> tuple[Composed, list[Hit], set[tuple[str, str]]]:
        """When the answer takes a percentage or an amount about a named scheme from a
        secondary source, read the guidelines and circulars that name it too (those
        retrieved, and a search of them alone) with the extractive reader: if their best
        sentences or rows with that kind of figure state other values, those lead the
        answer. Returns the answer, the passages (with any guideline passage the check
        added) and the figures that differ."""
        secondary = [
            (text, names)
            for text, idx in composed.sentences
            if idx and not any(is_primary(hits[i].doc) for i in idx) and figures(text)
            for names in [name_stems(text)]
            if names  # nothing says which scheme it is about: no comparison
        ]
        allowed = [t for t in PRIMARY_TYPES if not filters.doc_types or t in filters.doc_types]
        if not secondary or not allowed:
            return composed, hits, set()
        found = self.searcher.search(question, k, replace(filters, doc_types=tuple(allowed)))
        seen = {h.chunk.chunk_id for h in hits}
        hits = hits + [h for h in found if h.chunk.chunk_id not in seen]
        at = {h.chunk.chunk_id: i for i, h in enumerate(hits)}
        # the guidelines' own ranking first, then any other guideline passage retrieved;
        # only passages that name what a secondary sentence names are read
        order = [at[h.chunk.chunk_id] for h in found]
        order += [i for i, h in enumerate(hits) if is_primary(h.doc)]
        primary_at = [
            i
            for i in dict.fromkeys(order)
            if any(_speaks_of(hits[i], names) for _, names in secondary)
        ]
        if not primary_at:
            return composed, hits, set()
        ranked = [u for _, u in self.reader.rank_units(question, [hits[i] for i in primary_at])]
        quoted = [t for t, idx in composed.sentences if any(is_primary(hits[i].doc) for i in idx)]
        leading: list[Unit] = []
        differing: set[tuple[str, str]] = set()
        for text, names in secondary:
            kinds = {kind for kind, _ in figures(text)}
            about = [
                u
                for u in ranked
                if {kind for kind, _ in figures(u.rendered)} & kinds
                and _speaks_of(hits[primary_at[u.hit_index]], names)
            ][:2]
            wrong = unbacked([text], [u.rendered for u in about] + quoted) if about else set()
            if wrong:
                differing |= wrong
                leading += [u for u in about if u not in leading]
        if not differing:
            return composed, hits, set()
        units = [replace(u, hit_index=primary_at[u.hit_index]) for u in leading]
        lead = [(u.rendered, (u.hit_index,)) for u in units]
        known = {t for t, _ in lead}
        return (
            Composed(
                lead + [s for s in composed.sentences if s[0] not in known],
                units + list(composed.units),
                composed.unsupported,
            ),
            hits,
            differing,
        )

    @cached_property
    def reader(self) -> ExtractiveGenerator:
        """The extractive reader over the searcher's model: it checks figures against the
        guidelines whatever the generator is."""
        return ExtractiveGenerator(
            self.searcher.embedder,
            selection=Selection(passages=2 * self.k),
            idf=self.searcher.lexical.idf,
            unit_vectors=getattr(self.generator, "unit_vectors", None),
        )

    def _document_text(self, doc_id: str) -> str:
        """A document's whole text, from the lexical index in memory."""
        return "\n".join(c.text for c, _ in self.searcher.lexical.chunks_of(doc_id))

    def _standalone(self, question: str, history: list[tuple[str, str]]) -> str:
        """Rules make follow-ups standalone; a generator with a model does it itself. A
        question in Hindi (or Bengali, Assamese) goes to the multilingual index as it is when
        one is built (19 of 20 Hindi questions found their page with e5 and the glossary,
        against 9 of 20 through the local model's translation: `python -m bench.hindi`);
        otherwise the local model translates it when it can be loaded."""
        generator = self.generator
        if history and isinstance(generator, Rewrites) and is_follow_up(question):
            standalone = generator.rewrite(history, question)
        else:
            standalone = standalone_question(question, history)
        translate = generator.translate if isinstance(generator, Translates) else self.translator
        if is_indic(standalone) and translate is not None and not self.searcher.multilingual_ready:
            standalone = translate(standalone)
        return standalone

    def _refusal(
        self,
        question: str,
        standalone: str,
        hits: list[Hit],
        notes: list[str],
        relevance: float,
        timings: dict[str, float],
    ) -> Answer:
        return Answer(
            question=question,
            standalone_question=standalone,
            text=REFUSAL,
            sentences=(),
            citations=(),
            passages=tuple(hits),
            abstained=True,
            generator=self.generator.name,
            notes=tuple(notes),
            relevance=relevance,
            timings=timings,
        )

    def as_runnable(self) -> Runnable[Any, Answer]:
        """The chain as a LangChain Runnable: `invoke` takes a `Query`, a string or a
        mapping (see `Query.of`)."""
        return RunnableLambda(lambda inputs: self.answer(Query.of(inputs)), name="karigar_answer")


_NAME = re.compile(r"(?<![.?!]\s)(?<!^)\b([A-Z][a-zA-Z]{2,}(?:\s+[A-Z][a-zA-Z]{2,})*)\b")


def missing_names(
    question: str,
    hits: list[Hit],
    analysis: Analysis | None = None,
    document_text: Callable[[str], str] | None = None,
) -> list[str]:
    """Names in the question (places, schemes, people: capitalised words past the first)
    that none of the retrieved passages mentions: 'PMEGP subsidy in Nepal' finds PMEGP
    passages, but they don't answer for Nepal.

    With the question's `analysis`, only what it asks is read, not the profile before it;
    and a place where the person lives or works (a state, a district) is not required of a
    national document's passage, whose rules hold in every state: "a weaver in Nalbari
    district, Assam" asks what PMEGP gives her. A place the question asks about ("the
    Uttar Pradesh government's subsidy") is still required.

    The publisher counts as named by each of its passages ("the Smart Governance
    article"). A name that says which document is meant ("the Dimoria paper") is found
    when the document of a passage names it anywhere: the passage on its paired t-test
    need not repeat the cluster's name. `document_text` gives a document's whole text by
    its id."""
    if not hits:
        return []
    haystack = " ".join(
        f"{h.doc.title} {h.doc.publisher} {h.doc.state} {h.chunk.section} {h.chunk.text}"
        for h in hits
    ).lower()
    asked = analysis.ask if analysis is not None else question
    # only a question about a person or unit names where they are
    national = (
        analysis is not None and analysis.is_profile and any(is_national(h.doc) for h in hits)
    )
    names = []
    texts: dict[str, str] = {}  # each document's whole text, read once when needed

    def named_in(doc_id: str, words: list[str]) -> bool:
        if doc_id not in texts:
            texts[doc_id] = document_text(doc_id).lower() if document_text else ""
        return all(w.lower() in texts[doc_id] for w in words)

    title_case = _title_case(asked)
    defined = _defined_acronyms(asked)
    for match in _NAME.finditer(asked):
        name = match.group(1)
        words = [w for w in name.split() if w not in NOT_NAMES | FIELD_NAMES | defined]
        if title_case:  # capitals say nothing here: only acronyms and states are names
            words = [w for w in words if _ACRONYM.fullmatch(w) or STATE_PATTERN.fullmatch(w)]
            name = " ".join(words)
        # "GSTINs" is named by a passage on each GSTIN
        if not words or any(_singular(w).lower() in haystack for w in words):
            continue
        if national and _lives_there(asked, match):
            continue
        if (
            document_text is not None
            and _DOCUMENT_AFTER.match(asked[match.end() :])
            and any(named_in(d, words) for d in dict.fromkeys(h.doc.doc_id for h in hits))
        ):
            continue
        names.append(name)
    return names


def _singular(word: str) -> str:
    """An acronym's plural as its singular ("GSTINs", "NGO's" -> "GSTIN", "NGO")."""
    m = re.fullmatch(r"([A-Z][A-Z0-9&-]*[A-Z])(?:s|'s|’s)", word)
    return m.group(1) if m else word


# "the Dimoria paper", "the Smart Governance article", "the Anakapalli DIC page"; up to two
# words between: "the Dimoria cluster paper", "the Dimoria SFURTI study"
_DOCUMENT_AFTER = re.compile(
    r"^(?:'s)?(?:\s+[\w-]+){0,2}?\s+(?:paper|study|article|report|survey|booklet|"
    r"guidelines?|circular|bulletin|page|profile|document|notification|brochure|book|"
    r"compendium|case study)\b",
    re.I,
)


_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&-]*[A-Z](?:s|'s)?")
_PARENTHESIS = re.compile(r"\([^()]*\)")
# an acronym spelled out beside it: "Mukhya Mantri Krishak Udyami Yojana (MMKUY)" or
# "MMKUY (Mukhya Mantri ...)": its words are what a passage must name, not the letters
_DEFINED = re.compile(r"(?:[A-Z][\w'-]*\s+){2,}\(([A-Z][A-Za-z]*[A-Z]s?)\)|\b([A-Z]{2,}s?)\s*\(")


def _title_case(text: str) -> bool:
    """A question written In Title Case ("Is This Scheme State Sponsored Or Centrally
    Sponsored?"), as portal FAQs often are: most of its words, outside brackets, begin
    with a capital, so a capital does not mark a name."""
    words = [w for w in _WORD.findall(_PARENTHESIS.sub(" ", text)) if len(w) > 1]
    if len(words) < 4 or not _FUNCTION_WORD.intersection(words[1:]):
        return False  # a run of names ("Mukhya Mantri Krishak Udyami Yojana") is not it
    return sum(w[0].isupper() for w in words) / len(words) >= 0.6


# words that only Title Case capitalises
_FUNCTION_WORD = frozenset(
    {"The", "Of", "To", "And", "Or", "In", "For", "Be", "Is", "Are", "Can", "Will", "On"}
    | {"At", "By", "With", "An", "Any", "This", "That", "From"}
)


def _defined_acronyms(text: str) -> frozenset[str]:
    return frozenset(a for m in _DEFINED.finditer(text) for a in m.groups() if a)


_PLACE_AFTER = re.compile(r"^\s*(?:district|village|town|city|block|tehsil|taluk|state)\b", re.I)


def missing_periods(ask: str, hits: list[Hit]) -> list[str]:
    """The years and financial years the question asks about ("the target for 2012-13",
    "loans disbursed during 2025") that no retrieved passage mentions, in its text, title,
    section or date: the passages found answer for other years. A year that dates the
    person or unit asked about ("a unit set up in 2019") is not asked of the documents."""
    if not hits:
        return []
    haystack = " ".join(
        f"{h.doc.title} {h.doc.date} {h.chunk.section} {h.chunk.text}" for h in hits
    ).replace("–", "-")
    haystack = re.sub(r"\s*-\s*", "-", haystack)
    missing = []
    for m in _PERIOD.finditer(ask):
        if _DATES_THE_ASKER.search(ask[: m.start()]):
            continue
        year, tail = m.group(1), m.group(2)
        forms = {year} if not tail else {f"{year}-{tail}", f"{year}-{tail[-2:]}"}
        if not any(f in haystack for f in forms):
            missing.append(m.group(0))
    return list(dict.fromkeys(missing))


def missing_ordinals(ask: str, hits: list[Hit]) -> list[str]:
    """An ordinal the question asks about ("the fourth loan", "5th instalment") that no
    retrieved passage uses, in words or figures: the passages answer for the first three
    loans, not for the fourth."""
    if not hits:
        return []
    haystack = " ".join(f"{h.doc.title} {h.chunk.section} {h.chunk.text}" for h in hits)
    missing = []
    for m in _ORDINAL.finditer(ask):
        word = m.group(0).lower()
        figure = _ORDINALS.get(word, word)
        spelled = next((w for w, f in _ORDINALS.items() if f == figure), word)
        if not re.search(rf"\b(?:{spelled}|{figure})\b", haystack, re.I):
            missing.append(m.group(0))
    return list(dict.fromkeys(missing))


_ORDINALS = {  # not "first" nor "second", which also mean "another" ("a second unit")
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
    "sixth": "6th",
    "seventh": "7th",
    "eighth": "8th",
    "ninth": "9th",
    "tenth": "10th",
}
_ORDINAL = re.compile(r"\b(?:" + "|".join([*_ORDINALS, *_ORDINALS.values()]) + r")\b", re.I)
_PERIOD = re.compile(r"\b((?:19|20)\d{2})(?:\s*[-–]\s*(\d{2}(?:\d{2})?))?\b")
# "founded in 2019", "set up during 2021", "registered on 5 May 2020"
_DATES_THE_ASKER = re.compile(
    r"\b(?:founded|set up|started|established|registered|incorporated|born|began|begun|"
    r"commenced|launched (?:his|her|their|its)|opened|since)\b[^,;?]{0,20}$",
    re.I,
)


# "in", "from", "of a village in", "in Nalbari district," just before the state's name
_LOCATED_BEFORE = re.compile(
    r"\b(?:in|from|at|near|of)\s+(?:(?:a|the)\s+)?(?:[\w-]+\s+){0,3}?(?:[\w-]+,\s*)?$", re.I
)
_SUBJECT_AFTER = re.compile(r"^(?:'s|’s|\s+(?:state\s+)?government|\s+govt)\b", re.I)
# a town or district named with its state after it: where someone is
_STATE_AFTER = re.compile(r"^\s*,\s*" + STATE_PATTERN.pattern)


def _lives_there(text: str, match: re.Match[str]) -> bool:
    """A place named as where someone is ("in Nalbari district", "from a village in
    Assam", "in Kohima, Nagaland"), not as the subject asked about ("Assam's scheme", "the
    Assam government")."""
    after = text[match.end() :]
    if _SUBJECT_AFTER.match(after):
        return False
    located = _LOCATED_BEFORE.search(text[: match.start()])
    return bool(
        _PLACE_AFTER.match(after)
        or (located and STATE_PATTERN.fullmatch(match.group(1)))
        or (located and _STATE_AFTER.match(after))  # "in Kohima, Nagaland"
    )


def is_national(doc: SourceDoc) -> bool:
    """A document whose rules hold across India: no state of India in its state field
    ("India", "All States", "Central Government" or nothing)."""
    return not STATE_PATTERN.search(doc.state or "")


def _about(hit: Hit) -> str:
    """What a unit is about, lower case: its document's title and acronym, its passage."""
    return f"{hit.doc.title} {acronym(hit.doc.title)} {hit.chunk.section} {hit.chunk.text}".lower()


def _speaks_of(hit: Hit, names: list[str]) -> bool:
    """Whether a guideline passage speaks of what a secondary sentence names: every name
    in it, and one of them a word of what names the guideline: its title, the title's short
    form or its file's name ("PMEGP", "MSE-CDP"; a title read from the text may be cut
    short). A name none of them holds ("NPV", "April", "Lakh") is no scheme the guideline
    rules on: a project report's own NPV is not compared with a guideline's."""
    about = _about(hit)
    doc = hit.doc
    names_it = f"{doc.title} {acronym(doc.title)} {doc.path} {doc.original_name}"
    title = set(re.findall(r"[a-z0-9]+", names_it.lower()))
    return all(n in about for n in names) and any(w.startswith(n) for n in names for w in title)


def _disagreement(differing: set[tuple[str, str]], citations: list[Citation]) -> str:
    primary = [c for c in citations if c.doc_type in PRIMARY_TYPES]
    secondary = [
        c
        for c in citations
        if c.doc_type not in PRIMARY_TYPES and figures(" ".join(c.quotes)) & differing
    ]
    return disagreement_note(differing, secondary, primary)


_ALSO_ASKED = 3  # sentences quoted for a part the rules' verdict does not speak of
_TABLE_LINES = 2  # lines that read as table rows: a passage that holds a table
_TABLE_PASSAGES = 12  # the most passages added to read a largest or smallest row's table
_PERSONS = frozenset(tokenize("he him his she her hers they them their herself himself"))


def _once(hits: list[Hit]) -> list[Hit]:
    """Each passage once, where it first stands."""
    first: dict[str, Hit] = {}
    for h in hits:
        first.setdefault(h.chunk.chunk_id, h)
    return list(first.values())


def _cite(composed: Composed, hits: list[Hit]) -> tuple[list[AnswerSentence], list[Citation]]:
    """Number the cited passages 1, 2... in order of first use; a passage index that points
    at no retrieved passage is dropped."""
    markers: dict[int, int] = {}
    sentences = []
    for text, passage_indexes in composed.sentences:
        valid = [i for i in passage_indexes if 0 <= i < len(hits)]
        for i in valid:
            markers.setdefault(i, len(markers) + 1)
        sentences.append(
            AnswerSentence(
                text,
                tuple(markers[i] for i in dict.fromkeys(valid)),
                supported=text not in composed.unsupported,
            )
        )
    citations = []
    for index, marker in markers.items():
        hit = hits[index]
        units = [u for u in composed.units if u.hit_index == index]
        citations.append(
            Citation(
                marker=marker,
                chunk_id=hit.chunk.chunk_id,
                doc_id=hit.doc.doc_id,
                title=hit.doc.title,
                path=hit.doc.path,
                doc_type=hit.doc.doc_type,
                page=hit.chunk.page,
                section=hit.chunk.section,
                quotes=tuple(u.quote for u in units),
                spans=tuple((u.start, u.end) for u in units),
                official_url=hit.doc.official_url,
                source_urls=hit.doc.source_urls,
                date=hit.doc.date,
                status=hit.doc.status,
                ocr=hit.chunk.ocr,
            )
        )
    return sentences, citations
