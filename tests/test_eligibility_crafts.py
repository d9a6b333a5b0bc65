"""The artisan and weaver schemes: profiles whose verdicts and amounts were worked out by hand from
the clauses (`tests/test_rules.py` checks that each clause stands on its page). Scheme records
are one page, numbered 0; each is a secondary source.

Clauses:
- schemes/PM_Vishwakarma.json p0: "implemented for five years up to 2027-28" (so 2023-04-01 to
  2028-03-31); "the minimum age of the applicant should be 18 years"; "one of the 18 family-based
  traditional trades"; "should not have availed loans under similar credit-based schemes ... e.g.
  PMEGP, PM SVANidhi, Mudra, in the past 5 years"; "restricted to one member of the family"; "A
  person in government service and their family members shall not be eligible"; "Training
  Stipend: ₹ 500 per day"; "Toolkit Incentive: ₹ 15,000 grant"; "₹ 1,00,000 (First Tranche for 18
  months repayment) & ₹ 2,00,000 (Second Tranche for 30 months repayment)"; "5% ... Interest
  Subvention cap of 8%"; "₹ 1 per transaction for a maximum of up to 100 transactions (monthly)".
- schemes/Monthly_Grant_To_Old_Crafts_Persons_(Pension).json p0 (undated): "an artisan who has
  attained the age of 60 years"; "a native or resident of the Union Territory of Puducherry for
  at least 5 years"; "practised the craft for at least 5 years in the Union Territory of
  Puducherry"; "The family income from all sources should not exceed ₹40,000 per annum";
  "A monthly grant of ₹2,000/-"; "the living spouse is entitled to receive ₹1,000/- per month".
- schemes/National_Handicrafts_Development_Programme:_..._Indigent_Circumstances.json p0
  (undated): Shilp Guru/National/State Award or Merit Certificate; "annual income of the artisan
  should not exceed ₹1,00,000/- in the preceding financial year"; "not be less than 60 years ...
  Age may be relaxed in the case of artisans with disabilities"; "upto ₹8,000/- per month".
- schemes/Insurance_Scheme_For_Artisans.json p0 (undated, Puducherry): "a handicraft artisan",
  "a resident of the Union Territory of Puducherry", "aged between 18 to 60 years"; natural death
  ₹20,000/-, accident ₹50,000/-, total disability ₹50,000/-, partial ₹25,000/-; premium 50%.
- schemes/Training_in_Handicrafts.json p0 (undated, Puducherry): "a native of the Union Territory
  of Puducherry or a continuous resident for the past three years"; "between 18 and 35 years";
  "a stipend of ₹1,500 per month"; "for a period of 6 months".
- schemes/Assistance_Scheme_for_Handicraft_Artisans.json p0 (undated, Kerala): micro enterprises
  in the handicraft sector set up in the State with EM Part-II or Udyog Aadhaar; "General Category
  ... 40% of the Fixed Capital Investment limited to ₹2.00 lakh"; "Young (18 to 45 years), Women,
  and SC/ST artisans ... 50% limited to ₹3.00 lakh".
- schemes/West_Bengal_Artisans_Financial_Benefit_Scheme_2024:_Grant_to_Individual_Artisans.json
  p0 (dated by its title's 2024): "Age between 18-60 years"; "One-time grant up to ₹15,000".
- schemes/West_Bengal_Handloom_..._Assistance_to_Individual_Handloom_Weaver.json p0 (2024):
  "Individual Weavers of the state"; "₹5000/- per weaver" (work shed, loom); "₹10,000/-" (raw
  material).
- schemes/Credit_Card_Scheme_For_Artisans_And_Weavers_...json p0 (undated, J&K): registered
  with the Handicrafts and Handloom Department, J&K, in production and manufacturing; "A maximum
  credit limit of ₹2,00,000 ... loan component of ₹1,80,000 and the beneficiary's contribution of
  ₹20,000/-"; "7% interest subvention over a period of 5 years".
- schemes/Khadi_Karigar_Janashree_Bima_Yojana.json p0 (undated): "a Khadi Artisan"; "between 18
  and 59 years"; "a minimum of 25 members"; ₹20,000, ₹50,000, ₹50,000, ₹25,000; ₹300 a quarter.
- pdf/MSME_Schemes_Booklet_2022-23.pdf (from 2022-03-01): Gramodyog Vikas Yojana p34 "The
  artisans between 18 years and up to 55 years of age", p35 other schemes "for the same/similar
  purpose will not be eligible"; work-shed for khadi artisans p32 "Khadi artisans who belong to
  BPL category", "work for at least 100 days in a year". Later edition (from 2022-11-01): p32
  "Age Group: 18-55 Years.", "One person from one family is eligible for the assistance under
  KGVY."; p30 "Individual workshed (20 Sq. mtrs): Rs. 1,20,000/- or 75% of the cost of workshed
  including toilet (90% for NER), whichever is less."
- pdf/Udyam_Registration_OM_2020-07-17.pdf: p2 (17.07.2020) the O.M. of 27.06.2017 applied to
  Udyam Registration; p3 divisions 46, 47, 97, 98, 99 and 01 (but for Table 2's sub-classes) not
  covered; p4 Table 2 (01463, 01492, 01631, 01632, 01633, 01640 legible); p1 (01.12.2020) "92
  Gambling and betting activities".
"""

