"""Ranking on tiny fixtures, with no model and no store: fusion, features, re-scoring,
diversity, relevance, and the sentences and table rows a reader quotes. The
whole file runs in well under a second, so a change to ranking shows what it broke at once."""

from __future__ import annotations

import pytest

from retrieval.answer.generators import ExtractiveGenerator, section_intent
from retrieval.answer.units import passage_units, render_row
from retrieval.core.text import embedding_text, passage_text
from retrieval.core.types import Chunk, Features, Hit, SourceDoc
from retrieval.search.ranking import (
    E5_RELEVANCE_THRESHOLD,
    RELEVANCE_THRESHOLD,
    QueryTerms,
    Weights,
    diversify,
    features,
    fuse,
    longest_run,
    order,
    overlap,
    relevance,
    rescore,
    threshold,
)


def _doc(
    doc_id: str = "d1",
    title: str = "Prime Minister's Employment Generation Programme",
    doc_type: str = "scheme_guideline",
) -> SourceDoc:
    return SourceDoc(
        doc_id=doc_id, path=f"{doc_id}.pdf", title=title, doc_type=doc_type, sha256=doc_id
    )


def _hit(
    cid: str,
    doc: SourceDoc | None = None,
    score: float = 0.0,
    text: str = "text",
    section: str = "",
    header: str = "",
    start: int = 0,
    sim: float = 0.0,
    coverage: float = 0.0,
) -> Hit:
    doc = doc or _doc()
    chunk = Chunk(
        chunk_id=cid,
        doc_id=doc.doc_id,
        text=text,
        page=1,
        section=section,
        char_start=start,
        char_end=start + len(text),
        index=0,
        table_header=header,
    )
    return Hit(
        chunk=chunk, doc=doc, score=score, features=Features(similarity=sim, coverage=coverage)
    )


# -- fusion -------------------------------------------------------------------------------
def test_fusion_adds_weight_over_rank_from_every_list():
    fused = fuse([(["a", "b"], 1.0), ([], 1.0), (["b", "c"], 0.5)], rrf_k=60)
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 0.5 / 61)
    assert fused["c"] == pytest.approx(0.5 / 62)
    assert list(fused) == ["a", "b", "c"]  # first seen first
    assert fuse([], 60) == {}


# -- features ------------------------------------------------------------------------------
def test_overlap_is_the_share_of_distinct_wanted_items_found():
    assert overlap(["margin", "money", "margin"], ["money", "subsidy"]) == 0.5
    assert overlap([], ["anything"]) == 0.0
    assert overlap({"35"}, {"35", "25"}) == 1.0


def test_longest_run_counts_consecutive_question_words():
    assert longest_run(["margin", "money", "subsidi"], ["the", "margin", "money", "subsidi"]) == 3
    assert longest_run(["a", "b", "c"], ["b", "x", "a", "b"]) == 2
    assert longest_run([], ["a"]) == 0 and longest_run(["a"], []) == 0


def test_features_read_words_numbers_and_phrases_with_title_and_header():
    terms = QueryTerms.of("What is the margin money for 35 percent in Assam?")
    assert "margin" in terms.tokens and terms.numbers == {"35"}
    text = passage_text(
        "PMEGP guidelines",
        "Margin money",
        "Category\tUrban\tRural",
        "Special category: 25% urban, 35% rural.",
    )
    f = features(terms, text, fused=0.5, similarity=0.7, bm25=0.2)
    assert (f.fused, f.similarity, f.bm25) == (0.5, 0.7, 0.2)
    assert f.numbers == 1.0  # "35%" is the number 35
    assert 0 < f.coverage < 1  # "Assam" is not there
    assert f.phrase == pytest.approx(2 / len(terms.tokens))  # "margin money"
    empty = features(QueryTerms.of("the of and"), text, 0.0, 0.0, 0.0)
    assert (empty.coverage, empty.numbers, empty.phrase) == (0.0, 0.0, 0.0)


def test_rescore_is_the_weighted_sum_of_the_features():
    w = Weights()
    f = Features(fused=1.0, similarity=0.5, bm25=0.9, coverage=0.4, numbers=1.0, phrase=0.2)
    assert rescore(f, w) == pytest.approx(0.35 * 1.0 + 0.35 * 0.5 + 0.15 * 0.4 + 0.10 + 0.05 * 0.2)
    assert rescore(Features(bm25=1.0), w) == 0.0  # BM25 counts through fusion only


