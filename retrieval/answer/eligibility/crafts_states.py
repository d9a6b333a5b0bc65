"""The states' grants and credit for artisans and weavers, as their scheme records state them:
Kerala's ASHA grant, West Bengal's 2024 grants to artisans and to handloom weavers, and Jammu
and Kashmir's credit card for artisans and weavers."""

from __future__ import annotations

from retrieval.answer.eligibility.case import Case
from retrieval.answer.eligibility.crafts_common import (
    age_band,
    craft_is,
    fact,
    finish,
    flat,
    in_state,
    no_rule,
    source_notes,
)
from retrieval.answer.eligibility.rules import (
    ASSUMED,
    MET,
    NOT_MET,
    UNKNOWN,
    Benefit,
    Criterion,
    Rule,
    SchemeResult,
    percent,
    rupees,
)

_ASHA = "kerala_asha"


def kerala_asha(case: Case) -> SchemeResult:
    """Kerala's grant towards a handicraft micro enterprise's fixed capital investment."""
    p = case.profile
    empty = no_rule(case, _ASHA, f"{_ASHA}.others.rate")
    if empty:
        return empty
    missing: list[str] = []
    changes: list[str] = []
    notes = source_notes(case, f"{_ASHA}.others.rate")
    unit = f"{_ASHA}.handicraft_micro_enterprise"
    criteria = [
        craft_is(case, unit, ("handicraft",), "Handicraft sector", missing),
        in_state(case, f"{_ASHA}.state_of_record", "Kerala", missing),
        _micro(case, unit, missing),
        fact(
            case,
            unit,
            "Registered",
            p.msme_registered,
            "Has the unit filed Entrepreneurs Memorandum Part-II with the DIC, or taken Udyog "
            "Aadhaar?",
            missing,
        ),
    ]
    benefits = _asha_benefits(case, missing, notes)
    return finish(case, _ASHA, criteria, benefits, missing, changes, notes)


def _micro(case: Case, parameter: str, missing: list[str]) -> Criterion:
    """A micro enterprise, by the MSME classification of its investment and turnover."""
    p = case.profile
    rule = case.rule(parameter)
    if p.investment is None or p.turnover is None:
        missing.append(
            "What are the unit's investment in plant and machinery or equipment, and turnover?"
        )
        return Criterion("Micro enterprise", UNKNOWN, rule.clause, (rule,))
    category, _ = case.read("msme_category")
    limits = (
        case.rule("msme_classification.micro.investment_limit"),
        case.rule("msme_classification.micro.turnover_limit"),
    )
    ok = category == "micro"
    text = "A micro enterprise." if ok else f"Not a micro enterprise ({category})."
    return Criterion("Micro enterprise", MET if ok else NOT_MET, text, (rule, *limits))


def _asha_benefits(case: Case, missing: list[str], notes: list[str]) -> list[Benefit]:
    p = case.profile
    node = f"{_ASHA}.priority"
    young = (case.rule(f"{node}.young_from_age"), case.rule(f"{node}.young_to_age"))
    is_young = None if p.age is None else young[0].value <= p.age <= young[1].value
    is_woman = None if p.gender is None else p.gender == "female"
    is_sc_st = None if p.social_category is None else p.social_category in ("sc", "st")
    facts = (is_young, is_woman, is_sc_st)
    if not any(facts) and None in facts:
        missing.append(
            "The applicant's age, gender and social category (young, women and SC/ST artisans "
            "get the higher share)?"
        )
        return []
    priority = bool(any(facts))
    if priority:
        why = [w for w, f in zip(("young", "a woman", "SC/ST"), facts, strict=True) if f]
        notes.append("The higher share: the artisan is " + " and ".join(why) + ".")
    group = "priority" if priority else "others"
    rate, _ = case.read("kerala_asha_rate")
    cap, _ = case.read("kerala_asha_cap")
    rules: tuple[Rule, ...] = (
        case.rule(f"{_ASHA}.{group}.rate"),
        case.rule(f"{_ASHA}.{group}.cap"),
    )
    label = "young, woman or SC/ST" if priority else "general category"
    text = f"{percent(rate)} of the fixed capital investment ({label}), up to {rupees(cap)}."
    benefits = [Benefit("Grant rate", rate, text, rules + (young if is_young else ()))]
    if p.fixed_capital_investment is None:
        missing.append(
            "What is the fixed capital investment (work shed, tools, equipment, machinery, "
            "electrification, technology or design support)?"
        )
        return benefits
    grant, _ = case.read("kerala_asha_grant")
    text = f"{rupees(grant)}: {percent(rate)} of {rupees(p.fixed_capital_investment)}"
    text += ", the cap." if grant == cap else "."
    if p.earlier_subsidy:
        rules += (case.rule(f"{_ASHA}.earlier_grant_deducted"),)
        text += " Less the subsidy or grant the unit had earlier under another scheme."
        notes.append(
            "The unit had a subsidy or grant under another scheme: the record limits this grant to "
            "the balance remaining; the earlier amount is not known here."
        )
    benefits.append(Benefit("Grant", grant, text, rules))
    return benefits


_WBA = "wb_artisan_grant"


