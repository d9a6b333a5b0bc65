"""Tables read as tables (`retrieval.answer.tables`): rows as a PDF prints them (several to a
line, serial numbers between them), the largest or smallest row, and the total row that
closes the table a chosen row sits in; and, beside them, the other edition's sentence a
comparison asks for. Tiny fixtures, no model and no store."""

from __future__ import annotations

from dataclasses import replace

from retrieval.answer.tables import extreme, records, totals
from retrieval.answer.units import Unit, passage_units
from tests.test_ranking import _doc, _hit


def _unit(text: str, start: int = 0, hit_index: int = 0) -> Unit:
    return Unit(hit_index, start, start + len(text), text, " ".join(text.split()), fragment=True)


def test_a_line_of_several_rows_is_read_as_rows_each_an_exact_span():
    text = (
        "Service No. of units % of Share Hotels, Restaurants, and Catering 1,18,724 32.00% "
        "Salons, repair shops, and tailoring shops 1,08,658 29.30%"
    )
    rows = records(_unit(text))
    assert [r.values for r in rows] == [("1,18,724", "32.00%"), ("1,08,658", "29.30%")]
    assert rows[1].label == "Salons, repair shops, and tailoring shops"
    assert text[rows[1].start : rows[1].end] == (
        "Salons, repair shops, and tailoring shops 1,08,658 29.30%"
    )
    # quoted as the page prints it, at its place on the page
    quoted = rows[1].as_unit()
    assert quoted.quote == text[rows[1].start : rows[1].end]
    assert quoted.start == rows[1].start and quoted.is_row


def test_serial_numbers_and_units_of_a_figure_are_not_rows_or_figures_of_their_own():
    rows = records(
        _unit("1 Printing of publicity materials 7500.00 2 Local Advertisement 7500.00 3 Tea 450")
    )
    assert [(r.label, r.values) for r in rows] == [
        ("Printing of publicity materials", ("7500.00",)),
        ("Local Advertisement", ("7500.00",)),
        ("Tea", ("450",)),
    ]
    # "218 Cr." is one figure; a year span labels its row
    assert records(_unit("Medium 7 218 Cr. 241"))[0].values == ("7", "218 Cr.", "241")
    year = records(_unit("2011-12 1418833 1702.60"))[0]
    assert (year.label, year.values) == ("2011-12", ("1418833", "1702.60"))
    assert records(_unit("A sentence with no figure at all.")) == []


# a page whose tables run over two passages, as the PMEGP guideline prints its budgets
_FIRST = (
    "Financial Pattern (Exhibitions) A) State Level Exhibition\n"
    "Sr. No Head of Expenditure Amount (In Rupees) 1 Hiring of Halls 12,00,000 "
    "2 Advertisement 3,00,000\n"
    "3 Misc. Expenditure 2,00,000 4 Logistics 3,00,000\n"
)
_SECOND = (
    "TOTAL (inclusive of taxes) 20,00,000\n"
    "B) Zonal Level Exhibition (10 days and 75 units) 1 Hiring of Halls 24,00,000 "
    "2 Advertisement 6,00,000\n"
    "3 Misc. Expenditure 4,00,000 4 Logistics 6,00,000 TOTAL (inclusive of taxes) 40,00,000\n"
    "The exhibitions are held every year at the State and Zonal levels.\n"
)


def _page_units() -> tuple[list, list[Unit]]:
    doc = _doc()
    hits = [
        _hit("c2", doc, text=_SECOND, start=len(_FIRST)),
        _hit("c1", doc, text=_FIRST, start=0),
        _hit("c3", _doc("other"), text="Hiring of Halls 99,00,000 TOTAL 99,00,000\n"),
    ]
    units = [u for i, h in enumerate(hits) for u in passage_units(i, h)]
    return hits, units


def test_a_label_and_one_figure_under_a_tables_rows_is_a_row_of_it():
    """A PDF table's closing line ("Total 18,24,021") has one number, so it does not look
    like a row alone; under rows it is one (it was a two-word sentence, and dropped), but a
    share or a year after a label is not ("Above 3%" wraps a cell; a source's year)."""
    text = (
        "SI.No Classification No. of Units\n1 MSMEs 7,97,684\n2 Households 3,80,586\n"
        "Total 18,24,021\nAbove 3%\n3 Vacant 61,308\nSource: Survey Report 2025\n"
    )
    units = passage_units(0, _hit("c1", _doc(), text=text))
    rows = {u.quote: u for u in units if u.is_row}
    assert "Total 18,24,021" in rows
    assert text[rows["Total 18,24,021"].start : rows["Total 18,24,021"].end] == "Total 18,24,021"
    assert "Above 3%" not in rows and "Source: Survey Report 2025" not in rows
    # and not where no table is: a short line after prose stays what it was
    prose = passage_units(0, _hit("c2", _doc(), text="The fee is waived.\nTotal 18,24,021\n"))
    assert not any(u.is_row for u in prose)


