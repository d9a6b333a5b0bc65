"""What the Streamlit app needs that is not Streamlit: quote highlighting, page images and
the feedback log (uploads are `ingest.uploads`; resources load through `retrieval.parts`).
Kept apart from `ui/app.py` so it can be tested without a browser.
"""

from __future__ import annotations

import gc
import html
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval.core.errors import ConfigError
from retrieval.core.settings import Settings

if TYPE_CHECKING:
    from retrieval.parts import Parts

_LOCK = threading.Lock()


def app_log() -> logging.Logger:
    """The app's own log lines (when the models were loaded, with the time to the
    millisecond) on the server's standard error, beside Streamlit's; never a question or a
    document's text. Libraries' INFO lines stay off."""
    log = logging.getLogger("karigar.app")
    if not log.handlers:  # once per process: the script runs again on every interaction
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    return log


def warm_and_settle(shared: Parts, on_step: Callable[[int, str], None] | None = None) -> None:
    """Load the models and indexes, then set everything loaded aside from the garbage
    collector (`gc.freeze`): its full passes otherwise walk the half a million objects they
    hold, 0.3 to 0.4 s each, and one falling between a finished answer and the browser held
    the answer back that long."""
    started = time.perf_counter()
    shared.warm(on_step)
    gc.unfreeze()  # what an earlier settle set aside (an index since replaced) is looked at again
    gc.collect()
    gc.freeze()
    app_log().info("search models and indexes loaded in %.1f s", time.perf_counter() - started)


def index_multilingual_in_background(shared: Parts) -> None:
    """Start the multilingual index's build in the background when the settings ask for it
    and it lacks chunks (`Parts.build_multilingual_in_background`); logged, never raised:
    English questions do not need it."""
    if not shared.settings.multilingual_in_background:
        return
    try:
        build = shared.build_multilingual_in_background()
    except Exception as exc:  # a store that cannot be read is said by the search itself
        app_log().warning("the multilingual index was not started: %s", exc)
        return
    if build is not None:
        app_log().info("multilingual index: building %d chunks in the background", build.total)


# -- highlighting -------------------------------------------------------------------------
def highlight(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    """`text` as HTML with the spans (page offsets; `offset` is where `text` starts in the
    page) wrapped in <mark>; everything escaped, line breaks kept."""
    out, pos = [], 0
    for start, end in sorted((s - offset, e - offset) for s, e in spans):
        start, end = max(start, pos), min(end, len(text))
        if start >= end:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out).replace("\n", "<br>")


def record_html(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    """A scheme record's text (or a part of it starting at `offset`) as formatted sections:
    '## Benefits' a heading, '- ' lines a list, the spans marked; everything escaped."""
    out: list[str] = []
    in_list = False
    pos = offset
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        inside = [(max(a, start), min(b, end)) for a, b in spans if a < end and b > start]
        stripped = line.lstrip()
        bullet = stripped.startswith("- ")
        heading = stripped.startswith("## ")
        cut = len(line) - len(stripped) + (3 if heading else 2 if bullet else 0)
        body = highlight(line[cut:], inside, start + cut)
        if bullet and not in_list:
            out.append("<ul>")
        if not bullet and in_list:
            out.append("</ul>")
        in_list = bullet
        if heading:
            out.append(f"<h4>{body}</h4>")
        elif bullet:
            out.append(f"<li>{body}</li>")
        elif line.strip():
            out.append(f"<p>{body}</p>")
    if in_list:
        out.append("</ul>")
    return "".join(out)


def is_record_text(text: str) -> bool:
    """Text laid out as a scheme record (a title, then '## ' sections)."""
    return "\n## " in text[:2000]


def section_bounds(text: str, start: int) -> tuple[int, int]:
    """The '## ' section of `text` holding offset `start` (the whole text if it has none)."""
    heads = [m.start() for m in re.finditer(r"^## ", text, re.MULTILINE)]
    before = [h for h in heads if h <= start]
    after = [h for h in heads if h > start]
    return (before[-1] if before else 0, after[0] - 1 if after else len(text))


_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+!|$~])")


