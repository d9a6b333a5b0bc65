"""The credit guarantees: PM SVANidhi's cover of loans to street vendors (CGTMSE administers it)
and CGTMSE's cover of collateral-free credit to micro and small enterprises."""

from __future__ import annotations

from retrieval.answer.eligibility.case import Case, places_read, sources_differ, verdict_of
from retrieval.answer.eligibility.credit_formulas import LOANS, TIERS
from retrieval.answer.eligibility.rules import (
    ASSUMED,
    MET,
    NO_RULE,
    NOT_MET,
    UNKNOWN,
    Benefit,
    Criterion,
    Rule,
    SchemeResult,
    first_day,
    node_at,
    percent,
    rupees,
)
from retrieval.answer.eligibility.schemes import SCHEMES

_SV = "pm_svanidhi_guarantee"
_ORDINAL = {1: "1st", 2: "2nd", 3: "3rd"}


def _stated(case: Case, name: str) -> bool:
    """Whether the parameters hold `name` and it is in force on the case's day."""
    return node_at(case.system.parameters, name) is not None and case.in_force(name)


def _status(stated: bool | None) -> str:
    return UNKNOWN if stated is None else MET if stated else NOT_MET


def pm_svanidhi_guarantee(case: Case) -> SchemeResult:
    """The cover of a PM SVANidhi loan disbursed on the case's day, and who is covered."""
    p = case.profile
    title = SCHEMES[_SV]
    if not case.in_force(f"{_SV}.first_loan.first_loss.cover"):
        first = first_day(case.system.parameters, f"{_SV}.first_loan.first_loss.cover")
        return SchemeResult(_SV, title, NO_RULE, notes=(f"The scheme is in force from {first}.",))
    if case.in_force(f"{_SV}.lending_till_year"):
        till = case.rule(f"{_SV}.lending_till_year")
        if int(case.day[:4]) > till.value:
            text = f"Lending till December {till.value}; the case is dated {case.day}."
            return SchemeResult(
                _SV,
                title,
                NO_RULE,
                (Criterion("Lending period", UNKNOWN, text, (till,)),),
                notes=(
                    f"The corpus's latest modification (of {till.since}) extends lending till "
                    f"December {till.value}: it states no cover for a loan disbursed on "
                    f"{case.day}. A later extension, if any, is not in the corpus.",
                ),
            )
    criteria: list[Criterion] = []
    missing: list[str] = []
    changes: list[str] = []
    notes = ["The case's date is read as the day the loan is disbursed."]
    vendor = case.rule(f"{_SV}.street_vendors_covered")
    criteria.append(Criterion("Street vendor", _status(p.street_vendor), vendor.clause, (vendor,)))
    if p.street_vendor is None:
        missing.append(
            "Is the borrower a street vendor vending in an urban area, with a Certificate of "
            "Vending or ID card, a survey entry or a Letter of Recommendation of the ULB?"
        )
    lenders = case.rule(f"{_SV}.lenders_covered")
    if p.lender is None:
        criteria.append(Criterion("Lender", ASSUMED, "Assumed: " + lenders.clause, (lenders,)))
    else:
        ok = p.lender != "other"
        text = (
            f"Lent by a {p.lender.replace('_', ' ')}." if ok else "Not a lender the scheme names."
        )
        criteria.append(Criterion("Lender", MET if ok else NOT_MET, text, (lenders,)))
    excluded = (
        case.rule(f"{_SV}.other_guarantee_excluded"),
        case.rule(f"{_SV}.fraud_excluded"),
    )
    criteria.append(
        Criterion(
            "Not excluded",
            ASSUMED,
            "Assumed: not covered under another guarantee scheme, not a fraud or wilful "
            "defaulter's account.",
            excluded,
        )
    )
    benefits: list[Benefit] = []
    if p.loan_number is None:
        missing.append("Is it the 1st, 2nd or 3rd PM SVANidhi loan?")
        criteria.append(Criterion("Loan", UNKNOWN, "Which loan it is is not given."))
    else:
        criteria.extend(_loan_criteria(case, missing, changes, notes))
        benefits = _svanidhi_benefits(case, notes)
    notes.extend(sources_differ(case, [r for b in benefits for r in b.rules]))
    return SchemeResult(
        _SV,
        title,
        verdict_of(criteria),
        tuple(criteria),
        tuple(benefits),
        tuple(missing),
        tuple(changes),
        tuple(notes),
    )


