"""The catalogue: one row per stored document, written after every ingest to
`<data_dir>/catalogue.tsv`. The copy for the reference corpus is committed as
`corpus/catalogue.tsv` (`make catalogue`), and a test holds a fresh ingest to it."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from retrieval.core.store import COMPLETE, DocRecord

COLUMNS = (
    "path",
    "doc_id",
    "title",
    "doc_type",
    "publisher",
    "date",
    "status",
    "pages",
    "chunks",
    "ocr_pages",
    "state",
    "metadata_source",
    "official_url",
)


def catalogue_rows(records: Iterable[DocRecord]) -> list[dict[str, str]]:
    rows = []
    for rec in records:
        if rec.ingest_state != COMPLETE:
            continue
        doc = rec.doc
        rows.append(
            {
                "path": doc.path,
                "doc_id": doc.doc_id,
                "title": doc.title,
                "doc_type": doc.doc_type,
                "publisher": doc.publisher,
                "date": doc.date,
                "status": doc.status,
                "pages": str(rec.pages),
                "chunks": str(rec.chunks),
                "ocr_pages": ",".join(str(p) for p in rec.ocr_pages),
                "state": doc.state,
                "metadata_source": doc.metadata_source,
                "official_url": doc.official_url,
            }
        )
    return sorted(rows, key=lambda row: row["path"])


def write_catalogue(records: Iterable[DocRecord], target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(catalogue_rows(records))
    tmp.replace(target)
    return target


def read_catalogue(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))
