"""The credit guarantees (PM SVANidhi, CGTMSE) and the cluster schemes (MSE-CDP, SFURTI): profiles
whose verdicts and amounts were worked out by hand from the clauses (`tests/test_rules.py` checks
that each clause stands on its page).

Clauses:
- PM SVANidhi credit guarantee guidelines (pdf/PM_SVANidhi_Credit_Guarantee_Scheme_Guidelines.pdf):
  p1 "(i) To facilitate working capital loan up to ₹10,000; (On timely or early repayment, the
  vendors will be eligible for the next loan with an enhanced limit of a maximum of 200% of the
  earlier loan, subject to a ceiling of ₹20,000)"; p2 in force from July 02, 2020; p3 street
  vendors vending in urban areas, the lenders named; p5 "No guarantee fee", "100% guarantee cover
  up to first 5% loss ... 75% guarantee cover beyond 5% upto 15% loss"; p6-7 illustrations: NPA
  Rs 10 crore of Rs 100 crore -> Rs 8.75 crore, NPA 8% -> 7.25, 15% or 20% or 25% -> 12.50;
  p10 (modification of 1 June 2022) lending till December 2024; fresh 1st loan 0-7.5% 100%,
  7.5-20% 75%, 20-50% 50% (maximum 50%, effective 31.875%); 2nd loan 0-3% 100%, 3-10% 75%
  (10%, 8.25%); 3rd loan 0-8% 75% (8%, 6%); "effective guarantee coverage is 12.5%" before.
- Schemes for MSMEs 2022-23 (booklet, 2022-03) and its later edition (cover: November, 2022):
  p9 CGTMSE "loans up to Rs. 2 crores, without collateral and third-party guarantee", "85% for
  micro enterprises for credit up to 5 Lakhs", "75% (others)"; p10 "50% ... for credit from
  10 lakhs to 100 Lakhs ... for retail trade activity", "80% for (i) Micro and Small Enterprises
  operated and/or owned by women; and (ii) all credits/loans in the North East Region (NER) for
  credit facilities up to 50 Lakhs", "the trust settles the claim up to 75% of the amount in
  default". p11 MSE-CDP CFC "up to 80% of the maximum Project cost of Rs. 30 crores"; p12
  infrastructure "up to 70% of the maximum Project cost of Rs. 15 crores". p13 SFURTI "Upto Rs.
  2.5 cr for upto 500 artisans", "Rs. 5 cr for more than 500 artisans", "Soft Interventions -
  upto Rs. 25 lakhs"; p14 "up to 90% (95% in NER, J&K and Hill Areas) of Hard Intervention cost
  and entire cost of Soft Intervention"; later edition p14 only: implementing agencies "provide
  land and 10% (5% in NER, J&K and Hill Areas) of Hard Intervention".
- MSE-CDP O.M. of 21 September 2023, p1: land with its development "subject to maximum of 25% of
  Project Cost".
"""

from __future__ import annotations

import shutil

import pytest

from retrieval.answer.eligibility import Profile, check
from retrieval.answer.eligibility.rules import ELIGIBLE, NEEDS_INFORMATION, NO_RULE, NOT_ELIGIBLE
from retrieval.core.errors import ConfigError
from retrieval.core.settings import Settings

TODAY = "2026-12-03"
LAKH, CRORE = 100_000, 10_000_000
FIRST = "pdf/MSME_Schemes_Booklet_2022-23.pdf"
LATER = "pdf/MSME_Schemes_Booklet_flipbook_later_edition.pdf"
SVANIDHI = "pdf/PM_SVANidhi_Credit_Guarantee_Scheme_Guidelines.pdf"


def benefit(result, name):
    return next(b.value for b in result.benefits if b.name == name)


def result_of(profile, scheme):
    return check(profile, schemes=(scheme,)).result(scheme)


def vendor(**kw):
    base = {"street_vendor": True, "loan_number": 1, "loan_amount": 10_000}
    base.update(kw)
    return Profile(**base)