def _loan_criteria(
    case: Case, missing: list[str], changes: list[str], notes: list[str]
) -> list[Criterion]:
    p = case.profile
    number = int(p.loan_number or 0)
    name = f"{_ORDINAL[number]} loan"
    tier = f"{_SV}.{LOANS[number - 1]}.first_loss.cover"
    if not case.in_force(tier):
        since = first_day(case.system.parameters, tier)
        rule = case.rule_on(tier, since)
        text = f"A {name} is covered for loans disbursed from {since}."
        return [Criterion("Loan", NOT_MET, text, (rule,))]
    if number == 3:
        notes.append("The guidelines state no amount or condition for a 3rd loan, only its cover.")
        return [Criterion("Loan", MET, "A 3rd loan.")]
    found: list[Criterion] = []
    limit, _ = case.read("svanidhi_loan_limit")
    if number == 1:
        rules: tuple[Rule, ...] = (case.rule(f"{_SV}.loan_limit.first_loan"),)
    else:
        share = case.rule(f"{_SV}.loan_limit.next_loan_share_of_earlier")
        rules = (share, case.rule(f"{_SV}.loan_limit.next_loan_ceiling"))
        found.append(
            Criterion("Earlier loan repaid", _status(p.earlier_loan_repaid), share.clause, (share,))
        )
        if p.earlier_loan_repaid is None:
            missing.append("Was the earlier loan repaid on time or early?")
    if p.loan_amount is None:
        missing.append(f"How much is the {name}?")
        found.append(
            Criterion("Loan amount", UNKNOWN, f"At most {rupees(limit)}; not given.", rules)
        )
    elif number == 2 and p.earlier_loan_amount is None and p.loan_amount <= limit:
        missing.append("How much was the earlier loan?")
        text = (
            f"At most {percent(rules[0].value)} of the earlier loan (not given) and "
            f"{rupees(limit)}."
        )
        found.append(Criterion("Loan amount", UNKNOWN, text, rules))
    else:
        ok = p.loan_amount <= limit
        text = f"{rupees(p.loan_amount)} against at most {rupees(limit)}."
        found.append(Criterion("Loan amount", MET if ok else NOT_MET, text, rules))
        if not ok:
            changes.append(f"A {name} of at most {rupees(limit)} would be covered.")
    return found


def _svanidhi_benefits(case: Case, notes: list[str]) -> list[Benefit]:
    p = case.profile
    number = int(p.loan_number or 0)
    loan = f"{_SV}.{LOANS[number - 1]}"
    if not case.in_force(f"{loan}.first_loss.cover"):
        return []
    fee = case.rule(f"{_SV}.no_guarantee_fee")
    benefits = [Benefit("Guarantee fee", 0.0, fee.clause, (fee,))]
    lower = 0.0
    tier_rules: list[Rule] = []
    parts: list[tuple[float, float, float]] = []
    before: list[str] = []
    for tier in TIERS:
        if not _stated(case, f"{loan}.{tier}.upto"):
            continue
        upto, cover = case.rule(f"{loan}.{tier}.upto"), case.rule(f"{loan}.{tier}.cover")
        label = tier.replace("_", " ").capitalize()
        text = (
            f"{percent(cover.value)} of the loss from {percent(lower)} to "
            f"{percent(upto.value)} of the year's portfolio."
        )
        benefits.append(Benefit(f"{label} cover", cover.value, text, (upto, cover)))
        tier_rules += [upto, cover]
        parts.append((lower, upto.value, cover.value))
        lower = upto.value
        for rule in (upto, cover):
            if rule.earlier:
                old = float(rule.earlier.split(" from ")[0])
                field = "up to" if rule is upto else "cover"
                before.append(f"{label.lower()} {field} {percent(old)}")
    if before:
        since = tier_rules[0].since
        notes.append(
            f"For a {_ORDINAL[number]} loan disbursed before {since}: " + ", ".join(before) + "."
        )
    most, _ = case.read("svanidhi_max_cover")
    effective, _ = case.read("svanidhi_effective_cover")
    cited = tuple(tier_rules)
    benefits.append(
        Benefit(
            "Maximum cover", most, f"Losses up to {percent(most)} of the year's portfolio.", cited
        )
    )
    benefits.append(
        Benefit(
            "Effective cover",
            effective,
            f"At most {percent(effective)} of the year's portfolio is paid.",
            cited,
        )
    )
    if p.portfolio_amount is not None and p.portfolio_default is not None:
        claim, _ = case.read("svanidhi_claim")
        loss, _ = case.read("svanidhi_loss_share")
        paid = [
            f"{percent(cover)} of {rupees(max(0.0, min(loss, upto) - low) * p.portfolio_amount)}"
            for low, upto, cover in parts
            if loss > low
        ]
        text = (
            f"{rupees(claim)} on {rupees(p.portfolio_default)} in default "
            f"({percent(round(loss, 6))} of a {rupees(p.portfolio_amount)} portfolio): "
            + (" + ".join(paid) or "no loss")
            + "."
        )
        benefits.append(Benefit("Claim", claim, text, cited))
    notes.append(
        "The guarantee is on the lender's portfolio of each financial year, not on one loan: "
        "CGTMSE pays the lender's claim on the loans in default."
    )
    return benefits


