"""The ingest report: one row per file, the totals, and where it was saved."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

# Statuses a file can end a run with. Only "failed" makes the exit code 1.
ADDED, UPDATED, UNCHANGED, MOVED, SKIPPED, FAILED, PRUNED = (
    "added",
    "updated",
    "unchanged",
    "moved",
    "skipped",
    "failed",
    "pruned",
)
STATUS_ORDER = (FAILED, ADDED, UPDATED, MOVED, PRUNED, SKIPPED, UNCHANGED)


@dataclass
class FileResult:
    path: str
    status: str
    reason: str = ""
    doc_id: str = ""
    title: str = ""
    doc_type: str = ""
    pages: int = 0
    chunks: int = 0
    ocr_pages: list[int] = field(default_factory=list)
    seconds: float = 0.0
    worker: str = ""  # the Ray worker (host:pid) that read it; "" when read by the ingest itself


@dataclass
class IngestReport:
    corpus: str
    store: str
    started_at: str
    files: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    chunks_embedded: int = 0
    chunks_in_store: int = 0
    documents_in_store: int = 0
    recovered: list[str] = field(default_factory=list)  # half-written by a killed run
    peak_memory_mb: float = 0.0
    multilingual_embedded: int = 0  # chunks added to the e5 index (when it is kept)
    multilingual_in_store: int = 0

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == FAILED]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    @property
    def chunks_per_second(self) -> float:
        return self.chunks_embedded / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(s)} {s}" for s in STATUS_ORDER if self.count(s))
        return (
            f"{counts or 'no files'}; {self.chunks_embedded} chunks embedded "
            f"({self.chunks_per_second:.1f}/s), {self.chunks_in_store} chunks from "
            f"{self.documents_in_store} documents in the store; {self.seconds:.1f} s, "
            f"peak memory {self.peak_memory_mb:.0f} MB"
        )

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["summary"] = self.summary()
        data["counts"] = {s: self.count(s) for s in STATUS_ORDER}
        return data

    @staticmethod
    def load_last(folder: Path) -> dict[str, object] | None:
        """The last saved report as a dict (what `save` wrote), or None when there is none."""
        path = folder / "last-ingest.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None

    def save(self, folder: Path) -> Path:
        """Written whole or not at all (a temporary file, then a rename); a file name that is
        not valid UTF-8 is written with its odd bytes escaped."""
        folder.mkdir(parents=True, exist_ok=True)
        stamp = self.started_at.replace(":", "").replace("-", "")[:15]
        target = folder / f"ingest-{stamp}.json"
        text = json.dumps(self.to_dict(), indent=1, ensure_ascii=False)
        data = text.encode("utf-8", "backslashreplace")
        for path in (target, folder / "last-ingest.json"):
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return target
