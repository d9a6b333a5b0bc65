"""Document metadata: a corpus's `MANIFEST.tsv` where it lists the file, else derived from
the file (PDF metadata, first heading, file name) and its folder."""

from __future__ import annotations

import csv
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.core.errors import ConfigError
from retrieval.core.text import bounded
from retrieval.core.types import DOC_TYPES, STATUSES, SourceDoc

log = logging.getLogger(__name__)

MANIFEST_NAME = "MANIFEST.tsv"
NAMES_FILE = ".names.json"  # in a folder of uploads: stored file name -> the name it came as
_FIELDS = ("doc_type", "title", "publisher", "date", "official_url", "status", "sha256")
_DATE_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})[-_.]([01]\d)(?:[-_.]([0-3]\d))?(?!\d)")


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    fields: dict[str, str]


def read_manifest(root: Path) -> dict[str, ManifestEntry]:
    """Entries by path relative to `root`; {} when there is no manifest."""
    file = root / MANIFEST_NAME
    if not file.exists():
        return {}
    entries: dict[str, ManifestEntry] = {}
    with file.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = {"path", "doc_type", "title"} - set(reader.fieldnames or ())
        if missing:
            raise ConfigError(f"{file}: missing columns {sorted(missing)}; see corpus README")
        for line, row in enumerate(reader, start=2):
            path = (row.get("path") or "").strip()
            if not path:
                continue
            fields = {k: (row.get(k) or "").strip() for k in _FIELDS}
            if fields["doc_type"] and fields["doc_type"] not in DOC_TYPES:
                raise ConfigError(
                    f"{file} line {line}: doc_type {fields['doc_type']!r} is not one of {DOC_TYPES}"
                )
            if fields["status"] and fields["status"] not in STATUSES:
                raise ConfigError(
                    f"{file} line {line}: status {fields['status']!r} is not one of {STATUSES}"
                )
            entries[path] = ManifestEntry(path, fields)
    return entries


def read_names(folder: Path) -> dict[str, str]:
    """The folder's stored name -> original name map ({} when it has none or it is
    unreadable: the names are a courtesy, the files are what counts)."""
    try:
        data = json.loads((folder / NAMES_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def guess_doc_type(path: Path) -> str:
    name = path.name.lower()
    suffix = path.suffix.lower()
    if suffix == ".json":
        return "scheme_record"
    if suffix in (".html", ".htm"):
        return "article"
    if re.search(r"circular|(?:^|[_\W])o\.?m(?:[_\W]|$)|notification|office.memorandum", name):
        return "circular"
    if "guideline" in name:
        return "scheme_guideline"
    if re.search(r"report|bulletin|booklet|dpr|survey|annual", name):
        return "scheme_report"
    if re.search(r"paper|journal|thesis", name):
        return "paper"
    if suffix in (".txt", ".md", ".markdown", ".text"):
        return "article"
    return "reference"


def date_from_name(path: Path) -> str:
    match = _DATE_IN_NAME.search(path.stem)
    if not match:
        return ""
    return "-".join(part for part in match.groups() if part)


def title_from_name(path: Path) -> str:
    return re.sub(r"[_\s]+", " ", path.stem).strip()


def build_source_doc(
    path: Path,
    rel_path: str,
    sha256: str,
    derived: dict[str, Any],
    entry: ManifestEntry | None,
    max_title: int = 300,
    original_name: str = "",
) -> SourceDoc:
    """The manifest wins where it says something; the file's own metadata fills the rest.
    The title is at most `max_title` characters; `original_name` is the name an uploaded
    file came with, when it is stored under another (its title falls back to it)."""
    named = Path(original_name) if original_name else path
    fields: dict[str, Any] = {
        "title": derived.get("title") or title_from_name(named),
        "doc_type": derived.get("doc_type") or guess_doc_type(path),
        "publisher": derived.get("publisher", ""),
        "date": derived.get("date") or date_from_name(path),
        "status": "current",
        "official_url": derived.get("official_url", ""),
    }
    source = "derived"
    if entry is not None:
        source = "manifest"
        if entry.fields.get("sha256") and entry.fields["sha256"] != sha256:
            log.warning(
                "%s differs from the copy %s lists; using its metadata all the same",
                rel_path,
                MANIFEST_NAME,
            )
        for key in ("title", "doc_type", "publisher", "date", "status", "official_url"):
            if entry.fields.get(key):
                fields[key] = entry.fields[key]
    return SourceDoc(
        doc_id=sha256[:16],
        path=rel_path,
        sha256=sha256,
        state=derived.get("state", ""),
        department=derived.get("department", ""),
        scheme_type=derived.get("scheme_type", ""),
        beneficiary=derived.get("beneficiary", ""),
        tags=tuple(derived.get("tags", ())),
        source_urls=tuple(derived.get("source_urls", ())),
        metadata_source=source,
        original_name=original_name,
        flagged=str(derived.get("flagged", "")),
        **(fields | {"title": bounded(str(fields["title"]), max_title)}),
    )
