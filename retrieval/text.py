"""Sentence spans: used by chunking (to split long paragraphs) and by answers (to quote).

Rule-based, tuned for Indian government and academic English: no split after common
abbreviations ("Rs.", "No.", "Govt.", "i.e."), initials ("A. Sultana"), or clause numbers
("11.6", "2."), so a quoted sentence is a whole sentence.
"""

from __future__ import annotations

import re

ABBREVIATIONS = {
    "rs", "no", "nos", "dr", "mr", "mrs", "ms", "sh", "smt", "shri", "viz", "ie", "eg", "etc",
    "vs", "govt", "dept", "ltd", "pvt", "co", "st", "sr", "jr", "prof", "approx", "fig", "vol",
    "art", "sec", "cl", "para", "annex", "dt", "ref", "inc", "corp", "max", "min", "hon", "ph",
    "tel", "sl", "s.no", "u/s", "w.e.f", "wef", "p.a", "pa", "e.g", "i.e", "al", "cf", "ch",
}  # fmt: skip

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
_NUMBER = re.compile(r"^[(\[]?[-+]?(?:rs\.?|₹)?\d[\d,]*(?:\.\d+)?%?[)\]]?$", re.IGNORECASE)


def is_table_row(line: str) -> bool:
    """Tab- or pipe-separated cells, or a line whose words are mostly numbers (PDF tables)."""
    if "\t" in line or (line.startswith("|") and line.count("|") >= 2):
        return True
    tokens = line.split()
    numbers = sum(1 for t in tokens if _NUMBER.match(t))
    return numbers >= 2 and numbers / len(tokens) >= 0.4
