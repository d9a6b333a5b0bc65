"""One loader per format. Each returns the document's cleaned, numbered pages and the
metadata it can tell about itself; the pipeline lays the manifest's metadata over that.

Every failure is an `IngestError` naming the file, what is wrong and what to do.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ingest import clean
from ingest.ocr import ocr_pdf_pages
from retrieval.core.errors import IngestError
from retrieval.core.settings import Settings
from retrieval.core.types import Page

log = logging.getLogger(__name__)
logging.getLogger("pypdf").setLevel(logging.ERROR)  # font warnings would drown the report


@dataclass
class Loaded:
    pages: list[Page]
    meta: dict[str, Any] = field(default_factory=dict)  # SourceDoc fields it could derive


LoaderFn = Callable[[Path, bytes, str, Settings], Loaded]


# --- text ----------------------------------------------------------------------------------
def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else the encoding charset-normalizer
    is sure of; binary data and text no encoding fits are refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError(path, f"has a UTF-16 mark but is not UTF-16 ({exc})") from exc
    if b"\x00" in data[:4096]:
        raise IngestError(path, "contains NUL bytes: it is binary, not text; check its type")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None or best.chaos > 0.2:
            raise IngestError(
                path,
                f"cannot be decoded as text (not UTF-8: {utf8_error.reason} at byte "
                f"{utf8_error.start}, and no other encoding fits); save it as UTF-8",
            ) from utf8_error
        log.info("%s decoded as %s", path, best.encoding)
        return str(best)


def _first_line_title(text: str, max_chars: int = 300) -> str:
    """The first line, if it is short enough to be a title (a heading, not a paragraph or a
    run of characters with no spaces); else ''."""
    for line in text.split("\n", 50)[:50]:
        line = line.strip().lstrip("#").strip()
        if line:
            return line if len(line.split()) <= 20 and len(line) <= max_chars else ""
    return ""


def load_text(path: Path, data: bytes, sha256: str, settings: Settings) -> Loaded:
    text = clean.normalise(decode_text(path, data))
    title = _first_line_title(text, settings.max_prefix_chars)
    if clean.looks_like_saved_web_page(text):
        text = clean.main_text_of_saved_page(text)
        title = _first_line_title(text, settings.max_prefix_chars) or title
    if not text.strip():
        raise IngestError(path, "has no text; nothing to ingest")
    return Loaded([Page(0, text)], {"title": title})


def load_markdown(path: Path, data: bytes, sha256: str, settings: Settings) -> Loaded:
    text = clean.normalise(decode_text(path, data))
    if not text.strip():
        raise IngestError(path, "has no text; nothing to ingest")
    heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    title = (
        heading.group(1).strip() if heading else _first_line_title(text, settings.max_prefix_chars)
    )
    return Loaded([Page(0, text)], {"title": title})


# --- HTML ----------------------------------------------------------------------------------
_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])")
_ESCAPED = re.compile(r"\\([\[\]()*_#`>|-])")
_RULE_LINE = re.compile(r"^[ \t]*[*_-]{3,}[ \t]*$", re.MULTILINE)  # Markdown rules


def load_html(path: Path, data: bytes, sha256: str, settings: Settings) -> Loaded:
    import trafilatura

    html = decode_text(path, data)
    extracted = trafilatura.extract(
        html,
        output_format="markdown",
        include_tables=True,
        include_links=False,
        include_images=False,
        include_comments=False,
        deduplicate=True,
    )
    if not extracted or not extracted.strip():
        raise IngestError(path, "no main text found in this HTML page (is it a script-only page?)")
    text = _EMPHASIS.sub(lambda m: m.group(2) or m.group(3), extracted)
    text = clean.normalise(_RULE_LINE.sub("", _ESCAPED.sub(r"\1", text)))
    meta: dict[str, Any] = {}
    info = trafilatura.extract_metadata(html)
    if info is not None:
        site = info.sitename or ""
        meta = {
            "title": info.title or "",
            "date": info.date or "",
            "publisher": "" if "archive.org" in site else site,
        }
        if info.url and "web.archive.org" not in info.url:
            meta["official_url"] = info.url
    return Loaded([Page(0, text)], {k: v for k, v in meta.items() if v})


# --- scheme records ------------------------------------------------------------------------
SCHEME_SECTIONS = (
    ("details", "Details"),
    ("benefits", "Benefits"),
    ("eligibility", "Eligibility"),
    ("exclusions", "Exclusions"),
    ("application_process", "Application Process"),
    ("documents_required", "Documents Required"),
)


def _as_lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [line for item in value for line in _as_lines(item)]
    if isinstance(value, dict):
        return [f"{k}: {v}" for k, v in value.items() if v]
    return [str(value)]


class _SchemeSource(BaseModel):
    model_config = ConfigDict(extra="allow")
    url: str | None = None


_Section = str | list[str | dict[str, Any]] | None


class _SchemeContent(BaseModel):
    """The fields Karigar reads from a scheme record's "content"; others are kept out."""

    model_config = ConfigDict(extra="ignore")
    title: str
    state: str | None = None
    department: str | None = None
    type: str | None = None
    beneficiary: str | None = None
    tags: list[str] | None = None
    sources: list[_SchemeSource] | None = None
    details: _Section = None
    benefits: _Section = None
    eligibility: _Section = None
    exclusions: _Section = None
    application_process: _Section = None
    documents_required: _Section = None

    @field_validator("title")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the scheme's title is blank")
        return value


