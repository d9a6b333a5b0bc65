"""Answer generators. Each turns the retrieved passages into answer sentences that point at
the passage they come from.

* `ExtractiveGenerator` (the default): the answer is made of the passages' own most
  relevant sentences (or table rows, read with their header), so every figure is exact and
  nothing is said that the documents don't say.
* The local LLM and chat-model generators live in `retrieval.answer.llm_generators`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from retrieval.answer import tables
from retrieval.answer.analysis import FIGURE_KINDS, Analysis, Part, analyse
from retrieval.answer.authority import is_primary, names_document
from retrieval.answer.reader import (
    ReaderModel,
    UnitView,
    content_tokens,
    features,
    relative,
)
from retrieval.answer.units import Unit, passage_units
from retrieval.core.embeddings import TextEmbedder
from retrieval.core.errors import ConfigError
from retrieval.core.text import passage_text
from retrieval.core.timing import stage
from retrieval.core.types import Hit
from retrieval.core.unit_vectors import UnitVectors
from retrieval.search.lexical import numbers_in, tokenize
from retrieval.search.multilingual import is_indic
from retrieval.search.ranking import Selection

if TYPE_CHECKING:  # pragma: no cover
    from retrieval.core.settings import Settings


@dataclass(frozen=True)
class Composed:
    """A generator's output: sentences, each with the passages (0-based) it rests on."""

    sentences: list[tuple[str, tuple[int, ...]]]
    units: list[Unit]  # the quoted units behind them (for citations)
    unsupported: tuple[str, ...] = ()  # sentences the support check did not find backed
    missing: tuple[str, ...] = ()  # parts of the question no passage answers


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
    (
        re.compile(r"\bdocuments?\b|\b(?:papers|proofs?)\b[^?]*\b(?:carry|bring|submit)", re.I),
        "document",
        "",
    ),
    (re.compile(r"\bhow (to|do i|can i) apply\b|\bapplication process\b", re.I), "application", ""),
)


def section_intent(question: str) -> tuple[str, str]:
    """The record section a question is about ('Who is eligible' -> Eligibility, and not
    Exclusions), for scheme records and other sectioned documents."""
    for pattern, wanted, unwanted in _INTENTS:
        if pattern.search(question):
            return wanted, unwanted
    return "", ""


@dataclass(frozen=True)
class PartReading:
    """One asked part and every unit of the passages, with its features for this part."""

    part: Part
    rows: list[tuple[Unit, list[float]]]


@dataclass(frozen=True)
class Reading:
    """A question's analysis and, per part, every unit read with its features."""

    analysis: Analysis
    parts: list[PartReading]
    brief: tuple[Unit, ...] = ()  # short list items, quoted only with their list
    # the scheme records among the passages that the question names (`named_records`)
    named: frozenset[str] = frozenset()


