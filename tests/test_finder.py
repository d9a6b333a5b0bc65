"""The scheme finder and the chat's answer to "which schemes ...?", over the full store."""

from __future__ import annotations

import pytest

from retrieval.answer.chain import Query
from retrieval.answer.followup import is_follow_up, standalone_question
from retrieval.answer.programmes import programmes_query
from retrieval.core.filters import Filters
from retrieval.search.finder import SchemeFinder, SchemeQuery, first_benefit
from retrieval.search.lexical import tokenize

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def finder(searcher):
    return SchemeFinder(searcher.store)


def test_every_record_and_guideline_is_a_scheme_with_its_first_benefit(finder, corpus):
    everything = finder.find(SchemeQuery(include_superseded=True))
    records = [r for r in everything if r.doc.doc_type == "scheme_record"]
    assert len(records) == len(list((corpus / "schemes").glob("*.json")))
    assert finder.count() == len(everything)
    with_benefit = [r for r in records if r.benefit]
    assert len(with_benefit) >= 280  # a few records list no benefits
    atal = next(r for r in records if r.doc.title == "Atal Pension Yojana")
    assert atal.benefit.startswith("Guaranteed minimum pension amount of Rs. 1000/-")
    assert [r.doc.status for r in finder.find(SchemeQuery())].count("superseded") == 0


def test_a_state_keeps_its_own_and_the_all_india_schemes(finder):
    rows = finder.find(SchemeQuery(states=("Assam",)))
    own = [r.doc.title for r in rows if r.facets.states == ("Assam",)]
    assert sorted(own) == [
        "Biponi Scheme",
        "Boneej Scheme",
        "Sarothi Scheme",
        "Swami Vivekananda Assam Youth Empowerment",
        "Swanirbhar Naari",
    ]
    assert all(r.facets.all_india or r.facets.states == ("Assam",) for r in rows)
    assert [r.facets.states for r in rows[: len(own)]] == [("Assam",)] * len(own)  # own first
    weavers = finder.find(SchemeQuery(states=("Assam",), beneficiaries=("Handloom weavers",)))
    assert weavers[0].doc.title == "Swanirbhar Naari" and len(weavers) == 5


def test_words_must_all_stand_in_the_scheme_and_rank_by_title(finder):
    rows = finder.find(SchemeQuery(text="coir training"))
    assert len(rows) >= 3
    for row in rows:
        words = set(tokenize(finder.store.page_text(row.doc.doc_id, 0) or ""))
        assert {"coir", "train"} <= words, row.doc.title
    title = rows[0].doc.title.lower()
    assert "coir" in title and "training" in title  # both words in the title rank first
    assert finder.find(SchemeQuery(text="zzyzx")) == []


def test_first_benefit_reads_the_first_line_under_benefits():
    text = (
        "T\n\n## Details\nx\n\n## Benefits\n- Rs 5,000 a year.\n- Training.\n\n## Eligibility\n- y"
    )
    line, span = first_benefit(text)
    assert line == "Rs 5,000 a year." and text[span[0] : span[1]] == line
    assert first_benefit("T\n\n## Benefits\n## Eligibility\n- y") == ("", None)


@pytest.mark.parametrize(
    ("question", "routed"),
    [
        ("Which schemes support handloom weavers in Assam?", True),
        ("What schemes are there for artisans in Puducherry?", True),
        ("List all schemes for coir workers in Orissa", True),
        ("Are there any schemes for persons with disabilities?", True),
        ("Which schemes give loans to women entrepreneurs?", True),
        ("What programmes help exporters?", True),
        ("Which scheme gives a 35% subsidy to women?", False),  # a rate, not a list
        ("How many schemes are there for Puducherry?", False),  # a count
        ("Which schemes did the Dimoria paper discuss for artisans?", False),  # a document
        ("What is the margin money subsidy under PMEGP?", False),
        ("Which schemes are listed?", False),  # names nobody, no filter: the passages answer
        ("Which schemes does the booklet list for women?", False),
    ],
)
def test_a_programmes_question_is_told_from_a_fact_question(question, routed):
    assert (programmes_query(question, Filters()) is not None) == routed


def test_list_all_schemes_with_a_state_filter_lists_that_state(chain):
    answer = chain.answer(Query("List all schemes", filters=Filters(states=("Assam",))))
    assert answer.generator == "scheme finder"
    titles = {c.title for c in answer.citations}
    assert {"Biponi Scheme", "Swanirbhar Naari", "Sarothi Scheme"} <= titles
    assert answer.notes[0] == "Searched only: state Assam (all-India documents too)."
    head = answer.text.split("\n")[0]
    assert "state: Assam (all-India schemes included)" in head
    # every line quotes its record's own words, and each record is cited once
    for citation in answer.citations:
        assert citation.quotes[0] in answer.text
    assert len({c.doc_id for c in answer.citations}) == len(answer.citations)


def test_follow_ups_swap_a_state_and_leave_new_subjects_alone():
    history = [("Which schemes support handloom weavers in Assam?", "...")]
    assert standalone_question("And in Odisha?", history) == (
        "Which schemes support handloom weavers in Odisha?"
    )
    assert standalone_question("What about Goa?", history) == (
        "Which schemes support handloom weavers in Goa?"
    )
    assert not is_follow_up("Which schemes are for women?")
    assert not is_follow_up("Which documents do weavers need?")
    assert is_follow_up("What documents are required?")
    assert is_follow_up("Is it for women?")  # a pronoun: it continues


def test_state_schemes_are_the_states_own_and_a_qualifying_kind_ranks_first(finder):
    query = programmes_query(
        "Which state schemes give loans to women entrepreneurs in Kerala?", Filters()
    )
    assert query is not None and query.own_state_only and query.beneficiaries == ("Women",)
    assert query.prefer == ("Entrepreneurs and start-ups", "Women")
    rows = finder.find(query)
    assert rows and all(r.facets.states == ("Kerala",) for r in rows)  # no all-India ones
    both = [set(query.prefer) <= set(r.facets.beneficiaries) for r in rows]
    assert both == sorted(both, reverse=True)  # women entrepreneurs' schemes before the rest
    # "government schemes" after a state is the state's; without one, any government's
    assert programmes_query("Which Goa government schemes are for startups?", Filters())
    assert programmes_query(
        "Which Goa government schemes are for startups?", Filters()
    ).own_state_only
    central = programmes_query("Which government schemes help weavers in Assam?", Filters())
    assert central is not None and not central.own_state_only
