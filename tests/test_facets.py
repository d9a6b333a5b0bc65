"""One vocabulary of places, scheme types and beneficiaries (`corpus/facets.yaml`), read
through every scheme record of the reference corpus and every row of the catalogue."""

from __future__ import annotations

import csv
import json

import pytest

from retrieval.core.errors import ConfigError
from retrieval.core.facets import (
    ALL_INDIA,
    OTHER_TYPE,
    beneficiary_choices,
    canonical_state,
    facets_of,
    state_choices,
    type_choices,
)
from retrieval.core.filters import Filters
from retrieval.core.settings import PROJECT_ROOT
from retrieval.core.types import SourceDoc


def _record_doc(content: dict) -> SourceDoc:
    """A scheme record's metadata as the loader stores it (`ingest.loaders._scheme_record`)."""
    return SourceDoc(
        doc_id="x",
        path="schemes/x.json",
        title=content["title"],
        doc_type="scheme_record",
        sha256="",
        state=content.get("state") or "",
        department=content.get("department") or "",
        publisher=content.get("department") or "",
        scheme_type=content.get("type") or "",
        beneficiary=content.get("beneficiary") or "",
        tags=tuple(content.get("tags") or ()),
    )


@pytest.fixture(scope="module")
def records(corpus) -> list[tuple[str, SourceDoc]]:
    out = []
    for path in sorted((corpus / "schemes").glob("*.json")):
        content = json.loads(path.read_text("utf-8"))["content"]
        out.append((path.name, _record_doc(content)))
    assert len(out) == 290
    return out


def test_every_record_reads_as_one_place_kind_and_type(records):
    no_place = []
    for name, doc in records:
        f = facets_of(doc)
        assert f.beneficiaries, f"{name}: no kind of beneficiary read from {doc.beneficiary!r}"
        assert f.scheme_types, f"{name}: no scheme type read from {doc.scheme_type!r}"
        assert set(f.states) <= set(state_choices()), name
        assert set(f.beneficiaries) <= set(beneficiary_choices()), name
        assert set(f.scheme_types) <= set(type_choices()), name
        if not f.place:
            no_place.append(name)
    # Two records say "Not specified" with no department; their text names no state either.
    assert len(no_place) <= 2, no_place
    others = [n for n, d in records if facets_of(d).scheme_types == (OTHER_TYPE,)]
    assert len(others) <= 8, others  # "Motorized Tricycle", "Travel Pass", "Scheme"...


def test_the_spellings_of_a_place_are_one(records):
    raw_by_place: dict[str, set[str]] = {}
    for _, doc in records:
        raw_by_place.setdefault(facets_of(doc).place, set()).add(doc.state)
    dnh = raw_by_place["Dadra and Nagar Haveli and Daman and Diu"]
    assert len(dnh) == 3  # '&', 'And' and 'and': three spellings, one place
    national = raw_by_place[ALL_INDIA]
    assert {"India", "Central", "Central Government", "National", "Nationwide"} <= national
    assert {"All States", "All States and Union Territories"} <= national
    # "Not specified" with a Union ministry, and "Agriculture" (no place) by the Ministry
    # of Commerce and Industry, are all-India schemes.
    assert {"Not specified", "Agriculture"} <= national
    multi = [facets_of(d) for _, d in records if d.state.count(",") >= 2]
    assert multi and set(multi[0].states) == {
        "Gujarat",
        "Maharashtra",
        "Punjab",
        "Rajasthan",
        "Tamil Nadu",
    }


def test_kinds_and_types_read_as_a_facilitator_expects(records):
    by_title = {d.title: facets_of(d) for _, d in records}
    swanirbhar = by_title["Swanirbhar Naari"]  # "Indigenous weavers" of Assam
    assert swanirbhar.states == ("Assam",) and "Handloom weavers" in swanirbhar.beneficiaries
    apy = by_title["Atal Pension Yojana"]
    assert apy.all_india and "Insurance and pension" in apy.scheme_types
    assert "Workers" in apy.beneficiaries
    pmegp = by_title["Prime Minister's Employment Generation Programme"]
    assert pmegp.all_india and "Entrepreneurs and start-ups" in pmegp.beneficiaries
    handloom = [t for t, f in by_title.items() if "Handloom weavers" in f.beneficiaries]
    assert len(handloom) >= 15


def test_documents_without_a_state_field_read_their_publisher():
    rows = list(
        csv.DictReader(
            (PROJECT_ROOT / "corpus" / "catalogue.tsv").open(encoding="utf-8"), delimiter="\t"
        )
    )
    places = {}
    for row in rows:
        doc = SourceDoc(
            doc_id=row["doc_id"],
            path=row["path"],
            title=row["title"],
            doc_type=row["doc_type"],
            sha256="",
            publisher=row["publisher"],
            state=row["state"],
        )
        places[row["path"]] = facets_of(doc).place
    assert places["pdf/PMEGP_Guidelines_KVIC_certified_2022-23.pdf"] == ALL_INDIA
    assert places["pdf/RBI_MSME_New_Classification_Circular_2020-07-02.pdf"] == ALL_INDIA
    assert places["scanned/KVIC_PMEGP_2nd_Loan_Guidelines_2019-02-12_SCANNED.pdf"] == ALL_INDIA
    assert places["pdf/AP_MSME_Survey_Highlights_2025-06-19.pdf"] == "Andhra Pradesh"
    assert places["html/AP_Anakapalli_District_Industries_DIC_PMEGP_ODOP.html"] == "Andhra Pradesh"
    # A research paper is no scheme of any place.
    assert places["seeds/lokanathan-2025-growth-of-smes-and-handicrafts.txt"] == ""


def test_a_state_filter_takes_any_spelling_and_refuses_a_non_state():
    assert Filters(states=("assam", "J&K", "All India")).states == (
        "Assam",
        "Jammu and Kashmir",
        ALL_INDIA,
    )
    assert canonical_state("Orissa") == "Odisha"
    with pytest.raises(ConfigError, match="'Agriculture' is not a state"):
        Filters(states=("Agriculture",))
    national = SourceDoc("n", "p", "t", "scheme_record", "", state="Nationwide")
    goa = SourceDoc("g", "p", "t", "scheme_record", "", state="Goa")
    assert Filters(states=("Assam",)).keep(national)
    assert not Filters(states=("Assam",)).keep(goa)
    assert Filters(states=("Goa",)).keep(goa)
    assert not Filters(states=(ALL_INDIA,)).keep(goa)
