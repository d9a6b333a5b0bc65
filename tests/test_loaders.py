"""Each loader on real corpus files, and every kind of bad input (generated here)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from ingest.loaders import load
from retrieval.core.errors import IngestError
from retrieval.core.settings import Settings


def _load(path: Path, settings: Settings, data: bytes | None = None):
    data = path.read_bytes() if data is None else data
    return load(path, data, hashlib.sha256(data).hexdigest(), settings)


@pytest.fixture
def settings(make_settings):
    return make_settings()


def test_pdf_pages_are_numbered_from_one_and_hold_their_own_text(corpus, settings):
    loaded = _load(corpus / "pdf/PMEGP_Guidelines_KVIC_certified_2022-23.pdf", settings)
    assert [p.number for p in loaded.pages] == list(range(1, 44))
    page = next(p for p in loaded.pages if "11.6 There will be a provision to upload" in p.text)
    assert page.number == 11
    assert not page.ocr
    # the PDF's page 6 prints "4" (a cover and a contents page go unnumbered): its label
    assert loaded.pages[5].label == "4" and page.label == "9"
    assert loaded.pages[0].label == ""


def test_pdf_running_header_removed(corpus, settings):
    loaded = _load(corpus / "pdf/PMEGP_Guidelines_2018_superseded.pdf", settings)
    assert not any("Regp6/desk/new sch.pmegp/guide" in p.text for p in loaded.pages)
    # its Symbol-font bullets (U+F0B7, U+F0D8: boxes on screen) read as bullets
    assert not any(c in p.text for p in loaded.pages for c in "\uf0b7\uf0d8")
    assert sum(p.text.count("•") + p.text.count("➢") for p in loaded.pages) >= 30
    assert any("Prime Minister" in p.text for p in loaded.pages)


def test_rbi_letterhead_garbage_is_dropped(corpus, settings):
    loaded = _load(corpus / "pdf/RBI_MSME_New_Classification_Circular_2020-07-02.pdf", settings)
    first = loaded.pages[0].text
    assert "\ufffd" not in first
    assert "RESERVE BANK OF INDIA" in first
    assert "Credit flow to Micro, Small and Medium Enterprises Sector" in first


def test_html_main_text_without_navigation(corpus, settings):
    path = corpus / "html/AP_Anakapalli_District_Industries_DIC_PMEGP_ODOP.html"
    loaded = _load(path, settings)
    text = loaded.pages[0].text
    assert loaded.pages[0].number == 0
    assert "District Industries Centres are established to foster" in text
    assert "PM Vishwakarma" in text
    import trafilatura

    raw = trafilatura.html2txt(path.read_text("utf-8"))  # all the page's text, menus too
    navigation = (
        "Accessibility Tools",
        "High Contrast",
        "Font Size Increase",
        "Who’s Who",
        "Sainik Welfare",
        "Recruitments",
    )
    for nav in navigation:
        assert nav in raw and nav not in text
    assert "**" not in text
    assert loaded.meta["title"]


def test_scheme_record_becomes_titled_sections_and_metadata(corpus, settings):
    loaded = _load(corpus / "schemes/Atal_Pension_Yojana.json", settings)
    text = loaded.pages[0].text
    for heading in (
        "## Details",
        "## Benefits",
        "## Eligibility",
        "## Exclusions",
        "## Application Process",
        "## Documents Required",
    ):
        assert heading in text
    assert "- Minimum age of joining APY is 18 years and maximum is 40 years." in text
    meta = loaded.meta
    assert meta["title"] == "Atal Pension Yojana"
    assert meta["doc_type"] == "scheme_record"
    assert meta["state"] == "India" and meta["department"] == "Ministry Of Finance"
    assert meta["beneficiary"] == "Unorganized Workers"
    assert "Pension" in meta["tags"]
    assert meta["source_urls"][0] == "https://jansuraksha.gov.in/Files/APY/ENGLISH/APY.pdf"


def test_markdown_title_from_first_heading(tmp_path, settings):
    path = tmp_path / "note.md"
    path.write_text("# Cluster notes\n\nSFURTI supports traditional clusters.\n", "utf-8")
    loaded = _load(path, settings)
    assert loaded.meta["title"] == "Cluster notes"
    assert "SFURTI supports traditional clusters." in loaded.pages[0].text


def test_latin1_text_is_decoded(tmp_path, settings):
    path = tmp_path / "old.txt"
    path.write_bytes("Café owners in Pondichéry applied for the subsidy scheme.".encode("latin-1"))
    assert "Pondichéry" in _load(path, settings).pages[0].text


# --- bad input ----------------------------------------------------------------------------
def _encrypted_pdf(user_password: str, owner_password: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _expect_error(path: Path, settings: Settings, data: bytes, *phrases: str) -> IngestError:
    with pytest.raises(IngestError) as caught:
        _load(path, settings, data)
    assert caught.value.path == str(path)
    for phrase in phrases:
        assert phrase in caught.value.reason
    return caught.value


def test_encrypted_pdf_with_password_is_refused_with_advice(tmp_path, settings):
    _expect_error(
        tmp_path / "locked.pdf",
        settings,
        _encrypted_pdf("secret", "owner"),
        "encrypted with a password",
        "qpdf --decrypt",
    )


def test_truncated_pdf_is_refused(corpus, tmp_path, settings):
    data = (corpus / "pdf/PMEGP_Second_Loan_Guidelines_MoMSME_2018.pdf").read_bytes()
    _expect_error(tmp_path / "cut.pdf", settings, data[: len(data) // 3], "corrupt")


def test_corrupt_pdf_is_refused(tmp_path, settings):
    _expect_error(
        tmp_path / "junk.pdf",
        settings,
        b"%PDF-1.7\n" + bytes(range(256)) * 40,
        "not a readable PDF",
    )


def test_not_a_pdf_at_all(tmp_path, settings):
    _expect_error(tmp_path / "fake.pdf", settings, b"<html>hello</html>", "not a PDF")


def test_empty_file(tmp_path, settings):
    _expect_error(tmp_path / "empty.txt", settings, b"", "empty")
    _expect_error(tmp_path / "blank.pdf", settings, b"  \n ", "empty")


def test_unsupported_type(tmp_path, settings):
    _expect_error(tmp_path / "sheet.xlsx", settings, b"PK\x03\x04data", "unsupported file type")


def test_undecodable_text(tmp_path, settings):
    import random

    rng = random.Random(7)
    noise = bytes(rng.randrange(128, 256) for _ in range(3000))
    _expect_error(tmp_path / "noise.txt", settings, noise, "cannot be decoded", "UTF-8")
    _expect_error(tmp_path / "binary.txt", settings, b"abc\x00\x01\x02" * 50, "binary")


def test_json_that_is_not_a_scheme_record(tmp_path, settings):
    _expect_error(tmp_path / "x.json", settings, b'{"a": 1}', "not a scheme record")
    _expect_error(tmp_path / "y.json", settings, b'{"content": {"title": ', "not valid JSON")


def test_too_large(tmp_path, make_settings):
    settings = make_settings(max_file_mb=0.001)
    _expect_error(tmp_path / "big.txt", settings, b"word " * 1000, "over the", "MB limit")


def test_the_second_loan_guideline_reads_its_words_whole(corpus, settings):
    # the PDF sets "The" one letter to a line beside a table: joined, the clause reads whole
    loaded = _load(corpus / "pdf" / "PMEGP_Second_Loan_Guidelines_MoMSME_2018.pdf", settings)
    page = loaded.pages[1].text
    assert "a) The maximum cost of the project/unit admissible under manufacturing" in page
    assert "\nh\ne\n" not in page