def test_a_list_of_codes_is_read_a_code_at_a_time_and_tabs_between_words_are_spaces():
    """NIC 2008's lists: "12002 Manufacture of bidi" is a unit of its own (it was one run-on
    fragment of every code on the page, so "which sub-class covers bidi?" could not be
    answered by its line), and a line whose words the PDF parted with tabs is text, not a
    header row of a dozen one-word cells (it was never quoted)."""
    text = (
        "This class excludes:\n12001 Stemming and redrying of tobacco\n"
        "12002 Manufacture of bidi\n12003 Manufacture of cigarettes, cigarette tobacco\n"
        "131\t Spinning,\tweaving\tand\tfinishing\tof\ttextiles\n"
    )
    units = passage_units(0, _hit("c1", _doc(), text=text))
    said = {u.rendered: u for u in units}
    assert "12002 Manufacture of bidi" in said and not said["12002 Manufacture of bidi"].is_row
    assert text[
        said["12002 Manufacture of bidi"].start : said["12002 Manufacture of bidi"].end
    ] == ("12002 Manufacture of bidi")
    assert "131 Spinning, weaving and finishing of textiles" in said
    assert not any(u.is_row for u in units)
    # a year opening the line that wraps a "Subject:" line is no code: one sentence still
    subject = (
        "Subject: Activities (NIC codes) not covered under MSMED Act,\n"
        "2006 for Udyam Registration-regarding\n"
    )
    (unit,) = passage_units(0, _hit("c2", _doc(), text=subject))
    assert unit.rendered.endswith("MSMED Act, 2006 for Udyam Registration-regarding")


def test_the_total_row_closing_the_chosen_rows_table_is_added_from_the_next_passage():
    hits, units = _page_units()
    state = next(u for u in units if "12,00,000" in u.quote)
    added = totals("What is the total budget of a State Level Exhibition?", [state], units, hits)
    assert [u.rendered for u in added] == ["TOTAL (inclusive of taxes) 20,00,000"]
    zonal = next(u for u in units if "24,00,000" in u.quote)
    added = totals("And the total for a Zonal one?", [zonal], units, hits)
    assert [u.rendered for u in added] == ["TOTAL (inclusive of taxes) 40,00,000"]
    # not asked for, or already quoted: nothing added
    assert totals("How much is for hiring halls?", [zonal], units, hits) == []
    closing = next(u for u in units if "40,00,000" in u.quote)
    assert totals("What is the total?", [closing], units, hits) == []


def test_the_smallest_or_largest_row_of_a_printed_table_leaves_out_totals_and_stray_figures():
    hits, units = _page_units()
    zonal = next(u for u in units if "24,00,000" in u.quote)
    least = extreme("Which head gets the smallest amount?", [zonal], units, hits)
    # the State table's Misc. Expenditure (2,00,000) runs on into this one on the page,
    # but a total row closes a table; "(10 days and 75 units)" and the totals are no rows
    assert least is not None and least.rendered == "Misc. Expenditure 4,00,000"
    state = next(u for u in units if "12,00,000" in u.quote)
    least = extreme("Which head gets the smallest amount?", [state], units, hits)
    assert least is not None and least.rendered == "Misc. Expenditure 2,00,000"
    most = extreme("Which is the biggest head of the top ones?", [zonal], units, hits)
    assert most is not None and most.rendered == "Hiring of Halls 24,00,000"
    # "top" with "smallest" asks the smallest
    least = extreme("The smallest of the top heads?", [zonal], units, hits)
    assert least is not None and "4,00,000" in least.rendered
    # no table unit among the best: nothing
    sentence = next(u for u in units if u.quote.startswith("The exhibitions"))
    assert extreme("Which head gets the smallest amount?", [sentence], units, hits) is None


