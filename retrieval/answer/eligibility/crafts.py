"""The artisan schemes of the Centre and of Puducherry: PM Vishwakarma, the NHDP's support to
artisans in indigent circumstances, and Puducherry's monthly grant to old crafts persons, its
insurance of handicraft artisans and its training in handicrafts."""

from __future__ import annotations

from retrieval.answer.eligibility.case import Case
from retrieval.answer.eligibility.crafts_common import (
    age_band,
    artisan,
    craft_is,
    fact,
    finish,
    flat,
    in_state,
    income,
    no_rule,
    residence,
    source_notes,
)
from retrieval.answer.eligibility.rules import (
    MET,
    NO_RULE,
    NOT_MET,
    UNKNOWN,
    Benefit,
    Criterion,
    SchemeResult,
    percent,
    rupees,
)
from retrieval.answer.eligibility.schemes import SCHEMES

_PV = "pm_vishwakarma"


def pm_vishwakarma(case: Case) -> SchemeResult:
    """PM Vishwakarma, as its scheme record states it (2023-24 to 2027-28)."""
    p = case.profile
    empty = no_rule(case, _PV, f"{_PV}.minimum_age")
    if empty:
        return empty
    years = case.rule(f"{_PV}.implementation_years")
    last = f"{int(years.since[:4]) + int(years.value)}-03-31"
    if case.day > last:
        note = (
            f"The record says the scheme will initially be implemented for {years.value} years "
            f"up to 2027-28 (to {last}); it states nothing for {case.day}. An extension, if any, "
            "is not in the corpus."
        )
        return SchemeResult(_PV, SCHEMES[_PV], NO_RULE, notes=(note,))
    missing: list[str] = []
    changes: list[str] = []
    notes = source_notes(case, f"{_PV}.minimum_age")
    criteria = [artisan(case, f"{_PV}.artisan_with_hands_and_tools", missing)]
    trades = case.rule(f"{_PV}.family_trades")
    criteria.append(
        fact(
            case,
            f"{_PV}.family_trades",
            "Family trade",
            p.vishwakarma_trade,
            f"Is the applicant engaged in one of the scheme's {trades.value} family-based "
            "traditional trades (the record does not list them)?",
            missing,
        )
    )
    criteria.append(
        fact(
            case,
            f"{_PV}.unorganised_self_employment",
            "Self-employed",
            p.unorganised_self_employed,
            "Is the applicant self-employed in the unorganised sector?",
            missing,
        )
    )
    criteria.append(age_band(case, _PV, missing, changes))
    lookback = case.rule(f"{_PV}.credit_schemes_lookback_years")
    criteria.append(
        fact(
            case,
            f"{_PV}.credit_schemes_lookback_years",
            "No recent scheme loan",
            p.availed_credit_scheme_within_5_years,
            f"Has the applicant had a PMEGP, PM SVANidhi or Mudra loan (or one under a similar "
            f"government credit scheme) in the past {lookback.value} years?",
            missing,
            bars=True,
        )
    )
    criteria.append(
        fact(
            case,
            f"{_PV}.one_member_per_family",
            "One member per family",
            p.family_member_beneficiary,
            "",
            missing,
            bars=True,
            assume="no other member of the family is registered.",
        )
    )
    criteria.append(
        fact(
            case,
            f"{_PV}.government_servants_excluded",
            "Not in government service",
            p.government_servant_in_family,
            "",
            missing,
            bars=True,
            assume="neither the applicant nor a family member is in government service.",
        )
    )
    if p.availed_credit_scheme_within_5_years:
        changes.append(f"{lookback.value} years after the last such loan this would be met.")
    return finish(case, _PV, criteria, _pv_benefits(case), missing, changes, notes)