_RETAIL = ("rate", "credit_from", "credit_upto")
_BASES = {  # the parameters under cgtmse.cover that each basis of the cover rate reads
    "retail": ("retail", _RETAIL),
    "micro": ("micro", ("rate", "credit_upto")),
    "women": ("women", ("rate",)),
    "ner": ("ner", ("rate", "credit_upto")),
    "others": ("others", ("rate",)),
    "unstated": ("retail", _RETAIL),
}


def cgtmse(case: Case) -> SchemeResult:
    """CGTMSE's cover of a collateral-free credit, as the scheme booklet states it."""
    p = case.profile
    title = SCHEMES["cgtmse"]
    if not case.in_force("cgtmse.max_credit"):
        first = first_day(case.system.parameters, "cgtmse.max_credit")
        return SchemeResult(
            "cgtmse",
            title,
            NO_RULE,
            notes=(f"The corpus states CGTMSE's rules from {first} (the 2022-23 scheme booklet).",),
        )
    criteria: list[Criterion] = []
    missing: list[str] = []
    changes: list[str] = []
    notes: list[str] = []
    eligible = case.rule("cgtmse.collateral_free_mse_credit")
    category = None
    if p.investment is None or p.turnover is None:
        missing.append(
            "What are the investment in plant and machinery or equipment, and the turnover?"
        )
        criteria.append(
            Criterion("Micro or small enterprise", UNKNOWN, eligible.clause, (eligible,))
        )
    else:
        category, _ = case.read("msme_category")
        level = category if category in ("micro", "small") else "small"
        limits = (
            case.rule(f"msme_classification.{level}.investment_limit"),
            case.rule(f"msme_classification.{level}.turnover_limit"),
        )
        ok = category in ("micro", "small")
        text = f"A {category} enterprise." if ok else "Not a micro or small enterprise."
        criteria.append(
            Criterion(
                "Micro or small enterprise", MET if ok else NOT_MET, text, (eligible, *limits)
            )
        )
    cap = case.rule("cgtmse.max_credit")
    if p.loan_amount is None:
        missing.append("How much credit is sought?")
        criteria.append(
            Criterion("Credit", UNKNOWN, f"At most {rupees(cap.value)}; not given.", (cap,))
        )
    else:
        ok = p.loan_amount <= cap.value
        text = f"{rupees(p.loan_amount)} against at most {rupees(cap.value)}."
        criteria.append(Criterion("Credit", MET if ok else NOT_MET, text, (cap,)))
        if not ok:
            changes.append(f"Credit of at most {rupees(cap.value)} would be covered.")
    if p.collateral_free is False:
        criteria.append(Criterion("Collateral free", NOT_MET, eligible.clause, (eligible, cap)))
        changes.append("A credit without collateral or third-party guarantee would be covered.")
    else:
        status = MET if p.collateral_free else ASSUMED
        text = (
            "" if p.collateral_free else "Assumed: "
        ) + "without collateral or third-party guarantee."
        criteria.append(Criterion("Collateral free", status, text, (eligible, cap)))
    benefits = _cgtmse_benefits(case, category, missing, notes)
    notes.extend(places_read(case))
    cited = [r for c in criteria for r in c.rules] + [r for b in benefits for r in b.rules]
    notes.extend(sources_differ(case, cited))
    return SchemeResult(
        "cgtmse",
        title,
        verdict_of(criteria),
        tuple(criteria),
        tuple(benefits),
        tuple(dict.fromkeys(missing)),
        tuple(changes),
        tuple(notes),
    )


