"""The whole reference corpus, ingested once for the session (see conftest.full_store)."""

from __future__ import annotations

import csv

import pytest

from ingest.catalogue import catalogue_rows, read_catalogue
from ingest.pipeline import Ingestor
from ingest.report import SKIPPED, UNCHANGED
from retrieval.core.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow


def _manifest(corpus):
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        return {row["path"]: row for row in csv.DictReader(handle, delimiter="\t")}


def test_every_file_is_ingested_none_failed(full_store, corpus):
    _, report, store = full_store
    assert report.failed == [], [(f.path, f.reason) for f in report.failed]
    documents = len(_manifest(corpus)) + len(list((corpus / "schemes").glob("*.json")))
    assert report.documents_in_store == documents == 315
    skipped = [f for f in report.files if f.status == SKIPPED]
    assert [f.path for f in skipped] == ["provenance-pmegp-archive.csv"]
    assert "unsupported file type '.csv'" in skipped[0].reason
    assert report.chunks_in_store == store.count() == sum(f.chunks for f in report.files)


def test_manifest_metadata_is_on_every_listed_document(full_store, corpus):
    _, _, store = full_store
    records = {r.doc.path: r for r in store.records().values()}
    for path, row in _manifest(corpus).items():
        doc = records[path].doc
        assert (doc.title, doc.doc_type, doc.status, doc.date, doc.official_url) == (
            row["title"],
            row["doc_type"],
            row["status"],
            row["date"],
            row["official_url"],
        ), path
        assert doc.sha256 == row["sha256"] and doc.metadata_source == "manifest"
    assert records["pdf/PMEGP_Guidelines_2018_superseded.pdf"].doc.status == "superseded"
    assert records["pdf/NIC_2008_Classification_CSO.pdf"].pages == 193
    record = records["schemes/Atal_Pension_Yojana.json"]
    assert record.doc.doc_type == "scheme_record" and record.doc.state == "India"
    assert record.doc.metadata_source == "derived"


def test_scans_are_read_by_ocr_and_marked(full_store):
    _, _, store = full_store
    records = {r.doc.path: r for r in store.records().values()}
    expected = {
        "scanned/KVIC_PMEGP_2nd_Loan_Guidelines_2019-02-12_SCANNED.pdf": (1, 2, 3, 4),
        "scanned/MSME_OM_NIC_Activities_Not_Covered_2020-12-01_SCANNED.pdf": (1,),
        "scanned/MSME_OM_PMEGP_Interest_on_Margin_Money_2014-09-20_CamScanner.pdf": (1,),
        "scanned/KVIC_PMEGP_2nd_Loan_Guidelines_2019-02-12_repo-OCR.pdf": (),
        "pdf/PMEGP_Second_Loan_Guidelines_MoMSME_2018.pdf": (),
    }
    for path, pages in expected.items():
        assert records[path].ocr_pages == pages, path
    scan = records["scanned/KVIC_PMEGP_2nd_Loan_Guidelines_2019-02-12_SCANNED.pdf"]
    chunks = store.chunks_of(scan.doc.doc_id)
    assert chunks and all(c.ocr for c in chunks)
    assert any("margin money" in c.text.lower() for c in chunks)


@pytest.mark.parametrize(
    ("query", "path", "page"),
    [
        (
            "How many SSI units does Assam have?",
            "seeds/lokanathan-2025-growth-of-smes-and-handicrafts.txt",
            0,
        ),
        (
            "interest accrued on PMEGP margin money kept in term deposit",
            "scanned/MSME_OM_PMEGP_Interest_on_Margin_Money_2014-09-20_CamScanner.pdf",
            1,
        ),
        (
            "NIC codes of activities not covered under the MSMED Act for Udyam",
            "scanned/MSME_OM_NIC_Activities_Not_Covered_2020-12-01_SCANNED.pdf",
            1,
        ),
    ],
)
def test_search_reaches_tables_and_ocr_text(full_store, embedder, query, path, page):
    _, _, store = full_store
    hits = store.query(embedder.embed_query(query), k=5)
    assert (path, page) in [(h.doc.path, h.chunk.page) for h in hits]


def test_catalogue_matches_the_committed_one(full_store):
    settings, _, store = full_store
    written = read_catalogue(settings.data_dir / "catalogue.tsv")
    assert written == catalogue_rows(store.records().values())
    committed = read_catalogue(PROJECT_ROOT / "corpus" / "catalogue.tsv")
    assert written == committed, "ingest output changed: run `make catalogue` if intended"


def test_a_second_run_embeds_nothing(full_store, embedder):
    settings, first, _ = full_store
    report = Ingestor(settings, embedder).run()
    assert {f.path for f in report.files if f.status == UNCHANGED} == {
        f.path for f in first.files if f.status != SKIPPED
    }
    assert report.chunks_embedded == 0
    assert report.chunks_in_store == first.chunks_in_store