class _SchemeRecord(BaseModel):
    model_config = ConfigDict(extra="ignore")
    content: _SchemeContent


def _depth(value: Any, limit: int) -> int:
    """How deep `value` nests, counting no further than `limit` + 1 (no recursion)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, depth = todo.pop()
        deepest = max(deepest, depth)
        if depth > limit:
            return depth
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        )
        todo.extend((child, depth + 1) for child in children)
    return deepest


def _too_deep(path: Path, settings: Settings) -> IngestError:
    return IngestError(
        path,
        f"is JSON nested deeper than the {settings.max_json_depth} limit "
        "(KARIGAR_MAX_JSON_DEPTH); a scheme record nests a few levels",
    )


def _field_problem(exc: ValidationError) -> str:
    """The wrong field as a path ('content.benefits[2]') and what was wrong: of a union's
    alternatives, the one that reached deepest."""
    error = max(exc.errors(), key=lambda e: len(e["loc"]))
    parts: list[str] = []
    for part in error["loc"]:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part.isidentifier() and part not in {"str", "dict", "list", "none"}:
            parts.append(("." if parts else "") + part)
    return f"{''.join(parts) or 'the record'}: {error['msg']}"


def load_scheme_json(path: Path, data: bytes, sha256: str, settings: Settings) -> Loaded:
    try:
        record = json.loads(decode_text(path, data))
    except json.JSONDecodeError as exc:
        raise IngestError(path, f"is not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    except RecursionError as exc:  # deeper than the parser goes: deeper than any limit
        raise _too_deep(path, settings) from exc
    if _depth(record, settings.max_json_depth) > settings.max_json_depth:
        raise _too_deep(path, settings)
    if not isinstance(record, dict) or not isinstance(record.get("content"), dict):
        raise IngestError(
            path,
            'is JSON but not a scheme record: expected {"content": {"title": ..., "details": ..., '
            '"benefits": [...], ...}}',
        )
    try:
        _SchemeRecord.model_validate(record)
    except ValidationError as exc:
        raise IngestError(
            path, f"is a scheme record with a wrong field: {_field_problem(exc)}; fix that field"
        ) from exc
    return _scheme_record(path, record)


def _scheme_record(path: Path, record: Any) -> Loaded:
    content = record.get("content") if isinstance(record, dict) else None
    if not isinstance(content, dict) or not str(content.get("title", "")).strip():
        raise IngestError(
            path,
            'is JSON but not a scheme record: expected {"content": {"title": ..., "details": ..., '
            '"benefits": [...], ...}}',
        )
    title = str(content["title"]).strip()
    overview = [
        f"{label}: {content[key]}"
        for key, label in (
            ("state", "State"),
            ("department", "Department"),
            ("type", "Type"),
            ("beneficiary", "Beneficiary"),
        )
        if str(content.get(key) or "").strip()
    ]
    tags = [str(t).strip() for t in content.get("tags") or [] if str(t).strip()]
    if tags:
        overview.append("Tags: " + ", ".join(tags))
    blocks = [title, "## Overview\n" + "\n".join(overview)] if overview else [title]
    for key, label in SCHEME_SECTIONS:
        lines = _as_lines(content.get(key))
        if not lines:
            continue
        body = (
            "\n".join(f"- {line}" for line in lines)
            if isinstance(content.get(key), list)
            else ("\n".join(lines))
        )
        blocks.append(f"## {label}\n{body}")
    text = clean.normalise("\n\n".join(blocks))
    urls = tuple(
        str(s.get("url")).strip()
        for s in content.get("sources") or []
        if isinstance(s, dict) and s.get("url")
    )
    meta = {
        "title": title,
        "doc_type": "scheme_record",
        "state": str(content.get("state") or ""),
        "department": str(content.get("department") or ""),
        "scheme_type": str(content.get("type") or ""),
        "beneficiary": str(content.get("beneficiary") or ""),
        "tags": tuple(tags),
        "source_urls": urls,
        "official_url": urls[0] if urls else "",
        "publisher": str(content.get("department") or ""),
    }
    return Loaded([Page(0, text)], meta)


# --- PDF -----------------------------------------------------------------------------------
def _has_image(page: Any) -> bool:
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources else None
        if not xobjects:
            return False
        xobjects = xobjects.get_object()
        return any(xobjects[k].get_object().get("/Subtype") == "/Image" for k in xobjects)
    except Exception:  # a damaged resource dictionary: assume an image, OCR decides
        return True


def needs_ocr(page: Any, text: str, min_words: int) -> bool:
    """A PDF page Tesseract must read: an image on it and fewer usable words than
    `min_words` in its text layer (`text`)."""
    return _usable_words(text) < min_words and _has_image(page)


def _usable_words(text: str) -> int:
    return len(clean.WATERMARKS.sub(" ", text).split())


_JUNK_TITLE = re.compile(
    r"^(?:untitled|new doc|microsoft word|document\d*|scan|img)|\.\w{2,4}$", re.I
)


def load_pdf(path: Path, data: bytes, sha256: str, settings: Settings) -> Loaded:
    import io

    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    if not data.lstrip()[:5].startswith(b"%PDF-"):
        raise IngestError(path, "is named .pdf but is not a PDF (no %PDF- header); check the file")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:
                raise IngestError(path, f"is encrypted and cannot be opened ({exc})") from exc
            if not opened:
                raise IngestError(
                    path,
                    "is encrypted with a password: save an unprotected copy (for example "
                    "`qpdf --decrypt --password=PASSWORD in.pdf out.pdf`) and ingest that",
                )
        n_pages = len(reader.pages)
    except IngestError:
        raise
    except (PdfReadError, FileNotDecryptedError, Exception) as exc:
        raise IngestError(
            path,
            f"is not a readable PDF ({type(exc).__name__}: {exc}); it may be truncated "
            "or corrupt: get a fresh copy",
        ) from exc
    if n_pages == 0:
        raise IngestError(path, "is a PDF with no pages")
    if n_pages > settings.max_pages:
        raise IngestError(
            path,
            f"has {n_pages:,} pages, over the {settings.max_pages:,} limit (KARIGAR_MAX_PAGES); "
            "split it or raise the limit",
        )
    texts: list[str] = []
    ocr_flags: list[bool] = []
    for index in range(n_pages):
        try:
            page = reader.pages[index]
            text = page.extract_text() or ""
        except Exception as exc:
            raise IngestError(
                path,
                f"page {index + 1} of {n_pages} cannot be read ({type(exc).__name__}: "
                f"{exc}); the file may be truncated or corrupt: get a fresh copy",
            ) from exc
        texts.append(text)
        ocr_flags.append(needs_ocr(page, text, settings.ocr_min_words))
    scanned = [i for i, needs in enumerate(ocr_flags) if needs]
    if scanned:  # the scanned pages side by side, one Tesseract per core
        read = ocr_pdf_pages(
            path,
            scanned,
            sha256,
            settings.ocr_languages,
            settings.ocr_dpi,
            settings.ocr_cache_dir,
            data=data,
        )
        for index, text in zip(scanned, read, strict=True):
            texts[index] = text
    raw_pages = [clean.drop_garbage_lines(clean.normalise(text)) for text in texts]
    running = clean.running_lines(raw_pages)
    labels = clean.printed_labels(raw_pages)
    pages = [
        Page(i + 1, clean.strip_running_lines(text, running), ocr, label)
        for i, (text, ocr, label) in enumerate(zip(raw_pages, ocr_flags, labels, strict=True))
    ]
    if not any(p.text.strip() for p in pages):
        raise IngestError(path, "has no text, and no page has an image to read by OCR")
    meta: dict[str, Any] = {}
    info = reader.metadata or {}
    title = str(info.get("/Title") or "").strip()
    if title and not _JUNK_TITLE.search(title):
        meta["title"] = title
    else:
        first = next((p.text for p in pages if p.text.strip()), "")
        meta["title"] = _first_line_title(first, settings.max_prefix_chars)
    return Loaded(pages, meta)


LOADERS: dict[str, LoaderFn] = {
    ".pdf": load_pdf,
    ".txt": load_text,
    ".text": load_text,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".html": load_html,
    ".htm": load_html,
    ".json": load_scheme_json,
}


def load(path: Path, data: bytes, sha256: str, settings: Settings) -> Loaded:
    """Load one file by its extension, after checking it is not empty or too large."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise IngestError(
            path,
            f"unsupported file type {path.suffix or '(none)'!r}: Karigar reads "
            f"{', '.join(sorted(LOADERS))}; convert it to PDF or text first",
        )
    if not data.strip():
        raise IngestError(path, "is empty (0 bytes or only whitespace); nothing to ingest")
    size_mb = len(data) / 1e6
    if size_mb > settings.max_file_mb:
        raise IngestError(
            path,
            f"is {size_mb:.0f} MB, over the {settings.max_file_mb:.0f} MB limit "
            "(KARIGAR_MAX_FILE_MB); split it or raise the limit",
        )
    loaded = loader(path, data, sha256, settings)
    longest = max(loaded.pages, key=lambda p: len(p.text))
    if len(longest.text) > settings.max_page_chars:
        where = f"page {longest.number}" if longest.number else "its text"
        raise IngestError(
            path,
            f"{where} has {len(longest.text):,} characters, over the {settings.max_page_chars:,} "
            "limit (KARIGAR_MAX_PAGE_CHARS); split the file or raise the limit",
        )
    return loaded
