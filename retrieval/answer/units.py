"""Quotable units of a passage: its sentences and table rows, each an exact span of the page
text, with the row read with its header ("Name of State/UT: ASSAM; Number of units: 194379")
and list items and headings marked as fragments. What the extractive reader and the local
LLM choose from."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.core.text import is_table_row, sentence_spans
from retrieval.core.types import Hit

_ROW_SPLIT = re.compile(r"\t+|\s*\|\s*")
_DELIMITED = re.compile(r"\t|^\s*\|")
_HAS_LETTER = re.compile(r"[^\W\d_]")
# a figure of a row, not a year (a header of years is a header) nor a year span
_FIGURES = re.compile(r"(?<![\w.-])(?!(?:19|20)\d\d(?![\d,.]))\d[\d,]*(?:\.\d+)?%?(?![\w.-])")
_LIST_MARK = re.compile(r"^(?:[•▪◦●*-]|l(?=\s)|\(?[ivx]{1,4}[.)]|\([a-z]\)|[a-z]\.)\s+")
# a list item whose mark a tab parts from its text ("l\t NIC-2008 is comparable with ...",
# a Wingdings bullet read as "l"): a sentence, not a row of two cells
_TABBED_ITEM = re.compile(r"^\s*(?:[l•▪◦●○§Øü*-]|\(?[ivx]{1,4}[.)]|\(?[a-z][.)])\t+[^\t]*\S[^\t]*$")


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
    brief: bool = False  # a marked list item of under four words ("- Aadhaar Card"): not
    # scored on its own, quoted only with the list it is in


def _cells(line: str) -> list[str]:
    return [c.strip() for c in _ROW_SPLIT.split(line.strip().strip("|")) if c.strip()]


def render_row(row: str, header: str) -> str:
    """'8.\\tASSAM\\t194379\\t1.85' under 'S.L. No\\tName of State/UT\\t...' reads as
    'S.L. No 8.; Name of State/UT: ASSAM; ...' when the cells line up, else 'header: row'."""
    header_line = header.strip().split("\n")[-1] if header else ""
    cells, names = _cells(row), _cells(header_line)
    if len(_FIGURES.findall(header_line)) >= 2:
        names = []  # the line above is a row of the table itself, not its header
    if names and len(cells) == len(names):
        said = "; ".join(f"{n}: {c}" for n, c in zip(names, cells, strict=True))
        return said + ("" if said.endswith(".") else ".")  # "Employment: 55000 Nos."
    return " ".join(cells) + ("." if cells and not cells[-1].endswith(".") else "")


_FIELD = re.compile(r"^\s*[A-Z][\w&/()' -]{0,40}:\s+\S")


# a code and its name, a line of a list of codes ("12002 Manufacture of bidi", NIC 2008)
_CODED = re.compile(r"^\s*\d{2,6}\s+[A-Z(]")
_SMALL_WORDS = frozenset(["of", "and", "the", "in", "for", "to", "or", "with", "on", "by"])


def _tab_spaced(line: str) -> bool:
    """A line of prose whose words a PDF parted with tabs ("131\t Spinning,\tweaving\tand
    \tfinishing\tof\ttextiles"): text, not a row of a dozen one-word cells."""
    cells = [c.strip() for c in line.split("\t") if c.strip()]
    return (
        len(cells) >= 4
        and sum(len(c.split()) == 1 for c in cells) >= 0.8 * len(cells)
        and any(c.lower() in _SMALL_WORDS for c in cells)
    )


def _is_row(line: str) -> bool:
    return is_table_row(line) and not _tab_spaced(line)


def _fields(lines: list[str]) -> set[int]:
    """The lines of a run of two or more "Label: value" lines, or of codes and their names,
    with no sentence end (a scheme record's overview, a unit's particulars, a list of
    activity codes): each is read on its own, not as one run-on sentence of them all."""
    open_ended = [line.rstrip()[-1:] not in ".;?!" and not _is_row(line.strip()) for line in lines]
    found: set[int] = set()
    for pattern in (_FIELD, _CODED):  # a run is of one kind: a year opening a line that
        # wraps a "Subject: ..." line is not a code
        candidate = [
            fits and bool(pattern.match(line)) for line, fits in zip(lines, open_ended, strict=True)
        ]
        for n, is_field in enumerate(candidate):
            if is_field and (
                (n > 0 and candidate[n - 1]) or (n + 1 < len(lines) and candidate[n + 1])
            ):
                found.add(n)
    return found


# a sum or a count closing the line: not a share alone ("Above 3%" is a wrapped cell's
# label) nor a year ("Source: Annual Report 2023")
_LAST_FIGURE = re.compile(r"\s(?:Rs\.?\s*|₹\s*)?(?!(?:19|20)\d\d\s*$)\d[\d,]*(?:\.\d+)?\s*$")


def _short_row(line: str) -> bool:
    """A line under a table's rows that is a row with one figure: a short label and the
    figure it ends with ("Total 18,24,021" closing a PDF table, whose one number does not
    make it look like a row by itself)."""
    words = line.split()
    return (
        2 <= len(words) <= 6
        and bool(_LAST_FIGURE.search(line))
        and bool(_HAS_LETTER.search(words[0]))
    )


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
            brief = 0 < words < 4 and bool(_LIST_MARK.match(quote.strip()))
            if (words >= 4 or brief) and not quote.startswith("#"):
                fragment = flat[-1] not in ".;:?!\"'”" and (words < 12 or "\n" in quote.strip())
                units.append(
                    Unit(
                        hit_index,
                        chunk.char_start + s,
                        chunk.char_start + e,
                        quote,
                        flat,
                        fragment=fragment or brief,
                        brief=brief,
                    )
                )
        block_start = None

    last_header = ""  # the header of the table a short label block interrupts
    lines = text.split("\n")
    fields = _fields(lines)
    for n, line in enumerate(lines):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        if n in fields:  # "State: Karnataka" / "Department: ...": one unit each, not one
            close_block(start)  # run-on sentence of every field
            in_table = False
            previous_text = line
            block_start = start
            close_block(end)
            continue
        if _TABBED_ITEM.match(line):  # an item opens its own sentence; the lines that
            close_block(start)  # wrap it go on in it
            in_table = False
            previous_text = line
            block_start = start
            continue
        if _is_row(line.strip()) or (in_table and _short_row(line)):
            label = text[block_start:start] if block_start is not None else ""
            if (
                block_start is not None
                and last_header
                and label
                and not _HAS_LETTER.search(line)
                and len(label) <= 400
                and label.count("\n") <= 5
            ):
                # a row whose label wraps over lines above its figures ("Special Category
                # (including SC, ST, ...)\netc.\n05% 25% 35%"): one row, label and figures
                row = " ".join(f"{' '.join(label.split())} {line.strip()}".split())
                units.append(
                    Unit(
                        hit_index,
                        chunk.char_start + block_start,
                        chunk.char_start + end,
                        text[block_start:end],
                        render_row(row, last_header),
                        is_row=True,
                    )
                )
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
                Unit(
                    hit_index,
                    chunk.char_start + start,
                    chunk.char_start + end,
                    line,
                    render_row(line, header),
                    is_row=True,
                )
            )
            last_header = header
        elif line.lstrip().startswith("#"):  # a Markdown heading is no sentence, and the
            # sentence under it is not part of it ("## Details\nUnder this scheme ... a loan
            # of ₹50,000/- with a 4% rate of interest ..." lost that sentence)
            close_block(start)
            in_table = False
            previous_text = line
        else:
            in_table = False
            previous_text = line
            if block_start is None:
                block_start = start
    close_block(len(text))
    return units
