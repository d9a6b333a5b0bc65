"""What every artisan and weaver builder shares (`crafts`, `crafts_states`, `crafts_kvic`): a
yes/no fact, the craft, an age band, a state or residence, an income ceiling, a flat benefit,
the notes on a scheme record's date, and the result.

Most of these rules come from scheme records (schemes/*.json): secondary sources, one page
each, often undated. A value's `date_basis` says how it was dated; the notes say so.
"""

from __future__ import annotations

from retrieval.answer.eligibility.case import Case, verdict_of
from retrieval.answer.eligibility.profile import Profile, canonical_state
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
    node_at,
    rupees,
)
from retrieval.answer.eligibility.schemes import SCHEMES

CRAFT_QUESTION = "Which craft: handicraft, handloom, khadi, a village industry or another?"


def status_of(stated: bool | None) -> str:
    return UNKNOWN if stated is None else MET if stated else NOT_MET


def no_rule(case: Case, scheme: str, parameter: str) -> SchemeResult | None:
    """A result saying the corpus states no rule yet on the case's day, or None."""
    if case.in_force(parameter):
        return None
    first = first_day(case.system.parameters, parameter)
    rule = case.rule_on(parameter, first)
    note = f"The corpus states these rules from {first} ({rule.document}"
    basis = _basis(case, parameter, first)
    note += f": {basis})." if basis else ")."
    return SchemeResult(scheme, SCHEMES[scheme], NO_RULE, notes=(note,))


def _basis(case: Case, name: str, day: str) -> str:
    """The `date_basis` of the value of `name` in force on `day`, if said."""
    node = node_at(case.system.parameters, name)
    if node is None:
        return ""
    for at in sorted(node.values_list, key=lambda v: v.instant_str, reverse=True):
        if at.instant_str <= day:
            return str((at.metadata or {}).get("date_basis", ""))
    return ""


def source_notes(case: Case, parameter: str) -> list[str]:
    """What the record behind `parameter` is, and how its rules were dated."""
    rule = case.rule(parameter)
    if not rule.document.startswith("schemes/"):
        return []
    basis = _basis(case, parameter, case.day)
    if basis == "undated record":
        return [
            f"{rule.document} is a scheme record: a secondary source, and undated. Its rules are "
            f"applied from {rule.since} whatever the case's date: check them with the department."
        ]
    return [
        f"{rule.document} is a scheme record: a secondary source. Its rules are applied from "
        f"{rule.since} ({basis})."
    ]


def fact(
    case: Case,
    parameter: str,
    name: str,
    stated: bool | None,
    question: str,
    missing: list[str],
    *,
    bars: bool = False,
    assume: str = "",
) -> Criterion:
    """A yes/no fact a rule asks for (`bars`: a yes fails it). Unknown: asked, or assumed when
    `assume` says what is assumed."""
    rule = case.rule(parameter)
    if stated is None:
        if assume:
            return Criterion(name, ASSUMED, f"Assumed: {assume} {rule.clause}", (rule,))
        missing.append(question)
        return Criterion(name, UNKNOWN, rule.clause, (rule,))
    return Criterion(name, status_of(stated != bars), rule.clause, (rule,))


def artisan(case: Case, parameter: str, missing: list[str]) -> Criterion:
    """An artisan or craftsperson: as stated, or read from the craft given."""
    p = case.profile
    rule = case.rule(parameter)
    if p.artisan is None and p.craft not in (None, "other"):
        craft = str(p.craft).replace("_", " ")
        return Criterion("Artisan", ASSUMED, f"Read as an artisan: a {craft} worker.", (rule,))
    if p.artisan is None:
        missing.append("Is the applicant an artisan or craftsperson working with hands and tools?")
    return Criterion("Artisan", status_of(p.artisan), rule.clause, (rule,))


def craft_is(
    case: Case, parameter: str, crafts: tuple[str, ...], name: str, missing: list[str]
) -> Criterion:
    """The craft given is one of `crafts`."""
    p = case.profile
    rule = case.rule(parameter)
    if p.craft is None:
        missing.append(CRAFT_QUESTION)
        return Criterion(name, UNKNOWN, rule.clause, (rule,))
    ok = p.craft in crafts
    text = rule.clause if ok else f"The craft given is {p.craft.replace('_', ' ')}. {rule.clause}"
    return Criterion(name, MET if ok else NOT_MET, text, (rule,))


def age_band(case: Case, scheme: str, missing: list[str], changes: list[str]) -> Criterion:
    """`<scheme>.minimum_age` and `maximum_age` (those stated), through `<scheme>_age_ok`."""
    p = case.profile
    node = case.system.parameters.children[scheme].children
    least = case.rule(f"{scheme}.minimum_age") if "minimum_age" in node else None
    most = case.rule(f"{scheme}.maximum_age") if "maximum_age" in node else None
    bounds = tuple(r for r in (least, most) if r is not None)
    if least and most:
        band = f"from {least.value} to {most.value} years"
    elif least:
        band = f"at least {least.value} years"
    else:
        band = f"at most {most.value if most else '?'} years"
    if p.age is None:
        missing.append("How old is the applicant?")
        return Criterion("Age", UNKNOWN, f"Age not given; {band} is asked.", bounds)
    ok, rules = case.read(f"{scheme}_age_ok")
    text = f"{p.age} years; {band} is asked"
    if p.age in tuple(r.value for r in bounds):
        text += " (the limit itself is within)"
    if not ok and least and p.age < least.value:
        changes.append(f"At {least.value} the age condition would be met.")
    return Criterion("Age", MET if ok else NOT_MET, text + ".", rules or bounds)