# (id, profile, verdict, effective cover, claim or None)
SVANIDHI_CASES = [
    # p6 illustration (i): Rs 10 crore NPA of Rs 100 crore: 5 crore at 100% + 5 crore at 75%.
    # Rs 10,000 is the 1st loan's limit itself (p1 "up to ₹10,000").
    (
        "2021-first-loan-illustration-i",
        vendor(date="2021-05-01", portfolio_amount=100 * CRORE, portfolio_default=10 * CRORE),
        ELIGIBLE,
        0.125,
        8.75 * CRORE,
    ),
    # p6 illustration (ii) and the p7 table: 20% NPA is paid as 15%: 5 + 0.75 x 10 = 12.50.
    (
        "2021-first-loan-illustration-ii",
        vendor(date="2021-05-01", portfolio_amount=100 * CRORE, portfolio_default=20 * CRORE),
        ELIGIBLE,
        0.125,
        12.5 * CRORE,
    ),
    # p7 table: NPA 8% -> 5 + 0.75 x 3 = 7.25 crore.
    (
        "2021-second-loan-npa-8",
        vendor(
            date="2021-05-01",
            loan_number=2,
            loan_amount=20_000,
            earlier_loan_amount=10_000,
            earlier_loan_repaid=True,
            portfolio_amount=100 * CRORE,
            portfolio_default=8 * CRORE,
        ),
        ELIGIBLE,
        0.125,
        7.25 * CRORE,
    ),
    # Loss exactly at the first tier's top (5%): all of it at 100%.
    (
        "2021-loss-at-5-percent",
        vendor(date="2021-05-01", portfolio_amount=100 * CRORE, portfolio_default=5 * CRORE),
        ELIGIBLE,
        0.125,
        5 * CRORE,
    ),
    # The last day of the old cover for a 2nd loan (p10: "loans disbursed till May 31,2022").
    (
        "2022-05-31-second-loan-old-cover",
        vendor(
            date="2022-05-31",
            loan_number=2,
            loan_amount=15_000,
            earlier_loan_amount=10_000,
            earlier_loan_repaid=True,
        ),
        ELIGIBLE,
        0.125,
        None,
    ),
    # p10 fresh 1st loan from June 1, 2022: NPA 30% -> 7.5 + 0.75 x 12.5 + 0.5 x 10 = 21.875.
    (
        "2022-06-01-fresh-first-loan-npa-30",
        vendor(date="2022-06-01", portfolio_amount=100 * CRORE, portfolio_default=30 * CRORE),
        ELIGIBLE,
        0.31875,
        21.875 * CRORE,
    ),
    # p10 fresh 2nd loan: NPA 10% -> 3 + 0.75 x 7 = 8.25 crore (its effective cover, 8.25%).
    (
        "2023-second-loan-npa-10",
        vendor(
            date="2023-01-10",
            loan_number=2,
            loan_amount=20_000,
            earlier_loan_amount=10_000,
            earlier_loan_repaid=True,
            portfolio_amount=100 * CRORE,
            portfolio_default=10 * CRORE,
        ),
        ELIGIBLE,
        0.0825,
        8.25 * CRORE,
    ),
    # p10 3rd loan: 0-8% at 75%; NPA 5% of Rs 10 crore -> 0.75 x 50 lakh = 37.5 lakh.
    (
        "2024-12-31-third-loan",
        vendor(
            date="2024-12-31",
            loan_number=3,
            loan_amount=None,
            portfolio_amount=10 * CRORE,
            portfolio_default=50 * LAKH,
        ),
        ELIGIBLE,
        0.06,
        37.5 * LAKH,
    ),
    # A 1st loan one rupee above ₹10,000.
    ("first-loan-10001", vendor(date="2021-05-01", loan_amount=10_001), NOT_ELIGIBLE, 0.125, None),
    # A 2nd loan: 200% of Rs 8,000 is Rs 16,000, under the ₹20,000 ceiling: 16,001 is too much.
    (
        "second-loan-above-200-percent",
        vendor(
            date="2023-01-10",
            loan_number=2,
            loan_amount=16_001,
            earlier_loan_amount=8_000,
            earlier_loan_repaid=True,
        ),
        NOT_ELIGIBLE,
        0.0825,
        None,
    ),
    # A 3rd loan is covered only for loans disbursed from 1 June 2022.
    (
        "third-loan-before-june-2022",
        vendor(date="2022-05-31", loan_number=3, loan_amount=None),
        NOT_ELIGIBLE,
        None,
        None,
    ),
    (
        "not-a-street-vendor",
        vendor(date="2023-01-10", street_vendor=False),
        NOT_ELIGIBLE,
        0.31875,
        None,
    ),
    ("lender-not-named", vendor(date="2023-01-10", lender="other"), NOT_ELIGIBLE, 0.31875, None),
    (
        "rrb-lender",
        vendor(date="2023-01-10", lender="regional_rural_bank"),
        ELIGIBLE,
        0.31875,
        None,
    ),
]


