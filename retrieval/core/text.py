"""Sentence spans: used by chunking (to split long paragraphs) and by answers (to quote).

Rule-based, tuned for Indian government and academic English: no split after common
abbreviations ("Rs.", "No.", "Govt.", "i.e."), initials ("A. Sultana"), or clause numbers
("11.6", "2."), so a quoted sentence is a whole sentence.
"""

from __future__ import annotations

import re

from retrieval.core.types import Chunk

ABBREVIATIONS = {
    "rs",
    "no",
    "nos",
    "dr",
    "mr",
    "mrs",
    "ms",
    "sh",
    "smt",
    "shri",
    "viz",
    "ie",
    "eg",
    "etc",
    "vs",
    "govt",
    "dept",
    "ltd",
    "pvt",
    "co",
    "st",
    "sr",
    "jr",
    "prof",
    "approx",
    "fig",
    "vol",
    "art",
    "sec",
    "cl",
    "para",
    "annex",
    "dt",
    "ref",
    "inc",
    "corp",
    "max",
    "min",
    "hon",
    "ph",
    "tel",
    "sl",
    "s.no",
    "u/s",
    "w.e.f",
    "wef",
    "p.a",
    "pa",
    "e.g",
    "i.e",
    "al",
    "cf",
    "ch",
}

_BOUNDARY = re.compile(r"([.?!])([\"'”’)\]]*)(\s+)(?=[\"'“‘(\[]?[A-Z0-9\u0900-\u097f])")
_NEWLINE_BOUNDARY = re.compile(
    r"\n\s*\n"  # a blank line
    r"|\n(?=[ \t]*(?:[•▪◦●*-]|\(?[ivx]{1,4}[.)]|\([a-z]\)|[a-z]\.|\(?\d{1,2}[.)])\s)"  # a list item
    r"|\n(?=[ \t]*#{1,6}\s)"  # a Markdown heading
)


def _is_false_boundary(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    start = dot
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in "([":
        start -= 1
    word = text[start:dot].lower().strip("\"'“‘")
    if word in ABBREVIATIONS or word.replace(".", "") in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():  # an initial: "A. Sultana"
        return True
    return bool(re.fullmatch(r"\(?[0-9ivxlc]{1,4}(?:\.[0-9]+)*\)?", word))  # "2." "11.6" "iv."


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of text[start:end], whitespace trimmed."""
    end = len(text) if end is None else end
    cuts = [start]
    for block in _NEWLINE_BOUNDARY.finditer(text, start, end):
        cuts.append(block.end())
    for match in _BOUNDARY.finditer(text, start, end):
        if not _is_false_boundary(text, match.start(1)):
            cuts.append(match.start(3))
    cuts = sorted(set(cuts)) + [end]
    spans = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))
    return spans


DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Text a tokenizer and a terminal can take: a lone surrogate (from a broken paste or a
    mis-decoded file name) becomes U+FFFD; everything else is left as it is."""
    return _SURROGATE.sub("\ufffd", text)


_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")  # terminal colour codes and the like
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_question(text: str) -> str:
    """A question as typed or pasted, made plain: `clean_text`, terminal escape codes dropped,
    other control characters read as spaces, runs of spaces made one."""
    text = _CONTROL.sub(" ", _ANSI.sub("", clean_text(text)))
    return re.sub(r"[ \t]+", " ", text).strip()


_NUMBER = re.compile(r"^[(\[]?[-+]?(?:rs\.?|₹)?\d[\d,]*(?:\.\d+)?%?[)\]]?$", re.IGNORECASE)


def is_table_row(line: str) -> bool:
    """Tab- or pipe-separated cells, or a line whose words are mostly numbers (PDF tables)."""
    if "\t" in line or (line.startswith("|") and line.count("|") >= 2):
        return True
    tokens = line.split()
    numbers = sum(1 for t in tokens if _NUMBER.match(t))
    return numbers >= 2 and numbers / len(tokens) >= 0.4


def bounded(text: str, max_chars: int) -> str:
    """`text` cut to `max_chars` at a space where one is near, with '…' when cut."""
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", max_chars // 2, max_chars - 1)
    return text[: cut if cut > 0 else max_chars - 1].rstrip() + "…"


# -- a chunk's text as each part reads it: composed here, once --------------------------
def acronym(title: str) -> str:
    """'Prime Minister's Employment Generation Programme' -> 'PMEGP', so a question that uses
    the short name matches a document that spells it out."""
    words = [w for w in re.findall(r"[A-Za-z][\w']*", title) if w[0].isupper()]
    return "".join(w[0] for w in words) if len(words) >= 3 else ""


def passage_text(
    title: str, section: str, table_header: str, body: str, with_acronym: bool = False
) -> str:
    """A passage with what says what it is about: its document's title (and, for the word
    features, the title's acronym), section and table header, one per line. What BM25
    indexes, what re-scoring and the reader count words in, and what a judge reads."""
    parts = (title, acronym(title) if with_acronym else "", section, table_header, body)
    return "\n".join(part for part in parts if part)


def embedding_text(chunk: Chunk, title: str) -> str:
    """What both indexes embed: 'title — section', the table header, the text; so a passage
    like '1. JAMMU&KASHMIR 73125 0.70' still says what it is about."""
    head = " — ".join(part for part in (title, chunk.section) if part)
    return "\n".join(part for part in (head, chunk.table_header, chunk.text) if part)


# Capitalised words that name nothing in particular here: question words, sentence openers,
# the field's generic terms and the months. Neither "names in the question that no passage
# mentions" (abstention) nor "names in a sentence that its passage lacks" (the support
# check) counts them. One list for both; `FIELD_NAMES` below is the one difference.
NOT_NAMES = frozenset(
    {
        "According",
        "Also",
        "Among",
        "Annexure",
        "April",
        "Are",
        "August",
        "Bank",
        "Banks",
        "Both",
        "Can",
        "Category",
        "Central",
        "Class",
        "December",
        "Does",
        "Enterprise",
        "Enterprises",
        "February",
        "For",
        "From",
        "Government",
        "How",
        "India",
        "Indian",
        "Is",
        "January",
        "July",
        "June",
        "March",
        "Medium",
        "Micro",
        "Ministry",
        "National",
        "November",
        "October",
        "Only",
        "Rs",
        "Rupees",
        "Scheme",
        "Schemes",
        "September",
        "Small",
        "State",
        "States",
        "Such",
        "The",
        "These",
        "This",
        "Those",
        "Under",
        "What",
        "When",
        "Where",
        "Which",
        "Who",
        "Why",
        "With",
    }
)
# The field's own name. Every passage here is about MSMEs, so a question naming them asks
# about nothing the documents lack (abstention ignores it); but a sentence that says
# something is an MSME must find the word in its passage (the support check keeps it: 2 of
# the 69 labelled pairs turn on it, `python -m bench.support_check`).
FIELD_NAMES = frozenset({"MSME", "MSMEs"})