class ExtractiveGenerator:
    """The passages' own sentences and rows that answer each asked part, each cited.

    Every unit (a sentence or a table row) of the top passages is scored, for each part of
    the question, by the fitted reader model (`retrieval.answer.reader`): the probability
    that it states what the part asks. No unit likely enough: the documents don't answer
    (the chain refuses). A part no unit answers is said missing."""

    name = "extractive"

    def __init__(
        self,
        embedder: TextEmbedder,
        multilingual: Callable[[], TextEmbedder] | None = None,
        selection: Selection | None = None,
        model: ReaderModel | None = None,
        idf: Callable[[Iterable[str]], dict[str, float]] | None = None,
        unit_vectors: UnitVectors | None = None,
    ) -> None:
        self.embedder = embedder
        # the units' vectors, kept once computed (memory and the data folder); None: computed
        # on every question
        self.unit_vectors = unit_vectors
        self.idf = idf  # how rare a word is in the store (`LexicalIndex.idf`)
        # e5, loaded on the first question in an Indic script: it ranks the English
        # sentences against the untranslated question
        self.multilingual = multilingual
        self.selection = selection or Selection()
        self._model = model

    @property
    def model(self) -> ReaderModel:
        """The fitted reader model, read on first use (`eval.fit` reads without one)."""
        if self._model is None:
            self._model = ReaderModel.load()
        return self._model

    def read(self, question: str, hits: list[Hit]) -> Reading:
        """The features of every unit of the top passages for every part asked."""
        analysis = analyse(question)
        # the chain puts each part's own passages right after the first ones
        n = self.selection.read_window(len(analysis.searches()))
        read = list(range(min(n, len(hits))))
        # and the rest of the scheme record the question is about (`AnswerChain.gather`)
        read += [i for i in range(n, len(hits)) if _same_record(hits[i], hits[0])]
        units_of = {i: passage_units(i, hits[i]) for i in read}
        # and the passage a read one runs on into, when it ends on a lead-in or inside the
        # list or table one opened
        for j in continuations(hits, read, units_of).values():
            if j not in units_of:
                read.append(j)
                units_of[j] = passage_units(j, hits[j])
        every = [u for i in read for u in units_of[i]]
        units = [u for u in every if not u.brief]
        brief = tuple(u for u in every if u.brief)
        if not units:
            return Reading(analysis, [])
        indic = is_indic(question)
        embedder = self.embedder
        if self.multilingual is not None and indic:  # e5 compares the Indic question with
            embedder = self.multilingual()  # English sentences
        # a row is read as rendered: with the header it sits under, named cell by cell
        texts = [unit_text(hits[u.hit_index], u) for u in units]
        with stage("unit vectors"):  # kept per model: e5's too, for the Indic questions
            if self.unit_vectors is not None:
                vectors = self.unit_vectors.vectors(embedder, texts)
            else:
                vectors = np.asarray(embedder.embed(texts))
        views = _views(units, hits)
        intent = section_intent(analysis.ask)
        parts = []
        for part in analysis.parts:
            query = question if indic else analysis.part_query(part)
            with stage("query embedding"):
                asked = np.asarray(embedder.embed_query(query))
            sims = vectors @ asked
            if indic and len(sims) > 1:  # e5's similarities crowd together: spread them
                low, span = self.selection.e5_low, self.selection.e5_span
                sims = low + span * (sims - sims.min()) / (np.ptp(sims) or 1.0)
            # the section each part is about ("Is she within the age limit, and which
            # documents must she submit?": Eligibility, then Documents Required)
            own = ("document", "") if part.asks == "documents" else section_intent(part.text)
            intent_of_part = own if own != ("", "") else intent
            ask = content_tokens(part.text if indic else query)
            numbers = frozenset(numbers_in(part.text))
            idf = self.idf(ask) if self.idf is not None else None
            vectors_of_part = relative(
                [
                    features(v, float(sim), ask, numbers, part.asks, intent_of_part, indic, idf)
                    for v, sim in zip(views, sims, strict=True)
                ]
            )
            rows = list(zip(units, vectors_of_part, strict=True))
            parts.append(PartReading(part, rows))
        return Reading(analysis, parts, brief, named_records(analysis.question, hits))

    def scored(self, reading: Reading) -> list[list[tuple[float, Unit]]]:
        """Per part, (probability, unit) best first."""
        out = []
        for pr in reading.parts:
            probabilities = self.model.probabilities([x for _, x in pr.rows]).tolist()
            ranked = sorted(
                zip(probabilities, (u for u, _ in pr.rows), strict=True),
                key=lambda pair: -pair[0],
            )
            out.append(ranked)
        return out

    def rank_units(self, question: str, hits: list[Hit]) -> list[tuple[float, Unit]]:
        """Every unit with its best probability over the parts, best first."""
        best: dict[Unit, float] = {}
        for ranked in self.scored(self.read(question, hits)):
            for p, u in ranked:
                best[u] = max(p, best.get(u, 0.0))
        return sorted(((p, u) for u, p in best.items()), key=lambda pair: -pair[0])

    def compose(self, question: str, hits: list[Hit]) -> Composed:
        return self.compose_reading(self.read(question, hits), hits)

    def compose_reading(
        self,
        reading: Reading,
        hits: list[Hit],
        scored: list[list[tuple[float, Unit]]] | None = None,
    ) -> Composed:
        """The answer from a reading (what `eval.fit` replays under other thresholds, with
        the units' probabilities `scored` once)."""
        per_part = scored if scored is not None else self.scored(reading)
        per_part = _on_the_named_record(reading.named, per_part, hits)
        if not per_part or max((r[0][0] for r in per_part if r), default=0.0) < (
            self.model.answer_threshold
        ):
            return Composed([], [])
        sel, model = self.selection, self.model
        many = len(per_part) > 1
        # "Who is eligible?", "Which documents?": the answer is a list, so give more of it
        limit = model.per_part if many else model.max_units
        if not many and reading.analysis.asks in ("list", "documents", "procedure"):
            limit += sel.list_extra
        chosen: list[Unit] = []
        seen_tokens: list[set[str]] = []
        missing: list[str] = []
        leading: list[int] = []  # the passages of each part's best unit: the direct answer
        whole: set[int] = set()  # passages whose list is quoted whole
        for pr, ranked in zip(reading.parts, per_part, strict=True):
            if not ranked or ranked[0][0] < model.answer_threshold:
                missing.append(pr.part.text)
                continue
            leading.append(ranked[0][1].hit_index)
            best, taken = ranked[0][0], 0
            guideline = is_primary(hits[ranked[0][1].hit_index].doc)
            for p, unit in ranked:
                if taken >= limit or p < max(model.quote_threshold, model.relative * best):
                    break
                tokens = set(tokenize(unit.rendered))
                if any(_repeats(tokens, other, sel.duplicate) for other in seen_tokens):
                    taken += unit in chosen
                    continue  # the same sentence again (e.g. from two editions)
                chosen.append(unit)
                seen_tokens.append(tokens)
                taken += 1
                if pr.part.asks in ("list", "documents") and _is_item(unit):
                    whole.add(unit.hit_index)  # a list asked for: the list it is in
                if not guideline and is_primary(hits[unit.hit_index].doc):
                    # a guideline or circular quoted for this part leads the booklet or
                    # record that put it best: an official quotes the guideline
                    leading.append(unit.hit_index)
                    guideline = True
        every = [u for u, _ in reading.parts[0].rows]
        listed = sorted([*every, *reading.brief], key=lambda u: (u.hit_index, u.start))
        best_units = [u for r in per_part for _, u in r[: sel.table_rows]]
        # a table asked as a table: its largest or smallest row, the total row closing it,
        # a row named; read over the passages found in the documents read, split once
        found = tables.with_found(every, hits)
        direct: list[Unit] = []  # the row that answers a table question: said first
        extreme = tables.extreme(reading.analysis.ask, best_units, found, hits)
        if extreme is not None:
            direct.append(extreme)
            if extreme not in chosen:
                chosen.insert(0, extreme)
                leading.insert(0, extreme.hit_index)
        # a row a part names by its label ("how much of that is for boarding?"), quoted
        # with its passage; not put first: the reader's best unit still leads
        for pr in reading.parts:
            if pr.part.asks not in FIGURE_KINDS:
                continue
            for named_row in tables.named_rows(pr.part.text, reading.analysis.ask, found, hits):
                if named_row not in chosen:
                    chosen.append(named_row)
        for total in tables.totals(reading.analysis.ask, chosen, found, hits):
            chosen.append(total)
            leading.append(total.hit_index)
            direct.append(total)
        for heading in list(chosen):  # a caption or header row quoted with its first row
            row = tables.content_of(heading, every, hits)
            if row is not None and row not in chosen:
                chosen.insert(chosen.index(heading) + 1, row)
        if any(pr.part.asks == "comparison" for pr in reading.parts):
            for other in _other_editions(chosen, every, hits, sel.duplicate):
                chosen.append(other)
                leading.append(other.hit_index)
        listed_of: dict[int, list[Unit]] = {}
        for u in listed:
            listed_of.setdefault(u.hit_index, []).append(u)
        follows = continuations(hits, sorted(listed_of), listed_of)
        chosen = _with_lead_ins(chosen, listed, whole, follows)
        # a passage's continuation is said where the passage is
        anchor = {child: parent for parent, child in follows.items()}
        # the direct answer first: a table's largest, smallest or total row asked for; then
        # the passages of the parts' best units (a guideline or circular among them before
        # a booklet, record or article); then the others, the guidelines first; each
        # passage's units in reading order (a lead-in before its items). A report, paper or
        # article the question names leads even a guideline ("what NPV does the Srikakulam
        # CFC's DPR report?" is answered by that report, not by the DPR format); a scheme
        # record the question names does not: its guideline still leads
        asked = reading.analysis.question

        def asked_for(i: int) -> bool:
            doc = hits[i].doc
            return doc.doc_type != "scheme_record" and names_document(asked, doc)

        first = sorted(
            dict.fromkeys(anchor.get(i, i) for i in leading),
            key=lambda i: (not asked_for(i), not is_primary(hits[i].doc)),
        )
        lead = {i: n for n, i in enumerate(first)}

        def place(u: Unit) -> tuple:
            at = anchor.get(u.hit_index, u.hit_index)
            return (
                u not in direct,
                lead.get(at, len(lead)),
                not is_primary(hits[at].doc),
                at,
                u.hit_index != at,
                u.start,
            )

        chosen.sort(key=place)
        named: set[int] = set()  # a record's name leads its first sentence only
        sentences: list[tuple[str, tuple[int, ...]]] = []
        previous: Unit | None = None
        for u in chosen:
            text = u.rendered if u.hit_index in named else _named(u, hits)
            if (
                previous is not None
                and previous.hit_index == u.hit_index
                and _is_item(previous)
                and _is_item(u)
                and sentences[-1][0][-1:] not in ".;:?!"
            ):  # the items of one list read as one sentence with one marker
                sentences[-1] = (f"{sentences[-1][0]}; {text}", sentences[-1][1])
            else:
                sentences.append((text, (u.hit_index,)))
            named.add(u.hit_index)
            previous = u
        return Composed(sentences, chosen, missing=tuple(missing) if chosen else ())