@pytest.mark.parametrize(
    ("profile", "verdict", "effective", "claim"),
    [pytest.param(*case[1:], id=case[0]) for case in SVANIDHI_CASES],
)
def test_pm_svanidhi_guarantee_hand_worked(profile, verdict, effective, claim):
    result = result_of(profile, "pm_svanidhi_guarantee")
    assert result.verdict == verdict, (result.criteria, result.missing)
    if effective is None:
        assert not result.benefits
    else:
        assert benefit(result, "Effective cover") == pytest.approx(effective)
        assert benefit(result, "Guarantee fee") == 0
    if claim is not None:
        assert benefit(result, "Claim") == pytest.approx(claim)


def test_pm_svanidhi_cover_cites_the_tiers_of_the_loan_and_day():
    fresh = result_of(vendor(date="2022-06-01"), "pm_svanidhi_guarantee")
    assert benefit(fresh, "Maximum cover") == pytest.approx(0.50)  # p10 "Maximum ... 50%"
    assert benefit(fresh, "Third loss cover") == 0.50
    cited = {(r.parameter, r.since, r.page) for r in fresh.rules()}
    assert ("pm_svanidhi_guarantee.first_loan.first_loss.upto", "2022-06-01", 10) in cited
    assert not any("second_loan" in name for name, _, _ in cited)
    assert any("before 2022-06-01: first loss up to 5%" in n for n in fresh.notes)
    second = result_of(vendor(date="2023-01-10", loan_number=2), "pm_svanidhi_guarantee")
    assert benefit(second, "Maximum cover") == pytest.approx(0.10)
    third = result_of(vendor(date="2023-01-10", loan_number=3), "pm_svanidhi_guarantee")
    assert benefit(third, "Maximum cover") == pytest.approx(0.08)
    assert any("no amount or condition for a 3rd loan" in n for n in third.notes)
    old = result_of(vendor(date="2021-05-01"), "pm_svanidhi_guarantee")
    assert {r.document for r in old.rules()} == {SVANIDHI}
    assert "Third loss cover" not in [b.name for b in old.benefits]


def test_pm_svanidhi_outside_its_dates_has_no_rule_and_missing_facts_are_asked():
    # p10: "Lending under the PM SVANidhi Scheme is extended till December, 2024."
    late = result_of(vendor(date="2025-01-01"), "pm_svanidhi_guarantee")
    assert late.verdict == NO_RULE
    assert late.criteria[0].rules[0].parameter == "pm_svanidhi_guarantee.lending_till_year"
    assert any("till December 2024" in n for n in late.notes)
    # p2: in force from July 02, 2020.
    assert result_of(vendor(date="2020-07-01"), "pm_svanidhi_guarantee").verdict == NO_RULE
    assert result_of(vendor(date="2020-07-02"), "pm_svanidhi_guarantee").verdict == ELIGIBLE
    bare = result_of(Profile(date="2023-01-10"), "pm_svanidhi_guarantee")
    assert bare.verdict == NEEDS_INFORMATION
    assert "Is it the 1st, 2nd or 3rd PM SVANidhi loan?" in bare.missing
    assert any("street vendor" in q for q in bare.missing)
    second = result_of(
        vendor(date="2023-01-10", loan_number=2, loan_amount=None), "pm_svanidhi_guarantee"
    )
    assert "Was the earlier loan repaid on time or early?" in second.missing
    assert "How much is the 2nd loan?" in second.missing
    # the 2nd loan's 200% of the earlier loan needs that loan's amount
    unsure = result_of(
        vendor(date="2023-01-10", loan_number=2, loan_amount=15_000, earlier_loan_repaid=True),
        "pm_svanidhi_guarantee",
    )
    assert unsure.verdict == NEEDS_INFORMATION
    assert unsure.missing == ("How much was the earlier loan?",)
    assert "At most 200% of the earlier loan" in next(
        c.text for c in unsure.criteria if c.name == "Loan amount"
    )


