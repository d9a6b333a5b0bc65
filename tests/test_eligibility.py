"""Profiles whose verdicts and amounts were worked out by hand from the guideline text.

Clauses (the corpus's pages, as `tests/test_rules.py` checks them):
- PMEGP 2022-23 (KVIC certified copy), p4: "General Category 10% 15% 25%" and "Special Category
  (including SC,ST,OBC, Minorities,Women, Ex-Servicemen, Transgenders, Differentlyabled,
  NER,Aspirational Districts, Hill and Border areas ...) 05% 25% 35%" (own contribution, urban,
  rural); p4-5: maximum project cost Rs. 50 lakhs (manufacturing), Rs. 20 lakhs
  (business/service); p5: "above 18 years of age"; "project costing above Rs.10 lakh in the
  Manufacturing sector and above Rs. 5 lakh in the Business /Service sector ... at least VIII
  standard pass"; p5: second loan 10% contribution, 15% subsidy (20% in NER and Hill States),
  at most Rs. 1.00 crore (manufacturing) and Rs. 25 lakh (service); p6: existing units and
  units with an earlier subsidy are not eligible, one person per family; p7: second-loan
  conditions; p28: the negative list.
- PMEGP 2018 (superseded), p2: the same rates; maximum project cost Rs. 25 lakh
  (manufacturing) and Rs. 10 lakh (business/service).
- MSME classification, RBI circular of 2 July 2020, p1: micro investment <= one crore and
  turnover <= five crore, small ten / fifty crore, medium fifty / two hundred and fifty crore,
  from 1 July 2020; p2 exports excluded. From 1 April 2025 (S.O. 1364(E), reproduced in the
  circular of 24 October 2025, p3): 2.5 / 10, 25 / 100, 125 / 500 crore.
"""

from __future__ import annotations

import time

import pytest

from retrieval.answer.eligibility import Profile, check
from retrieval.answer.eligibility.rules import (
    ELIGIBLE,
    NEEDS_INFORMATION,
    NO_RULE,
    NOT_ELIGIBLE,
)
from retrieval.core.errors import ConfigError

TODAY = "2026-12-03"
NEW_2022 = "pdf/PMEGP_Guidelines_KVIC_certified_2022-23.pdf"
OLD_2018 = "pdf/PMEGP_Guidelines_2018_superseded.pdf"
LAKH, CRORE = 100_000, 10_000_000


def benefit(result, name):
    return next(b.value for b in result.benefits if b.name == name)


def general(**kw):
    """A general-category man: no special category unless the test says so."""
    base = {"gender": "male", "social_category": "general", "date": TODAY}
    base.update(kw)
    return Profile(**base)