def named_records(question: str, hits: list[Hit]) -> frozenset[str]:
    """The doc ids of the scheme records among `hits` that the question names: read once
    with the question, not on every composition (`eval.fit` composes each reading under a
    thousand thresholds)."""
    return frozenset(
        h.doc.doc_id
        for h in hits
        if h.doc.doc_type == "scheme_record" and names_document(question, h.doc)
    )


def _on_the_named_record(
    named: frozenset[str], per_part: list[list[tuple[float, Unit]]], hits: list[Hit]
) -> list[list[tuple[float, Unit]]]:
    """A question that names a scheme whose record was found (`named`: "... under the
    Karnataka Minorities Development Corporation's Shrama Shakthi scheme: what loan,
    interest rate and repayment terms apply?") is answered from that record, and from
    guidelines, circulars, booklets and papers: never from another scheme's record (its 4%
    is another scheme's rate)."""
    if not named:
        return per_part

    def elsewhere(u: Unit) -> bool:
        doc = hits[u.hit_index].doc
        return doc.doc_type == "scheme_record" and doc.doc_id not in named

    return [[(p, u) for p, u in ranked if not elsewhere(u)] for ranked in per_part]


def _same_record(hit: Hit, top: Hit) -> bool:
    return hit.doc.doc_type == "scheme_record" and hit.doc.doc_id == top.doc.doc_id