def micro(**kw):
    """A micro enterprise (investment and turnover far under the micro limits), a man in Bihar,
    manufacturing (so not retail trade), on TODAY."""
    base = {
        "investment": 5 * LAKH,
        "turnover": 20 * LAKH,
        "gender": "male",
        "state": "Bihar",
        "sector": "manufacturing",
        "date": TODAY,
    }
    base.update(kw)
    return Profile(**base)


# (id, profile, verdict, cover rate, cover in rupees)
CGTMSE_CASES = [
    # p9: 85% for micro enterprises for credit up to Rs. 5 lakh: at 5 lakh, 4.25 lakh.
    ("micro-at-5-lakh", micro(loan_amount=5 * LAKH), ELIGIBLE, 0.85, 4.25 * LAKH),
    # One rupee above: the others' 75% (p9 "to 75% (others)").
    ("micro-above-5-lakh", micro(loan_amount=5 * LAKH + 1), ELIGIBLE, 0.75, 0.75 * (5 * LAKH + 1)),
    # p10: 80% for an enterprise owned by a woman: 60 lakh -> 48 lakh.
    ("woman-60-lakh", micro(loan_amount=60 * LAKH, gender="female"), ELIGIBLE, 0.80, 48 * LAKH),
    # p10: 80% for all credits in the NER up to Rs 50 lakh; above it 75%.
    ("ner-at-50-lakh", micro(loan_amount=50 * LAKH, state="Assam"), ELIGIBLE, 0.80, 40 * LAKH),
    (
        "ner-above-50-lakh",
        micro(loan_amount=50 * LAKH + 1, state="Assam"),
        ELIGIBLE,
        0.75,
        0.75 * (50 * LAKH + 1),
    ),
    # p10: 50% for retail trade credit from 10 lakh to 1 crore, both ends included.
    (
        "retail-at-10-lakh",
        micro(loan_amount=10 * LAKH, sector="trading", retail_trade=True),
        ELIGIBLE,
        0.50,
        5 * LAKH,
    ),
    (
        "retail-at-1-crore",
        micro(loan_amount=1 * CRORE, sector="trading", retail_trade=True),
        ELIGIBLE,
        0.50,
        50 * LAKH,
    ),
    # Retail at 9 lakh: outside the band, not micro's 5 lakh: the booklet states no rate.
    (
        "retail-at-9-lakh-no-rate",
        micro(loan_amount=9 * LAKH, sector="trading", retail_trade=True),
        ELIGIBLE,
        None,
        None,
    ),
    # p9: loans up to Rs. 2 crores: the cap itself is covered at 75%, one rupee more is not.
    ("credit-at-2-crore", micro(loan_amount=2 * CRORE), ELIGIBLE, 0.75, 1.5 * CRORE),
    ("credit-above-2-crore", micro(loan_amount=2 * CRORE + 1), NOT_ELIGIBLE, 0.75, None),
    # A medium enterprise (investment Rs 30 crore > the small limit of Rs 25 crore since 2025).
    (
        "medium-enterprise",
        micro(loan_amount=50 * LAKH, investment=30 * CRORE),
        NOT_ELIGIBLE,
        0.75,
        None,
    ),
    (
        "with-collateral",
        micro(loan_amount=50 * LAKH, collateral_free=False),
        NOT_ELIGIBLE,
        0.75,
        None,
    ),
]


@pytest.mark.parametrize(
    ("profile", "verdict", "rate", "cover"),
    [pytest.param(*case[1:], id=case[0]) for case in CGTMSE_CASES],
)
def test_cgtmse_hand_worked(profile, verdict, rate, cover):
    result = result_of(profile, "cgtmse")
    assert result.verdict == verdict, (result.criteria, result.missing)
    if rate is None:
        assert not result.benefits
        assert any("no rate for retail credit" in n for n in result.notes)
        return
    assert benefit(result, "Guarantee cover rate") == pytest.approx(rate)
    assert benefit(result, "Claim on default, at most") == 0.75
    if cover is not None:
        assert benefit(result, "Guarantee cover") == pytest.approx(cover)