# (id, profile, verdict, margin money, own contribution)
PMEGP_CASES = [
    # The brief's weaver: NER (Assam) makes her special; rural 35%, own 5%; a 12 lakh
    # manufacturing project needs Class VIII (above 10 lakh) -> passed, so eligible.
    (
        "assam-weaver-class-8",
        Profile(
            age=45,
            state="Assam",
            area="rural",
            project_cost=12 * LAKH,
            activity="handloom weaving",
            education_class=8,
            date=TODAY,
        ),
        ELIGIBLE,
        4.2 * LAKH,
        0.6 * LAKH,
    ),
    (
        "assam-weaver-class-5",
        Profile(
            age=45,
            state="Assam",
            area="rural",
            project_cost=12 * LAKH,
            activity="handloom weaving",
            education_class=5,
            date=TODAY,
        ),
        NOT_ELIGIBLE,
        4.2 * LAKH,
        0.6 * LAKH,
    ),
    # Age exactly 18 ("above 18 years of age" read as 18 completed years); 5 lakh service is not
    # above 5 lakh, so no class is needed; general urban 15% -> 75,000; own 10% -> 50,000.
    (
        "age-18-service-at-threshold",
        general(age=18, area="urban", sector="service", project_cost=5 * LAKH),
        ELIGIBLE,
        75_000,
        50_000,
    ),
    (
        "age-17",
        general(age=17, area="urban", sector="service", project_cost=3 * LAKH),
        NOT_ELIGIBLE,
        45_000,
        30_000,
    ),
    # Manufacturing exactly 10 lakh: no class needed; general rural 25% -> 2.5 lakh.
    (
        "manufacturing-at-10-lakh-no-schooling",
        general(
            age=30, area="rural", sector="manufacturing", project_cost=10 * LAKH, education_class=0
        ),
        ELIGIBLE,
        2.5 * LAKH,
        1 * LAKH,
    ),
    (
        "manufacturing-just-above-10-lakh-no-schooling",
        general(
            age=30,
            area="rural",
            sector="manufacturing",
            project_cost=10 * LAKH + 1,
            education_class=0,
        ),
        NOT_ELIGIBLE,
        0.25 * (10 * LAKH + 1),
        0.1 * (10 * LAKH + 1),
    ),
    # At the cap: 50 lakh manufacturing, general rural: 25% of 50 lakh = 12.5 lakh; own 5 lakh.
    (
        "manufacturing-at-cap",
        general(
            age=40, area="rural", sector="manufacturing", project_cost=50 * LAKH, education_class=10
        ),
        ELIGIBLE,
        12.5 * LAKH,
        5 * LAKH,
    ),
    # Above the cap: subsidy on 50 lakh only; own 10% of 60 lakh.
    (
        "manufacturing-above-cap",
        general(
            age=40, area="rural", sector="manufacturing", project_cost=60 * LAKH, education_class=10
        ),
        ELIGIBLE,
        12.5 * LAKH,
        6 * LAKH,
    ),
    # Service above its 20 lakh cap, SC urban: 25% of 20 lakh = 5 lakh; own 5% of 25 lakh.
    (
        "sc-service-above-cap",
        general(
            age=35,
            social_category="sc",
            area="urban",
            sector="service",
            project_cost=25 * LAKH,
            education_class=12,
        ),
        ELIGIBLE,
        5 * LAKH,
        1.25 * LAKH,
    ),
    # A woman is special: urban 25% of 20 lakh = 5 lakh; own 5% = 1 lakh.
    (
        "woman-urban-manufacturing",
        Profile(
            age=29,
            gender="female",
            social_category="general",
            area="urban",
            sector="manufacturing",
            project_cost=20 * LAKH,
            education_class=10,
            date=TODAY,
        ),
        ELIGIBLE,
        5 * LAKH,
        1 * LAKH,
    ),
    # The ex-serviceman in a hill district of Uttarakhand, rural, 18 lakh repair service,
    # Class X: special rural 35% -> 6.3 lakh; own 5% -> 90,000.
    (
        "ex-serviceman-uttarakhand",
        general(
            age=38,
            ex_serviceman=True,
            state="Uttarakhand",
            area="rural",
            activity="repair service",
            project_cost=18 * LAKH,
            education_class=10,
        ),
        ELIGIBLE,
        6.3 * LAKH,
        0.9 * LAKH,
    ),
    # OBC rural service 10 lakh, Class VIII: 35% -> 3.5 lakh; own 50,000.
    (
        "obc-rural-service",
        general(
            age=50,
            social_category="obc",
            area="rural",
            sector="service",
            project_cost=10 * LAKH,
            education_class=8,
        ),
        ELIGIBLE,
        3.5 * LAKH,
        0.5 * LAKH,
    ),
    (
        "differently-abled-urban",
        general(
            age=33,
            differently_abled=True,
            area="urban",
            sector="manufacturing",
            project_cost=8 * LAKH,
        ),
        ELIGIBLE,
        2 * LAKH,
        0.4 * LAKH,
    ),
    (
        "aspirational-district-rural",
        general(
            age=27,
            aspirational_district=True,
            area="rural",
            sector="manufacturing",
            project_cost=4 * LAKH,
        ),
        ELIGIBLE,
        1.4 * LAKH,
        0.2 * LAKH,
    ),
    (
        "st-rural-tiny-unit",
        general(
            age=61, social_category="st", area="rural", sector="service", project_cost=2 * LAKH
        ),
        ELIGIBLE,
        0.7 * LAKH,
        0.1 * LAKH,
    ),
    (
        "minority-urban",
        general(
            age=44,
            social_category="minority",
            area="urban",
            sector="service",
            project_cost=6 * LAKH,
            education_class=9,
        ),
        ELIGIBLE,
        1.5 * LAKH,
        0.3 * LAKH,
    ),
    # Exclusions (p6): an existing unit, an earlier subsidy, a spouse already assisted.
    (
        "existing-unit",
        general(age=40, area="urban", sector="service", project_cost=4 * LAKH, existing_unit=True),
        NOT_ELIGIBLE,
        0.6 * LAKH,
        0.4 * LAKH,
    ),
    (
        "earlier-subsidy",
        general(
            age=40, area="urban", sector="service", project_cost=4 * LAKH, earlier_subsidy=True
        ),
        NOT_ELIGIBLE,
        0.6 * LAKH,
        0.4 * LAKH,
    ),
    (
        "spouse-assisted",
        general(
            age=40,
            area="urban",
            sector="service",
            project_cost=4 * LAKH,
            family_member_assisted=True,
        ),
        NOT_ELIGIBLE,
        0.6 * LAKH,
        0.4 * LAKH,
    ),
    # The negative list (p28).
    (
        "meat-processing",
        general(
            age=40,
            area="urban",
            sector="manufacturing",
            activity="meat processing",
            project_cost=4 * LAKH,
        ),
        NOT_ELIGIBLE,
        0.6 * LAKH,
        0.4 * LAKH,
    ),
    (
        "beedi-making",
        general(
            age=40,
            area="rural",
            sector="manufacturing",
            activity="beedi rolling",
            project_cost=4 * LAKH,
        ),
        NOT_ELIGIBLE,
        1 * LAKH,
        0.4 * LAKH,
    ),
    # 2018 rules (superseded since 1 April 2022): caps 25 and 10 lakh.
    (
        "2019-manufacturing-above-old-cap",
        general(
            age=30,
            area="urban",
            sector="manufacturing",
            project_cost=30 * LAKH,
            education_class=10,
            date="2019-06-01",
        ),
        ELIGIBLE,
        3.75 * LAKH,
        3 * LAKH,
    ),
    (
        "2026-same-project-new-cap",
        general(
            age=30, area="urban", sector="manufacturing", project_cost=30 * LAKH, education_class=10
        ),
        ELIGIBLE,
        4.5 * LAKH,
        3 * LAKH,
    ),
    (
        "2019-st-rural-service",
        general(
            age=30,
            social_category="st",
            area="rural",
            sector="service",
            project_cost=15 * LAKH,
            education_class=8,
            date="2019-06-01",
        ),
        ELIGIBLE,
        3.5 * LAKH,
        0.75 * LAKH,
    ),
    (
        "2026-st-rural-service",
        general(
            age=30,
            social_category="st",
            area="rural",
            sector="service",
            project_cost=15 * LAKH,
            education_class=8,
        ),
        ELIGIBLE,
        5.25 * LAKH,
        0.75 * LAKH,
    ),
]