def in_state(
    case: Case, parameter: str, state: str, missing: list[str], name: str = "State"
) -> Criterion:
    """The applicant is in `state` (the record's or the clause's)."""
    p = case.profile
    rule = case.rule(parameter)
    if p.state is None:
        missing.append("In which state or union territory does the applicant live and work?")
        return Criterion(name, UNKNOWN, f"A scheme of {state}. {rule.clause}", (rule,))
    given = canonical_state(p.state)
    ok = given == state
    text = f"In {given}." if ok else f"A scheme of {state}; the applicant is in {given}."
    return Criterion(name, MET if ok else NOT_MET, text, (rule,))


def residence(
    case: Case, scheme: str, state: str, missing: list[str], changes: list[str]
) -> Criterion:
    """A native of `state`, or a resident for `<scheme>.minimum_years_resident` years."""
    p = case.profile
    where = in_state(case, f"{scheme}.{state.lower()}_residence", state, missing, "Residence")
    if where.status != MET:
        return where
    least = case.rule(f"{scheme}.minimum_years_resident")
    rules = (case.rule(f"{scheme}.{state.lower()}_residence"), least)
    if p.native:
        return Criterion("Residence", MET, f"A native of {state}.", rules)
    years = p.years_resident
    if years is None or (p.native is None and years < least.value):
        question = (
            f"For how many years has the applicant lived in {state}?"
            if p.native is False
            else f"Is the applicant a native of {state}, or for how many years a resident?"
        )
        missing.append(question)
        return Criterion("Residence", UNKNOWN, least.clause, rules)
    ok, _ = case.read(f"{scheme}_residence_ok")
    text = f"A resident of {state} for {years} years; at least {least.value} asked of a non-native."
    if not ok:
        changes.append(f"After {least.value} years of residence this would be met.")
    return Criterion("Residence", MET if ok else NOT_MET, text, rules)


def flat(case: Case, name: str, parameter: str, text: str) -> Benefit:
    """A benefit that is one stated figure; `text` may use {value} (rupees)."""
    rule = case.rule(parameter)
    return Benefit(name, float(rule.value), text.format(value=rupees(rule.value)), (rule,))


def finish(
    case: Case,
    scheme: str,
    criteria: list[Criterion],
    benefits: list[Benefit],
    missing: list[str],
    changes: list[str],
    notes: list[str],
) -> SchemeResult:
    return SchemeResult(
        scheme,
        SCHEMES[scheme],
        verdict_of(criteria),
        tuple(criteria),
        tuple(benefits),
        tuple(dict.fromkeys(missing)),
        tuple(changes),
        tuple(notes),
    )


def income(
    case: Case, scheme: str, field: str, question: str, missing: list[str], changes: list[str]
) -> Criterion:
    """The profile's `field` against `<scheme>.<field>_max`, through `<scheme>_income_ok`."""
    rule = case.rule(f"{scheme}.{field}_max")
    stated = getattr(case.profile, field)
    if stated is None:
        missing.append(question)
        return Criterion("Income", UNKNOWN, rule.clause, (rule,))
    ok, rules = case.read(f"{scheme}_income_ok")
    text = f"{rupees(stated)} a year; at most {rupees(rule.value)} asked"
    text += " (the ceiling itself is within)." if stated == rule.value else "."
    if not ok:
        changes.append(f"An income of at most {rupees(rule.value)} a year would meet this.")
    return Criterion("Income", MET if ok else NOT_MET, text, rules or (rule,))


def crafts_relevant(profile: Profile) -> list[str]:
    """The artisan and weaver schemes whose facts a profile gives: an artisan or a craft (a
    state's scheme only in that state), or a fact only these schemes ask."""
    p = profile
    state = canonical_state(p.state) if p.state else None
    craft = p.craft
    artisan = bool(p.artisan or p.vishwakarma_trade) or craft not in (None, "other")
    found: list[str] = []
    if artisan or p.availed_credit_scheme_within_5_years is not None:
        found.append("pm_vishwakarma")
    if p.award_recipient is not None:
        found.append("artisans_indigent_support")
    local = {  # scheme: (its state, the craft it needs; None: any artisan)
        "old_crafts_pension": ("Puducherry", None),
        "puducherry_artisan_insurance": ("Puducherry", "handicraft"),
        "handicrafts_training": ("Puducherry", "handicraft"),
        "kerala_asha": ("Kerala", "handicraft"),
        "wb_artisan_grant": ("West Bengal", "handicraft"),
        "wb_handloom_weaver": ("West Bengal", "handloom"),
        "jk_artisan_credit_card": ("Jammu and Kashmir", None),
    }
    for scheme, (where, needs) in local.items():
        if state == where and artisan and needs in (None, craft):
            found.append(scheme)
    if state == "Puducherry" and p.family_income is not None and "old_crafts_pension" not in found:
        found.append("old_crafts_pension")
    if craft == "khadi":
        found += ["khadi_karigar_bima", "khadi_workshed"]
    if craft in ("khadi", "village_industry"):
        found.append("gramodyog_vikas_yojana")
    if p.nic_code is not None:
        found.append("udyam_registration")
    return found
