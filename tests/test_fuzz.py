"""Property-based tests (Hypothesis): random and mutated input never escapes as a crash.

Loaders get random bytes and real files with bytes flipped, cut or repeated: they return
pages or raise IngestError, nothing else. The chunker keeps every chunk an exact span of its
page whatever the text; question cleaning, question analysis and citation parsing take any
string. A fixed seed (`derandomize`) keeps `make test` repeatable; `bench/fuzz.py` runs the
same properties for longer with fresh seeds.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.chunking import chunk_document
from ingest.loaders import LOADERS, load
from retrieval.answer.analysis import analyse
from retrieval.answer.citations import parse_cited_text
from retrieval.core.errors import IngestError
from retrieval.core.settings import Settings
from retrieval.core.text import clean_question
from retrieval.core.types import Page

EXAMPLES = int(os.environ.get("KARIGAR_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=os.environ.get("KARIGAR_FUZZ_RANDOM") != "1",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SEEDS = {  # one real file of each format from the reference corpus
    ".pdf": "scanned/KVIC_PMEGP_2nd_Loan_Guidelines_2019-02-12_repo-OCR.pdf",
    ".json": "schemes/Atal_Pension_Yojana.json",
}
# Text that looks like what the loaders and the chunker meet: words, numbers, headings,
# table rows, bullets, odd spaces and control characters, Devanagari.
PIECES = st.sampled_from(
    [
        "Margin money",
        " 35%",
        "Rs 25 lakh",
        "\n\n## Eligibility\n",
        "\n- ",
        " | ",
        "\t",
        "\n",
        "(a) ",
        "1.",
        "प्रधानमंत्री",
        "\x00",
        "\x0c",
        "\u200b",
        "\ufffd",
        "<p>",
        "</div>",
        '{"content": ',
        "[",
        "]",
        ". ",
        "x" * 50,
    ]
)
TEXTISH = st.one_of(st.text(max_size=3000), st.lists(PIECES, max_size=200).map("".join))


@pytest.fixture(scope="module")
def fuzz_settings(tmp_path_factory) -> Settings:
    data = tmp_path_factory.mktemp("fuzz-data")
    # no OCR here: a mutated scan's pages are read as text only (OCR has its own tests)
    return Settings(data_dir=data, progress=False, ocr_min_words=0, max_chunks=5000)


def _load_or_reason(path: Path, data: bytes, settings: Settings) -> None:
    try:
        loaded = load(path, data, "0" * 64, settings)
    except IngestError as exc:
        assert exc.reason and str(path) in str(exc)
        return
    assert all(isinstance(p, Page) for p in loaded.pages)


@FUZZ
@given(data=st.binary(max_size=4000), suffix=st.sampled_from(sorted(LOADERS)))
def test_random_bytes_in_any_format_load_or_give_a_reason(fuzz_settings, tmp_path, data, suffix):
    _load_or_reason(tmp_path / f"random{suffix}", data, fuzz_settings)


@FUZZ
@given(text=TEXTISH, suffix=st.sampled_from([".txt", ".md", ".html", ".json"]))
def test_text_like_input_in_any_text_format_loads_or_gives_a_reason(
    fuzz_settings, tmp_path, text, suffix
):
    _load_or_reason(tmp_path / f"texty{suffix}", text.encode("utf-8", "replace"), fuzz_settings)


@FUZZ
@given(data=st.data())
def test_real_files_with_bytes_flipped_cut_or_repeated_load_or_give_a_reason(
    fuzz_settings, corpus, tmp_path, data
):
    suffix = data.draw(st.sampled_from(sorted(SEEDS)))
    original = (corpus / SEEDS[suffix]).read_bytes()
    mutated = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        how = data.draw(st.sampled_from(["flip", "cut", "repeat"]))
        at = data.draw(st.integers(0, len(mutated) - 1))
        if how == "flip":
            mutated[at] = data.draw(st.integers(0, 255))
        elif how == "cut":
            del mutated[at : at + data.draw(st.integers(1, 5000))]
        else:
            mutated[at:at] = mutated[at : at + data.draw(st.integers(1, 2000))]
        if not mutated:
            break
    _load_or_reason(tmp_path / f"mutated{suffix}", bytes(mutated), fuzz_settings)


@FUZZ
@given(texts=st.lists(TEXTISH, min_size=1, max_size=4), limit=st.integers(40, 1500))
def test_every_chunk_is_an_exact_span_of_its_page(texts, limit):
    pages = [Page(i + 1, text) for i, text in enumerate(texts)]
    for chunk in chunk_document("d", pages, limit):
        page = pages[chunk.page - 1]
        assert page.text[chunk.char_start : chunk.char_end] == chunk.text
        assert chunk.text.strip()


@FUZZ
@given(text=TEXTISH)
def test_any_question_is_cleaned_and_analysed(text):
    question = clean_question(text)
    assert clean_question(question) == question  # cleaning twice changes nothing more
    assert not any(ord(c) < 32 and c != "\n" for c in question)
    analysis = analyse(question)
    assert analysis is not None


@FUZZ
@given(text=TEXTISH, markers=st.lists(st.integers(-3, 20), max_size=6), passages=st.integers(0, 8))
def test_citation_parsing_keeps_only_markers_of_passages_given(text, markers, passages):
    cited = text + " " + " ".join(f"[{m}]" for m in markers)
    for sentence in parse_cited_text(cited, passages):
        assert all(1 <= m <= passages for m in sentence.markers)
        assert not re.search(r"\[\d+\]", sentence.text)  # markers leave the sentence's text