@pytest.mark.parametrize(
    ("profile", "verdict", "margin", "own"),
    [pytest.param(*case[1:], id=case[0]) for case in PMEGP_CASES],
)
def test_pmegp_new_unit_hand_worked(profile, verdict, margin, own):
    result = check(profile, schemes=("pmegp",)).result("pmegp")
    assert result.verdict == verdict, (result.criteria, result.missing)
    assert benefit(result, "Margin money") == pytest.approx(margin)
    assert benefit(result, "Own contribution") == pytest.approx(own)
    # the bank finances the rest, and its share of the cost is said
    bank = next(b for b in result.benefits if b.name == "Bank finance")
    assert bank.value == pytest.approx(profile.project_cost - own)
    share = round(100 * (1 - own / profile.project_cost))
    assert bank.text.endswith(f"({share}% of it).")


def test_each_deciding_criterion_cites_the_clause_in_force_that_day():
    current = check(
        general(
            age=30, area="urban", sector="manufacturing", project_cost=30 * LAKH, education_class=10
        )
    ).result("pmegp")
    old = check(
        general(
            age=30,
            area="urban",
            sector="manufacturing",
            project_cost=30 * LAKH,
            education_class=10,
            date="2019-06-01",
        )
    ).result("pmegp")
    cap_now = next(
        r for r in current.rules() if r.parameter.endswith("max_project_cost.manufacturing")
    )
    cap_then = next(
        r for r in old.rules() if r.parameter.endswith("max_project_cost.manufacturing")
    )
    assert (cap_now.document, cap_now.page, cap_now.value) == (NEW_2022, 4, 50 * LAKH)
    assert "Rs. 50 lakhs" in cap_now.clause and cap_now.earlier == "2500000 from 2018-09-14"
    assert (cap_then.document, cap_then.page, cap_then.value) == (OLD_2018, 2, 25 * LAKH)
    assert {r.document for r in old.rules()} == {OLD_2018}  # nothing of 2022 in a 2019 case
    assert {r.document for r in current.rules()} == {NEW_2022}
    # the rate cited is the branch that applied: general urban only
    rates = [r.parameter for r in current.rules() if "margin_money_rate" in r.parameter]
    assert rates == ["pmegp.new_unit.margin_money_rate.general.urban"]
    assert any("Rs 25 lakh under the rule of 2018-09-14" in n for n in current.notes)


