"""Reading one file under limits, in a worker process that can be stopped.

Loading (PDF parsing, OCR, HTML extraction, JSON), cleaning and chunking run in one worker
process started once per ingesting process (a fresh interpreter, so it holds none of the
parent's threads or models) and kept for the next file. The worker's address space is capped at
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
import contextlib
import logging
import os
import pickle
import resource
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.chunking import chunk_document
from ingest.clean import addressed_to_assistant
from ingest.loaders import load
from retrieval.core.errors import IngestError
from retrieval.core.settings import PROJECT_ROOT, Settings
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


class _Worker:
    """One worker process (`python -m ingest.worker`) for this process's ingests, started
    on first use and after a stop; requests and answers go as pickles over its stdin and
    stdout. A fresh interpreter, not `multiprocessing`: under Streamlit, `spawn` would run
    the app's own script again in the child, since Streamlit stands it in as `__main__`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._megabytes = 0

    def _process(self, megabytes: int) -> subprocess.Popen[bytes]:
        if self._proc is not None and (
            self._proc.poll() is not None or self._megabytes != megabytes
        ):
            self._stop()
        if self._proc is None:
            env = dict(os.environ)
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
            )
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "ingest.worker", str(megabytes)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
            )
            self._megabytes = megabytes
        return self._proc

    def _stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            for pipe in (self._proc.stdin, self._proc.stdout):
                if pipe is not None:
                    pipe.close()
            self._proc = None

    def close(self) -> None:
        with self._lock:
            self._stop()

    def run(self, request: tuple[Any, ...], megabytes: int, seconds: float) -> tuple[str, Any]:
        """The worker's answer to `request`; ("stopped", None) after `seconds`, ("died",
        exit code) when the worker ended without answering."""
        with self._lock:
            proc = self._process(megabytes)
            assert proc.stdin is not None and proc.stdout is not None
            answer: list[tuple[str, Any]] = []
            stdout = proc.stdout

            def read() -> None:
                try:
                    answer.append(pickle.load(stdout))
                except (EOFError, OSError):
                    pass  # it ended without answering
                except Exception as exc:  # an answer this side cannot read back
                    answer.append(("failed", f"unexpected {type(exc).__name__}: {exc}"))

            reader = threading.Thread(target=read, name="karigar-worker-read", daemon=True)
            reader.start()
            try:
                pickle.dump(request, proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                proc.stdin.flush()
            except (BrokenPipeError, OSError):
                pass  # it died already; the reader sees the end
            reader.join(seconds)
            if reader.is_alive():
                self._stop()
                reader.join()
                return "stopped", None
            if not answer:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=5)  # it ended: its exit code says how
                code = proc.returncode
                self._stop()
                return "died", code
            return answer[0]


WORKER = _Worker()
atexit.register(WORKER.close)


def read_file(path: Path, data: bytes, sha256: str, doc_id: str, settings: Settings) -> Parsed:
    """`parse`, in the worker process under the time and memory limits (unless
    `parse_in_worker` is off)."""
    if not settings.parse_in_worker:
        return parse(path, data, sha256, doc_id, settings)
    kind, value = WORKER.run(
        (path, data, sha256, doc_id, settings), settings.max_parse_mb, settings.max_file_seconds
    )
    if kind == "ok":
        parsed: Parsed = value
        return parsed
    if kind == "stopped":
        raise IngestError(
            path,
            f"took over {settings.max_file_seconds:g} s to read and was stopped "
            "(KARIGAR_MAX_FILE_SECONDS); split the file or raise the limit",
        )
    if kind == "died":
        log.warning("the worker reading %s ended with exit code %s", path, value)
        raise IngestError(
            path,
            f"stopped the process reading it (exit code {value}); it may have needed more "
            f"than {settings.max_parse_mb:,} MB of memory (KARIGAR_MAX_PARSE_MB): split the "
            "file or raise the limit",
        )
    raise IngestError(path, str(value))


def _serve(megabytes: int) -> None:
    """The worker's loop: cap the memory, then answer requests until stdin ends."""
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a library's print must not corrupt the answers
    while True:
        try:
            request = pickle.load(requests)
        except EOFError:
            return  # the ingest ended (or was killed)
        answer = _in_worker(*request)
        try:
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            data = pickle.dumps(("failed", _too_big(request[4])))
        answers.write(data)
        answers.flush()


if __name__ == "__main__":  # `python -m ingest.worker MB`: serve from the module itself, so
    from ingest.worker import _serve as serve  # what it pickles names `ingest.worker`

    serve(int(sys.argv[1]))