def _pv_benefits(case: Case) -> list[Benefit]:
    loan = f"{_PV}.loan"
    rule = case.rule
    tranches = (
        rule(f"{loan}.first_tranche"),
        rule(f"{loan}.first_tranche_repayment_months"),
        rule(f"{loan}.second_tranche"),
        rule(f"{loan}.second_tranche_repayment_months"),
    )
    rate, cap = rule(f"{loan}.interest_rate"), rule(f"{loan}.interest_subvention_cap")
    loans, _ = case.read("pm_vishwakarma_loans")
    digital, digital_rules = case.read("pm_vishwakarma_digital_incentive_max")
    per = rule(f"{_PV}.digital_incentive.per_transaction")
    return [
        flat(case, "Training stipend", f"{_PV}.training_stipend_per_day", "{value} a day."),
        flat(case, "Toolkit incentive", f"{_PV}.toolkit_incentive", "{value}, a grant."),
        Benefit(
            "Loans",
            loans,
            f"{rupees(loans)}: {rupees(tranches[0].value)} (first tranche, repaid over "
            f"{tranches[1].value} months) and {rupees(tranches[2].value)} (second tranche, "
            f"{tranches[3].value} months), collateral free.",
            tranches,
        ),
        Benefit(
            "Interest",
            float(rate.value),
            f"{percent(rate.value)} charged; the Ministry of MSME pays the interest subvention, "
            f"up to {percent(cap.value)}.",
            (rate, cap),
        ),
        Benefit(
            "Digital incentive",
            digital,
            f"Up to {rupees(digital)} a month: Rs {per.value} a digital transaction.",
            digital_rules,
        ),
    ]


_OLD = "old_crafts_pension"


def old_crafts_pension(case: Case) -> SchemeResult:
    """Puducherry's monthly grant to old crafts persons."""
    p = case.profile
    empty = no_rule(case, _OLD, f"{_OLD}.minimum_age")
    if empty:
        return empty
    missing: list[str] = []
    changes: list[str] = []
    notes = source_notes(case, f"{_OLD}.minimum_age")
    criteria = [
        artisan(case, f"{_OLD}.minimum_age", missing),
        age_band(case, _OLD, missing, changes),
        residence(case, _OLD, "Puducherry", missing, changes),
    ]
    craft = case.rule(f"{_OLD}.minimum_years_in_craft")
    if p.years_in_craft is None:
        missing.append("For how many years has the applicant practised the craft in Puducherry?")
        criteria.append(Criterion("Years in the craft", UNKNOWN, craft.clause, (craft,)))
    else:
        ok, rules = case.read("old_crafts_pension_craft_years_ok")
        text = f"{p.years_in_craft} years in the craft; at least {craft.value} asked."
        criteria.append(Criterion("Years in the craft", MET if ok else NOT_MET, text, rules))
    criteria.append(
        income(
            case,
            _OLD,
            "family_income",
            "What is the family's income from all sources, a year?",
            missing,
            changes,
        )
    )
    criteria.append(
        fact(
            case,
            f"{_OLD}.no_similar_assistance",
            "No similar assistance",
            p.similar_assistance,
            "",
            missing,
            bars=True,
            assume="no similar financial assistance from another source.",
        )
    )
    benefits = [
        flat(case, "Monthly grant", f"{_OLD}.monthly_grant", "{value} a month, for life."),
        flat(
            case,
            "Spouse's grant",
            f"{_OLD}.spouse_monthly_grant",
            "{value} a month to the living spouse after the craftsperson's death.",
        ),
    ]
    notes.append("The grant is renewed every year (the record).")
    return finish(case, _OLD, criteria, benefits, missing, changes, notes)


_IND = "artisans_indigent_support"