def escape_markdown(text: str) -> str:
    """Document text shown as Markdown literally: no stray emphasis, links or LaTeX ($)."""
    return _MARKDOWN.sub(r"\\\1", text)


def render_pdf_page(path: Path, page: int, scale: float = 1.4) -> bytes | None:
    """PNG bytes of one PDF page (1-based) with pypdfium2; None when it cannot be drawn.
    The last pages drawn are kept (keyed by the file's size and time), so a toggle or a
    rerun does not draw them again."""
    if page < 1 or path.suffix.lower() != ".pdf" or not path.exists():
        return None
    stat = path.stat()
    return _render(str(path), stat.st_size, stat.st_mtime_ns, page, scale)


@lru_cache(maxsize=48)
def _render(path_text: str, size: int, mtime: int, page: int, scale: float) -> bytes | None:
    path = Path(path_text)
    import io

    import pypdfium2 as pdfium

    with _LOCK:  # pdfium is not thread-safe
        pdf = pdfium.PdfDocument(str(path))
        try:
            if page > len(pdf):
                return None
            image = pdf[page - 1].render(scale=scale).to_pil()
        finally:
            pdf.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


# -- feedback -----------------------------------------------------------------------------
def feedback_path(settings: Settings) -> Path:
    return settings.data_dir / "feedback.jsonl"


def save_feedback(settings: Settings, answer: dict[str, Any], rating: str, comment: str) -> Path:
    """One line per rating: the question, the answer, its citations, the rating and comment."""
    if rating not in ("up", "down"):
        raise ConfigError(f"rating {rating!r}: up or down")
    path = feedback_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "rating": rating,
        "comment": comment.strip(),
        "question": answer["question"],
        "standalone_question": answer.get("standalone_question", answer["question"]),
        "answer": answer["text"],
        "abstained": answer["abstained"],
        "citations": [
            {k: c[k] for k in ("marker", "title", "path", "page", "quotes")}
            for c in answer["citations"]
        ],
    }
    with _LOCK, path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def load_feedback(settings: Settings) -> list[dict[str, Any]]:
    """The ratings, one per answer (the latest when an answer was rated again)."""
    path = feedback_path(settings)
    if not path.exists():
        return []
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            # a rating saved on the click, then again with its comment: the last one counts
            latest.pop((record["question"], record["answer"]), None)
            latest[(record["question"], record["answer"])] = record
    return list(latest.values())


def feedback_as_questions(records: list[dict[str, Any]]) -> str:
    """Rated answers as evaluation questions (the eval/questions JSONL shape): a thumbs-up
    answer's cited pages become its gold; a thumbs-down one keeps the question to label."""
    lines = []
    for n, r in enumerate(records, 1):
        good = r["rating"] == "up" and not r["abstained"]
        gold = [{"path": c["path"], "page": c["page"]} for c in r["citations"]] if good else []
        lines.append(
            json.dumps(
                {
                    "id": f"fb{n:03d}",
                    "category": "feedback",
                    "question": r["standalone_question"],
                    "answer": r["answer"] if good else "",
                    "key_facts": [],
                    "gold": gold,
                    "rating": r["rating"],
                    "comment": r["comment"],
                },
                ensure_ascii=False,
            )
        )
    return "\n".join(lines) + ("\n" if lines else "")


# -- evaluation report --------------------------------------------------------------------
def latest_report(results: Path) -> Path | None:
    """The newest eval/results/<date>/ folder holding a report.md."""
    if not results.is_dir():
        return None
    found = sorted(
        (p for p in results.iterdir() if (p / "report.md").exists()),
        key=lambda p: (p / "report.md").stat().st_mtime,
    )
    return found[-1] if found else None