from __future__ import annotations

import pytest

from retrieval.answer.eligibility import Profile, check
from retrieval.answer.eligibility.checker import _relevant
from retrieval.answer.eligibility.rules import (
    ASSUMED,
    ELIGIBLE,
    MET,
    NEEDS_INFORMATION,
    NO_RULE,
    NOT_ELIGIBLE,
    NOT_MET,
    UNKNOWN,
)
from retrieval.core.errors import ConfigError

TODAY = "2025-06-01"
LAKH = 100_000
FIRST = "pdf/MSME_Schemes_Booklet_2022-23.pdf"
LATER = "pdf/MSME_Schemes_Booklet_flipbook_later_edition.pdf"


def result_of(scheme, **facts):
    facts.setdefault("date", TODAY)
    return check(Profile(**facts), schemes=(scheme,)).result(scheme)


def benefit(result, name):
    return next(b.value for b in result.benefits if b.name == name)


def criterion(result, name):
    return next(c for c in result.criteria if c.name == name)


# -- PM Vishwakarma ------------------------------------------------------------------------------
VISHWAKARMA = {
    "artisan": True,
    "vishwakarma_trade": True,
    "unorganised_self_employed": True,
    "availed_credit_scheme_within_5_years": False,
    "family_member_beneficiary": False,
    "government_servant_in_family": False,
}


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        ({"age": 18}, ELIGIBLE),  # "the minimum age ... should be 18 years": 18 itself is in
        ({"age": 17}, NOT_ELIGIBLE),
        ({"age": 40, "availed_credit_scheme_within_5_years": True}, NOT_ELIGIBLE),  # a Mudra loan
        ({"age": 40, "government_servant_in_family": True}, NOT_ELIGIBLE),  # "and their family"
        ({"age": 40, "family_member_beneficiary": True}, NOT_ELIGIBLE),  # "one member of"
        ({"age": 40, "vishwakarma_trade": None}, NEEDS_INFORMATION),  # the 18 trades are not listed
    ],
)
def test_pm_vishwakarma_verdicts(changes, verdict):
    result = result_of("pm_vishwakarma", **{**VISHWAKARMA, **changes})
    assert result.verdict == verdict


def test_pm_vishwakarma_benefits_are_the_records_figures():
    result = result_of("pm_vishwakarma", age=18, **VISHWAKARMA)
    assert benefit(result, "Training stipend") == 500  # "₹ 500 per day"
    assert benefit(result, "Toolkit incentive") == 15_000  # "₹ 15,000 grant"
    assert benefit(result, "Loans") == 3 * LAKH  # ₹ 1,00,000 + ₹ 2,00,000
    assert benefit(result, "Interest") == 0.05
    assert benefit(result, "Digital incentive") == 100  # ₹ 1 x 100 transactions a month
    age = criterion(result, "Age")
    assert age.status == MET and age.rules[0].page == 0
    assert age.rules[0].document == "schemes/PM_Vishwakarma.json"
    assert any("secondary source" in n and "2027-28" in n for n in result.notes)