# -- ordering and diversity ----------------------------------------------------------------
def test_order_is_by_score_then_chunk_id():
    hits = [_hit("b", score=0.5), _hit("a", score=0.5), _hit("c", score=0.9)]
    assert [h.chunk.chunk_id for h in order(hits)] == ["c", "a", "b"]


def test_diversity_discounts_a_documents_third_and_later_passages():
    a, b = _doc("A"), _doc("B")
    hits = [
        _hit("a1", a, 1.0),
        _hit("a2", a, 0.99),
        _hit("a3", a, 0.98),
        _hit("a4", a, 0.97),
        _hit("b1", b, 0.9),
    ]
    out = diversify(hits, k=4, discount=0.85)
    assert [h.chunk.chunk_id for h in out] == ["a1", "a2", "b1", "a3"]
    assert out[3].score == pytest.approx(0.98 * 0.85)
    assert diversify(hits, k=5, discount=0.85)[4].score == pytest.approx(0.97 * 0.85**2)
    assert diversify([], 5, 0.85) == []


# -- relevance and thresholds ----------------------------------------------------------------
def test_relevance_blends_similarity_and_coverage_over_the_top_three():
    hits = [
        _hit("a", sim=0.5, coverage=0.0),
        _hit("b", sim=0.6, coverage=1.0),
        _hit("c", sim=0.4),
        _hit("d", sim=0.99, coverage=1.0),
    ]
    assert relevance(hits) == pytest.approx(0.6 * 0.7 + 0.3)  # "d" is fourth: not read
    assert relevance(hits, "e5") == pytest.approx(0.99)  # e5: the best similarity of all
    assert relevance([]) == 0.0
    assert relevance([Hit(chunk=hits[0].chunk, doc=hits[0].doc, score=1.0)]) == 0.0
    assert threshold("english") == RELEVANCE_THRESHOLD and threshold("e5") == E5_RELEVANCE_THRESHOLD


# -- quotable units ------------------------------------------------------------------------
PAGE = (
    "Preamble text.\n"
    "The margin money subsidy is given to micro enterprises. It is released through banks.\n"
    "Eligibility Conditions\n"
)


def test_sentences_are_exact_spans_of_the_page_and_headings_are_fragments():
    start = 100
    page = " " * start + PAGE
    hit = _hit("c", text=PAGE, start=start)
    units = passage_units(0, hit)
    quotes = [u.quote for u in units]
    assert quotes == [
        "The margin money subsidy is given to micro enterprises.",
        "It is released through banks.",
    ]  # fewer than 4 words are left out
    for u in units:
        assert page[u.start : u.end] == u.quote and not u.is_row and not u.fragment


def test_a_list_lead_in_is_a_fragment_and_items_lose_their_marks():
    text = "The following are eligible for the scheme\n(a) Any individual above 18 years of age.\n"
    units = passage_units(0, _hit("c", text=text))
    assert units[0].fragment and units[0].quote == "The following are eligible for the scheme"
    assert units[1].rendered == "Any individual above 18 years of age."


def test_delimited_and_pdf_tables_are_read_with_their_header():
    tsv = "S.L. No\tName of State/UT\tUnits\n8.\tASSAM\t194379\n"
    units = passage_units(0, _hit("c", text=tsv))
    assert [u.rendered for u in units] == ["S.L. No: 8.; Name of State/UT: ASSAM; Units: 194379."]
    assert units[0].is_row and units[0].quote == "8.\tASSAM\t194379"
    pdf = "Category Urban Rural\nGeneral Category 15% 25%\n"
    row = passage_units(0, _hit("c", text=pdf))
    # a PDF row is one cell under a one-cell header line: read as "header: row"
    assert [u.rendered for u in row] == ["Category Urban Rural: General Category 15% 25%."]


def test_a_row_whose_label_wraps_above_its_figures_is_one_row():
    text = (
        "Categories of beneficiary Own contribution Urban Rural\n"
        "General Category 10% 15% 25%\n"
        "Special Category (including SC, ST, OBC,\nMinorities, Women) etc.\n05% 25% 35%\n"
    )
    units = passage_units(0, _hit("c", text=text))
    rows = [u for u in units if u.is_row]
    assert rows[-1].rendered == (
        "Categories of beneficiary Own contribution Urban Rural: Special "
        "Category (including SC, ST, OBC, Minorities, Women) etc. "
        "05% 25% 35%."
    )
    assert rows[-1].quote == text[text.index("Special") : text.rindex("35%") + 3]


