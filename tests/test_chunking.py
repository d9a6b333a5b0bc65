"""Chunks follow structure, never cross a page, and are exact spans of their page."""

from ingest.chunking import chunk_document, chunk_page, is_heading
from ingest.clean import normalise
from retrieval.core.text import embedding_text, is_table_row
from retrieval.core.types import Page


def _check_spans(chunks, pages, limit):
    by_number = {p.number: p for p in pages}
    for chunk in chunks:
        page = by_number[chunk.page]
        assert page.text[chunk.char_start : chunk.char_end] == chunk.text
        assert chunk.text.strip() == chunk.text and chunk.text
        assert len(chunk.text) <= limit
        assert chunk.chunk_id == f"{chunk.doc_id}:p{chunk.page}:c{chunk.index}"
    assert [c.index for c in chunks] == list(range(len(chunks)))


def test_heading_and_table_detection():
    assert is_heading("INTRODUCTION")
    assert is_heading("4. Eligibility Conditions of Beneficiaries")
    assert is_heading("## Benefits")
    assert not is_heading("The scheme will be implemented by KVIC.")
    assert is_table_row("8.\tASSAM\t194379\t1.85")
    assert is_table_row("Rural 25% 35% 10%")
    assert not is_table_row("In 2019, 35 units were set up in 4 districts of Assam.")


def test_the_assam_row_keeps_its_table_header(corpus):
    text = normalise(
        (corpus / "seeds/lokanathan-2025-growth-of-smes-and-handicrafts.txt").read_text("utf-8")
    )
    pages = [Page(0, text)]
    chunks = chunk_document("d1", pages, 900)
    _check_spans(chunks, pages, 900)
    holder = [c for c in chunks if "ASSAM\t194379" in c.text]
    assert len(holder) == 1
    context = holder[0].table_header + "\n" + holder[0].text
    assert "Name of State/UT" in context and "No. of units in the Total SSI Sector" in context


def test_a_continued_table_repeats_its_header():
    header = "S.No\tState\tUnits"
    rows = "\n".join(f"{i}.\tSTATE{i}\t{1000 + i}" for i in range(1, 80))
    page = Page(3, f"Table 1: Units by state\n{header}\n{rows}\n\nAfter the table, prose.")
    chunks, _ = chunk_page("d", page, 300)
    _check_spans(chunks, [page], 300)
    table_chunks = [c for c in chunks if "STATE" in c.text]
    assert len(table_chunks) > 3
    assert header in table_chunks[0].text
    for chunk in table_chunks[1:]:
        assert header in chunk.table_header
    assert header in embedding_text(table_chunks[2], "Doc")


def test_headings_open_chunks_and_sections_carry_across_pages():
    pages = [
        Page(1, "1. Introduction\nPMEGP is a credit-linked subsidy programme."),
        Page(2, "It is run by KVIC.\n2. Eligibility\nAny individual above 18 years."),
    ]
    chunks = chunk_document("d", pages, 900)
    _check_spans(chunks, pages, 900)
    assert [(c.page, c.section, c.text.split("\n")[0]) for c in chunks] == [
        (1, "1. Introduction", "1. Introduction"),
        (2, "1. Introduction", "It is run by KVIC."),
        (2, "2. Eligibility", "2. Eligibility"),
    ]


def test_long_paragraphs_split_at_sentence_ends():
    sentence = "The margin money subsidy is released to the financing bank by KVIC. "
    page = Page(1, sentence * 40)
    chunks, _ = chunk_page("d", page, 400)
    _check_spans(chunks, [page], 400)
    assert len(chunks) > 5
    assert all(c.text.endswith("KVIC.") for c in chunks)