def test_pm_vishwakarma_assumes_what_the_record_excludes_and_asks_the_rest():
    result = result_of("pm_vishwakarma", age=30, craft="handloom")
    assert criterion(result, "Artisan").status == ASSUMED  # a handloom weaver works by hand
    assert criterion(result, "Not in government service").status == ASSUMED
    assert criterion(result, "No recent scheme loan").status == UNKNOWN
    assert result.verdict == NEEDS_INFORMATION
    assert any("18 family-based traditional trades" in m for m in result.missing)


@pytest.mark.parametrize("day", ["2023-03-31", "2028-04-01"])
def test_pm_vishwakarma_has_no_rule_outside_its_five_years(day):
    result = result_of("pm_vishwakarma", age=30, **{**VISHWAKARMA, "date": day})
    assert result.verdict == NO_RULE


def test_pm_vishwakarma_on_its_last_day():
    result = result_of("pm_vishwakarma", age=30, **{**VISHWAKARMA, "date": "2028-03-31"})
    assert result.verdict == ELIGIBLE


# -- Monthly grant to old crafts persons, Puducherry ------------------------------------------------
PENSIONER = {
    "artisan": True,
    "state": "Puducherry",
    "native": True,
    "years_in_craft": 5,
    "family_income": 40_000,
    "similar_assistance": False,
}


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        # Age exactly 60 ("has attained the age of 60 years"), 5 years in the craft ("at least 5
        # years") and a family income of exactly Rs 40,000 ("should not exceed ₹40,000").
        ({"age": 60}, ELIGIBLE),
        ({"age": 59}, NOT_ELIGIBLE),
        ({"age": 70, "family_income": 40_001}, NOT_ELIGIBLE),
        ({"age": 70, "years_in_craft": 4}, NOT_ELIGIBLE),
        # A resident, not a native, for 4 years: "for at least 5 years" is not met; 5 is.
        ({"age": 65, "native": False, "years_resident": 4}, NOT_ELIGIBLE),
        ({"age": 65, "native": False, "years_resident": 5}, ELIGIBLE),
        # 4 years' residence, nativity unknown: a native would qualify, so it is asked.
        ({"age": 65, "native": None, "years_resident": 4}, NEEDS_INFORMATION),
        ({"age": 65, "state": "Tamil Nadu"}, NOT_ELIGIBLE),
        ({"age": 65, "similar_assistance": True}, NOT_ELIGIBLE),
    ],
)
def test_old_crafts_pension_verdicts(changes, verdict):
    assert result_of("old_crafts_pension", **{**PENSIONER, **changes}).verdict == verdict


def test_old_crafts_pension_boundaries_and_benefits():
    result = result_of("old_crafts_pension", age=60, **PENSIONER)
    assert benefit(result, "Monthly grant") == 2_000  # "₹2,000/-"
    assert benefit(result, "Spouse's grant") == 1_000  # "₹1,000/- per month"
    assert "(the ceiling itself is within)" in criterion(result, "Income").text
    assert "(the limit itself is within)" in criterion(result, "Age").text
    assert criterion(result, "Income").rules[0].since == "2000-01-01"
    assert any("undated" in n and "secondary source" in n for n in result.notes)
    four = result_of("old_crafts_pension", **{**PENSIONER, "age": 65, "native": False})
    assert four.verdict == NEEDS_INFORMATION
    assert any("how many years" in m for m in four.missing)
    late = result_of("old_crafts_pension", **{**PENSIONER, "age": 65, "years_resident": 4})
    assert late.verdict == ELIGIBLE  # a native: the years of residence do not matter
    young = result_of("old_crafts_pension", **{**PENSIONER, "age": 59})
    assert young.changes == ("At 60 the age condition would be met.",)


