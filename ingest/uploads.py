"""Files a user uploads (the web app's Corpus page): checked by content, kept under a name
that never collides with another upload's, and ingested so that nothing is lost.

* **Names.** An upload keeps its own name where the file system allows it: Hindi, Bengali
  or any other script stays as it is. Where the name has to change (a path separator, a
  control character, over 255 bytes), a short hash of the original name is added, so two
  different names never become one file. The original name is kept in the folder's
  `.names.json` and in the document's metadata (`SourceDoc.original_name`).
* **Replacing.** A file uploaded again under the same name replaces the stored document only
  once the new version has been read and ingested; a new version that cannot be read is
  refused, and the stored document and its file stay as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ingest.manifest import NAMES_FILE, read_names
from ingest.pipeline import Ingestor
from ingest.report import FAILED, FileResult
from ingest.worker import read_file
from retrieval.core.errors import ConfigError, IngestError
from retrieval.core.settings import Settings

UPLOAD_TYPES = ("pdf", "txt", "md", "markdown", "html", "htm", "json")
MAX_NAME_BYTES = 200  # under the usual 255-byte limit, with room for a temporary prefix
_ALLOWED_PUNCTUATION = set(" ._()-,&+'")


def uploads_dir(settings: Settings) -> Path:
    return settings.data_dir / "uploads"


@dataclass(frozen=True)
class CheckedUpload:
    original: str  # the name as uploaded
    name: str  # the name it is stored under
    data: bytes


def stored_name(original: str) -> str:
    """A safe file name for `original`, distinct for distinct originals: letters, marks and
    digits of any script are kept; anything else becomes '_'; a changed or over-long name
    gets '-<hash of the original>' before its extension."""
    base = unicodedata.normalize("NFC", original.replace("\\", "/").rsplit("/", 1)[-1])
    kept = "".join(
        c if unicodedata.category(c)[0] in "LMN" or c in _ALLOWED_PUNCTUATION else "_" for c in base
    )
    kept = re.sub(r"_+", "_", kept).strip(" .")
    stem, dot, suffix = kept.rpartition(".")
    if not dot:
        stem, suffix = kept, ""
    suffix = suffix.lower()
    if kept == base and stem and len(kept.encode("utf-8")) <= MAX_NAME_BYTES:
        return kept
    tag = hashlib.sha256(original.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    ending = f"-{tag}" + (f".{suffix}" if suffix else "")
    room = MAX_NAME_BYTES - len(ending.encode("utf-8"))
    stem_bytes = (stem or "upload").encode("utf-8")[:room]
    return stem_bytes.decode("utf-8", "ignore").rstrip(" ._") + ending


def check_upload(name: str, data: bytes, max_mb: float) -> CheckedUpload:
    """The file's type is checked by its content, not only its name; too large, empty or
    mislabelled files are refused with a message that says what to do."""
    clean = stored_name(name)
    suffix = Path(clean).suffix.lower().lstrip(".")
    if suffix not in UPLOAD_TYPES:
        raise ConfigError(
            f"{name}: Karigar reads {', '.join(UPLOAD_TYPES)} files, not '.{suffix or '?'}'"
        )
    if not data:
        raise ConfigError(f"{name} is empty")
    if len(data) > max_mb * 1024 * 1024:
        raise ConfigError(
            f"{name} is {len(data) / 1048576:.1f} MB, over the {max_mb:g} MB "
            "limit (KARIGAR_MAX_FILE_MB)"
        )
    head = data[:2048]
    if suffix == "pdf":
        if not head.lstrip().startswith(b"%PDF-"):
            raise ConfigError(f"{name} is named .pdf but is not a PDF (no %PDF- header)")
        return CheckedUpload(name, clean, data)
    if b"\x00" in head:
        raise ConfigError(f"{name} is named .{suffix} but holds binary data")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{name} is not UTF-8 text ({exc.reason}); save it as UTF-8") from exc
    if suffix == "json":
        try:
            json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise ConfigError(f"{name} is not valid JSON: {exc}") from exc
    if suffix in ("html", "htm") and not re.search(
        r"<(html|body|div|p|!doctype)\b", text[:4096], re.I
    ):
        raise ConfigError(f"{name} is named .{suffix} but has no HTML markup")
    return CheckedUpload(name, clean, data)


def _write_atomic(target: Path, data: bytes) -> None:
    """Write a whole file or nothing: a temporary file in the same folder, then a rename."""
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def save_upload(ingestor: Ingestor, name: str, data: bytes) -> FileResult:
    """Check, store and ingest one upload; the ingest result, or a ConfigError / IngestError
    that names the file and says what to do. Nothing stored before is lost: a new version
    replaces the old only once it ingests."""
    settings = ingestor.settings
    checked = check_upload(name, data, settings.max_file_mb)
    folder = uploads_dir(settings)
    target = folder / checked.name
    sha = hashlib.sha256(data).hexdigest()
    try:  # the new version must read (in the worker, under its limits) before anything
        read_file(target, data, sha, sha[:16], settings)  # stored is touched
    except IngestError as exc:
        kept = " The version stored before is kept." if target.exists() else ""
        raise IngestError(name, f"{exc.reason}.{kept}") from exc
    previous = target.read_bytes() if target.exists() else None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_atomic(target, data)
        names = read_names(folder) | {checked.name: checked.original}
        _write_atomic(folder / NAMES_FILE, json.dumps(names, ensure_ascii=False).encode())
    except OSError as exc:
        raise ConfigError(
            f"{name} could not be saved in {folder} ({exc.strerror or exc}); check the "
            "folder's permissions and free space"
        ) from exc
    result = ingestor.run(target).files[0]
    if result.status != FAILED:
        return result
    if previous is not None:  # put the old version back, file and document
        _write_atomic(target, previous)
        ingestor.run(target)
    else:
        target.unlink(missing_ok=True)
    raise IngestError(name, f"{result.reason}. The version stored before is kept.")