def _cgtmse_benefits(
    case: Case, category: str | None, missing: list[str], notes: list[str]
) -> list[Benefit]:
    p = case.profile
    if p.loan_amount is None:
        return []
    loan = p.loan_amount
    rule = case.rule
    if case.retail is None:
        missing.append("Is the enterprise in retail trade?")
        return []
    if category is None and loan <= rule("cgtmse.cover.micro.credit_upto").value:
        return []  # the 85% for micro enterprises turns on the category, asked above
    basis = case.value("cgtmse_cover_basis")
    if basis in ("others", "unstated") and p.gender is None:
        missing.append("Is the enterprise owned or operated by a woman?")
        return []
    if basis == "others" and p.state is None and loan <= rule("cgtmse.cover.ner.credit_upto").value:
        missing.append("In which state is the unit?")
        return []
    group, names = _BASES[basis]
    rules = tuple(rule(f"cgtmse.cover.{group}.{name}") for name in names)
    fits = _other_rates(case, basis, loan)
    if basis == "unstated":
        notes.append(
            f"The booklet states {percent(rules[0].value)} for retail trade credit from "
            f"{rupees(rules[1].value)} to "
            f"{rupees(rules[2].value)} and no rate for retail credit of {rupees(loan)}."
        )
        return []
    rate, _ = case.read("cgtmse_cover_rate")
    cover, _ = case.read("cgtmse_cover")
    claim = (rule("cgtmse.claim.rate"), rule("cgtmse.claim.credit_upto"))
    if basis == "women":
        notes.append("Read as owned or operated by a woman: the applicant is a woman.")
        if loan > rule("cgtmse.cover.ner.credit_upto").value:
            notes.append(
                f"The booklet's sentence may also be read as limiting the women's {percent(rate)} "
                f"to credit up to {rupees(rule('cgtmse.cover.ner.credit_upto').value)}."
            )
    if fits:
        notes.append(
            f"The booklet also states {', '.join(fits)} and does not say which prevails: the "
            f"{percent(rate)} is shown."
        )
    return [
        Benefit("Guarantee cover rate", rate, f"{percent(rate)} of the sanctioned credit.", rules),
        Benefit(
            "Guarantee cover", cover, f"{rupees(cover)}: {percent(rate)} of {rupees(loan)}.", rules
        ),
        Benefit(
            "Claim on default, at most",
            claim[0].value,
            f"The trust settles the claim up to {percent(claim[0].value)} of the amount in default "
            f"(credit up to {rupees(claim[1].value)}).",
            claim,
        ),
    ]


def _other_rates(case: Case, basis: str, loan: float) -> list[str]:
    """The booklet's other rates that fit the case too."""
    rule = case.rule
    found = []
    if basis != "retail" and case.retail:
        found.append("'50% coverage is for retail activity'")
    if basis == "retail" and case.profile.gender == "female":
        found.append(f"{percent(rule('cgtmse.cover.women.rate').value)} for women")
    if (
        basis in ("retail", "women")
        and case.ner
        and loan <= rule("cgtmse.cover.ner.credit_upto").value
    ):
        found.append(f"{percent(rule('cgtmse.cover.ner.rate').value)} in the NER")
    return found