# -- NHDP: support to artisans in indigent circumstances --------------------------------------------
INDIGENT = {"award_recipient": True, "annual_income": 100_000, "similar_assistance": False}


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        ({"age": 60}, ELIGIBLE),  # "not be less than 60"; income exactly ₹1,00,000/-
        ({"age": 72, "annual_income": 100_001}, NOT_ELIGIBLE),
        ({"age": 59}, NOT_ELIGIBLE),
        ({"age": 55, "differently_abled": True}, NEEDS_INFORMATION),  # "may be relaxed"
        ({"age": 65, "award_recipient": False}, NOT_ELIGIBLE),
        ({"age": 65, "award_recipient": None}, NEEDS_INFORMATION),
    ],
)
def test_artisans_indigent_support_verdicts(changes, verdict):
    result = result_of("artisans_indigent_support", **{**INDIGENT, **changes})
    assert result.verdict == verdict


def test_artisans_indigent_support_benefit():
    result = result_of("artisans_indigent_support", age=60, **INDIGENT)
    assert benefit(result, "Assistance, at most") == 8_000  # "upto ₹8,000/- per month"


# -- Puducherry: insurance of handicraft artisans ------------------------------------------------
INSURED = {"craft": "handicraft", "state": "Puducherry"}


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        ({"age": 18}, ELIGIBLE),  # "between 18 to 60 years": both ends are in
        ({"age": 60}, ELIGIBLE),
        ({"age": 61}, NOT_ELIGIBLE),
        ({"age": 30, "craft": "handloom"}, NOT_ELIGIBLE),  # "a handicraft artisan"
        ({"age": 30, "state": "Karnataka"}, NOT_ELIGIBLE),
        ({"age": 30, "craft": None}, NEEDS_INFORMATION),
    ],
)
def test_puducherry_artisan_insurance_verdicts(changes, verdict):
    result = result_of("puducherry_artisan_insurance", **{**INSURED, **changes})
    assert result.verdict == verdict


def test_puducherry_artisan_insurance_benefits():
    result = result_of("puducherry_artisan_insurance", age=40, **INSURED)
    assert benefit(result, "Natural death") == 20_000
    assert benefit(result, "Death due to accident") == 50_000
    assert benefit(result, "Permanent total disability") == 50_000
    assert benefit(result, "Permanent partial disability") == 25_000
    assert benefit(result, "Premium") == 0.5


# -- Puducherry: training in handicrafts -------------------------------------------------------
@pytest.mark.parametrize(
    ("facts", "verdict"),
    [
        # A resident for exactly three years ("for the past three years"), aged 35 ("between 18
        # and 35 years").
        ({"age": 35, "native": False, "years_resident": 3}, ELIGIBLE),
        ({"age": 36, "native": True}, NOT_ELIGIBLE),
        ({"age": 25, "native": False, "years_resident": 2}, NOT_ELIGIBLE),
        ({"age": 25}, NEEDS_INFORMATION),  # native or not, and for how long, are asked
    ],
)
def test_handicrafts_training_verdicts(facts, verdict):
    result = result_of("handicrafts_training", state="Puducherry", **facts)
    assert result.verdict == verdict


def test_handicrafts_training_stipend_over_six_months():
    result = result_of("handicrafts_training", state="Puducherry", age=20, native=True)
    assert benefit(result, "Stipend") == 1_500
    assert benefit(result, "Stipend over the training") == 9_000  # ₹1,500 x 6 months


# -- Kerala: ASHA --------------------------------------------------------------------------------
ASHA = {
    "craft": "handicraft",
    "state": "Kerala",
    "investment": 5 * LAKH,
    "turnover": 10 * LAKH,
    "msme_registered": True,
    "social_category": "general",
}