def test_cgtmse_cites_the_edition_in_force_and_says_when_rates_compete():
    # Both editions state the same values: each is cited from the day of its edition.
    early = result_of(micro(loan_amount=5 * LAKH, date="2022-06-01"), "cgtmse")
    now = result_of(micro(loan_amount=5 * LAKH), "cgtmse")
    rate_of = lambda r: next(x for x in r.rules() if x.parameter == "cgtmse.cover.micro.rate")  # noqa: E731
    assert (rate_of(early).document, rate_of(early).page, rate_of(early).since) == (
        FIRST,
        9,
        "2022-03-01",
    )
    assert (rate_of(now).document, rate_of(now).page, rate_of(now).since) == (
        LATER,
        9,
        "2022-11-01",
    )
    assert rate_of(now).earlier == ""  # same value in both editions: nothing differs
    assert not any("sources differ" in n for n in now.notes)
    assert result_of(micro(loan_amount=5 * LAKH, date="2022-02-28"), "cgtmse").verdict == NO_RULE
    # A woman in Assam in retail trade, 20 lakh: 50% shown, the 80%s noted.
    woman = result_of(
        micro(loan_amount=20 * LAKH, gender="female", state="Assam", retail_trade=True), "cgtmse"
    )
    assert benefit(woman, "Guarantee cover rate") == 0.5
    assert any("80% for women" in n and "does not say which prevails" in n for n in woman.notes)
    asked = result_of(Profile(loan_amount=20 * LAKH, date=TODAY), "cgtmse")
    assert asked.verdict == NEEDS_INFORMATION
    assert "Is the enterprise in retail trade?" in asked.missing


# (id, profile, verdict, rate, assistance)
MSE_CDP_CASES = [
    # p11: CFC up to 80% of the project cost, up to Rs 30 crore: 20 crore -> 16 crore.
    (
        "cfc-20-crore",
        Profile(cluster_project="common_facility_centre", project_cost=20 * CRORE, date=TODAY),
        ELIGIBLE,
        0.80,
        16 * CRORE,
    ),
    # At the maximum project cost and above it: 80% of 30 crore = 24 crore.
    (
        "cfc-at-30-crore",
        Profile(cluster_project="common_facility_centre", project_cost=30 * CRORE, date=TODAY),
        ELIGIBLE,
        0.80,
        24 * CRORE,
    ),
    (
        "cfc-35-crore",
        Profile(cluster_project="common_facility_centre", project_cost=35 * CRORE, date=TODAY),
        ELIGIBLE,
        0.80,
        24 * CRORE,
    ),
    # p12: infrastructure up to 70% of up to Rs 15 crore: 10 crore -> 7; 18 crore -> 10.5.
    (
        "infrastructure-10-crore",
        Profile(cluster_project="infrastructure", project_cost=10 * CRORE, date=TODAY),
        ELIGIBLE,
        0.70,
        7 * CRORE,
    ),
    (
        "infrastructure-18-crore",
        Profile(cluster_project="infrastructure", project_cost=18 * CRORE, date=TODAY),
        ELIGIBLE,
        0.70,
        10.5 * CRORE,
    ),
    # O.M. p1: land at most 25% of the project cost: 5 crore of 20 crore is the limit itself.
    (
        "cfc-land-at-25-percent",
        Profile(
            cluster_project="common_facility_centre",
            project_cost=20 * CRORE,
            land_cost=5 * CRORE,
            date=TODAY,
        ),
        ELIGIBLE,
        0.80,
        16 * CRORE,
    ),
    (
        "cfc-land-above-25-percent",
        Profile(
            cluster_project="common_facility_centre",
            project_cost=20 * CRORE,
            land_cost=5 * CRORE + 1,
            date=TODAY,
        ),
        NOT_ELIGIBLE,
        0.80,
        16 * CRORE,
    ),
    # Before the O.M. (2023-09-21) there is no land criterion.
    (
        "cfc-land-before-the-om",
        Profile(
            cluster_project="common_facility_centre",
            project_cost=20 * CRORE,
            land_cost=8 * CRORE,
            date="2023-09-20",
        ),
        ELIGIBLE,
        0.80,
        16 * CRORE,
    ),
    (
        "not-an-spv",
        Profile(cluster_project="infrastructure", project_cost=10 * CRORE, spv=False, date=TODAY),
        NOT_ELIGIBLE,
        0.70,
        7 * CRORE,
    ),
]