def wb_artisan_grant(case: Case) -> SchemeResult:
    """West Bengal's 2024 one-time toolkit grant to an individual artisan."""
    empty = no_rule(case, _WBA, f"{_WBA}.minimum_age")
    if empty:
        return empty
    missing: list[str] = []
    changes: list[str] = []
    notes = source_notes(case, f"{_WBA}.minimum_age")
    criteria = [
        craft_is(case, f"{_WBA}.handicrafts_artisans", ("handicraft",), "Artisan", missing),
        in_state(case, f"{_WBA}.state_of_record", "West Bengal", missing),
        age_band(case, _WBA, missing, changes),
    ]
    benefits = [
        flat(
            case,
            "Toolkit grant, at most",
            f"{_WBA}.toolkit_grant_max",
            "{value}, once, to buy or repair tool kits and equipment (reimbursed on verification).",
        )
    ]
    notes.append(case.rule(f"{_WBA}.no_income_criterion").clause + " (the record).")
    return finish(case, _WBA, criteria, benefits, missing, changes, notes)


_WBW = "wb_handloom_weaver"


def wb_handloom_weaver(case: Case) -> SchemeResult:
    """West Bengal's 2024 one-time assistance to an individual handloom weaver."""
    empty = no_rule(case, _WBW, f"{_WBW}.weavers_of_the_state")
    if empty:
        return empty
    missing: list[str] = []
    notes = source_notes(case, f"{_WBW}.weavers_of_the_state")
    criteria = [
        craft_is(case, f"{_WBW}.weavers_of_the_state", ("handloom",), "Handloom weaver", missing),
        in_state(case, f"{_WBW}.weavers_of_the_state", "West Bengal", missing),
    ]
    total, rules = case.read("wb_handloom_weaver_assistance")
    benefits = [
        flat(
            case,
            "Work shed and loom",
            f"{_WBW}.workshed_and_loom",
            "{value} to repair or renovate the work shed and/or repair or modify the loom.",
        ),
        flat(case, "Raw material", f"{_WBW}.raw_material", "{value} of raw material assistance."),
        Benefit("Assistance", total, f"{rupees(total)} in all, once.", rules),
    ]
    notes.append(case.rule(f"{_WBW}.no_income_criterion").clause + " (the record).")
    return finish(case, _WBW, criteria, benefits, missing, [], notes)


_JK = "jk_artisan_credit_card"


def jk_artisan_credit_card(case: Case) -> SchemeResult:
    """Jammu and Kashmir's credit card for registered artisans and weavers."""
    p = case.profile
    empty = no_rule(case, _JK, f"{_JK}.credit_limit_max")
    if empty:
        return empty
    missing: list[str] = []
    changes: list[str] = []
    notes = source_notes(case, f"{_JK}.credit_limit_max")
    who = f"{_JK}.registered_artisans_and_weavers"
    criteria = [
        craft_is(case, who, ("handicraft", "handloom"), "Artisan or weaver", missing),
        fact(
            case,
            who,
            "Registered",
            p.craft_registration,
            "Is the applicant registered with the Handicrafts and Handloom Department, J&K?",
            missing,
        ),
        in_state(case, who, "Jammu and Kashmir", missing),
    ]
    production = case.rule(who)
    if p.sector in ("service", "trading"):
        text = f"A {p.sector} unit: the scheme is for production and manufacturing."
        criteria.append(Criterion("Production", NOT_MET, text, (production,)))
    else:
        status = MET if p.sector == "manufacturing" else ASSUMED
        text = "In production and manufacturing" + ("." if status == MET else " (assumed).")
        criteria.append(Criterion("Production", status, text, (production,)))
    limit = case.rule(f"{_JK}.credit_limit_max")
    if p.loan_amount is not None:
        ok = p.loan_amount <= limit.value
        text = f"{rupees(p.loan_amount)} against a limit of at most {rupees(limit.value)}."
        criteria.append(Criterion("Credit", MET if ok else NOT_MET, text, (limit,)))
        if not ok:
            changes.append(f"A credit of at most {rupees(limit.value)} would be within the limit.")
    loan, own = case.rule(f"{_JK}.loan_component"), case.rule(f"{_JK}.own_contribution")
    sub, years = case.rule(f"{_JK}.interest_subvention"), case.rule(f"{_JK}.subvention_years")
    valid = case.rule(f"{_JK}.limit_valid_years")
    benefits = [
        Benefit(
            "Credit limit, at most",
            float(limit.value),
            f"{rupees(limit.value)}: a loan of {rupees(loan.value)} and the beneficiary's "
            f"{rupees(own.value)}; valid {valid.value} years, reviewed every year.",
            (limit, loan, own, valid),
        ),
        Benefit(
            "Interest subvention",
            float(sub.value),
            f"{percent(sub.value)} over {years.value} years.",
            (sub, years),
        ),
        Benefit("Collateral", 0.0, "None required.", (case.rule(f"{_JK}.no_collateral"),)),
    ]
    committee = case.rule(f"{_JK}.selection_committee")
    notes.append(
        "Beneficiaries are selected by a district-level committee headed by the General Manager, "
        "DIC: the check says who may be selected."
    )
    criteria.append(Criterion("Selection", ASSUMED, committee.clause, (committee,)))
    return finish(case, _JK, criteria, benefits, missing, changes, notes)