def test_missing_facts_are_asked_and_what_would_change_is_said():
    weaver = check(
        Profile(
            age=45,
            state="Assam",
            area="rural",
            project_cost=12 * LAKH,
            activity="handloom weaving",
            date=TODAY,
        )
    ).result("pmegp")
    assert weaver.verdict == NEEDS_INFORMATION
    assert weaver.missing == ("Has the applicant passed Class VIII?",)
    assert benefit(weaver, "Margin money rate") == 0.35
    assert any("North Eastern Region" in n and "not the corpus" in n for n in weaver.notes)
    failed = check(
        Profile(
            age=45,
            state="Assam",
            area="rural",
            project_cost=12 * LAKH,
            activity="handloom weaving",
            education_class=5,
            date=TODAY,
        )
    )
    assert "With Class VIII passed this project would qualify" in failed.result("pmegp").changes[0]
    bare = check(Profile(date=TODAY)).result("pmegp")
    assert bare.verdict == NEEDS_INFORMATION
    assert "How old is the applicant?" in bare.missing
    assert "What is the project cost (land excluded)?" in bare.missing
    assert "Is the unit in a rural or an urban area?" in bare.missing
    # between 5 and 10 lakh the sector decides whether a class is needed
    middle = check(general(age=30, area="urban", project_cost=7 * LAKH)).result("pmegp")
    assert "Is it a manufacturing or a business/service unit?" in middle.missing


def test_a_trading_outlet_is_allowed_in_the_ner_and_asked_about_elsewhere():
    assam = check(
        general(age=30, state="Assam", area="urban", activity="grocery shop", project_cost=4 * LAKH)
    ).result("pmegp")
    assert assam.verdict == ELIGIBLE
    pune = check(
        general(
            age=30,
            state="Maharashtra",
            area="urban",
            activity="grocery shop",
            project_cost=4 * LAKH,
        )
    ).result("pmegp")
    assert pune.verdict == NEEDS_INFORMATION
    assert any("khadi" in q for q in pune.missing)


def test_no_rule_before_the_corpus_states_one():
    result = check(general(age=30, date="2017-01-01"), schemes=("pmegp", "msme_classification"))
    assert result.result("pmegp").verdict == NO_RULE
    assert result.result("msme_classification").verdict == NO_RULE


UPGRADE_CASES = [
    # Punjab manufacturing, 80 lakh: 15% -> 12 lakh; own 10% -> 8 lakh.
    ("punjab-manufacturing", "Punjab", "manufacturing", 80 * LAKH, 12 * LAKH, 8 * LAKH),
    # Assam (NER) 1.2 crore: 20% of the 1 crore cap -> 20 lakh; own 12 lakh.
    ("assam-above-cap", "Assam", "manufacturing", 1.2 * CRORE, 20 * LAKH, 12 * LAKH),
    # Himachal (hill state) service 30 lakh: 20% of 25 lakh -> 5 lakh; own 3 lakh.
    ("himachal-service", "Himachal Pradesh", "service", 30 * LAKH, 5 * LAKH, 3 * LAKH),
    # Kerala service at the cap: 15% of 25 lakh = 3.75 lakh.
    ("kerala-service-at-cap", "Kerala", "service", 25 * LAKH, 3.75 * LAKH, 2.5 * LAKH),
]


@pytest.mark.parametrize(
    ("state", "sector", "cost", "subsidy", "own"),
    [pytest.param(*case[1:], id=case[0]) for case in UPGRADE_CASES],
)
def test_second_loan_hand_worked(state, sector, cost, subsidy, own):
    profile = general(
        state=state,
        sector=sector,
        project_cost=cost,
        existing_unit=True,
        first_loan_repaid=True,
        margin_money_adjusted=True,
        profit_making=True,
    )
    result = check(profile).result("pmegp_upgradation")
    assert result.verdict == ELIGIBLE
    assert benefit(result, "Subsidy") == pytest.approx(subsidy)
    assert benefit(result, "Own contribution") == pytest.approx(own)


def test_second_loan_conditions():
    unpaid = general(
        state="Kerala",
        sector="service",
        project_cost=10 * LAKH,
        existing_unit=True,
        first_loan_repaid=False,
        margin_money_adjusted=True,
        profit_making=True,
    )
    assert check(unpaid).result("pmegp_upgradation").verdict == NOT_ELIGIBLE
    unknown = check(
        general(state="Kerala", sector="service", project_cost=10 * LAKH, existing_unit=True)
    ).result("pmegp_upgradation")
    assert unknown.verdict == NEEDS_INFORMATION and len(unknown.missing) == 3
    lock_in = next(c for c in unknown.criteria if c.name == "Margin money adjusted")
    assert lock_in.rules[0].page == 7 and "lock in period of 3 years" in lock_in.rules[0].clause