@pytest.mark.parametrize(
    ("profile", "verdict", "rate", "assistance"),
    [pytest.param(*case[1:], id=case[0]) for case in MSE_CDP_CASES],
)
def test_mse_cdp_hand_worked(profile, verdict, rate, assistance):
    result = result_of(profile, "mse_cdp")
    assert result.verdict == verdict, (result.criteria, result.missing)
    assert benefit(result, "Assistance rate") == pytest.approx(rate)
    assert benefit(result, "GoI assistance") == pytest.approx(assistance)
    assert any("no other share by region or category" in n for n in result.notes)


def test_mse_cdp_land_rule_cites_the_om_and_missing_facts_are_asked():
    over = result_of(MSE_CDP_CASES[6][1], "mse_cdp")
    land = next(c for c in over.criteria if c.name == "Land")
    assert land.rules[0].document == "pdf/MSE-CDP_OM_DC-MSME_2023-09-21.pdf"
    assert "Rs 5 crore" in over.changes[0]
    bare = result_of(Profile(date=TODAY), "mse_cdp")
    assert bare.verdict == NEEDS_INFORMATION
    assert "What is the project cost?" in bare.missing
    assert result_of(Profile(date="2022-02-28"), "mse_cdp").verdict == NO_RULE


def artisans(**kw):
    base = {"traditional_industry": True, "state": "Gujarat", "date": TODAY}
    base.update(kw)
    return Profile(**base)


# (id, profile, verdict, hard rate, cap, GoI support, implementing agency's share or None)
SFURTI_CASES = [
    # 500 artisans (the lower cap's own limit): 90% of 2 crore + 25 lakh soft = 2.05 crore, under
    # Rs 2.5 crore; the agency gives 10% of 2 crore = 20 lakh (later edition).
    (
        "500-artisans-under-cap",
        artisans(artisans=500, hard_intervention_cost=2 * CRORE, soft_intervention_cost=25 * LAKH),
        ELIGIBLE,
        0.90,
        2.5 * CRORE,
        2.05 * CRORE,
        20 * LAKH,
    ),
    # 500 artisans asking 90% of 3 crore + 25 lakh (soft 30 lakh capped) = 2.95 crore -> 2.5 crore.
    (
        "500-artisans-capped",
        artisans(artisans=500, hard_intervention_cost=3 * CRORE, soft_intervention_cost=30 * LAKH),
        ELIGIBLE,
        0.90,
        2.5 * CRORE,
        2.5 * CRORE,
        30 * LAKH,
    ),
    # 501 artisans: "Rs. 5 cr for more than 500 artisans": 2.95 crore in full.
    (
        "501-artisans",
        artisans(artisans=501, hard_intervention_cost=3 * CRORE, soft_intervention_cost=30 * LAKH),
        ELIGIBLE,
        0.90,
        5 * CRORE,
        2.95 * CRORE,
        30 * LAKH,
    ),
    # J&K: 95% of 2 crore = 1.9 crore; the agency 5% = 10 lakh.
    (
        "jammu-and-kashmir",
        artisans(artisans=300, state="Jammu and Kashmir", hard_intervention_cost=2 * CRORE),
        ELIGIBLE,
        0.95,
        2.5 * CRORE,
        1.9 * CRORE,
        10 * LAKH,
    ),
    # Under the first edition alone (June 2022): no agency share stated.
    (
        "2022-06-first-edition",
        artisans(artisans=200, hard_intervention_cost=1 * CRORE, date="2022-06-01"),
        ELIGIBLE,
        0.90,
        2.5 * CRORE,
        0.9 * CRORE,
        None,
    ),
    (
        "not-traditional",
        artisans(artisans=200, traditional_industry=False, hard_intervention_cost=1 * CRORE),
        NOT_ELIGIBLE,
        0.90,
        2.5 * CRORE,
        0.9 * CRORE,
        10 * LAKH,
    ),
]


