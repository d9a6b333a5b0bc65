"""The shared, frozen data types. One chunk type for the whole project."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

DOC_TYPES = (
    "paper",
    "article",
    "scheme_guideline",
    "scheme_record",
    "circular",
    "scheme_report",
    "reference",
)
STATUSES = ("current", "superseded")


@dataclass(frozen=True)
class SourceDoc:
    """One document: identified by the hash of its bytes, described by the manifest or by itself."""

    doc_id: str  # sha256 of the file's bytes (hex, first 16 characters)
    path: str  # path relative to the corpus root (or absolute when outside it)
    title: str
    doc_type: str
    sha256: str
    publisher: str = ""
    date: str = ""  # ISO-like: YYYY, YYYY-MM or YYYY-MM-DD; "" when unknown
    status: str = "current"
    official_url: str = ""
    # Scheme records (and anything else that has them).
    state: str = ""
    department: str = ""
    scheme_type: str = ""
    beneficiary: str = ""
    tags: tuple[str, ...] = ()
    source_urls: tuple[str, ...] = ()
    metadata_source: str = "derived"  # "manifest" or "derived"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Page:
    """The cleaned text of one page. `number` counts from 1; 0 means the format has no pages
    (text, Markdown, web pages, scheme records), where `section`s locate the text instead."""

    number: int
    text: str
    ocr: bool = False


@dataclass(frozen=True)
class Chunk:
    """A passage that never crosses a page: `text == page.text[char_start:char_end]`."""

    chunk_id: str  # f"{doc_id}:p{page}:c{index}"
    doc_id: str
    text: str
    page: int
    section: str
    char_start: int
    char_end: int
    index: int  # position within the document
    ocr: bool = False
    table_header: str = ""  # the header row, when the chunk continues a table

    @staticmethod
    def make_id(doc_id: str, page: int, index: int) -> str:
        return f"{doc_id}:p{page}:c{index}"


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk and its score: higher is better (see `retrieval.store`)."""

    chunk: Chunk
    doc: SourceDoc
    score: float
    extra: dict[str, Any] = field(default_factory=dict)