def _views(units: list[Unit], hits: list[Hit]) -> list[UnitView]:
    """Each unit as the reader's features see it: with its context, the unit before it and
    the lead-in of the list it is in."""
    views = []
    previous: UnitView | None = None
    lead: tuple[str, ...] = ()
    passages: dict[int, frozenset[str]] = {}
    for u in units:
        hit = hits[u.hit_index]
        if u.hit_index not in passages:
            c = hit.chunk
            text = passage_text(hit.doc.title, c.section, c.table_header, c.text, True)
            passages[u.hit_index] = frozenset(tokenize(text))
        if previous is None or previous.rank != u.hit_index:
            previous, lead = None, ()
        context = passage_text(
            hit.doc.title,
            hit.chunk.section,
            hit.chunk.table_header,
            u.rendered if u.is_row else u.quote,
            with_acronym=True,
        )
        view = UnitView(
            rendered=u.rendered,
            tokens=tuple(tokenize(u.rendered)),
            context=tuple(tokenize(context)),
            previous=previous.tokens if previous is not None else (),
            lead=lead,
            numbers=frozenset(numbers_in(context)),
            rank=u.hit_index,
            passage_score=hit.score,
            section=hit.chunk.section.lower(),
            is_row=u.is_row,
            fragment=u.fragment,
            primary=is_primary(hit.doc),
            passage=passages[u.hit_index],
        )
        views.append(view)
        if _is_lead_in(u):
            lead = view.tokens
        elif not (u.fragment or u.is_row or _LIST_ITEM.match(u.quote)):
            lead = ()
        previous = view
    return views


_LIST_ITEM = re.compile(r"^\s*(?:[•▪◦●*-]|\(?[ivx]{1,4}[.)]|\(?[a-z0-9]{1,2}[.)])\s+")