def artisans_indigent_support(case: Case) -> SchemeResult:
    """NHDP: support to master craftspersons in indigent circumstances (60 and over)."""
    p = case.profile
    empty = no_rule(case, _IND, f"{_IND}.minimum_age")
    if empty:
        return empty
    missing: list[str] = []
    changes: list[str] = []
    notes = source_notes(case, f"{_IND}.minimum_age")
    criteria = [
        fact(
            case,
            f"{_IND}.award_recipient",
            "Awarded master craftsperson",
            p.award_recipient,
            "Has the artisan received the Shilp Guru Award, a National Award, a Merit "
            "Certificate, a State Award or a bigger award?",
            missing,
        )
    ]
    age = age_band(case, _IND, missing, changes)
    if age.status == NOT_MET and p.differently_abled:
        age = Criterion(
            "Age",
            UNKNOWN,
            age.text + " The age may be relaxed for an artisan with a disability; the record "
            "does not say by how much.",
            age.rules,
        )
        missing.append("Will a disability certificate be submitted (the age may be relaxed)?")
    criteria.append(age)
    question = "What was the artisan's own income in the preceding financial year?"
    criteria.append(income(case, _IND, "annual_income", question, missing, changes))
    criteria.append(
        fact(
            case,
            f"{_IND}.no_similar_assistance",
            "No similar assistance",
            p.similar_assistance,
            "",
            missing,
            bars=True,
            assume="no similar financial assistance from another source.",
        )
    )
    benefits = [
        flat(
            case,
            "Assistance, at most",
            f"{_IND}.monthly_assistance_max",
            "{value} a month, as a monthly allowance, a lump sum grant or both.",
        )
    ]
    notes.append(
        "Applications are invited every year; an income certificate, the award's certificate and "
        "an affidavit attested by a First-Class Magistrate are asked (the record)."
    )
    return finish(case, _IND, criteria, benefits, missing, changes, notes)


_INS = "puducherry_artisan_insurance"


def puducherry_artisan_insurance(case: Case) -> SchemeResult:
    """Puducherry's insurance of handicraft artisans (Jana Shree Bima Yojana or another policy)."""
    empty = no_rule(case, _INS, f"{_INS}.minimum_age")
    if empty:
        return empty
    missing: list[str] = []
    changes: list[str] = []
    notes = source_notes(case, f"{_INS}.minimum_age")
    criteria = [
        craft_is(case, f"{_INS}.handicraft_artisan", ("handicraft",), "Handicraft", missing),
        in_state(case, f"{_INS}.puducherry_residence", "Puducherry", missing, "Residence"),
        age_band(case, _INS, missing, changes),
    ]
    share = case.rule(f"{_INS}.premium_government_share")
    benefits = [
        flat(case, "Natural death", f"{_INS}.natural_death", "{value}."),
        flat(case, "Death due to accident", f"{_INS}.accidental_death", "{value}."),
        flat(
            case,
            "Permanent total disability",
            f"{_INS}.total_disability",
            "{value}: loss of two eyes or two limbs in an accident.",
        ),
        flat(
            case,
            "Permanent partial disability",
            f"{_INS}.partial_disability",
            "{value}: loss of one eye or one limb in an accident.",
        ),
        Benefit(
            "Premium",
            float(share.value),
            f"Shared: {percent(share.value)} from the Government through the DIC, the rest "
            "from the Social Security Fund.",
            (share,),
        ),
    ]
    notes.append("The conditions of the insurance policy apply besides these (the record).")
    return finish(case, _INS, criteria, benefits, missing, changes, notes)


_TRN = "handicrafts_training"


def handicrafts_training(case: Case) -> SchemeResult:
    """Puducherry's training in handicrafts (Gurukulam model), with a stipend."""
    empty = no_rule(case, _TRN, f"{_TRN}.minimum_age")
    if empty:
        return empty
    missing: list[str] = []
    changes: list[str] = []
    notes = source_notes(case, f"{_TRN}.minimum_age")
    criteria = [
        residence(case, _TRN, "Puducherry", missing, changes),
        age_band(case, _TRN, missing, changes),
    ]
    stipend, rules = case.read("handicrafts_training_stipend")
    month, months = case.rule(f"{_TRN}.stipend_per_month"), case.rule(f"{_TRN}.training_months")
    benefits = [
        flat(case, "Stipend", f"{_TRN}.stipend_per_month", "{value} a month."),
        Benefit(
            "Stipend over the training",
            stipend,
            f"{rupees(stipend)}: {rupees(month.value)} a month for {months.value} months "
            "(the training starts in December).",
            rules or (month, months),
        ),
    ]
    return finish(case, _TRN, criteria, benefits, missing, changes, notes)
