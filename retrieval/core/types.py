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


def location(page: int, section: str) -> str:
    """'page 4', or for unpaged documents the section: 'section “Eligibility”'."""
    return f"page {page}" if page else f"section “{section or 'text'}”"


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
    original_name: str = ""  # an upload's own name, when it is stored under another
    flagged: str = ""  # text in it that addresses an AI assistant: it is never quoted

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Page:
    """The cleaned text of one page. `number` counts from 1; 0 means the format has no pages
    (text, Markdown, web pages, scheme records), where `section`s locate the text instead."""

    number: int
    text: str
    ocr: bool = False
    label: str = ""  # the page number printed on it, when it differs from `number`


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

    @property
    def location(self) -> str:
        return location(self.page, self.section)

    @staticmethod
    def make_id(doc_id: str, page: int, index: int) -> str:
        return f"{doc_id}:p{page}:c{index}"


@dataclass(frozen=True)
class Features:
    """What the re-scoring of a candidate passage reads (`retrieval.search.ranking`); each is
    in [0, 1] except `similarity`, a cosine in [-1, 1]."""

    fused: float = 0.0  # reciprocal-rank fusion, scaled so the best candidate has 1
    similarity: float = 0.0  # cosine to the question in the space searched
    bm25: float = 0.0  # BM25, scaled so the best candidate has 1
    coverage: float = 0.0  # share of the question's content words in the passage
    numbers: float = 0.0  # share of the question's numbers in the passage
    phrase: float = 0.0  # longest run of question words in the passage, as a share of them


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk and its score: higher is better. The store converts Chroma's
    distances once (`retrieval.core.store`); a re-scored hit carries its `features`."""

    chunk: Chunk
    doc: SourceDoc
    score: float
    features: Features | None = None


@dataclass(frozen=True)
class Citation:
    """One cited source: where it is, what it says, and whether it is still current."""

    marker: int  # the [n] in the answer text
    chunk_id: str
    doc_id: str
    title: str
    path: str
    doc_type: str
    page: int  # 0: the document has no pages; see `section`
    section: str
    quotes: tuple[str, ...]  # the cited sentences, verbatim
    spans: tuple[tuple[int, int], ...]  # their offsets into the page text
    official_url: str = ""
    source_urls: tuple[str, ...] = ()
    date: str = ""
    status: str = "current"
    ocr: bool = False

    @property
    def location(self) -> str:
        return location(self.page, self.section)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["location"] = self.location
        return data


@dataclass(frozen=True)
class AnswerSentence:
    text: str
    markers: tuple[int, ...]  # citations it rests on
    supported: bool = True  # False: the support check found it not backed by its citations

    @property
    def marked(self) -> str:
        """The sentence with its markers: 'Rs 4.2 lakh. [3]'; alone when it cites nothing."""
        return f"{self.text} {''.join(f'[{m}]' for m in self.markers)}".strip()


@dataclass(frozen=True)
class Answer:
    """What the chain returns: the text with its markers, and everything needed to check it."""

    question: str
    standalone_question: str
    text: str
    sentences: tuple[AnswerSentence, ...]
    citations: tuple[Citation, ...]
    passages: tuple[Hit, ...]  # what was retrieved, best first
    abstained: bool
    generator: str
    notes: tuple[str, ...] = ()  # e.g. a superseded source was used; sources are in English
    relevance: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "text": self.text,
            "abstained": self.abstained,
            "generator": self.generator,
            "notes": list(self.notes),
            "relevance": round(self.relevance, 4),
            "sentences": [asdict(s) for s in self.sentences],
            "citations": [c.to_dict() for c in self.citations],
            "passages": [
                {
                    "rank": rank,
                    "score": round(hit.score, 4),
                    "chunk_id": hit.chunk.chunk_id,
                    "title": hit.doc.title,
                    "path": hit.doc.path,
                    "page": hit.chunk.page,
                    "section": hit.chunk.section,
                    "status": hit.doc.status,
                    "text": hit.chunk.text,
                }
                for rank, hit in enumerate(self.passages, 1)
            ],
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
        }
