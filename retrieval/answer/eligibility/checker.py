"""The checker: a profile in, for each scheme a verdict with every deciding criterion and the
clause behind it, the benefit, what is missing and what would change the verdict.

The figures come from OpenFisca (`system.py`) on the case's day; the rules cited are the
parameters the computation read (its trace), narrowed to the branch that applied.
"""

from __future__ import annotations

import time

from retrieval.answer.eligibility import crafts, crafts_kvic, crafts_states
from retrieval.answer.eligibility.case import Case, places_read, verdict_of
from retrieval.answer.eligibility.clusters import mse_cdp, sfurti
from retrieval.answer.eligibility.crafts_common import crafts_relevant
from retrieval.answer.eligibility.credit import cgtmse, pm_svanidhi_guarantee
from retrieval.answer.eligibility.profile import Profile, canonical_state
from retrieval.answer.eligibility.rules import (
    ASSUMED,
    MET,
    NO_RULE,
    NOT_MET,
    UNKNOWN,
    Benefit,
    Check,
    Criterion,
    Rule,
    SchemeResult,
    activities,
    first_day,
    percent,
    rupees,
)
from retrieval.answer.eligibility.schemes import SCHEMES, msme_classification, pmegp_upgradation
from retrieval.core.errors import ConfigError
from retrieval.core.settings import Settings


def check(
    profile: Profile, settings: Settings | None = None, schemes: tuple[str, ...] | None = None
) -> Check:
    """Every scheme the profile can be judged for (or those named), on the profile's day."""
    start = time.perf_counter()
    case = Case(profile, settings or Settings())
    wanted = schemes or _relevant(profile)
    results = []
    for scheme in wanted:
        if scheme not in SCHEMES:
            raise ConfigError(f"Unknown scheme {scheme!r}: choose from {', '.join(SCHEMES)}.")
        results.append(_BUILDERS[scheme](case))
    timings = {"check_ms": round((time.perf_counter() - start) * 1000, 1)}
    return Check(day=case.day, profile=profile.given(), results=tuple(results), timings=timings)


_PMEGP_FACTS = (
    "age",
    "project_cost",
    "education_class",
    "area",
    "sector",
    "activity",
    "existing_unit",
    "earlier_subsidy",
    "family_member_assisted",
)


def _relevant(profile: Profile) -> tuple[str, ...]:
    """The schemes a profile's facts bear on; PMEGP when it gives a PMEGP fact or no other."""
    found: list[str] = []
    if profile.existing_unit:
        found.append("pmegp_upgradation")
    if profile.investment is not None or profile.turnover is not None:
        found.append("msme_classification")
    if profile.street_vendor or profile.loan_number is not None:
        found.append("pm_svanidhi_guarantee")
    elif profile.loan_amount is not None:
        found.append("cgtmse")
    if profile.cluster_project is not None:
        found.append("mse_cdp")
    if profile.artisans is not None or profile.hard_intervention_cost is not None:
        found.append("sfurti")
    found.extend(crafts_relevant(profile))
    if not found or any(getattr(profile, f) is not None for f in _PMEGP_FACTS):
        found.insert(0, "pmegp")
    return tuple(found)


def pmegp_new_unit(case: Case) -> SchemeResult:
    p = case.profile
    if not case.in_force("pmegp.new_unit.minimum_age"):
        first = first_day(case.system.parameters, "pmegp.new_unit.minimum_age")
        return SchemeResult(
            "pmegp",
            SCHEMES["pmegp"],
            NO_RULE,
            notes=(f"The corpus states PMEGP rules from {first} only.",),
        )
    criteria: list[Criterion] = []
    missing: list[str] = []
    changes: list[str] = []
    notes: list[str] = []

    age_rule = case.rule("pmegp.new_unit.minimum_age")
    if p.age is None:
        criteria.append(Criterion("Age", UNKNOWN, "Age not given.", (age_rule,)))
        missing.append("How old is the applicant?")
    else:
        ok, rules = case.read("pmegp_age_ok")
        text = (
            f"{p.age} years; the guideline asks for an individual above {age_rule.value} "
            "years of age"
        )
        if p.age == age_rule.value:
            text += f" (read as {age_rule.value} completed years)"
        criteria.append(Criterion("Age", MET if ok else NOT_MET, text + ".", rules))
        if not ok:
            changes.append(f"At {age_rule.value} the age condition would be met.")

    exclusion = case.rule("pmegp.new_unit.existing_units_excluded")
    if p.existing_unit:
        criteria.append(
            Criterion(
                "New unit",
                NOT_MET,
                "An existing unit is not eligible for a new-unit loan.",
                (exclusion,),
            )
        )
        changes.append(
            "An existing PMEGP, REGP or MUDRA unit may apply for the second loan for "
            "upgradation instead."
        )
    else:
        criteria.append(
            Criterion(
                "New unit",
                MET if p.existing_unit is False else ASSUMED,
                "A new project" + (" (assumed: not stated)." if p.existing_unit is None else "."),
                (exclusion,),
            )
        )
    if p.earlier_subsidy:
        criteria.append(
            Criterion(
                "No earlier subsidy",
                NOT_MET,
                "A unit that already had a "
                "government subsidy under another scheme is not eligible.",
                (exclusion,),
            )
        )
    elif p.earlier_subsidy is None:
        notes.append("Assumed: no government subsidy under another scheme before.")
    family = case.rule("pmegp.new_unit.one_person_per_family")
    if p.family_member_assisted:
        criteria.append(
            Criterion(
                "One person per family",
                NOT_MET,
                "A member of the family (self and spouse) has already been assisted.",
                (family,),
            )
        )
    elif p.family_member_assisted is None:
        notes.append("Assumed: no one else of the family (self and spouse) assisted under PMEGP.")

    criteria.extend(_education(case, missing, changes))
    criteria.extend(_activity(case, missing, changes))
    benefits = _pmegp_benefits(case, missing, notes)
    notes.extend(places_read(case))
    return SchemeResult(
        "pmegp",
        SCHEMES["pmegp"],
        verdict_of(criteria),
        tuple(criteria),
        tuple(benefits),
        tuple(dict.fromkeys(missing)),
        tuple(changes),
        tuple(notes),
    )


