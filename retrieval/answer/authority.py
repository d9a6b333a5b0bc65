"""Which source speaks with authority on a figure, and whether the sources disagree.

A scheme's guideline or a government circular is where a rate or an amount is set; a
booklet, a scheme record, an article or a note only repeats it (or gets it wrong). When an
answer takes a percentage or a rupee amount from such a secondary source, the chain checks
it against the primary sources it retrieved: if they state that kind of figure and not this
value, the guideline's own sentences lead the answer and a note shows the disagreement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from retrieval.core.text import acronym
from retrieval.core.types import Citation, SourceDoc
from retrieval.search.lexical import tokenize

PRIMARY_TYPES = ("scheme_guideline", "circular")
PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|per\s?cent\b|percent\b)", re.I)
_RUPEES = re.compile(r"(?:rs\.?|₹|inr)\s*(\d[\d,]*(?:\.\d+)?)\s*(lakh|lakhs|crore|crores)?", re.I)


def is_primary(doc: SourceDoc) -> bool:
    return doc.doc_type in PRIMARY_TYPES


def figures(text: str) -> set[tuple[str, str]]:
    """The percentages and rupee amounts a text states, as (kind, value): ('%', '35'),
    ('Rs', '25 lakh'). Leading zeros and thousands separators do not count ('05%' is 5%)."""
    found = set()
    for match in PERCENT.finditer(text):
        found.add(("%", _number(match.group(1))))
    for match in _RUPEES.finditer(text):
        unit = (match.group(2) or "").lower().rstrip("s")
        found.add(("Rs", f"{_number(match.group(1))} {unit}".strip()))
    return found


def _number(raw: str) -> str:
    value = raw.replace(",", "")
    if "." in value:
        value = value.rstrip("0").rstrip(".")
    return value.lstrip("0") or "0"


def unbacked(secondary: Iterable[str], primary: Iterable[str]) -> set[tuple[str, str]]:
    """Figures the secondary sentences state, of a kind the primary sentences also state,
    that no primary sentence states: where the sources disagree."""
    theirs = set().union(*(figures(t) for t in primary)) if primary else set()
    kinds = {kind for kind, _ in theirs}
    mine = set().union(*(figures(t) for t in secondary)) if secondary else set()
    return {f for f in mine if f[0] in kinds and f not in theirs}


def _sources(citations: list[Citation], with_type: bool) -> str:
    """'[1], [3] Title (type, date)' per document, in marker order."""
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        groups.setdefault(c.doc_id, []).append(c)
    parts = []
    for cited in groups.values():
        c = cited[0]
        markers = ", ".join(f"[{x.marker}]" for x in cited)
        about = (
            f"{c.doc_type}, {c.date or 'undated'}"
            if with_type
            else f"{c.date or 'undated'}, {c.status}"
        )
        parts.append(f"{markers} {c.title} ({about})")
    return "; ".join(parts)


def disagreement_note(
    differing: set[tuple[str, str]], secondary: list[Citation], primary: list[Citation]
) -> str:
    """One line for the answer: which figure the secondary sources give, and which primary
    sources lead instead."""
    shown = ", ".join(sorted(f"{v}%" if k == "%" else f"Rs {v}" for k, v in differing))
    source = _sources(secondary, with_type=True) or "a source"
    return (
        f"The sources disagree: {shown} comes from {source}, which is not a guideline or "
        f"circular; the guidelines do not say so and lead this answer: "
        f"{_sources(primary, with_type=False)}."
    )


_GENERIC_TITLE = frozenset(
    tokenize("scheme schemes yojana programme program the of for and in to under a an")
)


def names_document(question: str, doc: SourceDoc) -> bool:
    """Whether the question names this document: its title's short form ("NEEDS", "PMEGP")
    as a word of the question, or most of its title's own words (not "scheme", "yojana")."""
    title = doc.title
    shorts = {acronym(title), *re.findall(r"\(([A-Z][A-Za-z-]*[A-Z])\)", title)} - {""}
    if any(re.search(rf"\b{re.escape(short)}\b", question) for short in shorts):
        return True
    words = set(tokenize(title)) - _GENERIC_TITLE
    return bool(words) and len(words & set(tokenize(question))) / len(words) >= 0.6
