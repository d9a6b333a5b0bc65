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


def test_stems_are_remembered_within_a_bound(monkeypatch):
    """The lexical index stems each word of the corpus once; hostile text of unique words
    cannot grow the memory of stems past its bound."""
    import snowballstemmer

    from retrieval.search import lexical

    monkeypatch.setattr(lexical, "_STEMS", {})
    monkeypatch.setattr(lexical, "_STEMS_MAX", 50)
    stemmer = snowballstemmer.stemmer("english")
    text = "eligibility of the eligible weavers weaving handlooms " * 3
    expected = [stemmer.stemWord(w) for w in ("eligibility", "eligible", "weavers", "weaving")]
    assert lexical.tokenize(text)[:4] == expected
    assert len(lexical._STEMS) == 5  # each distinct word stemmed once
    lexical.tokenize(" ".join(f"word{i}x" for i in range(500)))
    assert len(lexical._STEMS) <= 50
