"""Typed errors. Each message says what was wrong, with which file or value, and what to do."""

from __future__ import annotations


class KarigarError(Exception):
    """Base class: the command line turns these into one clear line and an exit code."""


class ConfigError(KarigarError):
    """A setting is missing or wrong."""


class StoreError(KarigarError):
    """The vector store cannot be opened or written as asked."""


class IngestError(KarigarError):
    """One file could not be read. Carries the file's path so a batch report can name it."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class OCRUnavailableError(IngestError):
    """A page needs OCR but Tesseract is not installed."""