@pytest.mark.parametrize(
    ("facts", "rate", "grant"),
    [
        # General category: 40% of ₹4 lakh = ₹1.6 lakh; of ₹6 lakh, ₹2.4 lakh capped at ₹2 lakh.
        ({"age": 50, "gender": "male", "fixed_capital_investment": 4 * LAKH}, 0.40, 1.6 * LAKH),
        ({"age": 46, "gender": "male", "fixed_capital_investment": 6 * LAKH}, 0.40, 2 * LAKH),
        # Young (18 to 45 years): 45 itself is young; 50% of ₹2 lakh = ₹1 lakh.
        ({"age": 45, "gender": "male", "fixed_capital_investment": 2 * LAKH}, 0.50, 1 * LAKH),
        # A woman: 50% of ₹8 lakh = ₹4 lakh, capped at ₹3 lakh.
        ({"age": 50, "gender": "female", "fixed_capital_investment": 8 * LAKH}, 0.50, 3 * LAKH),
    ],
)
def test_kerala_asha_grant(facts, rate, grant):
    result = result_of("kerala_asha", **{**ASHA, **facts})
    assert result.verdict == ELIGIBLE
    assert benefit(result, "Grant rate") == pytest.approx(rate)
    assert benefit(result, "Grant") == pytest.approx(grant)


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        ({"investment": 3 * 10_000_000, "turnover": 20 * 10_000_000}, NOT_ELIGIBLE),  # small
        ({"state": "Tamil Nadu"}, NOT_ELIGIBLE),
        ({"craft": "other"}, NOT_ELIGIBLE),
        ({"msme_registered": None}, NEEDS_INFORMATION),
    ],
)
def test_kerala_asha_verdicts(changes, verdict):
    assert result_of("kerala_asha", **{**ASHA, "age": 50, **changes}).verdict == verdict


def test_kerala_asha_asks_who_the_artisan_is_before_the_share():
    result = result_of("kerala_asha", **{**ASHA, "social_category": None})
    assert not result.benefits
    assert any("young, women and SC/ST" in m for m in result.missing)


# -- West Bengal 2024 ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("facts", "verdict"),
    [
        ({"age": 60}, ELIGIBLE),  # "Age between 18-60 years"
        ({"age": 61}, NOT_ELIGIBLE),
        ({"age": 30, "state": "Odisha"}, NOT_ELIGIBLE),  # the record's state: West Bengal
        ({"age": 30, "date": "2023-12-31"}, NO_RULE),  # the scheme is 2024's
    ],
)
def test_wb_artisan_grant_verdicts(facts, verdict):
    facts = {"craft": "handicraft", "state": "West Bengal", **facts}
    result = result_of("wb_artisan_grant", **facts)
    assert result.verdict == verdict
    if verdict == ELIGIBLE:
        assert benefit(result, "Toolkit grant, at most") == 15_000


@pytest.mark.parametrize(
    ("facts", "verdict"),
    [
        ({"craft": "handloom", "state": "West Bengal"}, ELIGIBLE),
        ({"craft": "khadi", "state": "West Bengal"}, NOT_ELIGIBLE),
        ({"craft": "handloom"}, NEEDS_INFORMATION),  # "Individual Weavers of the state"
    ],
)
def test_wb_handloom_weaver_verdicts(facts, verdict):
    result = result_of("wb_handloom_weaver", **facts)
    assert result.verdict == verdict
    assert benefit(result, "Assistance") == 15_000  # ₹5000/- + ₹10,000/-


# -- Jammu and Kashmir: credit card for artisans and weavers -----------------------------------
JK = {
    "craft": "handicraft",
    "craft_registration": True,
    "state": "Jammu and Kashmir",
    "sector": "manufacturing",
}


@pytest.mark.parametrize(
    ("changes", "verdict"),
    [
        ({"loan_amount": 2 * LAKH}, ELIGIBLE),  # "A maximum credit limit of ₹2,00,000"
        ({"loan_amount": 2 * LAKH + 1}, NOT_ELIGIBLE),
        ({"craft_registration": False}, NOT_ELIGIBLE),
        ({"sector": "service"}, NOT_ELIGIBLE),  # "production and manufacturing processes"
        ({"craft_registration": None}, NEEDS_INFORMATION),
    ],
)
def test_jk_artisan_credit_card_verdicts(changes, verdict):
    assert result_of("jk_artisan_credit_card", **{**JK, **changes}).verdict == verdict