def test_the_sentence_under_a_markdown_heading_is_a_unit_and_the_heading_is_not():
    text = (
        "## Details\nUnder this scheme, entrepreneurs are provided a loan of ₹50,000/- with a "
        "4% rate of interest. If the beneficiary repays 50% of the loan within 36 months, the "
        "rest is a back-end subsidy.\n## Benefits\n- A loan of ₹50,000 is given.\n"
    )
    quotes = [u.quote for u in passage_units(0, _hit("c", text=text))]
    assert quotes[0].startswith("Under this scheme") and "4% rate of interest" in quotes[0]
    assert not any("#" in q for q in quotes) and len(quotes) == 3


def test_label_value_lines_are_read_one_by_one():
    overview = (
        "## Overview\nState: Andhra Pradesh\nDepartment: Department of Handlooms & Textiles\n"
        "Type: Financial Assistance for weaver families\nTags: Handloom, Weaver, Loom\n"
        "Eligible weavers get Rs 24,000 a year under the scheme.\n"
    )
    quotes = [u.quote for u in passage_units(0, _hit("c", text=overview))]
    assert quotes == [
        "Department: Department of Handlooms & Textiles",
        "Type: Financial Assistance for weaver families",
        "Tags: Handloom, Weaver, Loom",
        "Eligible weavers get Rs 24,000 a year under the scheme.",
    ]  # not one run-on "State: ... Department: ... Type: ..." sentence
    # one line with a colon in prose is no field
    prose = "Note: the applicant should be a resident\nof the State for five years.\n"
    assert [u.rendered for u in passage_units(0, _hit("c", text=prose))] == [
        "Note: the applicant should be a resident of the State for five years."
    ]


def test_a_bullet_a_tab_parts_from_its_text_is_a_sentence_not_a_row():
    text = (
        "l\t NIC-2008 is comparable with ISIC Rev.4 till 4-digit classes in totality.\n"
        "l\t The concept of shadow classes has been done away with in NIC-\n2008.\n"
        "S.No\tState\tUnits\n1\tAssam\t194\n"
    )
    units = passage_units(0, _hit("c", text=text))
    assert [(u.rendered, u.is_row) for u in units] == [
        ("NIC-2008 is comparable with ISIC Rev.4 till 4-digit classes in totality.", False),
        ("The concept of shadow classes has been done away with in NIC- 2008.", False),
        ("S.No: 1; State: Assam; Units: 194.", True),
    ]  # the first was the "header" of a two-cell table, and never read


def test_render_row_names_cells_when_they_line_up():
    assert render_row("1 | Assam | 35%", "No | State | Rate") == "No: 1; State: Assam; Rate: 35%."
    assert render_row("1 Assam 35%", "") == "1 Assam 35%."
    # a last cell that ends on a full stop ends the row: no second one
    named = render_row("2 | Arcelor | 55000 Nos.", "S.No. | Name | Employment")
    assert named == "S.No.: 2; Name: Arcelor; Employment: 55000 Nos."
    assert render_row("1\tAssam", "caption line\nNo\tState") == "No: 1; State: Assam."
    # the line above a PDF row may be a row itself, not a header (years are headers)
    above = "Lodges and guest houses 5,405 1.50%"
    assert render_row("Toll collection 3,917 1.00%", above) == "Toll collection 3,917 1.00%."
    assert render_row("105 217", "2008-09 2009-10") == "2008-09 2009-10: 105 217."
    assert render_row("A\t105\t217", "Item\t2019\t2020") == "Item: A; 2019: 105; 2020: 217."


# -- the reader ----------------------------------------------------------------------------
def test_section_intent_points_at_the_section_asked_about():
    assert section_intent("Who is eligible for PMEGP?") == ("eligib", "exclusion")
    assert section_intent("Which documents are needed?") == ("document", "")
    assert section_intent("What is the capital of Assam?") == ("", "")


class _FixedEmbedder:
    """Vectors fixed by keyword, so the reader's choice is decided by the scoring alone."""

    name, dimension = "fixed", 2

    def _vec(self, text: str) -> list[float]:
        return [1.0, 0.0] if "35%" in text or "subsidy" in text.lower() else [0.0, 1.0]

    def embed(self, texts):
        return [self._vec(t) for t in texts]

    def embed_query(self, text):
        return [1.0, 0.0]