# words that announce a list or table after them: "... is as shown below", "as under", "the
# details are as follows"; a table's header may stand between them and the first row
_ANNOUNCES = re.compile(
    r"\b(?:(?:as\s+)?(?:shown|given|detailed|listed|indicated|furnished|tabulated)\s+"
    r"below|as\s+follows|as\s+under)\b|\bthe\s+following\b",
    re.I,
)
_HEADER_WORDS = 24  # words a table's header may add after the announcing words


def ends_on_lead_in(text: str) -> bool:
    """Whether `text` ends on a lead-in: a colon, or words that announce what follows ("as
    shown below", "as under"; "the following" as the last words), then at most a table's
    header; a list's lead-in, or a passage that ends on one."""
    text = text.rstrip()
    if text.endswith(":"):
        return True
    announced = list(_ANNOUNCES.finditer(text))
    if not announced:
        return False
    last = announced[-1]
    after = len(text[last.end() :].split())
    return after <= (3 if last.group().lower().startswith("the") else _HEADER_WORDS)


def _is_lead_in(unit: Unit) -> bool:
    return not unit.is_row and ends_on_lead_in(unit.rendered)


def runs_on(hit: Hit, units: Sequence[Unit] | None = None) -> bool:
    """Whether what a passage says goes on in its document's next passage: it ends on a
    lead-in, or on the list items or table rows a lead-in of its own opened ("... as shown
    below" and three rows of a table whose total is on the next). `units`: the passage's
    units in reading order, when the caller has split it already."""
    if ends_on_lead_in(hit.chunk.text):
        return True
    for tail, unit in enumerate(reversed(passage_units(0, hit) if units is None else units)):
        if _is_lead_in(unit):
            return tail > 0
        if tail >= _LEAD_ITEMS or not _led(unit):
            return False
    return False


def continuations(
    hits: list[Hit], read: Iterable[int], units_of: Mapping[int, Sequence[Unit]] | None = None
) -> dict[int, int]:
    """For each passage of `read` that ends on a list's lead-in ("The eligible vendors
    would be as per following criteria:") or inside the list or table one opened
    (`runs_on`), the index among `hits` of its document's next passage, where the list goes
    on (`AnswerChain.gather` adds it). `units_of`: passage index -> its units, where the
    caller has them, so no passage is split again."""
    at = {(h.doc.doc_id, h.chunk.index): i for i, h in enumerate(hits)}
    out = {}
    for i in read:
        hit = hits[i]
        if runs_on(hit, (units_of or {}).get(i)):
            j = at.get((hit.doc.doc_id, hit.chunk.index + 1))
            if j is not None:
                out[i] = j
    return out


def _with_lead_ins(
    chosen: list[Unit],
    every: list[Unit],
    whole: AbstractSet[int] = frozenset(),
    follows: dict[int, int] | None = None,
) -> list[Unit]:
    """A list item quoted with the lead-in that says what the list is ("The following
    are not eligible:"), a lead-in with the items that follow it (or, when no item follows,
    the one unit after it: a lead-in is not quoted without what it leads into), read on into
    the next passage when it ends its own (`follows`: passage -> the passage after it, from
    `continuations`), and two items of one list with the rest of it ("Beneficiary's
    contribution - 5%", "Rate of subsidy - 40%": and "Bank credit - 55%"); in the passages
    of `whole` (a list was asked for: "which documents?") one chosen item brings its whole
    list. `every` is every unit read, in passage and reading order."""
    by_hit: dict[int, list[Unit]] = {}
    for unit in every:
        by_hit.setdefault(unit.hit_index, []).append(unit)
    out = list(chosen)

    def add(unit: Unit) -> None:
        if unit not in out:
            out.append(unit)

    items: dict[int, list[int]] = {}  # passage -> where its chosen list items stand
    for u in chosen:
        units = by_hit.get(u.hit_index, [])
        at = next((i for i, x in enumerate(units) if x.start == u.start), None)
        if at is None:
            continue
        if _is_lead_in(u):  # the items after it, while they are items
            after = units[at + 1 :]
            if follows and u.hit_index in follows and all(_led(x) for x in after):
                after += by_hit.get(follows[u.hit_index], [])  # the list runs on
            for n, item in enumerate(after[:_LEAD_ITEMS]):
                if not _led(item):
                    if n == 0 and not _is_lead_in(item):
                        add(item)  # what follows the colon is a sentence: that one
                    break
                add(item)
        elif _is_item(u):
            items.setdefault(u.hit_index, []).append(at)
            for before in reversed(units[max(0, at - _LEAD_ITEMS) : at]):
                if _is_lead_in(before):
                    add(before)
                    break
    for hit_index, where in items.items():
        if len(where) < 2 and hit_index not in whole:
            continue
        units = by_hit[hit_index]
        first, last = min(where), max(where)
        if any(not _is_item(x) for x in units[first : last + 1]):
            continue  # not one list
        most = _WHOLE_LIST if hit_index in whole else _LEAD_ITEMS
        while first > 0 and _is_item(units[first - 1]) and last - first < most:
            first -= 1
        while last + 1 < len(units) and _is_item(units[last + 1]) and last - first < most:
            last += 1
        for item in units[first : last + 1]:
            add(item)
    return out