MSME_CASES = [
    # 2 crore / 8 crore: micro under the 2025 limits (2.5 / 10), small under 2020's (1 / 5).
    ("2026-micro-by-new-limits", 2 * CRORE, 8 * CRORE, 0, TODAY, "Micro enterprise"),
    ("2024-small-by-old-limits", 2 * CRORE, 8 * CRORE, 0, "2024-06-01", "Small enterprise"),
    # exactly at the limits ("does not exceed")
    ("2026-micro-at-limits", 2.5 * CRORE, 10 * CRORE, 0, TODAY, "Micro enterprise"),
    ("2024-micro-at-limits", 1 * CRORE, 5 * CRORE, 0, "2024-06-01", "Micro enterprise"),
    ("2026-small-one-rupee-over", 2.5 * CRORE + 1, 5 * CRORE, 0, TODAY, "Small enterprise"),
    # exports excluded: 120 crore turnover with 30 crore exports counts 90 crore -> small.
    ("2026-exports-excluded", 10 * CRORE, 120 * CRORE, 30 * CRORE, TODAY, "Small enterprise"),
    ("2026-medium-at-limits", 125 * CRORE, 500 * CRORE, 0, TODAY, "Medium enterprise"),
    ("2026-not-msme", 130 * CRORE, 100 * CRORE, 0, TODAY, "Not an MSME"),
    ("2024-medium", 40 * CRORE, 200 * CRORE, 0, "2024-06-01", "Medium enterprise"),
    ("2024-not-msme-by-turnover", 40 * CRORE, 260 * CRORE, 0, "2024-06-01", "Not an MSME"),
    # turnover alone moves it up (composite criterion): investment micro, turnover small
    ("2026-turnover-decides", 1 * CRORE, 50 * CRORE, 0, TODAY, "Small enterprise"),
]


@pytest.mark.parametrize(
    ("investment", "turnover", "exports", "day", "category"),
    [pytest.param(*case[1:], id=case[0]) for case in MSME_CASES],
)
def test_msme_classification_hand_worked(investment, turnover, exports, day, category):
    profile = Profile(investment=investment, turnover=turnover, exports=exports, date=day)
    assert check(profile).result("msme_classification").verdict == category


def test_classification_says_what_the_earlier_limits_gave_and_cites_both_editions():
    result = check(Profile(investment=2 * CRORE, turnover=8 * CRORE, exports=0, date=TODAY))
    micro = result.result("msme_classification")
    assert any("would have been Small" in n for n in micro.notes)
    assert (
        micro.criteria[0].rules[0].document == "pdf/Udyam_Reverse_Migration_Circular_2025-10-24.pdf"
    )
    old = check(Profile(investment=2 * CRORE, turnover=8 * CRORE, date="2024-06-01"))
    cited = {r.document for r in old.result("msme_classification").rules()}
    assert cited == {"pdf/RBI_MSME_New_Classification_Circular_2020-07-02.pdf"}
    assert "would make it Small" in micro.changes[0]
    asked = check(Profile(turnover=8 * CRORE, date=TODAY), schemes=("msme_classification",))
    assert asked.result("msme_classification").verdict == NEEDS_INFORMATION


def test_bad_input_names_the_field_and_what_to_do():
    with pytest.raises(ConfigError, match="state='Atlantis'"):
        Profile(state="Atlantis")
    with pytest.raises(ConfigError, match="area='suburban'"):
        Profile(area="suburban")
    with pytest.raises(ConfigError, match="date='03/12/2026'"):
        Profile(date="03/12/2026")
    with pytest.raises(ConfigError, match="Unknown profile field"):
        Profile.from_dict({"income": 5})
    with pytest.raises(ConfigError, match="Unknown scheme"):
        check(Profile(), schemes=("nonsense",))


def test_a_check_is_quick_once_loaded():
    check(Profile(age=30, date=TODAY))  # the rules load once per process
    started = time.perf_counter()
    check(
        Profile(
            age=45,
            state="Assam",
            area="rural",
            project_cost=12 * LAKH,
            activity="handloom weaving",
            investment=2 * CRORE,
            turnover=8 * CRORE,
        )
    )
    # a behaviour bound, not a benchmark: the issue asks for a check under 200 ms
    assert time.perf_counter() - started < 0.2


def test_only_the_schemes_the_facts_bear_on_are_judged():
    classified = check(Profile(investment=2 * CRORE, turnover=8 * CRORE, date=TODAY))
    assert [r.scheme for r in classified.results] == ["msme_classification"]
    both = check(Profile(age=30, investment=2 * CRORE, turnover=8 * CRORE, date=TODAY))
    assert [r.scheme for r in both.results] == ["pmegp", "msme_classification"]
    assert [r.scheme for r in check(Profile(date=TODAY)).results] == ["pmegp"]