def test_the_table_asked_of_is_the_one_its_caption_names_among_the_read_documents_tables():
    # the AP survey prints its top trade and top service activities on two pages; the
    # trade table ranks first, but the question names the service one
    doc = _doc("survey", title="Andhra Pradesh MSME survey: key highlights", doc_type="report")
    trade = (
        "MSME Sectoral Composition: Top Trade Activities\nTrading No of units % Share\n"
        "Shops, kirana, retail outlets 2,32,401 78.90%\nBulk dealers, distributors 36,676 12.40%\n"
    )
    service = (
        "MSME Sectoral Composition: Top Service Activities\nService No. of units % of Share\n"
        "Hotels, Restaurants, and Catering 1,18,724 32.00%\n"
        "Salons, repair shops, and tailoring shops 1,08,658 29.30%\n"
    )
    second = _hit("s", doc=doc, text=service)
    hits = [_hit("t", doc=doc, text=trade), replace(second, chunk=replace(second.chunk, page=2))]
    units = [u for i, h in enumerate(hits) for u in passage_units(i, h)]
    best = [u for u in units if "kirana" in u.quote]
    asked = "Which service activity has the largest number of units?"
    found = extreme(asked, best, units, hits)
    assert found is not None and found.rendered.endswith("Catering 1,18,724 32.00%")
    # a tie keeps the table of the best row
    found = extreme("Which activity has the largest number of units?", best, units, hits)
    assert found is not None and found.rendered.endswith("kirana, retail outlets 2,32,401 78.90%")
    # a passage found but not read, of a document read, is looked at too ...
    read = [u for u in units if u.hit_index == 0]
    found = extreme(asked, best, read, hits)
    assert found is not None and found.rendered.endswith("Catering 1,18,724 32.00%")
    # ... but not another document's
    other = _doc("other", title="Another survey")
    elsewhere = [hits[0], replace(hits[1], doc=other, chunk=replace(hits[1].chunk, doc_id="other"))]
    found = extreme(asked, best, read, elsewhere)
    assert found is not None and "kirana" in found.rendered


def test_figures_a_table_prints_with_their_units_are_figures_of_its_named_columns():
    text = (
        "Details are as follows:\n\n"
        "| S.No. | Name & Address of the unit | Line of activity | Investment | Employment |\n"
        "| 1 | NTPC Pudimadaka | Hydrogen Park | Rs.1,10,000 Crs | 61000 Nos. |\n"
        "| 2 | Arcelor Mittal Nippon Steel | Integrated Steel plant | Rs. 1,35,964 Cr | 55000 Nos. |\n"
        "| 3 | Kinetic Green Energy | Electric 2 and 3 Wheelers | Rs.1750Crs. | 5000 Nos. |\n"
    )
    hits = [_hit("p", text=text, section="1. Under implementation")]
    units = passage_units(0, hits[0])
    rows = [u for u in units if u.is_row]
    assert records(rows[1])[0].values == ("2", "Rs. 1,35,964 Cr", "55000 Nos")
    asked = "Which project under implementation carries the biggest investment?"
    found = extreme(asked, rows[:1], units, hits)
    assert found is not None and "Arcelor" in found.rendered
    found = extreme("Which project promises the most employment?", rows[:1], units, hits)
    assert found is not None and "NTPC" in found.rendered


_EDP = (
    "Financial Pattern (Offline EDP)\nThe details of permitted total expenditure per candidate "
    "for 5 days / 10 days training is as shown below.\nSl. No. Particulars 5 days 10 days\n"
    "1 Lodging of participants 800 1600\n2 Boarding 1150 2300\n3 Course material 300 600\n"
    "Total (inclusive of taxes) 3250 6500\n"
)


def test_a_row_the_question_names_by_its_whole_label_is_found_with_its_total():
    from retrieval.answer.tables import named_rows

    hits = [_hit("e", text=_EDP)]
    units = passage_units(0, hits[0])
    ask = (
        "In the PMEGP financial pattern for offline EDP, what is the total permitted "
        "expenditure per candidate for a 10-day course, and how much of that is for boarding?"
    )
    rows = named_rows("how much of that is for boarding?", ask, units, hits)
    assert [u.rendered for u in rows] == ["Boarding 1150 2300"]
    # the total asked for closes the named row's table
    assert [u.rendered for u in totals(ask, rows, units, hits)] == [
        "Total (inclusive of taxes) 3250 6500."
    ]
    # the total row in a passage found but not read, of the document read
    head, tail = _EDP.split("Total")
    split = [_hit("e1", text=head), _hit("e2", text="Total" + tail, start=len(head))]
    read = passage_units(0, split[0])
    row = named_rows("how much of that is for boarding?", ask, read, split)
    assert [u.rendered for u in totals(ask, row, read, split)] == [
        "Total (inclusive of taxes) 3250 6500"
    ]
    # a label named only in part ("Lodging of participants"), or not at all: no row
    assert named_rows("What is allowed for lodging?", ask, units, hits) == []
    assert named_rows("What is allowed for the course?", ask, units, hits) == []


