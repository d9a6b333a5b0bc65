"""The ingest run on a small real corpus: idempotent, incremental, bad files contained."""

from __future__ import annotations

import io
import shutil
import threading

import pytest

from ingest.catalogue import read_catalogue
from ingest.pipeline import Ingestor
from ingest.report import ADDED, FAILED, MOVED, PRUNED, SKIPPED, UNCHANGED, UPDATED
from retrieval.core.errors import ConfigError, StoreError
from retrieval.core.filters import Filters


class CountingEmbedder:
    """The real model, counting what it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.name, self.dimension, self.calls = inner, inner.name, inner.dimension, 0

    def embed(self, texts):
        self.calls += len(texts)
        return self.inner.embed(texts)

    def embed_query(self, text):
        return self.inner.embed_query(text)


@pytest.fixture
def run(make_settings, mini_corpus, embedder):
    counting = CountingEmbedder(embedder)
    settings = make_settings(corpus_dir=mini_corpus)
    ingestor = Ingestor(settings, counting)

    def go(**kw):
        counting.calls = 0
        return ingestor.run(**kw)

    go.settings, go.store, go.embedder, go.root = settings, ingestor.store, counting, mini_corpus
    return go


def _status(report):
    return {f.path: f.status for f in report.files}


def _doc_chunk_ids(store):
    return {cid.split(":")[0] for cid in store.all_chunk_ids()}


def test_first_run_adds_everything_second_run_embeds_nothing(run):
    first = run()
    assert set(_status(first).values()) == {ADDED} and len(first.files) == 5
    assert first.exit_code == 0
    assert first.chunks_embedded == run.embedder.calls == run.store.count() > 20
    # the run's time holds every file's, read one after another
    assert first.seconds >= sum(f.seconds for f in first.files) > 0
    records = run.store.records()
    assert {r.doc.path for r in records.values()} == set(_status(first))
    # each record's chunk count matches the store
    for rec in records.values():
        assert len(run.store.chunks_of(rec.doc.doc_id)) == rec.chunks
    ids_before = run.store.all_chunk_ids()

    second = run()
    assert set(_status(second).values()) == {UNCHANGED}
    assert run.embedder.calls == 0 and second.chunks_embedded == 0
    assert run.store.all_chunk_ids() == ids_before
    assert "5 unchanged" in second.summary()


def test_changed_file_replaces_its_chunks(run):
    run()
    target = run.root / "seeds/indian-sme-clusters-overview.txt"
    old_id = next(
        r.doc.doc_id for r in run.store.records().values() if r.doc.path.endswith(target.name)
    )
    target.write_text(
        target.read_text("utf-8") + "\n\nA new closing paragraph about Moradabad brassware.\n",
        "utf-8",
    )
    report = run()
    assert _status(report)["seeds/indian-sme-clusters-overview.txt"] == UPDATED
    assert sum(1 for f in report.files if f.status == UNCHANGED) == 4
    assert old_id not in _doc_chunk_ids(run.store) and old_id not in run.store.records()
    new = next(r for r in run.store.records().values() if r.doc.path.endswith(target.name))
    assert any("Moradabad" in c.text for c in run.store.chunks_of(new.doc.doc_id))
    assert run.embedder.calls == new.chunks


def test_removed_file_stays_until_prune(run):
    run()
    (run.root / "schemes/Atal_Pension_Yojana.json").unlink()
    kept = run()
    assert "schemes/Atal_Pension_Yojana.json" not in _status(kept)
    assert any(
        r.doc.path == "schemes/Atal_Pension_Yojana.json" for r in run.store.records().values()
    )
    pruned = run(prune=True)
    assert _status(pruned)["schemes/Atal_Pension_Yojana.json"] == PRUNED
    assert all(
        r.doc.path != "schemes/Atal_Pension_Yojana.json" for r in run.store.records().values()
    )
    assert len(_doc_chunk_ids(run.store)) == 4


def test_renamed_file_is_moved_without_embedding(run):
    run()
    src = run.root / "seeds/jk-handicrafts-msme-ramp-review.txt"
    src.rename(run.root / "seeds/jk-ramp.txt")
    report = run()
    assert _status(report)["seeds/jk-ramp.txt"] == MOVED
    assert run.embedder.calls == 0
    rec = next(r for r in run.store.records().values() if r.doc.path == "seeds/jk-ramp.txt")
    hits = run.store.query(run.embedder.embed_query("World Bank RAMP handicrafts Kashmir"), k=1)
    assert hits[0].doc.path == "seeds/jk-ramp.txt" and hits[0].doc.doc_id == rec.doc.doc_id


def test_duplicate_content_is_stored_once(run):
    shutil.copy(run.root / "schemes/Atal_Pension_Yojana.json", run.root / "schemes/copy.json")
    report = run()
    status = _status(report)
    assert status["schemes/copy.json"] == SKIPPED
    assert "same content as schemes/Atal_Pension_Yojana.json" in next(
        f.reason for f in report.files if f.path == "schemes/copy.json"
    )
    assert report.exit_code == 0


def _encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt(user_password="pw", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_bad_files_fail_alone_with_reasons_and_leave_nothing(run):
    bad = run.root / "bad"
    bad.mkdir()
    pdf = (run.root / "pdf/PMEGP_Second_Loan_Guidelines_MoMSME_2018.pdf").read_bytes()
    (bad / "truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    (bad / "locked.pdf").write_bytes(_encrypted_pdf())
    (bad / "empty.txt").write_bytes(b"")
    (bad / "latin.txt").write_bytes(bytes(range(128, 256)) * 20)
    (bad / "table.xlsx").write_bytes(b"PK\x03\x04")
    report = run()
    status = _status(report)
    assert status["bad/truncated.pdf"] == FAILED
    assert status["bad/locked.pdf"] == FAILED
    assert status["bad/empty.txt"] == FAILED
    assert status["bad/latin.txt"] == FAILED
    assert status["bad/table.xlsx"] == SKIPPED
    assert sum(1 for s in status.values() if s == ADDED) == 5
    assert report.exit_code == 1
    reasons = {f.path: f.reason for f in report.failed}
    assert "password" in reasons["bad/locked.pdf"] and "corrupt" in reasons["bad/truncated.pdf"]
    assert "empty" in reasons["bad/empty.txt"]
    assert all(not r.doc.path.startswith("bad/") for r in run.store.records().values())
    assert len(_doc_chunk_ids(run.store)) == 5
    # the report was saved, and says the same
    saved = (run.settings.reports_dir / "last-ingest.json").read_text("utf-8")
    assert "bad/locked.pdf" in saved and '"failed": 4' in saved


def test_a_good_file_turned_bad_leaves_nothing_behind(run):
    run()
    target = run.root / "pdf/PMEGP_Second_Loan_Guidelines_MoMSME_2018.pdf"
    target.write_bytes(target.read_bytes()[:2000])
    report = run()
    assert _status(report)["pdf/PMEGP_Second_Loan_Guidelines_MoMSME_2018.pdf"] == FAILED
    assert "previous version was removed" in report.failed[0].reason
    assert all(not r.doc.path.startswith("pdf/") for r in run.store.records().values())
    assert len(_doc_chunk_ids(run.store)) == 4


def test_manifest_metadata_wins_and_edits_apply_without_embedding(run):
    manifest = run.root / "MANIFEST.tsv"
    header = "path\tdoc_type\ttitle\tpublisher\tdate\tofficial_url\tstatus\tsha256\tnote\n"
    row = "pdf/PMEGP_Second_Loan_Guidelines_MoMSME_2018.pdf\tscheme_guideline\tSecond loan rules\tMoMSME\t2018\thttps://example.org/x.pdf\t{}\t\t\n"
    manifest.write_text(header + row.format("current"), "utf-8")
    run()
    rec = next(r for r in run.store.records().values() if r.doc.path.startswith("pdf/"))
    assert (rec.doc.title, rec.doc.doc_type, rec.doc.publisher, rec.doc.status) == (
        "Second loan rules",
        "scheme_guideline",
        "MoMSME",
        "current",
    )
    assert rec.doc.metadata_source == "manifest"
    other = next(r for r in run.store.records().values() if r.doc.path.endswith("overview.txt"))
    assert other.doc.metadata_source == "derived" and other.doc.doc_type == "article"
    manifest.write_text(header + row.format("superseded"), "utf-8")
    report = run()
    assert set(_status(report).values()) == {UNCHANGED} and run.embedder.calls == 0
    hits = run.store.query(run.embedder.embed_query("second loan"), 3, Filters(status="superseded"))
    assert hits and all(h.doc.path.startswith("pdf/") for h in hits)
    rows = read_catalogue(run.settings.data_dir / "catalogue.tsv")
    assert {r["path"]: r["status"] for r in rows}[
        "pdf/PMEGP_Second_Loan_Guidelines_MoMSME_2018.pdf"
    ] == "superseded"


def test_a_bad_manifest_is_a_config_error(run):
    (run.root / "MANIFEST.tsv").write_text(
        "path\tdoc_type\ttitle\tstatus\nx.pdf\tnovel\tX\tcurrent\n", "utf-8"
    )
    with pytest.raises(ConfigError, match="doc_type 'novel'"):
        run()


def test_missing_folder_is_a_config_error(run, tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        run(source=tmp_path / "nowhere")


def test_one_ingest_at_a_time(run):
    from ingest.pipeline import _ingest_lock

    held, release = threading.Event(), threading.Event()

    def hold():
        with _ingest_lock(run.settings):
            held.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    try:
        with pytest.raises(StoreError, match="another ingest is running"):
            run()
    finally:
        release.set()
        thread.join()


def test_progress_bars_show_documents_and_chunks_per_second(
    make_settings, mini_corpus, embedder, capsys
):
    settings = make_settings(corpus_dir=mini_corpus, progress=True)
    Ingestor(settings, embedder).run()
    shown = capsys.readouterr().err
    assert "documents" in shown and "doc/s" in shown
    assert "chunks" in shown and "chunk/s" in shown