@pytest.mark.parametrize(
    ("profile", "verdict", "rate", "cap", "support", "agency"),
    [pytest.param(*case[1:], id=case[0]) for case in SFURTI_CASES],
)
def test_sfurti_hand_worked(profile, verdict, rate, cap, support, agency):
    result = result_of(profile, "sfurti")
    assert result.verdict == verdict, (result.criteria, result.missing)
    assert benefit(result, "Hard intervention rate") == pytest.approx(rate)
    assert benefit(result, "GoI support, at most") == pytest.approx(cap)
    assert benefit(result, "GoI support") == pytest.approx(support)
    names = [b.name for b in result.benefits]
    if agency is None:
        assert "Implementing agency's share" not in names
        assert "SPV" not in [c.name for c in result.criteria]
        assert {r.document for r in result.rules()} == {FIRST}
    else:
        assert benefit(result, "Implementing agency's share") == pytest.approx(agency)


def test_sfurti_cites_the_region_branch_and_asks_for_missing_facts():
    hill = result_of(SFURTI_CASES[3][1], "sfurti")
    rates = [r.parameter for r in hill.rules() if "assistance_rate" in r.parameter]
    assert rates == ["sfurti.hard_intervention.assistance_rate.ner_or_hill"]
    assert any("hill state" in n and "not the corpus" in n for n in hill.notes)
    bare = result_of(Profile(date=TODAY), "sfurti")
    assert bare.verdict == NEEDS_INFORMATION
    assert "How many artisans are in the cluster?" in bare.missing


def test_when_the_editions_disagree_both_values_are_kept_and_the_notes_say_so(tmp_path):
    """No value of these schemes differs between the two booklets; this edits a copy of the
    rules so the later edition gives SFURTI's hard intervention 85% instead of 90%."""
    rules = tmp_path / "rules"
    shutil.copytree(Settings().rules_dir, rules)
    shutil.copy(Settings().rules_dir.parent / "catalogue.tsv", tmp_path / "catalogue.tsv")
    path = rules / "parameters" / "sfurti.yaml"
    text = path.read_text(encoding="utf-8")
    later = text.index("standard:", text.index("hard_intervention:"))
    later = text.index("2022-11-01:", later)
    path.write_text(
        text[:later] + text[later:].replace("value: 0.9", "value: 0.85", 1), encoding="utf-8"
    )
    settings = Settings(rules_dir=rules)
    profile = artisans(artisans=100, hard_intervention_cost=1 * CRORE)
    now = check(profile, settings, ("sfurti",)).result("sfurti")
    assert benefit(now, "Hard intervention rate") == pytest.approx(0.85)
    note = next(n for n in now.notes if n.startswith("The sources differ"))
    assert f"0.9 in {FIRST}" in note and f"0.85 in {LATER}" in note
    then = check(profile.replace(date="2022-06-01"), settings, ("sfurti",)).result("sfurti")
    assert benefit(then, "Hard intervention rate") == pytest.approx(0.90)
    assert not any(n.startswith("The sources differ") for n in then.notes)


def test_the_checker_picks_these_schemes_from_the_facts_given():
    assert "pm_svanidhi_guarantee" in [r.scheme for r in check(vendor(date="2023-01-10")).results]
    assert "cgtmse" in [r.scheme for r in check(micro(loan_amount=5 * LAKH)).results]
    cluster = Profile(cluster_project="infrastructure", artisans=100, date=TODAY)
    assert {"mse_cdp", "sfurti"} <= {r.scheme for r in check(cluster).results}
    assert "cgtmse" not in [r.scheme for r in check(Profile(date=TODAY)).results]


@pytest.mark.parametrize(
    "fields",
    [
        {"lender": "moneylender"},
        {"loan_number": 4},
        {"cluster_project": "road"},
        {"loan_amount": -1},
        {"artisans": -5},
        {"portfolio_amount": 100, "portfolio_default": 101},
        {"portfolio_amount": 0, "portfolio_default": 0},
    ],
)
def test_profile_refuses_bad_credit_and_cluster_facts(fields):
    with pytest.raises(ConfigError):
        Profile(**fields)