def test_the_reader_quotes_the_best_units_in_reading_order():
    text = (
        "Background of the programme is long and varied in many states.\n"
        "The subsidy for special category beneficiaries in rural areas is 35%.\n"
    )
    hits = [
        _hit("c1", text=text),
        _hit(
            "c2",
            _doc("d2", "Other doc", "article"),
            text="Unrelated words about weaving clusters here.",
        ),
    ]
    composed = ExtractiveGenerator(_FixedEmbedder()).compose(
        "What is the subsidy for special category rural beneficiaries?", hits
    )
    assert [s for s, _ in composed.sentences] == [
        "The subsidy for special category beneficiaries in rural areas is 35%."
    ]
    assert composed.sentences[0][1] == (0,)


def _passage(doc: SourceDoc, cid: str, index: int, text: str, page: int) -> Hit:
    """The document's passage number `index` (its chunk index), on `page`."""
    return Hit(Chunk(cid, doc.doc_id, text, page, "", 0, len(text), index), doc, 0.5)


def _model_on(feature: str, weight: float = 8.0, bias: float = -4.0, units: int = 3):
    from retrieval.answer.reader import FEATURES, ReaderModel

    weights = tuple(weight if f == feature else 0.0 for f in FEATURES)
    return ReaderModel(weights, bias, 0.5, 0.5, 0.5, {}, units, 2)


def test_two_items_of_a_list_are_quoted_with_the_rest_of_it():
    items = (
        "- Beneficiary's contribution (of project cost) - 5%\n"
        "- Rate of subsidy (of project cost) - 40%\n"
        "- Bank credit - 55%\n"
    )
    hits = [_hit("c1", text="Coir Udyami Yojana shares the cost as follows.\n" + items)]
    reader = ExtractiveGenerator(_FixedEmbedder(), model=_model_on("coverage_unit", 16, -3))
    composed = reader.compose("What beneficiary contribution and subsidy rate apply?", hits)
    # the third item names neither word: it comes with its list, in reading order, and
    # the items of one list read as one sentence with one marker, after the sentence that
    # announces them ("as follows.": a lead-in, though it ends on a full stop)
    assert [s for s, _ in composed.sentences] == [
        "Coir Udyami Yojana shares the cost as follows.",
        "Beneficiary's contribution (of project cost) - 5%; Rate of subsidy (of project cost)"
        " - 40%; Bank credit - 55%",
    ]
    assert len(composed.units) == 4  # each item still quoted on its own, and the lead-in


def test_a_list_asked_for_is_quoted_whole_with_its_short_items():
    text = (
        "## Documents Required\n- Address Proof\n- Identity Proof\n"
        "- Caste certificate issued by the competent authority\n- Aadhaar Card\n"
    )
    hits = [_hit("c1", text=text)]
    reader = ExtractiveGenerator(_FixedEmbedder(), model=_model_on("coverage_unit", 16, -3))
    composed = reader.compose("Which documents are required with a caste certificate?", hits)
    assert [s for s, _ in composed.sentences] == [
        "Address Proof; Identity Proof; Caste certificate issued by the competent authority;"
        " Aadhaar Card"
    ]
    # a question that asks no list quotes the item alone
    single = reader.compose("Who issues the caste certificate?", hits)
    assert [s for s, _ in single.sentences] == [
        "Caste certificate issued by the competent authority"
    ]


def test_the_direct_answer_leads_then_the_other_quotes():
    hits = [
        _hit("c1", text="Units pay a guarantee fee on the loan every year.\n"),
        _hit("c2", _doc("d2"), text="The guarantee cover for micro units is 85% of the loan.\n"),
    ]
    reader = ExtractiveGenerator(_FixedEmbedder(), model=_model_on("coverage_unit", units=2))
    composed = reader.compose("What guarantee cover do micro units get on the loan?", hits)
    # the best unit is in the second passage: it opens the answer
    assert [s for s, _ in composed.sentences] == [
        "The guarantee cover for micro units is 85% of the loan.",
        "Units pay a guarantee fee on the loan every year.",
    ]
    assert [i for _, i in composed.sentences] == [(1,), (0,)]