def test_jk_artisan_credit_card_benefits():
    result = result_of("jk_artisan_credit_card", **JK)
    assert benefit(result, "Credit limit, at most") == 2 * LAKH
    assert benefit(result, "Interest subvention") == 0.07
    assert criterion(result, "Selection").status == ASSUMED  # a district committee selects


# -- Khadi Karigar Janashree Bima Yojana -------------------------------------------------------
@pytest.mark.parametrize(
    ("facts", "verdict"),
    [
        ({"age": 59, "group_members": 25}, ELIGIBLE),  # "between 18 and 59"; "a minimum of 25"
        ({"age": 60, "group_members": 25}, NOT_ELIGIBLE),
        ({"age": 30, "group_members": 24}, NOT_ELIGIBLE),
        ({"age": 30, "group_members": 40, "craft": "handloom"}, NOT_ELIGIBLE),
        ({"age": 30}, NEEDS_INFORMATION),
    ],
)
def test_khadi_karigar_bima_verdicts(facts, verdict):
    result = result_of("khadi_karigar_bima", **{"craft": "khadi", **facts})
    assert result.verdict == verdict
    assert benefit(result, "Natural death") == 20_000
    assert benefit(result, "Scholarship") == 300


# -- Gramodyog Vikas Yojana ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("facts", "verdict"),
    [
        ({"age": 55}, ELIGIBLE),  # "Age Group: 18-55 Years."
        ({"age": 56}, NOT_ELIGIBLE),
        ({"age": 30, "family_member_beneficiary": True}, NOT_ELIGIBLE),  # "One person from one"
        ({"age": 30, "similar_assistance": True}, NOT_ELIGIBLE),  # "same/similar purpose"
        # The 2022-23 edition states one person a family only for bee boxes: no such rule then.
        ({"age": 30, "family_member_beneficiary": True, "date": "2022-06-01"}, ELIGIBLE),
        ({"age": 30, "date": "2022-02-28"}, NO_RULE),
    ],
)
def test_gramodyog_vikas_yojana_verdicts(facts, verdict):
    assert result_of("gramodyog_vikas_yojana", **facts).verdict == verdict


def test_gramodyog_vikas_yojana_cites_the_edition_in_force():
    before = criterion(result_of("gramodyog_vikas_yojana", age=30, date="2022-06-01"), "Age")
    after = criterion(result_of("gramodyog_vikas_yojana", age=30), "Age")
    assert {r.document for r in before.rules} == {FIRST} and before.rules[0].page == 34
    assert {r.document for r in after.rules} == {LATER} and after.rules[0].page == 32


# -- Work-shed scheme for khadi artisans -------------------------------------------------------
WORKSHED = {"craft": "khadi", "bpl": True, "days_worked": 100}


@pytest.mark.parametrize(
    ("facts", "verdict", "grant"),
    [
        # Exactly 100 days ("at least 100 days"); Gujarat: 75% of ₹1 lakh = ₹75,000.
        ({"state": "Gujarat", "workshed_cost": 1 * LAKH}, ELIGIBLE, 75_000),
        # Assam (NER): 90% of ₹1.5 lakh = ₹1.35 lakh, "whichever is less" than ₹1,20,000.
        ({"state": "Assam", "workshed_cost": 1.5 * LAKH}, ELIGIBLE, 1.2 * LAKH),
        ({"state": "Gujarat", "workshed_cost": 1 * LAKH, "days_worked": 99}, NOT_ELIGIBLE, 75_000),
        ({"state": "Gujarat", "workshed_cost": 1 * LAKH, "bpl": False}, NOT_ELIGIBLE, 75_000),
    ],
)
def test_khadi_workshed(facts, verdict, grant):
    result = result_of("khadi_workshed", **{**WORKSHED, **facts})
    assert result.verdict == verdict
    assert benefit(result, "Assistance") == pytest.approx(grant)


