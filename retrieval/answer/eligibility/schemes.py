"""The PMEGP second loan and the MSME classification (the PMEGP new unit is in `checker`; the
credit guarantees in `credit`, the cluster schemes in `clusters`, the artisan and weaver schemes
in `crafts`, `crafts_states` and `crafts_kvic`), and every scheme's title."""

from __future__ import annotations

from retrieval.answer.eligibility.case import Case, places_read, verdict_of
from retrieval.answer.eligibility.rules import (
    MET,
    NEEDS_INFORMATION,
    NO_RULE,
    NOT_MET,
    UNKNOWN,
    Benefit,
    Criterion,
    SchemeResult,
    first_day,
    percent,
    rupees,
)

SCHEMES = {
    "pmegp": "PMEGP: margin money for a new micro enterprise",
    "pmegp_upgradation": "PMEGP: second loan to upgrade an existing PMEGP/REGP/MUDRA unit",
    "msme_classification": "MSME classification (micro, small, medium)",
    "pm_svanidhi_guarantee": "PM SVANidhi: credit guarantee of loans to street vendors (CGTMSE)",
    "cgtmse": "CGTMSE: credit guarantee for collateral-free loans to micro and small enterprises",
    "mse_cdp": "MSE-CDP: GoI assistance for a cluster's common facility centre or infrastructure",
    "sfurti": "SFURTI: GoI support for a cluster of traditional artisans",
    "pm_vishwakarma": "PM Vishwakarma: training, toolkit and collateral-free loans for artisans",
    "old_crafts_pension": "Monthly grant to old crafts persons (pension), Puducherry",
    "artisans_indigent_support": "NHDP: support to master craftspersons in indigent circumstances",
    "puducherry_artisan_insurance": "Insurance scheme for handicraft artisans, Puducherry",
    "handicrafts_training": "Training in handicrafts with a stipend, Puducherry",
    "kerala_asha": "ASHA: grant for a handicraft micro enterprise's fixed capital, Kerala",
    "wb_artisan_grant": "West Bengal artisans 2024: toolkit grant to an individual artisan",
    "wb_handloom_weaver": "West Bengal weavers 2024: assistance to an individual handloom weaver",
    "jk_artisan_credit_card": "Credit card scheme for artisans and weavers, Jammu and Kashmir",
    "khadi_karigar_bima": "Khadi Karigar Janashree Bima Yojana: group insurance of khadi artisans",
    "gramodyog_vikas_yojana": "Gramodyog Vikas Yojana (KVIC): training and tool kits for artisans",
    "khadi_workshed": "Work-shed scheme for khadi artisans (KVIC)",
    "udyam_registration": "Udyam Registration: whether the activity is covered",
}

_CONDITIONS = (
    (
        "first_loan_repaid",
        "pmegp.upgradation.conditions.first_loan_repaid",
        "First loan repaid",
        "Has the first loan been repaid in the stipulated time?",
    ),
    (
        "margin_money_adjusted",
        "pmegp.upgradation.conditions.lock_in_years",
        "Margin money adjusted",
        "Has the first loan's margin money been adjusted after the 3-year lock-in?",
    ),
    (
        "profit_making",
        "pmegp.upgradation.conditions.profit_making",
        "Profit making",
        "Is the unit making a profit?",
    ),
)


def pmegp_upgradation(case: Case) -> SchemeResult:
    p = case.profile
    title = SCHEMES["pmegp_upgradation"]
    if not case.in_force("pmegp.upgradation.subsidy_rate.standard"):
        first = first_day(case.system.parameters, "pmegp.upgradation.subsidy_rate.standard")
        return SchemeResult(
            "pmegp_upgradation",
            title,
            NO_RULE,
            notes=(f"The corpus states the second loan's rules from {first}.",),
        )
    criteria: list[Criterion] = []
    missing: list[str] = []
    if p.existing_unit is False:
        criteria.append(
            Criterion(
                "Existing unit",
                NOT_MET,
                "The second loan is for an existing "
                "PMEGP, REGP or MUDRA unit; this is a new project.",
            )
        )
    elif p.existing_unit is None:
        missing.append("Is it an existing PMEGP, REGP or MUDRA unit?")
        criteria.append(Criterion("Existing unit", UNKNOWN, "Not stated."))
    else:
        criteria.append(Criterion("Existing unit", MET, "An existing unit."))
    for field, parameter, name, question in _CONDITIONS:
        if not case.in_force(parameter):
            continue
        rule = case.rule(parameter)
        stated = getattr(p, field)
        if stated is None:
            missing.append(question)
            criteria.append(Criterion(name, UNKNOWN, rule.clause, (rule,)))
        else:
            criteria.append(Criterion(name, MET if stated else NOT_MET, rule.clause, (rule,)))
    benefits: list[Benefit] = []
    notes = places_read(case)
    if p.project_cost is None:
        missing.append("What does the upgradation cost?")
    elif case.sector is None:
        missing.append("Is it a manufacturing or a business/service unit?")
    else:
        rate, rate_rules = case.read("pmegp_upgrade_rate")
        cap, cap_rules = case.read("pmegp_upgrade_max_cost")
        subsidy, _ = case.read("pmegp_upgrade_subsidy")
        own, own_rules = case.read("pmegp_upgrade_own_contribution")
        base = min(p.project_cost, cap)
        region = (
            "NER or hill state"
            if case.ner or case.hill_state
            else "outside the NER and hill states"
        )
        benefits = [
            Benefit(
                "Subsidy rate",
                rate,
                f"{percent(rate)} of the upgradation cost ({region}).",
                rate_rules,
            ),
            Benefit(
                "Subsidy",
                subsidy,
                f"{rupees(subsidy)}: {percent(rate)} of {rupees(base)}.",
                rate_rules + cap_rules,
            ),
            Benefit(
                "Own contribution",
                own,
                f"{rupees(own)}: {percent(own / p.project_cost)} of {rupees(p.project_cost)}.",
                own_rules,
            ),
        ]
        if p.project_cost > cap:
            notes.append(
                f"The cost is above the {rupees(cap)} admissible for the subsidy: the "
                "bank may lend the rest without subsidy."
            )
    return SchemeResult(
        "pmegp_upgradation",
        title,
        verdict_of(criteria),
        tuple(criteria),
        tuple(benefits),
        tuple(missing),
        (),
        tuple(notes),
    )


