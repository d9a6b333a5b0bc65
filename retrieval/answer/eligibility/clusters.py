"""The cluster schemes: MSE-CDP (a Common Facility Centre or infrastructure for a cluster of
micro and small enterprises) and SFURTI (a cluster of traditional artisans), as the scheme
booklet's two editions and the MSE-CDP O.M. of 21 September 2023 state them."""

from __future__ import annotations

from retrieval.answer.eligibility.case import Case, places_read, sources_differ, verdict_of
from retrieval.answer.eligibility.rules import (
    ASSUMED,
    MET,
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
from retrieval.answer.eligibility.schemes import SCHEMES

_KINDS = {
    "common_facility_centre": "a Common Facility Centre",
    "infrastructure": "an infrastructure development project",
}


def _no_rule(case: Case, scheme: str, parameter: str) -> SchemeResult | None:
    if case.in_force(parameter):
        return None
    first = first_day(case.system.parameters, parameter)
    return SchemeResult(
        scheme,
        SCHEMES[scheme],
        NO_RULE,
        notes=(f"The corpus states these rules from {first} (the 2022-23 scheme booklet).",),
    )


def _spv(case: Case, parameter: str, criteria: list[Criterion], changes: list[str]) -> None:
    rule = case.rule(parameter)
    stated = case.profile.spv
    if stated is None:
        criteria.append(Criterion("SPV", ASSUMED, "Assumed: " + rule.clause, (rule,)))
    else:
        criteria.append(Criterion("SPV", MET if stated else NOT_MET, rule.clause, (rule,)))
        if not stated:
            changes.append("Applying through a special purpose vehicle (SPV) would meet this.")


def mse_cdp(case: Case) -> SchemeResult:
    """GoI assistance for a cluster's Common Facility Centre or infrastructure project."""
    p = case.profile
    empty = _no_rule(case, "mse_cdp", "mse_cdp.common_facility_centre.assistance_rate")
    if empty:
        return empty
    criteria: list[Criterion] = []
    missing: list[str] = []
    changes: list[str] = []
    notes = [
        "The booklet states one share for every cluster: no other share by region or category."
    ]
    _spv(case, "mse_cdp.through_spv", criteria, changes)
    kind = p.cluster_project
    if kind is None:
        missing.append("Is it a Common Facility Centre or an infrastructure development project?")
        criteria.append(Criterion("Project", UNKNOWN, "The kind of project is not given."))
    else:
        criteria.append(Criterion("Project", MET, f"{_KINDS[kind].capitalize()}."))
    land_rule = "mse_cdp.common_facility_centre.land_share_max"
    if p.land_cost is not None and kind == "infrastructure":
        notes.append("The O.M.'s 25% cap on land is stated for a Common Facility Centre's cost.")
    elif p.land_cost is not None and p.project_cost is not None and case.in_force(land_rule):
        share = case.rule(land_rule)
        most = share.value * p.project_cost
        ok = p.land_cost <= most
        text = (
            f"Land with its development {rupees(p.land_cost)} against at most "
            f"{rupees(most)} ({percent(share.value)} of {rupees(p.project_cost)})."
        )
        criteria.append(Criterion("Land", MET if ok else NOT_MET, text, (share,)))
        if not ok:
            changes.append(f"Land counted at no more than {rupees(most)} would meet the cap.")
    benefits: list[Benefit] = []
    if p.project_cost is None:
        missing.append("What is the project cost?")
    elif kind is not None:
        rate_rule = case.rule(f"mse_cdp.{kind}.assistance_rate")
        cap_rule = case.rule(f"mse_cdp.{kind}.max_project_cost")
        rate, _ = case.read("mse_cdp_assistance_rate")
        cap, _ = case.read("mse_cdp_max_project_cost")
        amount, _ = case.read("mse_cdp_assistance")
        base = min(p.project_cost, cap)
        benefits = [
            Benefit(
                "Assistance rate",
                rate,
                f"Up to {percent(rate)} of the project cost, up to {rupees(cap)}.",
                (rate_rule, cap_rule),
            ),
            Benefit(
                "GoI assistance",
                amount,
                f"Up to {rupees(amount)}: {percent(rate)} of {rupees(base)}.",
                (rate_rule, cap_rule),
            ),
        ]
        if p.project_cost > cap:
            notes.append(
                f"The project cost is above the maximum of {rupees(cap)}: the assistance is "
                f"reckoned on {rupees(cap)}."
            )
    cited = [r for c in criteria for r in c.rules] + [r for b in benefits for r in b.rules]
    notes.extend(sources_differ(case, cited))
    return SchemeResult(
        "mse_cdp",
        SCHEMES["mse_cdp"],
        verdict_of(criteria),
        tuple(criteria),
        tuple(benefits),
        tuple(missing),
        tuple(changes),
        tuple(notes),
    )


def sfurti(case: Case) -> SchemeResult:
    """GoI support for a cluster of traditional artisans: hard and soft interventions."""
    p = case.profile
    empty = _no_rule(case, "sfurti", "sfurti.hard_intervention.assistance_rate.standard")
    if empty:
        return empty
    criteria: list[Criterion] = []
    missing: list[str] = []
    changes: list[str] = []
    notes: list[str] = []
    artisans = case.rule("sfurti.traditional_artisans")
    stated = p.traditional_industry
    status = UNKNOWN if stated is None else MET if stated else NOT_MET
    criteria.append(Criterion("Traditional artisans", status, artisans.clause, (artisans,)))
    if stated is None:
        missing.append(
            "Are they existing artisans of a traditional industry (handicraft, textile, "
            "agro-processing, bamboo, honey, coir, khadi ...)?"
        )
    if case.in_force("sfurti.through_spv"):
        _spv(case, "sfurti.through_spv", criteria, changes)
    benefits = _sfurti_benefits(case, missing, notes)
    notes.extend(places_read(case))
    cited = [r for c in criteria for r in c.rules] + [r for b in benefits for r in b.rules]
    notes.extend(sources_differ(case, cited))
    return SchemeResult(
        "sfurti",
        SCHEMES["sfurti"],
        verdict_of(criteria),
        tuple(criteria),
        tuple(benefits),
        tuple(dict.fromkeys(missing)),
        tuple(changes),
        tuple(notes),
    )


def _sfurti_benefits(case: Case, missing: list[str], notes: list[str]) -> list[Benefit]:
    p = case.profile
    if p.state is None:
        missing.append("In which state is the cluster (95% in the NER, J&K and hill areas)?")
    if p.artisans is None:
        missing.append("How many artisans are in the cluster?")
    if p.hard_intervention_cost is None and p.soft_intervention_cost is None:
        missing.append("What do the hard and the soft interventions cost?")
    if p.state is None or p.artisans is None:
        return []
    if (
        p.hard_or_border_note_needed
        if False
        else p.hill_or_border_area and not (case.ner or case.hill_state)
    ):
        notes.append(
            "A hill or border area outside the states read as hill states is not read as a "
            "hill area here: the 95% is for the NER, J&K and hill areas."
        )
    rate, rate_rules = case.read("sfurti_hard_rate")
    cap, cap_rules = case.read("sfurti_support_cap")
    region = "NER, J&K or hill area" if case.ner or case.hill_state else "elsewhere"
    benefits = [
        Benefit(
            "Hard intervention rate",
            rate,
            f"Up to {percent(rate)} of the hard intervention cost ({region}).",
            rate_rules,
        ),
        Benefit(
            "GoI support, at most",
            cap,
            f"{rupees(cap)} for a cluster of {p.artisans} artisans.",
            cap_rules,
        ),
    ]
    if p.hard_intervention_cost is None and p.soft_intervention_cost is None:
        return benefits
    hard, _ = case.read("sfurti_hard_assistance")
    soft, _ = case.read("sfurti_soft_assistance")
    total, _ = case.read("sfurti_assistance")
    soft_rules = (
        case.rule("sfurti.soft_intervention_fully_funded"),
        case.rule("sfurti.soft_intervention_cap"),
    )
    if p.hard_intervention_cost is not None:
        benefits.append(
            Benefit(
                "Hard intervention assistance",
                hard,
                f"{rupees(hard)}: {percent(rate)} of {rupees(p.hard_intervention_cost)}.",
                rate_rules,
            )
        )
    if p.soft_intervention_cost is not None:
        benefits.append(
            Benefit(
                "Soft intervention assistance",
                soft,
                f"{rupees(soft)}: its entire cost, up to {rupees(soft_rules[1].value)}.",
                soft_rules,
            )
        )
    benefits.append(
        Benefit(
            "GoI support",
            total,
            f"{rupees(total)}: {rupees(hard)} + {rupees(soft)}, up to {rupees(cap)}.",
            rate_rules + soft_rules + cap_rules,
        )
    )
    if hard + soft > cap:
        notes.append(
            f"The support asked ({rupees(hard + soft)}) is above the cap of {rupees(cap)}."
        )
    notes.append(
        "The cap of the booklet's 'GoI support' (by the number of artisans) is read as the cap "
        "on the cluster's whole support, soft interventions included."
    )
    if p.hard_intervention_cost is not None and case.in_force(
        "sfurti.implementing_agency_share.standard"
    ):
        share, share_rules = case.read("sfurti_agency_share")
        benefits.append(
            Benefit(
                "Implementing agency's share",
                share,
                f"{rupees(share)}: {percent(share_rules[0].value)} of the hard intervention "
                "cost, and the land, from the implementing agency.",
                share_rules,
            )
        )
    return benefits