def _education(case: Case, missing: list[str], changes: list[str]) -> list[Criterion]:
    p = case.profile
    rule = case.rule("pmegp.new_unit.education.minimum_class")
    above_m = case.rule("pmegp.new_unit.education.manufacturing_cost_above")
    above_s = case.rule("pmegp.new_unit.education.service_cost_above")
    if p.project_cost is None:
        missing.append("What is the project cost (land excluded)?")
        return [
            Criterion(
                "Education",
                UNKNOWN,
                "Depends on the project cost, not given.",
                (rule, above_m, above_s),
            )
        ]
    if case.sector is None and above_s.value < p.project_cost <= above_m.value:
        missing.append("Is it a manufacturing or a business/service unit?")
        return [
            Criterion(
                "Education", UNKNOWN, "Depends on the sector, not given.", (rule, above_m, above_s)
            )
        ]
    if case.sector is None:
        needed = p.project_cost > above_m.value
        rules: tuple[Rule, ...] = (rule, above_m if needed else above_s)
    else:
        needed, rules = case.read("pmegp_education_needed")
        rules = (rule, *rules)
    threshold = (
        above_m if case.sector == "manufacturing" or (case.sector is None and needed) else above_s
    )
    if not needed:
        return [
            Criterion(
                "Education",
                MET,
                f"No class is asked for a project of "
                f"{rupees(p.project_cost)} (at most {rupees(threshold.value)}).",
                rules,
            )
        ]
    if p.education_class is None:
        missing.append(f"Has the applicant passed Class {_roman(rule.value)}?")
        return [
            Criterion(
                "Education",
                UNKNOWN,
                f"A project above {rupees(threshold.value)} "
                f"needs Class {_roman(rule.value)} passed; education not given.",
                rules,
            )
        ]
    ok = p.education_class >= rule.value
    text = (
        f"Class {p.education_class} passed; a project above {rupees(threshold.value)} needs "
        f"at least Class {_roman(rule.value)}."
    )
    if not ok:
        changes.append(
            f"With Class {_roman(rule.value)} passed this project would qualify; so "
            f"would a project of at most {rupees(threshold.value)}."
        )
    return [Criterion("Education", MET if ok else NOT_MET, text, rules)]


def _roman(number: int) -> str:
    return {8: "VIII", 10: "X", 12: "XII"}.get(int(number), str(number))


def _activity(case: Case, missing: list[str], changes: list[str]) -> list[Criterion]:
    p = case.profile
    found: list[Criterion] = []
    listed = activities(case.rules_dir)["negative_list"]
    if p.activity and str(listed["since"]) <= case.day:
        text = f" {p.activity.lower()} "
        for entry in listed["entries"]:
            if any(f" {w} " in text for w in entry["words"]):
                rule = Rule(
                    "pmegp.negative_list",
                    True,
                    str(listed["since"]),
                    listed["document"],
                    int(listed["page"]),
                    entry["clause"],
                )
                found.append(
                    Criterion(
                        "Activity",
                        NOT_MET,
                        f"'{p.activity}' is on PMEGP's negative list of activities.",
                        (rule,),
                    )
                )
                break
    if case.sector == "trading" and case.in_force("pmegp.new_unit.trading_outlets_restricted"):
        rule = case.rule("pmegp.new_unit.trading_outlets_restricted")
        state = canonical_state(p.state) if p.state else None
        if case.ner or state == "Andaman and Nicobar Islands":
            found.append(
                Criterion("Trading", MET, f"Trading outlets are permitted in {state}.", (rule,))
            )
        else:
            missing.append(
                "Does the outlet sell khadi or village industry products, or is it "
                "in a Left Wing Extremism-affected district?"
            )
            found.append(
                Criterion(
                    "Trading",
                    UNKNOWN,
                    "A trading outlet is permitted only in the "
                    "NER, LWE-affected districts and the A & N Islands, or when it "
                    "sells khadi and village industry products.",
                    (rule,),
                )
            )
    return found


