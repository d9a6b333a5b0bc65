"""Vectors of the reader's units (a sentence, a list item, a table row, each with its passage's
title and section), kept so a unit is embedded once, not on every question that reads it.

Embedding the units of the passages read was about four fifths of an extractive answer's time
(about 20 units of up to 256 tokens a question, at about 40 units a second on 2 cores). A
unit's vector depends only on its text and the model, so the cache is keyed by both: it is
never stale, whatever the store does, and a text no document holds any more costs only its
bytes. Two layers: a bounded map in memory, and a SQLite file in the data folder (WAL; the
app, the command line and the evaluation share it, each process filling it as it reads). Any
failure of the file (locked too long, disk full, damaged) costs only speed: the vectors are
computed, the answer is the same.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.core.embeddings import TextEmbedder

log = logging.getLogger(__name__)
FILE_NAME = "unit-vectors.sqlite"
_SQL_BATCH = 500  # keys per SELECT (SQLite's limit on parameters is far higher)


class UnitVectors:
    """`vectors(embedder, texts)`: the texts' vectors, from memory, the file, or the model."""

    def __init__(self, path: Path | None, memory_entries: int = 20_000) -> None:
        self.path = path
        self.memory_entries = memory_entries
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._db_failed = path is None
        self.hits = self.misses = 0  # since start (`python -m bench.unit_vectors` prints them)

    def _connection(self) -> sqlite3.Connection | None:
        if self._db is None and not self._db_failed:
            assert self.path is not None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=5, check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB)")
                db.commit()
                self._db = db
            except (sqlite3.Error, OSError) as exc:
                log.warning("unit vectors are not kept on disk (%s): %s", self.path, exc)
                self._db_failed = True
        return self._db

    @staticmethod
    def _key(model: str, text: str) -> str:
        return hashlib.sha1(f"{model}\n{text}".encode("utf-8", "surrogatepass")).hexdigest()

    def vectors(self, embedder: TextEmbedder, texts: Sequence[str]) -> np.ndarray:
        """One row per text, as `embedder.embed(texts)` would give them."""
        keys = [self._key(embedder.name, t) for t in texts]
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for k in keys:
                v = self._memory.get(k)
                if v is not None:
                    self._memory.move_to_end(k)
                    found[k] = v
            missing = [k for k in dict.fromkeys(keys) if k not in found]
            if missing:
                found.update(self._read(missing))
        todo = [(k, t) for k, t in dict(zip(keys, texts, strict=True)).items() if k not in found]
        if todo:
            computed = np.asarray(embedder.embed([t for _, t in todo]), dtype=np.float32)
            fresh = {k: computed[i] for i, (k, _) in enumerate(todo)}
            found.update(fresh)
            with self._lock:
                self._write(fresh)
        with self._lock:
            self.hits += len(keys) - len(todo)
            self.misses += len(todo)
            for k in keys:
                self._memory[k] = found[k]
                self._memory.move_to_end(k)
            while len(self._memory) > self.memory_entries:
                self._memory.popitem(last=False)
        return np.stack([found[k] for k in keys]) if keys else np.zeros((0, 0), np.float32)

    def keep(self, model: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Keep vectors computed elsewhere (an ingest worker) for `model`'s texts, on disk
        only: they are for the answers, which read what they need."""
        with self._lock:
            self._write({self._key(model, t): v for t, v in zip(texts, vectors, strict=True)})

    def _read(self, keys: list[str]) -> dict[str, np.ndarray]:
        db = self._connection()
        if db is None:
            return {}
        out: dict[str, np.ndarray] = {}
        try:
            for start in range(0, len(keys), _SQL_BATCH):
                part = keys[start : start + _SQL_BATCH]
                marks = ",".join("?" * len(part))
                for key, blob in db.execute(
                    f"SELECT key, vec FROM vectors WHERE key IN ({marks})", part
                ):
                    out[key] = np.frombuffer(blob, dtype=np.float32)
        except sqlite3.Error as exc:
            log.warning("unit vectors could not be read from %s: %s", self.path, exc)
        return out

    def _write(self, fresh: dict[str, np.ndarray]) -> None:
        db = self._connection()
        if db is None or not fresh:
            return
        try:
            db.executemany(
                "INSERT OR IGNORE INTO vectors (key, vec) VALUES (?, ?)",
                [
                    (k, np.ascontiguousarray(v, dtype=np.float32).tobytes())
                    for k, v in fresh.items()
                ],
            )
            db.commit()
        except sqlite3.Error as exc:  # locked by another process too long, disk full...
            log.warning("unit vectors could not be kept in %s: %s", self.path, exc)
            with contextlib.suppress(sqlite3.Error):
                db.rollback()