def test_the_embedded_text_carries_title_section_and_header():
    chunk = _hit("c", text="1. JAMMU 73125", section="Units", header="No State Units").chunk
    assert (
        embedding_text(chunk, "SSI census") == "SSI census — Units\nNo State Units\n1. JAMMU 73125"
    )
    assert passage_text("T", "", "", "body", with_acronym=True) == "T\nbody"
    assert (
        passage_text("Prime Minister Employment Generation", "", "", "b", with_acronym=True).split(
            "\n"
        )[1]
        == "PMEG"
    )


def test_a_place_where_someone_lives_is_not_required_of_a_national_document():
    from retrieval.answer.analysis import analyse
    from retrieval.answer.chain import missing_names

    national = [_hit("c1", text="PMEGP: special category beneficiaries in rural areas get 35%.")]
    state_doc = SourceDoc(
        doc_id="d9",
        path="d9.json",
        title="Kerala scheme",
        doc_type="scheme_record",
        sha256="d9",
        state="Kerala",
    )
    only_kerala = [_hit("c2", state_doc, text="Women entrepreneurs get 25%.")]
    lives = "A weaver from a village in Nalbari district, Assam asks: what subsidy applies?"
    assert missing_names(lives, national, analyse(lives)) == []
    assert missing_names(lives, only_kerala, analyse(lives)) == ["Nalbari", "Assam"]
    # a town named with its state after it is where someone is, too
    town = "A 35-year-old in Kohima, Nagaland, asks what subsidy applies to a poultry unit."
    assert missing_names(town, national, analyse(town)) == []
    assert missing_names(town, only_kerala, analyse(town)) == ["Kohima", "Nagaland"]
    subject = "What subsidy does the Assam government give weavers?"
    assert missing_names(subject, national, analyse(subject)) == ["Assam"]
    abroad = "What is the PMEGP subsidy for a project in Nepal?"
    assert missing_names(abroad, national, analyse(abroad)) == ["Nepal"]


def test_capitals_of_a_title_case_question_and_a_spelled_out_acronym_are_no_names():
    from retrieval.answer.chain import missing_names

    record = SourceDoc(
        doc_id="d8",
        path="d8.json",
        title="Mukhya Mantri Krishak Udyami Yojana",
        doc_type="scheme_record",
        sha256="d8",
    )
    hits = [_hit("c1", record, text="The scheme gives farmers a grant of Rs 2 lakh.")]
    # portal FAQs Capitalise Every Word: that marks no name, but an acronym still is one
    title = "Is This Scheme State Sponsored Or Centrally Sponsored? (Mukhya Mantri Krishak)"
    assert missing_names(title, hits) == []
    assert missing_names("What Is The Role Of The PRCs In This Scheme?", hits) == ["PRCs"]
    # "(MMKUY)" spells out nothing a passage must repeat: its words are in the title
    defined = "What is Mukhya Mantri Krishak Udyami Yojana (MMKUY)?"
    assert missing_names(defined, hits) == []
    # a name in an ordinary question is still required
    assert missing_names("What does the Grievance Committee of this scheme do?", hits) == [
        "Grievance Committee"
    ]


def test_a_name_that_says_which_document_is_meant_is_found_in_that_document():
    from retrieval.answer.chain import missing_names

    paper = _doc("p1", "Empowering Rural Artisans through Cluster Development", "paper")
    hits = [_hit("c1", paper, text="A paired t-test on production gave t = -39.791.")]
    whole = {"p1": "The study is conducted in the Dimoria Handloom Cluster of Assam (SFURTI)."}
    asked = "What t-statistic does the Dimoria paper report for production?"
    assert missing_names(asked, hits) == ["Dimoria"]  # the passage alone does not say it
    assert missing_names(asked, hits, document_text=whole.get) == []
    # a word or two may stand between the name and the kind of document
    for named in ("the Dimoria cluster paper", "the Dimoria SFURTI study"):
        said = f"What t-statistic does {named} report for production?"
        assert missing_names(said, hits, document_text=whole.get) == [], named
    # a name that is not a document's stays required of the passages
    other = "What t-statistic does the study report for Dimoria weavers?"
    assert missing_names(other, hits, document_text=whole.get) == ["Dimoria"]
    # its publisher names it too
    article = SourceDoc(
        doc_id="a1",
        path="a1.txt",
        title="Why North East India Needs a Market Ecosystem",
        doc_type="article",
        sha256="a1",
        publisher="Smart Governance",
    )
    sold = [_hit("c2", article, text="Products lack barcoding and digital cataloguing.")]
    assert missing_names("What does the Smart Governance article say is missing?", sold) == []
    # and a document that does not name it leaves it missing
    assert missing_names(asked, hits, document_text={"p1": "Elsewhere."}.get) == ["Dimoria"]