def _pmegp_benefits(case: Case, missing: list[str], notes: list[str]) -> list[Benefit]:
    p = case.profile
    if case.special is None:
        missing.append(
            "Does the applicant belong to a special category (SC, ST, OBC, minority, "
            "woman, ex-serviceman, differently abled)?"
        )
    else:
        notes.append(
            "Special category: " + "; ".join(case.special_notes) + "."
            if case.special
            else "General category."
        )
    if p.area is None:
        missing.append("Is the unit in a rural or an urban area?")
    if case.special is None or p.area is None:
        return []
    rate, rate_rules = case.read("pmegp_margin_money_rate")
    share, share_rules = case.read("pmegp_own_contribution_rate")
    label = f"{'special' if case.special else 'general'} category, {p.area} area"
    benefits = [
        Benefit(
            "Margin money rate", rate, f"{percent(rate)} of the project cost ({label}).", rate_rules
        ),
        Benefit(
            "Own contribution rate", share, f"{percent(share)} of the project cost.", share_rules
        ),
    ]
    if p.project_cost is None or case.sector is None:
        if p.project_cost is not None:
            missing.append("Is it a manufacturing or a business/service unit?")
        return benefits
    cap, cap_rules = case.read("pmegp_max_project_cost")
    amount, _ = case.read("pmegp_margin_money")
    own, _ = case.read("pmegp_own_contribution")
    base = min(p.project_cost, cap)
    benefits.append(
        Benefit(
            "Margin money",
            amount,
            f"{rupees(amount)}: {percent(rate)} of {rupees(base)}.",
            rate_rules + cap_rules,
        )
    )
    benefits.append(
        Benefit(
            "Own contribution",
            own,
            f"{rupees(own)}: {percent(share)} of {rupees(p.project_cost)}.",
            share_rules,
        )
    )
    benefits.append(
        Benefit(
            "Bank finance",
            p.project_cost - own,
            f"{rupees(p.project_cost - own)}: the project cost less the own contribution "
            f"({percent(1 - share)} of it).",
            (),
        )
    )
    if p.project_cost > cap:
        above = "pmegp.new_unit.above_cap_without_subsidy"
        benefits.append(
            Benefit(
                "Above the cap",
                p.project_cost - cap,
                f"{rupees(p.project_cost - cap)} of the cost is above the {rupees(cap)} "
                "admissible for margin money and gets no subsidy.",
                (case.rule(above),) if case.in_force(above) else cap_rules,
            )
        )
    for rule in cap_rules:
        if rule.earlier:
            old, since = rule.earlier.split(" from ")
            notes.append(
                f"This cap changed: {rupees(float(old))} under the rule of {since}, "
                f"{rupees(rule.value)} from {rule.since}."
            )
    return benefits


_BUILDERS = {
    "pmegp": pmegp_new_unit,
    "pmegp_upgradation": pmegp_upgradation,
    "msme_classification": msme_classification,
    "pm_svanidhi_guarantee": pm_svanidhi_guarantee,
    "cgtmse": cgtmse,
    "mse_cdp": mse_cdp,
    "sfurti": sfurti,
    "pm_vishwakarma": crafts.pm_vishwakarma,
    "old_crafts_pension": crafts.old_crafts_pension,
    "artisans_indigent_support": crafts.artisans_indigent_support,
    "puducherry_artisan_insurance": crafts.puducherry_artisan_insurance,
    "handicrafts_training": crafts.handicrafts_training,
    "kerala_asha": crafts_states.kerala_asha,
    "wb_artisan_grant": crafts_states.wb_artisan_grant,
    "wb_handloom_weaver": crafts_states.wb_handloom_weaver,
    "jk_artisan_credit_card": crafts_states.jk_artisan_credit_card,
    "khadi_karigar_bima": crafts_kvic.khadi_karigar_bima,
    "gramodyog_vikas_yojana": crafts_kvic.gramodyog_vikas_yojana,
    "khadi_workshed": crafts_kvic.khadi_workshed,
    "udyam_registration": crafts_kvic.udyam_registration,
}
