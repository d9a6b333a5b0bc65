"""Reading one file under limits, in a worker process that can be stopped.

Loading (PDF parsing, OCR, HTML extraction, JSON), cleaning and chunking run in one worker
process started once per ingesting process (`spawn`, so it holds none of the parent's
threads or models) and kept for the next file. The worker's address space is capped at
`max_parse_mb` (a file that needs more fails with MemoryError there, or the worker dies) and
each file is stopped after `max_file_seconds` (the worker is killed and a fresh one serves
the next file). Either way the file fails with a reason that names the limit and the setting
that raises it, nothing of it is stored, and the batch goes on. The limits on pages,
characters per page, passages and JSON nesting hold in `parse` itself, wherever it runs.

`KARIGAR_PARSE_IN_WORKER=false` reads in the ingest's own process (for a debugger); the
time and memory limits then do not hold.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import resource
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.chunking import chunk_document
from ingest.clean import addressed_to_assistant
from ingest.loaders import load
from retrieval.core.errors import IngestError
from retrieval.core.settings import Settings
from retrieval.core.types import Chunk, Page

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Parsed:
    """What reading a file gives: its pages, the metadata it carries, the sentence that
    addresses an AI assistant if any, and its passages."""

    pages: list[Page]
    meta: dict[str, Any]
    planted: str
    chunks: list[Chunk]


def parse(path: Path, data: bytes, sha256: str, doc_id: str, settings: Settings) -> Parsed:
    """Load, clean and chunk one file; IngestError when it cannot be read or breaks a
    limit."""
    loaded = load(path, data, sha256, settings)
    planted = addressed_to_assistant("\n".join(p.text for p in loaded.pages))
    chunks = chunk_document(doc_id, loaded.pages, settings.chunk_chars, settings.max_prefix_chars)
    if not chunks:
        raise IngestError(path, "yields no text to index after cleaning")
    if len(chunks) > settings.max_chunks:
        raise IngestError(
            path,
            f"yields {len(chunks):,} passages, over the {settings.max_chunks:,} limit "
            "(KARIGAR_MAX_CHUNKS); split the file or raise the limit",
        )
    return Parsed(loaded.pages, loaded.meta, planted, chunks)


def _too_big(settings: Settings) -> str:
    return (
        f"needed more than {settings.max_parse_mb:,} MB of memory to read "
        "(KARIGAR_MAX_PARSE_MB); split the file or raise the limit"
    )


def _in_worker(
    path: Path, data: bytes, sha256: str, doc_id: str, settings: Settings
) -> tuple[str, Any]:
    """The worker's side: ("ok", Parsed) or ("failed", reason); exceptions stay here, since
    not every one survives the way back."""
    try:
        return "ok", parse(path, data, sha256, doc_id, settings)
    except IngestError as exc:
        return "failed", exc.reason
    except MemoryError:
        return "failed", _too_big(settings)
    except Exception as exc:  # a parser bug: the file fails, the batch goes on
        return "failed", f"unexpected {type(exc).__name__}: {exc}"


def _cap_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class _Worker:
    """One worker process for this process's ingests, started on first use."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: Any = None
        self._megabytes = 0

    def pool(self, megabytes: int) -> Any:
        from pebble import ProcessPool

        with self._lock:
            if self._pool is not None and self._megabytes != megabytes:
                self._pool.stop()
                self._pool.join()
                self._pool = None
            if self._pool is None:
                self._pool = ProcessPool(
                    max_workers=1,
                    initializer=_cap_memory,
                    initargs=(megabytes,),
                    context=multiprocessing.get_context("spawn"),
                )
                self._megabytes = megabytes
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.stop()
                self._pool.join()
                self._pool = None


WORKER = _Worker()
atexit.register(WORKER.close)


def read_file(path: Path, data: bytes, sha256: str, doc_id: str, settings: Settings) -> Parsed:
    """`parse`, in the worker process under the time and memory limits (unless
    `parse_in_worker` is off)."""
    if not settings.parse_in_worker:
        return parse(path, data, sha256, doc_id, settings)
    from pebble import ProcessExpired

    future = WORKER.pool(settings.max_parse_mb).schedule(
        _in_worker, args=(path, data, sha256, doc_id, settings), timeout=settings.max_file_seconds
    )
    try:
        kind, value = future.result()
    except FutureTimeout as exc:
        raise IngestError(
            path,
            f"took over {settings.max_file_seconds:g} s to read and was stopped "
            "(KARIGAR_MAX_FILE_SECONDS); split the file or raise the limit",
        ) from exc
    except ProcessExpired as exc:  # killed: out of memory in a C library, or a crash
        log.warning("the worker reading %s ended: %s", path, exc)
        raise IngestError(
            path,
            f"stopped the process reading it ({exc}); it may have needed more than "
            f"{settings.max_parse_mb:,} MB of memory (KARIGAR_MAX_PARSE_MB): split the file or "
            "raise the limit",
        ) from exc
    except MemoryError as exc:
        raise IngestError(path, _too_big(settings)) from exc
    if kind != "ok":
        raise IngestError(path, str(value))
    parsed: Parsed = value
    return parsed
