"""Cleaning: normalisation, garbage lines, running headers, saved web pages (real files)."""

from ingest import clean


def test_normalise_joins_hyphenated_words_and_collapses_space():
    raw = "Micro  enter-\nprises\u00a0are\r\n\n\n\nlisted here.  \n"
    assert clean.normalise(raw) == "Micro enterprises are\n\nlisted here."


def test_broken_devanagari_is_dropped_but_real_hindi_and_english_kept():
    garbage = "िवत् तीय समावेशन और िवकास िवभाग, के न्� ी य कायार्लय"
    assert clean.is_garbage_line(garbage)
    assert clean.is_garbage_line("भारतीय �रज़वर् ब�क")
    assert not clean.is_garbage_line("प्रधानमंत्री रोजगार सृजन कार्यक्रम के दिशानिर्देश")
    assert not clean.is_garbage_line("Financial Inclusion & Development Dept., Central Office")


def test_running_headers_and_page_numbers_are_removed():
    topics = ["eligibility", "subsidy", "banks", "training", "monitoring", "forms"]
    pages = [
        f"Regp6/desk/new sch.pmegp/guide.\n{n}\nThis page is about {topic}.\nMore on {topic}."
        for n, topic in enumerate(topics, start=1)
    ]
    running = clean.running_lines(pages)
    assert (
        clean.strip_running_lines(pages[2], running) == "This page is about banks.\nMore on banks."
    )


def test_only_the_saved_web_page_among_the_seeds_is_treated_as_one(corpus):
    flagged = {
        path.name
        for path in (corpus / "seeds").glob("*.txt")
        if clean.looks_like_saved_web_page(clean.normalise(path.read_text(encoding="utf-8")))
    }
    assert flagged == {"smartgov-2026-north-east-market-ecosystem.txt"}


def test_saved_web_page_keeps_the_article_and_drops_the_site(corpus):
    raw = clean.normalise(
        (corpus / "seeds/smartgov-2026-north-east-market-ecosystem.txt").read_text("utf-8")
    )
    text = clean.main_text_of_saved_page(raw)
    assert text.startswith("Why North East India Needs a Market Ecosystem")
    for kept in (
        "The central challenge is not a lack of skill.",
        "Across Assam, Manipur, Meghalaya, Nagaland",
        "The craft is already world-class. The market system must now catch up.",
    ):
        assert kept in text
    for dropped in (
        "Privacy Policy",
        "View All Result",
        "Share on Facebook",
        "MoSPI pushes",
        "deneme bonusu",
        "Browse by Category",
        "SHARES",
        "© 2025",
    ):
        assert dropped not in text
    assert text.count("Why North East India Needs a Market Ecosystem") == 1


def test_a_word_set_one_letter_to_a_line_is_joined():
    text = "2nd Loan for up-gradation:\n \n \na) T\nh\ne\n \nmaximum cost of the project is Rs.1.00 Crore"
    assert clean.normalise(text) == (
        "2nd Loan for up-gradation:\n\na) The maximum cost of the project is Rs.1.00 Crore"
    )
    # a table's single letters (a PAN's last letter, a column of grades) are left alone
    table = "CVJPC9994\nH\n\n8 %\nGrade\nA\nB\nC\nTurnove\nr\n2021-22"
    assert clean.normalise(table) == table


def test_printed_page_numbers_become_labels_only_when_they_keep_one_offset():
    pages = ["Cover", "Contents", "Intro\n1", "Text\n- 2 -", "Page 3\nMore", "Table\n9", "End\n5"]
    assert clean.printed_labels(pages) == ["", "", "1", "2", "3", "", "5"]  # "9": a row
    same = ["One\n1", "Two\n2", "Three\n3"]
    assert clean.printed_labels(same) == ["", "", ""]  # the PDF's own numbers: no label
    stray = ["a\n7", "b", "c\n40", "d"]
    assert clean.printed_labels(stray) == ["", "", "", ""]  # no offset kept twice


def test_symbol_font_bullets_become_characters_a_font_can_draw():
    text = "\uf0b7 Margin money\n\uf0d8 Bank loan\n\uf0a2 other"
    assert clean.normalise(text) == "• Margin money\n➢ Bank loan\n• other"
