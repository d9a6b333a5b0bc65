from retrieval.core.text import sentence_spans


def test_sentences_do_not_split_at_abbreviations_initials_or_clause_numbers():
    text = (
        "The subsidy is Rs. 25 lakh under para 11.6 of the guidelines. A. Sultana studied "
        "Dimoria. 2. Any individual above 18 years is eligible, i.e. no upper age limit. "
        "Is it so? Yes!\n\nA new block"
    )
    got = [text[a:b] for a, b in sentence_spans(text)]
    assert got == [
        "The subsidy is Rs. 25 lakh under para 11.6 of the guidelines.",
        "A. Sultana studied Dimoria.",
        "2. Any individual above 18 years is eligible, i.e. no upper age limit.",
        "Is it so?",
        "Yes!",
        "A new block",
    ]


def test_spans_are_offsets_into_the_text():
    text = "  First one.   Second one.  "
    assert [text[a:b] for a, b in sentence_spans(text)] == ["First one.", "Second one."]