def _led(unit: Unit) -> bool:
    """What a lead-in leads into: a list's item or a table's row."""
    return unit.is_row or _is_item(unit)


def _is_item(unit: Unit) -> bool:
    """A list item: marked as one, or a line without a sentence end; not a lead-in or row."""
    return (
        not unit.is_row
        and not _is_lead_in(unit)
        and (unit.fragment or bool(_LIST_ITEM.match(unit.quote)))
    )


_LEAD_ITEMS = 6
_WHOLE_LIST = 12  # items of a list asked for


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


def unit_text(hit: Hit, unit: Unit) -> str:
    """What the reader embeds of a unit: its passage's title and section, then the unit."""
    return f"{_context(hit)}: {unit.rendered}"


def unit_texts(hit: Hit) -> list[str]:
    """What the reader embeds of every unit of one passage (ingest keeps their vectors)."""
    return [unit_text(hit, u) for u in passage_units(0, hit) if not u.brief]


def _other_editions(
    chosen: list[Unit], every: list[Unit], hits: list[Hit], share: float
) -> list[Unit]:
    """For "how does it differ between the 2022-23 booklet and its later edition?": the
    same sentence in another document with other figures ("credit equal to 15% of their
    stake" beside "50% of their stake"): for each chosen sentence with a figure, the most
    alike such sentence, if alike enough. What the answer otherwise leaves out as a repeat
    is here the answer."""
    out: list[Unit] = []
    for unit in chosen:
        figures = numbers_in(unit.rendered)
        if not figures:
            continue
        tokens = set(tokenize(unit.rendered))
        doc = hits[unit.hit_index].doc.doc_id
        alike = [
            (_share(tokens, set(tokenize(v.rendered))), v)
            for v in every
            if hits[v.hit_index].doc.doc_id != doc
            and v not in chosen
            and v not in out
            and numbers_in(v.rendered)
            and numbers_in(v.rendered) != figures
        ]
        best = max(alike, key=lambda pair: pair[0], default=None)
        if best is not None and best[0] >= share:
            out.append(best[1])
    return out[:_EDITIONS]


_EDITIONS = 3


def _share(a: set[str], b: set[str]) -> float:
    """The share of the shorter set's words that the longer one holds (0 if one is empty)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _repeats(a: set[str], b: set[str], share: float) -> bool:
    """Whether one unit says what another already says: `share` of the shorter one's words
    are in the longer (the same sentence again, from two editions, or inside a longer run
    of text that holds it)."""
    if not a or not b:
        return a == b
    return _share(a, b) >= share


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
    idf: Callable[[Iterable[str]], dict[str, float]] | None = None,
    unit_vectors: UnitVectors | None = None,
) -> Generator:
    """extractive | llm (settings.llm_model) | llm:<model> | openai | ollama. `multilingual`
    gives e5 to the extractive reader, for questions in an Indic script; `idf` the store's
    word rarity."""
    if name == "extractive":
        return ExtractiveGenerator(
            embedder, multilingual=multilingual, idf=idf, unit_vectors=unit_vectors
        )
    if name == "llm" or name.startswith("llm:"):
        from retrieval.answer.llm_generators import LocalLLMGenerator

        model = name.partition(":")[2] or settings.llm_model
        return LocalLLMGenerator(embedder, settings, model)
    if name in ("openai", "ollama"):
        from retrieval.answer.llm_generators import chat_generator

        return chat_generator(name, embedder, settings)
    raise ConfigError(f"unknown generator {name!r}: use one of {', '.join(GENERATORS)}")
