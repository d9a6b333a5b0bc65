"""Structure-aware chunking. A chunk never crosses a page; it starts at a heading where
there is one; a table's rows stay together and every chunk that continues a table carries
the table's header row; long paragraphs split at sentence ends. Each chunk is an exact span
of its page's text, so its offsets can be quoted and highlighted later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.core.text import bounded, is_table_row, sentence_spans
from retrieval.core.types import Chunk, Page

_NUMBERED_HEADING = re.compile(
    r"^(?:#{1,6}\s+.+|(?:chapter|part|section|annexure|annex|appendix|schedule)\b.{0,80}|"
    r"(?:\d{1,2}(?:\.\d{1,2}){1,2}\.?|\d{1,2}\.|[A-Z]\.|\([a-z]\)|[IVX]{1,5}\.)\s+[A-Z][^.]{2,80})$",
    re.IGNORECASE,
)
_MD_TABLE_RULE = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?$")


@dataclass
class _Unit:
    kind: str  # "heading", "row", "text"
    start: int
    end: int


def is_heading(line: str) -> bool:
    words = line.split()
    if not words or len(words) > 14 or len(line) > 120:
        return False
    if line.startswith("#"):
        return True
    if line.rstrip()[-1] in ".,;" and not re.match(r"^\d{1,2}(?:\.\d{1,2}){0,2}\.?\s", line):
        return False
    if _NUMBERED_HEADING.match(line) and not is_table_row(line):
        return len(words) <= 12
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters) and len(words) <= 10


def _units(text: str) -> list[_Unit]:
    """Lines grouped into headings, table rows and paragraphs, with offsets into `text`."""
    units: list[_Unit] = []
    pos = 0
    para: _Unit | None = None
    previous = ""
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        stripped = line.strip()
        if not stripped:
            para = None
            previous = ""
            continue
        # a long line that does not end a sentence wraps onto this one: no heading here
        continues = len(previous) > 60 and previous[-1] not in ".:;?!"
        previous = stripped
        if is_table_row(stripped) or _MD_TABLE_RULE.match(stripped):
            units.append(_Unit("row", start, end))
            para = None
        elif is_heading(stripped) and not continues:
            units.append(_Unit("heading", start, end))
            para = None
        elif para is not None:
            para.end = end
        else:
            para = _Unit("text", start, end)
            units.append(para)
    return units


def _split_long(text: str, unit: _Unit, limit: int) -> list[_Unit]:
    """Cut a unit longer than `limit` at sentence ends, else at spaces."""
    pieces: list[_Unit] = []
    for s, e in sentence_spans(text, unit.start, unit.end):
        while e - s > limit:
            cut = text.rfind(" ", s, s + limit)
            cut = cut if cut > s else s + limit
            pieces.append(_Unit(unit.kind, s, cut))
            s = cut + 1
        if e > s:
            pieces.append(_Unit(unit.kind, s, e))
    return pieces


def chunk_page(
    doc_id: str,
    page: Page,
    limit: int,
    section: str = "",
    first_index: int = 0,
    max_header: int = 300,
) -> tuple[list[Chunk], str]:
    """Chunks of one page, and the section that is open at its end (it carries over)."""
    text = page.text
    chunks: list[Chunk] = []
    current: list[_Unit] = []
    current_section = section
    chunk_section = section
    table_header = ""  # header row of the table the current rows belong to
    chunk_header = ""

    def flush() -> None:
        nonlocal current, chunk_header
        if not current:
            return
        start, end = current[0].start, current[-1].end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            index = first_index + len(chunks)
            chunks.append(
                Chunk(
                    chunk_id=Chunk.make_id(doc_id, page.number, index),
                    doc_id=doc_id,
                    text=text[start:end],
                    page=page.number,
                    section=chunk_section,
                    char_start=start,
                    char_end=end,
                    index=index,
                    ocr=page.ocr,
                    table_header=chunk_header,
                )
            )
        current = []
        chunk_header = ""

    def size_with(unit: _Unit) -> int:
        return (unit.end - current[0].start) if current else (unit.end - unit.start)

    units = _units(text)
    for i, unit in enumerate(units):
        if unit.kind == "heading":
            flush()
            current_section = re.sub(r"^#+\s*", "", text[unit.start : unit.end]).strip()
            chunk_section = current_section
            table_header = ""
            current = [unit]
            continue
        if unit.kind == "row":
            starts_table = i == 0 or units[i - 1].kind != "row"
            if starts_table:
                table_header = bounded(text[unit.start : unit.end].strip(), max_header)
                prev = units[i - 1] if i else None
                # a caption-like line just before the first row is part of the header
                if prev is not None and prev.kind == "text" and prev.end - prev.start < 200:
                    table_header = bounded(text[prev.start : unit.end].strip(), max_header)
                if current and size_with(unit) > limit // 2 and current[-1] is not prev:
                    flush()
            if current and size_with(unit) > limit:
                flush()
                chunk_section = current_section
                if not starts_table:
                    chunk_header = table_header
            current.append(unit)
            continue
        # a paragraph
        table_header = ""
        fits = not current or size_with(unit) <= limit
        small_start = bool(current) and current[-1].end - current[0].start < limit // 3
        whole = unit.end - unit.start <= limit and (fits or not small_start)
        pieces = [unit] if whole else _split_long(text, unit, limit)
        for piece in pieces:
            if current and size_with(piece) > limit:
                flush()
                chunk_section = current_section
            if not current:
                chunk_section = current_section
            current.append(piece)
    flush()
    return chunks, current_section


def chunk_document(
    doc_id: str, pages: list[Page], limit: int, max_header: int = 300
) -> list[Chunk]:
    """Chunks of every page; a table header carried with a chunk is at most `max_header`
    characters (a whole 'row' of a million digits must not ride on every chunk)."""
    chunks: list[Chunk] = []
    section = ""
    for page in pages:
        page_chunks, section = chunk_page(doc_id, page, limit, section, len(chunks), max_header)
        chunks.extend(page_chunks)
    return chunks
