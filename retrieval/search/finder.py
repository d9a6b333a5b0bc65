"""The scheme finder: every scheme record and guideline that matches a state, kinds of
beneficiary, scheme types, tags and free text, one row each with the benefit in one quoted
line. What a facilitator asks for ("which schemes support handloom weavers in Assam?")
is a complete list, not the five passages that rank best."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field

from retrieval.core.facets import Facets, facets_of, tag_key
from retrieval.core.store import Store
from retrieval.core.types import SourceDoc
from retrieval.search.lexical import tokenize

SCHEME_TYPES = ("scheme_record", "scheme_guideline")
_BENEFITS = re.compile(r"^## Benefits\n", re.MULTILINE)
_FIRST_LINE = re.compile(r"(?:- )?(?P<line>[^\n]+)")


@dataclass(frozen=True)
class SchemeQuery:
    """Empty fields do not narrow. `states` as `facets` names them: a chosen state keeps the
    all-India schemes too. `text`: every word of it must stand in the scheme's text."""

    states: tuple[str, ...] = ()
    own_state_only: bool = False  # the states' own schemes, not the all-India ones
    beneficiaries: tuple[str, ...] = ()
    prefer: tuple[str, ...] = ()  # kinds that rank a scheme higher, one step each
    scheme_types: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    text: str = ""
    include_superseded: bool = False

    def describe(self) -> str:
        """'state: Assam (all-India schemes included); for: Handloom weavers'."""
        parts = []
        if self.states:
            also = "its own schemes only" if self.own_state_only else "all-India schemes included"
            parts.append(f"state: {', '.join(self.states)} ({also})")
        if self.beneficiaries:
            first = [k for k in self.prefer if k not in self.beneficiaries]
            parts.append(
                f"for: {', '.join(self.beneficiaries)}"
                + (f" ({', '.join(first)} first)" if first else "")
            )
        if self.scheme_types:
            parts.append(f"type: {', '.join(self.scheme_types)}")
        if self.tags:
            parts.append(f"tags: {', '.join(self.tags)}")
        if self.text.strip():
            parts.append(f"words: “{self.text.strip()}”")
        return "; ".join(parts) or "no filter"


@dataclass(frozen=True)
class SchemeRow:
    doc: SourceDoc
    facets: Facets
    benefit: str  # the first benefit, verbatim; "" for a guideline
    benefit_span: tuple[int, int] | None  # its offsets in page 0's text
    score: float = 0.0

    @property
    def who(self) -> str:
        return self.doc.beneficiary or ", ".join(self.facets.beneficiaries)


@dataclass
class _Entry:
    row: SchemeRow
    title: frozenset[str]
    about: frozenset[str]  # beneficiary, type, tags, department
    body: frozenset[str] = field(default_factory=frozenset)


def first_benefit(text: str) -> tuple[str, tuple[int, int] | None]:
    """The first line under a record's '## Benefits', without its bullet, and its span."""
    heading = _BENEFITS.search(text)
    if heading is None:
        return "", None
    line = _FIRST_LINE.match(text, heading.end())
    if line is None or line.group("line").startswith("## "):
        return "", None
    return line.group("line").strip(), (line.start("line"), line.end("line"))


class SchemeFinder:
    """Reads the store's scheme records once per store generation."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._index: tuple[str, list[_Entry]] | None = None

    def _entries(self) -> list[_Entry]:
        generation = self.store.generation()
        with self._lock:
            if self._index is not None and self._index[0] == generation:
                return self._index[1]
        docs = [r.doc for r in self.store.documents().values() if r.doc.doc_type in SCHEME_TYPES]
        pages = self.store.page_texts([(d.doc_id, 0) for d in docs if not _paged(d)])
        entries = []
        for doc in docs:
            text = pages.get((doc.doc_id, 0), "")
            benefit, span = first_benefit(text)
            about = " ".join([doc.beneficiary, doc.scheme_type, " ".join(doc.tags), doc.publisher])
            entries.append(
                _Entry(
                    SchemeRow(doc, facets_of(doc), benefit, span),
                    title=frozenset(tokenize(doc.title)),
                    about=frozenset(tokenize(about)),
                    body=frozenset(tokenize(text)),
                )
            )
        entries.sort(key=lambda e: e.row.doc.title.lower())
        with self._lock:
            self._index = (generation, entries)
        return entries

    def count(self) -> int:
        return len(self._entries())

    def find(self, query: SchemeQuery) -> list[SchemeRow]:
        """Every match: best first when there are words to rank by, else by title."""
        words = tokenize(query.text)
        tags = {tag_key(t) for t in query.tags}
        rows = []
        for entry in self._entries():
            row = entry.row
            f = row.facets
            if row.doc.status == "superseded" and not query.include_superseded:
                continue
            if query.states and not f.in_states(query.states):
                continue
            if query.own_state_only and not set(query.states) & set(f.states):
                continue
            if query.beneficiaries and not set(query.beneficiaries) & set(f.beneficiaries):
                continue
            if query.scheme_types and not set(query.scheme_types) & set(f.scheme_types):
                continue
            if tags and not tags & set(f.tags):
                continue
            haystack = entry.title | entry.about | entry.body
            if words and not all(w in haystack for w in words):
                continue
            score = sum(3.0 * (w in entry.title) + (w in entry.about) for w in words)
            score += sum(1.0 for k in query.prefer if k in f.beneficiaries)
            if query.states and set(query.states) & set(f.states):
                score += 0.5  # the state's own schemes before the all-India ones
            rows.append(SchemeRow(row.doc, f, row.benefit, row.benefit_span, score))
        return sorted(rows, key=lambda r: (-r.score, r.doc.title.lower()))

    def tag_choices(self, least: int = 2) -> list[str]:
        """Tags on at least `least` schemes, each in its most common spelling."""
        counts: dict[str, dict[str, int]] = {}
        for entry in self._entries():
            for tag in entry.row.doc.tags:
                spellings = counts.setdefault(tag_key(tag), {})
                spellings[tag] = spellings.get(tag, 0) + 1
        return sorted(
            max(s, key=lambda t: s[t]) for s in counts.values() if sum(s.values()) >= least
        )


def _paged(doc: SourceDoc) -> bool:
    return doc.doc_type != "scheme_record"