def test_a_year_asked_about_that_no_passage_mentions_is_said_missing():
    from retrieval.answer.chain import missing_periods

    hits = [
        _hit("c1", text="Targets for 2008-09 to 2011-12: 616667 jobs in 2008-09."),
        _hit("c2", text="Outlay approved for 2021–22 to 2025-26."),
    ]
    assert missing_periods("What was the margin money target for 2012-13?", hits) == ["2012-13"]
    assert missing_periods("What was the target for 2008-2009?", hits) == []  # a form of it
    assert missing_periods("What was the target for 2011-12?", hits) == []
    assert missing_periods("What outlay covers 2021-22?", hits) == []  # an en dash there
    assert missing_periods("Which loans were disbursed during 2025?", hits) == []  # 2025-26
    assert missing_periods("Which loans were disbursed during 2024?", hits) == ["2024"]
    # a year that dates the unit asked about is not asked of the documents
    assert missing_periods("Can a unit set up in 2019 get the subsidy?", hits) == []


def test_an_ordinal_asked_about_that_no_passage_uses_is_said_missing():
    from retrieval.answer.chain import missing_ordinals

    hits = [_hit("c1", text="Cover for the 1st loan is 50%, the second loan 40%, the 3rd 30%.")]
    assert missing_ordinals("What cover does the fourth loan get?", hits) == ["fourth"]
    assert missing_ordinals("What cover does the 4th loan get?", hits) == ["4th"]
    assert missing_ordinals("What cover does the third loan get?", hits) == []  # "3rd"
    assert missing_ordinals("What does the first loan get?", hits) == []
    # "a second registration" is another one, which no passage need number
    assert missing_ordinals("Can the firm file a second registration?", hits) == []
    assert missing_ordinals("Can the firm file a 2nd registration?", [_hit("c9")]) == []


def test_a_plural_acronym_is_named_by_its_singular():
    from retrieval.answer.chain import missing_names

    hits = [_hit("c1", text="Units with a separate GSTIN under one PAN register once.")]
    asked = "How are units with different GSTINs under the same PAN treated?"
    assert missing_names(asked, hits) == []
    assert missing_names("How are units with different TANs treated?", hits) == ["TANs"]


def test_a_question_names_a_document_by_its_short_form_or_most_of_its_title():
    from retrieval.answer.authority import names_document

    needs = _doc(
        "n1", "New Entrepreneur-cum-Enterprise Development Scheme (NEEDS)", "scheme_record"
    )
    assert names_document("Is a 38-year-old within the age limit of Tamil Nadu's NEEDS?", needs)
    msy = _doc("m1", "Mahila Samriddhi Yojana", "scheme_record")
    assert names_document("What loan does the Mahila Samriddhi scheme give?", msy)
    assert not names_document("What schemes give women micro-finance?", msy)
    assert names_document("What does PMEGP give?", _doc())  # the title's acronym


def test_the_largest_or_smallest_row_is_read_from_the_table():
    from retrieval.answer.tables import extreme as _extreme_row
    from retrieval.answer.units import Unit

    # the table runs over two passages of one page; a third passage, on another
    # document, has a row with the same columns that is not in this table
    hits = [_hit("c1"), _hit("c2"), _hit("c3", _doc("other"))]
    rows = [
        Unit(at, i, i + 1, "q", f"Sector: {n}; No. of units: {v}; % Share: {p}.", is_row=True)
        for i, (at, n, v, p) in enumerate(
            [
                (0, "Food", "21,535", "16.40%"),
                (0, "Yarn", "900", "0.7%"),
                (1, "Apparel", "26,038", "19.80%"),
                (1, "Total", "48,473", "100%"),  # a total row is no sector
                (2, "Elsewhere", "99,999", "0.1%"),
            ]
        )
    ]
    heading = Unit(0, 90, 99, "q", "Sector-wise units of the district.")
    most = _extreme_row(
        "Which sector has the largest number of units?", [heading, *rows], rows, hits
    )
    assert most is rows[2]
    least = _extreme_row("Which sector has the smallest share?", rows[:1], rows, hits)
    assert least is rows[1]
    assert _extreme_row("How many units does Food have?", rows[:1], rows, hits) is None
    assert _extreme_row("Which sector has the most units?", [heading], rows, hits) is None


