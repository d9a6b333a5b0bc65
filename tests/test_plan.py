"""What the ingest run decides for a file, as a pure function: no store, no disk, no model."""

from __future__ import annotations

from ingest.pipeline import CHANGED, DUPLICATE, NEW, plan_file
from ingest.report import MOVED, UNCHANGED
from retrieval.core.store import COMPLETE, PENDING, DocRecord
from retrieval.core.types import SourceDoc


def _rec(doc_id: str, path: str, state: str = COMPLETE) -> DocRecord:
    doc = SourceDoc(doc_id=doc_id, path=path, title=path, doc_type="article", sha256=doc_id)
    return DocRecord(doc, state, pages=1, chunks=2, ocr_pages=(), ingested_at="2026-01-01")


def _plan(rel, doc_id, recs, on_disk=()):
    records = {r.doc.doc_id: r for r in recs}
    by_path: dict[str, list[DocRecord]] = {}
    for r in recs:
        by_path.setdefault(r.doc.path, []).append(r)
    return plan_file(rel, doc_id, records, by_path, lambda stored: stored in on_disk)


def test_a_file_never_seen_is_new():
    plan = _plan("a.txt", "h1", [])
    assert (plan.action, plan.existing, plan.previous) == (NEW, None, ())


def test_the_same_content_at_the_same_path_is_unchanged():
    a = _rec("h1", "a.txt")
    plan = _plan("a.txt", "h1", [a], on_disk={"a.txt"})
    assert (plan.action, plan.existing, plan.previous) == (UNCHANGED, a, (a,))


def test_new_content_at_a_known_path_is_changed_and_names_the_old_version():
    old = _rec("h1", "a.txt")
    plan = _plan("a.txt", "h2", [old], on_disk={"a.txt"})
    assert (plan.action, plan.existing, plan.previous) == (CHANGED, None, (old,))


def test_known_content_whose_old_file_is_gone_has_moved():
    a = _rec("h1", "old/a.txt")
    plan = _plan("new/a.txt", "h1", [a], on_disk=set())
    assert (plan.action, plan.existing, plan.previous) == (MOVED, a, ())


def test_known_content_whose_old_file_is_still_there_is_a_duplicate():
    a = _rec("h1", "a.txt")
    plan = _plan("copy-of-a.txt", "h1", [a], on_disk={"a.txt"})
    assert (plan.action, plan.existing) == (DUPLICATE, a)


def test_a_half_written_copy_of_the_content_does_not_count():
    pending = _rec("h1", "a.txt", PENDING)
    plan = _plan("a.txt", "h1", [pending], on_disk={"a.txt"})
    assert (plan.action, plan.previous) == (CHANGED, (pending,))