_LABELS = {
    "micro": "Micro enterprise",
    "small": "Small enterprise",
    "medium": "Medium enterprise",
    "none": "Not an MSME",
}
_ORDER = ("micro", "small", "medium")


def msme_classification(case: Case) -> SchemeResult:
    p = case.profile
    title = SCHEMES["msme_classification"]
    if not case.in_force("msme_classification.micro.investment_limit"):
        first = first_day(case.system.parameters, "msme_classification.micro.investment_limit")
        return SchemeResult(
            "msme_classification",
            title,
            NO_RULE,
            notes=(
                f"The corpus states the classification limits from {first} "
                "(the earlier limits of the 2006 Act are not encoded).",
            ),
        )
    missing = []
    if p.investment is None:
        missing.append("What is the investment in plant and machinery or equipment?")
    if p.turnover is None:
        missing.append("What is the turnover (and how much of it is exports)?")
    if missing:
        return SchemeResult("msme_classification", title, NEEDS_INFORMATION, missing=tuple(missing))
    invested = float(p.investment or 0.0)
    category, _ = case.read("msme_category")
    sales, export_rules = case.read("msme_turnover")
    criteria: list[Criterion] = []
    for level in _ORDER:
        invest = case.rule(f"msme_classification.{level}.investment_limit")
        sell = case.rule(f"msme_classification.{level}.turnover_limit")
        inside = invested <= invest.value and sales <= sell.value
        criteria.append(
            Criterion(
                _LABELS[level],
                MET if inside else NOT_MET,
                f"Investment {rupees(invested)} against at most {rupees(invest.value)}; "
                f"turnover {rupees(sales)} against at most {rupees(sell.value)}.",
                (invest, sell),
            )
        )
        if inside:
            break
    notes: list[str] = []
    if p.exports:
        notes.append(f"Exports of {rupees(p.exports)} are left out of the turnover.")
        criteria.append(
            Criterion("Exports excluded", MET, f"Turnover counted: {rupees(sales)}.", export_rules)
        )
    elif p.exports is None:
        notes.append("Assumed: no exports (they would be left out of the turnover).")
    changes = []
    if category in _ORDER[:2]:
        nxt = _ORDER[_ORDER.index(category) + 1]
        invest = case.rule(f"msme_classification.{category}.investment_limit")
        sell = case.rule(f"msme_classification.{category}.turnover_limit")
        changes.append(
            f"Investment above {rupees(invest.value)} or turnover above "
            f"{rupees(sell.value)} would make it {_LABELS[nxt].split()[0]}."
        )
    earlier = _under_earlier_limits(case, sales)
    if earlier and earlier != category:
        notes.append(
            f"Under the limits in force before "
            f"{case.rule('msme_classification.micro.investment_limit').since} it would "
            f"have been {_LABELS[earlier].split()[0]}."
        )
    return SchemeResult(
        "msme_classification",
        title,
        _LABELS[category],
        tuple(criteria),
        (),
        (),
        tuple(changes),
        tuple(notes),
    )


def _under_earlier_limits(case: Case, sales: float) -> str | None:
    """The category by the limits that the ones in force replaced, if any."""
    p = case.profile
    current = case.rule("msme_classification.micro.investment_limit")
    if not current.earlier:
        return None
    day_before = _previous(current.since)
    for level in _ORDER:
        invest = case.rule_on(f"msme_classification.{level}.investment_limit", day_before)
        sell = case.rule_on(f"msme_classification.{level}.turnover_limit", day_before)
        if p.investment is not None and p.investment <= invest.value and sales <= sell.value:
            return level
    return "none"


def _previous(day: str) -> str:
    import datetime as dt

    return (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
