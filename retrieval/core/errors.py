"""Typed errors. Each message says what was wrong, with which file or value, and what to do."""

from __future__ import annotations


class KarigarError(Exception):
    """Base class: the command line turns these into one clear line and an exit code."""


class ConfigError(KarigarError):
    """A setting is missing or wrong."""


class StoreError(KarigarError):
    """The vector store cannot be opened or written as asked."""


class DiskFullError(StoreError):
    """The disk holding the store is full: every later write would fail too, so an ingest
    stops; what was stored before stays, and the next run removes the half-written part."""


class GeneratorError(KarigarError):
    """The chat model server named in the settings failed or could not be reached."""


class IngestError(KarigarError):
    """One file could not be read. Carries the file's path so a batch report can name it."""

    def __init__(self, path: object, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class OCRUnavailableError(IngestError):
    """A page needs OCR but Tesseract is not installed."""


EXIT_BAD_INPUT = 2  # a setting, the store or the input is wrong (1: some files failed)


def show_error(exc: KarigarError) -> int:
    """Print the error as the one line a command shows, on stderr; the exit code to use."""
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
    return EXIT_BAD_INPUT
