"""The rules in corpus/rules: every cited clause stands on its page with its figure, and the
value of the rule is the figure the clause prints."""

from __future__ import annotations

import re
from functools import cache

import pytest

from retrieval.answer.eligibility.rules import activities, references
from retrieval.answer.eligibility.system import rules_system
from retrieval.core.settings import Settings

RULES = Settings().rules_dir

_SMALL = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate(
        ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
    if w != "_"
}
_SCALE = {
    "lakh": 1e5,
    "lakhs": 1e5,
    "iakh": 1e5,
    "iakhs": 1e5,
    "crore": 1e7,
    "crores": 1e7,
    "cr": 1e7,
    "cr.": 1e7,
}
_ROMAN = {"VIII": 8, "X": 10, "XII": 12}


def figure_value(figure: str) -> float:
    """What a printed figure says: 'Rs. 50 lakhs' 5e6, '05%' 0.05, 'VIII' 8, '18 years' 18,
    'two crore and fifty lakh' 2.5e7, 'Rs. 2.5 cr.' 2.5e7, '₹10,000' 1e4, '₹2,000/-' 2e3 (the
    '/-' of rupees printed in full), '6 months' 6 ('Iakh' is how OCR reads 'lakh')."""
    text = figure.strip().removesuffix("/-")
    if text in _ROMAN:
        return _ROMAN[text]
    if text.endswith("%"):
        return float(text[:-1]) / 100
    words = re.sub(r"^(?:rs\.?|₹)\s*", "", text.lower()).replace(",", "").split()
    total, part = 0.0, 0.0
    for word in words:
        if re.fullmatch(r"\d+(?:\.\d+)?", word):
            part += float(word)
        elif word.startswith("rs.") and re.fullmatch(r"rs\.\d+(?:\.\d+)?", word):
            part += float(word[3:])
        elif word in _SMALL:
            part += _SMALL[word]
        elif word in _TENS:
            part += _TENS[word]
        elif word == "hundred":
            part *= 100
        elif word in _SCALE:
            total += part * _SCALE[word]
            part = 0.0
        elif word in ("and", "years", "year", "months", "month", "days", "day"):
            continue
        else:
            raise ValueError(f"cannot read {word!r} in {figure!r}")
    return total + part


def squash(text: str) -> str:
    """Compare text as printed, ignoring how lines were broken and spaced."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def page_of(full_store):
    """A cited page's text as the session's full ingest stores it: the page the app opens and
    highlights (cleaned by ingest as every page is)."""
    store = full_store[2]
    by_path = {record.doc.path: doc_id for doc_id, record in store.documents().items()}

    @cache
    def read(document: str, page: int) -> str | None:
        assert document in by_path, f"{document} is not in the reference corpus's ingest"
        return store.page_text(by_path[document], page)

    return read


def test_figures_are_read_as_printed():
    assert figure_value("Rs. 50 lakhs") == 5_000_000
    assert figure_value("Rs.1.00 Crore") == 10_000_000
    assert figure_value("Rs. 25 Iakh") == 2_500_000
    assert figure_value("05%") == 0.05
    assert figure_value("two crore and fifty lakh") == 25_000_000
    assert figure_value("one hundred twenty five crore") == 1_250_000_000
    assert figure_value("two hundred and fifty crore") == 2_500_000_000
    assert figure_value("VIII") == 8
    assert figure_value("Rs. 2.5 cr.") == 25_000_000
    assert figure_value("Rs. 5 cr") == 50_000_000
    assert figure_value("₹20,000") == 20_000
    assert figure_value("7.5%") == 0.075
    assert figure_value("₹ 15,000") == 15_000
    assert figure_value("₹2,000/-") == 2_000
    assert figure_value("Rs. 1,20,000/-") == 120_000
    assert figure_value("₹2.00 lakh") == 200_000
    assert figure_value("18 months") == 18
    assert figure_value("100 days") == 100
    assert figure_value("55 Years") == 55
    with pytest.raises(ValueError):
        figure_value("fifty rupees or so")


@pytest.mark.slow
def test_every_rule_cites_a_clause_that_stands_on_its_page_with_its_figure(page_of):
    system = rules_system(RULES)
    checked = 0
    for name, since, value, ref in references(system.parameters):
        where = f"{name} from {since}"
        assert {"document", "page", "clause", "figure"} <= set(ref), f"{where}: reference {ref}"
        page = page_of(ref["document"], ref["page"])
        assert page is not None, f"{where}: {ref['document']} has no page {ref['page']}"
        clause = " ".join(str(ref["clause"]).split())
        assert squash(clause) in squash(page), (
            f"{where}: the clause is not on {ref['document']} page {ref['page']}: {clause!r}"
        )
        figure = str(ref["figure"])
        assert squash(figure) in squash(clause), f"{where}: {figure!r} is not in the clause"
        if isinstance(value, bool):
            assert value is True
        else:
            assert figure_value(figure) == pytest.approx(value), f"{where}: {figure} != {value}"
        checked += 1
    # At least: PMEGP new unit and second loan (44), MSME limits (13), PM SVANidhi guarantee (29),
    # CGTMSE (26), MSE-CDP (11), SFURTI (19); crafts: PM Vishwakarma (18), Udyam (13), Khadi
    # Karigar Bima (11), Puducherry insurance (9), Kerala ASHA (9), J&K credit card (9), the old
    # crafts persons' pension (8), Gramodyog Vikas Yojana (7), handicrafts training (6), NHDP
    # indigent artisans (5), the West Bengal grants to artisans (6) and to weavers (5), the khadi
    # work-shed (5)
    assert checked >= 253


@pytest.mark.slow
def test_negative_list_clauses_stand_on_their_page(page_of):
    listed = activities(RULES)["negative_list"]
    page = page_of(listed["document"], listed["page"])
    for entry in listed["entries"]:
        assert squash(entry["clause"]) in squash(page), entry["clause"]


def test_a_changed_rule_is_one_parameter_with_two_dated_values():
    system = rules_system(RULES)
    cap = system.parameters.pmegp.new_unit.max_project_cost
    assert cap.manufacturing("2019-01-01") == 2_500_000
    assert cap.manufacturing("2022-04-01") == 5_000_000
    assert cap.service("2022-03-31") == 1_000_000
    assert cap.service("2026-12-03") == 2_000_000
    limits = system.parameters.msme_classification.micro
    assert limits.investment_limit("2025-03-31") == 10_000_000
    assert limits.investment_limit("2025-04-01") == 25_000_000