def test_a_row_a_part_names_is_quoted_though_the_reader_prefers_the_lead_in():
    from retrieval.answer.reader import FEATURES, ReaderModel
    from tests.test_tables import _EDP

    # a model that trusts long sentences only: the rows are never its choice
    weights = tuple(8.0 if f == "length" else 0.0 for f in FEATURES)
    model = ReaderModel(weights, -2.0, 0.1, 0.1, 0.9, {}, 3, 2)
    hits = [_hit("e", text=_EDP)]
    composed = ExtractiveGenerator(_FixedEmbedder(), model=model).compose(
        "For offline EDP, what is the total expenditure per candidate for 10 days, and how "
        "much of that is for boarding?",
        hits,
    )
    said = [s for s, _ in composed.sentences]
    # the total asked for leads, then the reader's choice; the named row is quoted too
    assert said[0] == "Total (inclusive of taxes) 3250 6500."
    assert said[1].startswith("Financial Pattern (Offline EDP)")
    assert "Boarding 1150 2300" in said


def test_a_part_no_passage_answers_is_said_missing():
    from retrieval.answer.reader import FEATURES, ReaderModel

    # a model that trusts only a figure of the asked kind: the rate is there, the count not
    weights = tuple(8.0 if f == "carries_kind" else 0.0 for f in FEATURES)
    model = ReaderModel(weights, -4.0, 0.5, 0.5, 0.5, {}, 3, 2)
    hits = [_hit("c1", text="The subsidy for special category beneficiaries is 35%.\n")]
    composed = ExtractiveGenerator(_FixedEmbedder(), model=model).compose(
        "What is the subsidy rate for special category, and how many years is the lock-in?", hits
    )
    assert [s for s, _ in composed.sentences] == [
        "The subsidy for special category beneficiaries is 35%."
    ]
    assert composed.missing == ("how many years is the lock-in?",)


def test_a_lead_in_ending_its_passage_is_quoted_with_the_list_in_the_next_one():
    doc = _doc("svanidhi", "Credit Guarantee Scheme for PM SVANidhi")

    def chunk(cid: str, index: int, text: str, d: SourceDoc = doc) -> Hit:
        return _passage(d, cid, index, text, page=3)

    hits = [
        chunk("a", 5, "Eligible street vendors would be as per following criteria:\n"),
        chunk("b", 0, "Lending institutions include banks and NBFCs.\n", _doc("d2", "Other")),
        chunk(
            "c",
            6,
            "- Vendors holding a Certificate of Vending issued by the ULB\n"
            "- Vendors left out of the survey who hold a Letter of Recommendation\n",
        ),
        chunk("d", 9, "The Trust shall pay eligible claims within 30 days:\n"),
    ]
    from retrieval.answer.generators import continuations

    # the passage after one that ends on a lead-in; none after the last one's (index 10
    # is not among the passages found)
    assert continuations(hits, [0, 1, 3]) == {0: 2}
    reader = ExtractiveGenerator(_FixedEmbedder(), model=_model_on("coverage_unit", 16, -3))
    composed = reader.compose("Which street vendors are eligible as per the criteria?", hits)
    # the lead-in, then the list it leads into (cited to its own passage), before the
    # other passage's sentence
    assert [s for s, _ in composed.sentences][:2] == [
        "Eligible street vendors would be as per following criteria:",
        "Vendors holding a Certificate of Vending issued by the ULB; Vendors left out of the"
        " survey who hold a Letter of Recommendation",
    ]
    assert [i for _, i in composed.sentences][:2] == [(0,), (2,)]