def test_running_heads_and_numbered_headings_are_not_rows_a_question_names():
    from retrieval.answer.tables import named_rows

    booklet = _doc("b", title="MSME Schemes")
    text = "MSME SCHEMES 26\nMSME SCHEMES 27\nCase 4\nCase 5\n"
    hits = [_hit("h", doc=booklet, text=text)]
    units = passage_units(0, hits[0])
    asked = "Under the MSME schemes booklet, which case gives the lowest cost?"
    assert named_rows(asked, asked, units, hits) == []


def test_the_rows_of_a_table_are_those_with_its_columns_not_a_summary_line_above_it():
    # "7.97 L units, of which Manufacturing 1.31 L ..." heads the slide: one figure a label,
    # as many such labels as the table has rows; the rows have two figures each
    text = (
        "MSME Sectoral Composition: Top Trade Activities\n"
        "Total MSME Units 7.97 L Manufacturing 1.31 L Services 3.72 L Trade 2.94 L\n"
        "Trading No of units % Share\nShops, kirana, retail outlets 2,32,401 78.90%\n"
        "Bulk dealers, distributors 36,676 12.40%\nVehicle sales and repair shops 25,536 8.70%\n"
    )
    hits = [_hit("t", text=text)]
    units = passage_units(0, hits[0])
    least = extreme("Which is the smallest of the top trade activities?", units[:1], units, hits)
    assert least is not None and least.rendered == "Vehicle sales and repair shops 25,536 8.70%"


def test_a_total_row_chosen_alone_stands_for_the_rows_it_closes():
    text = (
        "Year Employment (in Nos) Margin Money (Rs. crore)\n"
        "2008-09 616667 740.00\n2009-10 740000 888.00\n2011-12 1418833 1702.60\n"
        "Total 3737500 4485.00\n"
    )
    hits = [_hit("c1", text=text)]
    units = passage_units(0, hits[0])
    total = next(u for u in units if "Total" in u.quote)
    most = extreme("Which year had the highest employment target?", [total], units, hits)
    assert most is not None and "1418833" in most.quote


def test_a_caption_or_header_row_chosen_brings_the_first_row_of_figures_after_it():
    from retrieval.answer.tables import content_of

    first = (
        "Table 3: Paired t-test results for production in units.\n"
        "Paired Differences\tMean\tStd. Deviation\t95% Confidence Interval\n"
    )
    second = "Production before & after\t- 20.078\t7.686\t- 39.791\t231\n"
    header = first.splitlines()[1]  # the next passage carries the header it continues
    hits = [_hit("c1", text=first), _hit("c2", text=second, start=len(first), header=header)]
    units = [u for i, h in enumerate(hits) for u in passage_units(i, h)]
    caption = units[0]
    row = content_of(caption, units, hits)
    assert row is not None and "39.791" in row.quote and row.hit_index == 1
    # a row of figures brings nothing; nor does a heading of prose
    assert content_of(row, units, hits) is None
    prose = [_hit("c3", text="Table 4: Views of artisans\nMost artisans sold more after it.\n")]
    units = passage_units(0, prose[0])
    assert content_of(units[0], units, prose) is None


def test_a_comparison_quotes_the_same_sentence_of_the_other_edition_with_its_own_figures():
    from retrieval.answer.generators import _other_editions

    old, new = _doc("old", "Schemes for MSMEs 2022-23"), _doc("new", "Schemes for MSMEs")
    hits = [
        _hit("c1", new, text="Promoters are given credit equal to 50% of their stake."),
        _hit("c2", old, text="Promoters are given credit equal to 15% of their stake."),
        _hit("c3", old, text="Promoters are given credit equal to 50% of their stake."),
        _hit("c4", old, text="The guarantee fee is 1.5% a year on the amount."),
    ]
    units = [u for i, h in enumerate(hits) for u in passage_units(i, h)]
    chosen = [units[0]]
    found = _other_editions(chosen, units, hits, 0.8)
    # the other edition's sentence with other figures: not the same one again, nor another
    assert [u.rendered for u in found] == [
        "Promoters are given credit equal to 15% of their stake."
    ]
    # a chosen sentence without a figure has no counterpart to find
    words = _unit("Promoters may infuse the amount as equity in the unit.")
    assert _other_editions([words], units, hits, 0.8) == []