def test_khadi_workshed_states_no_amount_before_the_later_edition():
    result = result_of("khadi_workshed", state="Gujarat", date="2022-06-01", **WORKSHED)
    assert result.verdict == ELIGIBLE and not result.benefits
    assert "The 2022-23 booklet states no amount for the work-shed." in result.notes


# -- Udyam Registration ------------------------------------------------------------------------
MICRO = {"investment": 10 * LAKH, "turnover": 50 * LAKH}


@pytest.mark.parametrize(
    ("facts", "verdict", "activity"),
    [
        ({"nic_code": "47190"}, NOT_ELIGIBLE, NOT_MET),  # "47 Retail Trade"
        ({"nic_code": "46"}, NOT_ELIGIBLE, NOT_MET),  # "46 Wholesale trade"
        ({"nic_code": "13121"}, ELIGIBLE, MET),  # weaving: not a division left out
        ({"nic_code": "01492"}, ELIGIBLE, MET),  # bee-keeping: Table 2's exception
        ({"nic_code": "01462"}, NEEDS_INFORMATION, UNKNOWN),  # its code cannot be read
        ({"nic_code": "01"}, NEEDS_INFORMATION, UNKNOWN),  # which sub-class is asked
        # Gambling (92) is left out by the O.M. of 01.12.2020, not before.
        ({"nic_code": "92000", "date": "2020-11-30"}, ELIGIBLE, MET),
        ({"nic_code": "92000", "date": "2020-12-01"}, NOT_ELIGIBLE, NOT_MET),
    ],
)
def test_udyam_registration_activities(facts, verdict, activity):
    result = result_of("udyam_registration", **{**MICRO, **facts})
    assert result.verdict == verdict
    assert criterion(result, "Activity").status == activity


def test_udyam_registration_needs_an_msme_and_is_dated_by_the_om():
    big = result_of("udyam_registration", nic_code="13121", investment=200 * 10**7, turnover=0)
    assert big.verdict == NOT_ELIGIBLE  # Rs 200 crore: above the medium limit (Rs 125 crore)
    early = result_of("udyam_registration", nic_code="13121", date="2020-07-16", **MICRO)
    assert early.verdict == NO_RULE
    rule = criterion(result_of("udyam_registration", nic_code="47", **MICRO), "Activity").rules[0]
    assert (rule.document, rule.page, rule.since) == (
        "pdf/Udyam_Registration_OM_2020-07-17.pdf",
        3,
        "2020-07-17",
    )


# -- which schemes a profile bears on, and the profile's checks ----------------------------------
def test_crafts_schemes_are_judged_when_the_profile_gives_their_facts():
    assert "pm_vishwakarma" not in _relevant(Profile(age=30, project_cost=5 * LAKH))
    found = _relevant(Profile(age=62, state="Puducherry", craft="handicraft"))
    assert {"pm_vishwakarma", "old_crafts_pension", "puducherry_artisan_insurance"} <= set(found)
    assert "kerala_asha" not in found and "khadi_workshed" not in found
    khadi = _relevant(Profile(craft="khadi"))
    assert {"khadi_karigar_bima", "khadi_workshed", "gramodyog_vikas_yojana"} <= set(khadi)
    assert _relevant(Profile(nic_code="13121")) == ("udyam_registration",)
    assert "wb_handloom_weaver" in _relevant(Profile(state="West Bengal", craft="handloom"))
    assert "artisans_indigent_support" in _relevant(Profile(award_recipient=True))
    whole = check(Profile(age=62, state="Puducherry", craft="handicraft", date=TODAY))
    assert whole.result("old_crafts_pension").verdict == NEEDS_INFORMATION


@pytest.mark.parametrize(
    "bad",
    [
        {"craft": "pottery"},
        {"nic_code": "4"},
        {"nic_code": "13A21"},
        {"days_worked": 400},
        {"years_resident": -1},
        {"family_income": -5.0},
    ],
)
def test_crafts_profile_fields_are_checked(bad):
    with pytest.raises(ConfigError):
        Profile(**bad)