def test_a_lead_in_ending_its_passage_brings_the_sentence_that_opens_the_next():
    doc = _doc("rbi", "Reserve Bank circular on the new MSME criteria")

    def chunk(cid: str, index: int, text: str) -> Hit:
        return _passage(doc, cid, index, text, page=1)

    hits = [
        chunk(
            "a",
            2,
            "The new criteria will come into effect from July 1, 2020.\n\n"
            "The details of the new criteria are as under:\n",
        ),
        chunk(
            "b",
            3,
            "A micro enterprise is one where investment does not exceed one crore"
            " rupees.\nUnrelated words close the page.\n",
        ),
    ]
    reader = ExtractiveGenerator(_FixedEmbedder(), model=_model_on("coverage_unit", 16, -3))
    composed = reader.compose("What are the details of the new criteria?", hits)
    said = [s for s, _ in composed.sentences]
    assert "The details of the new criteria are as under:" in said
    # what the colon leads into, and only that: no word of the question is in it
    assert said[said.index("The details of the new criteria are as under:") + 1] == (
        "A micro enterprise is one where investment does not exceed one crore rupees."
    )
    assert not any("Unrelated" in s for s in said)


def test_a_sentence_announcing_a_table_brings_its_rows():
    from retrieval.answer.generators import ends_on_lead_in

    # words that announce what follows are a lead-in, with a table's header after them
    assert ends_on_lead_in("The cost works out to Rs. 550/- per candidate per day as shown below")
    assert ends_on_lead_in(
        "The details of permitted expenditure per candidate is as shown below, (Amt in Rupees)"
        " Sr. No. Head of Expenditure Amount for 5 days Amount for 10 days"
    )
    assert ends_on_lead_in("The eligible activities are the following.")
    # not when a sentence goes on past them
    assert not ends_on_lead_in("In the following year the number of units rose to 25 in all.")
    assert not ends_on_lead_in(
        "The assistance is as under the norms that the Ministry revised in 2018 after a long"
        " review of the scheme by the committee and the banks and the state agencies together."
    )
    text = (
        "The expenditure permitted per candidate for a 10-day course is as shown below.\n"
        "1 Lodging of participants 800 1600\n"
        "2 Boarding 1150 2300\n"
        "3 Guest Facility 650 1300\n"
        "Claims are settled every quarter.\n"
    )
    hits = [_hit("c1", text=text)]
    reader = ExtractiveGenerator(_FixedEmbedder(), model=_model_on("coverage_unit", 16, -3))
    said = [
        s for s, _ in reader.compose("What expenditure is permitted per candidate?", hits).sentences
    ]
    # the announcing sentence, then the rows of the table it announces, not what follows
    assert said[0].startswith("The expenditure permitted per candidate")
    assert any("Boarding 1150 2300" in s for s in said[1:])
    assert any("Guest Facility 650 1300" in s for s in said[1:])
    assert not any("Claims are settled" in s for s in said)


def test_a_table_a_lead_in_opens_runs_on_into_the_next_passage():
    from retrieval.answer.generators import continuations, runs_on

    doc = _doc("edp", "PMEGP operational guidelines")

    def chunk(cid: str, index: int, text: str) -> Hit:
        return _passage(doc, cid, index, text, page=35)

    hits = [
        chunk(
            "a",
            4,
            "Training centres claim by the number of days.\n"
            "The expenditure permitted per candidate for a 10-day course is as shown below.\n"
            "1 Lodging of participants 800 1600\n2 Boarding 1150 2300\n",
        ),
        chunk("b", 5, "3 Guest Facility 650 1300\nTotal 2600 5200\nClaims are paid quarterly.\n"),
        chunk("c", 7, "The batch size is at least 10 beneficiaries.\n"),
    ]
    # the table the lead-in opened runs to the end of its passage: it goes on in the next
    assert runs_on(hits[0])
    # a passage of sentences does not, nor rows no lead-in opened
    assert not runs_on(hits[2])
    assert not runs_on(chunk("d", 9, "Outlay by year.\n2019 1500 1770\n2020 3000 3540\n"))
    assert continuations(hits, [0, 2]) == {0: 1}
    reader = ExtractiveGenerator(_FixedEmbedder(), model=_model_on("coverage_unit", 16, -3))
    said = [
        s for s, _ in reader.compose("What expenditure is permitted per candidate?", hits).sentences
    ]
    # the lead-in, its rows (read with the line above them), and the rows of its table on
    # the next passage, the total too, cited to their own passage
    at = said.index(
        "The expenditure permitted per candidate for a 10-day course is as shown below."
    )
    rows = ["Lodging of participants 800 1600", "Boarding 1150 2300", "Guest Facility 650 1300"]
    assert [r in s for r, s in zip([*rows, "Total 2600 5200"], said[at + 1 :], strict=False)] == [
        True
    ] * 4
    assert not any("Claims are paid" in s for s in said)
