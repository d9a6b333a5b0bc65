"""Formulas of the artisan and weaver schemes (PM Vishwakarma, crafts pensions, grants and
insurance, KVIC's work-shed) over `corpus/rules/parameters`, and the inputs they read.

The age, income and residence checks are the same shape in many schemes: one variable per
scheme, `<scheme>_age_ok` and so on, built by `_age_band`, `_income_ok` and `_residence_ok`; each
reads only its scheme's parameters, so a check's trace cites that scheme's clauses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from openfisca_core.variables import Variable

from retrieval.answer.eligibility.system import _Input, _own

if TYPE_CHECKING:
    from retrieval.answer.eligibility.profile import Profile

AGE_BANDS = (
    "pm_vishwakarma",
    "old_crafts_pension",
    "artisans_indigent_support",
    "puducherry_artisan_insurance",
    "handicrafts_training",
    "wb_artisan_grant",
    "khadi_karigar_bima",
    "gramodyog_vikas_yojana",
)
RESIDENCE = ("old_crafts_pension", "handicrafts_training")
INCOME = {  # scheme: (income input, its ceiling parameter)
    "old_crafts_pension": ("family_income", "family_income_max"),
    "artisans_indigent_support": ("annual_income", "annual_income_max"),
}


class family_income(_Input):
    value_type = float
    label = "The family's income from all sources, rupees a year"


class annual_income(_Input):
    value_type = float
    label = "The applicant's own income in the preceding financial year, rupees"


class native(_Input):
    value_type = bool
    label = "A native of the state or union territory given"


class years_resident(_Input):
    value_type = int
    label = "Years of continuous residence in the state or union territory given"


class years_in_craft(_Input):
    value_type = int
    label = "Years practising the craft in the state or union territory given"


class fixed_capital_investment(_Input):
    value_type = float
    label = "Fixed capital investment: work shed, tools, equipment, machinery ..., rupees"


class workshed_cost(_Input):
    value_type = float
    label = "Cost of a khadi artisan's work-shed with its toilet, rupees"


class woman(_Input):
    value_type = bool
    label = "The applicant is a woman"


class sc_or_st(_Input):
    value_type = bool
    label = "The applicant belongs to a Scheduled Caste or Scheduled Tribe"


class group_members(_Input):
    value_type = int
    label = "Members of the artisans' group"


def _variable(name: str, value_type: type, label: str, formula: Any) -> type[Variable]:
    """A formula variable named `name` (OpenFisca names a variable by its class)."""
    return type(name, (_Input,), {"value_type": value_type, "label": label, "formula": formula})


def _age_band(scheme: str) -> type[Variable]:
    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        node = parameters(period.start)[scheme]
        age = person("age", period)
        ok = np.ones_like(age, dtype=bool)
        if "minimum_age" in node:
            ok = ok & (age >= node.minimum_age)
        if "maximum_age" in node:
            ok = ok & (age <= node.maximum_age)
        return ok

    return _variable(f"{scheme}_age_ok", bool, f"{scheme}: the age is in the band", formula)


def _income_ok(scheme: str, income: str, ceiling: str) -> type[Variable]:
    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return person(income, period) <= parameters(period.start)[scheme][ceiling]

    return _variable(f"{scheme}_income_ok", bool, f"{scheme}: income within the ceiling", formula)


def _residence_ok(scheme: str) -> type[Variable]:
    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        least = parameters(period.start)[scheme].minimum_years_resident
        return person("native", period) | (person("years_resident", period) >= least)

    label = f"{scheme}: a native, or a resident for long enough"
    return _variable(f"{scheme}_residence_ok", bool, label, formula)


class old_crafts_pension_craft_years_ok(_Input):
    value_type = bool
    label = "Old crafts persons' pension: the craft practised in Puducherry long enough"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        least = parameters(period.start).old_crafts_pension.minimum_years_in_craft
        return person("years_in_craft", period) >= least


class pm_vishwakarma_loans(_Input):
    value_type = float
    label = "PM Vishwakarma: the two loan tranches together, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        loan = parameters(period.start).pm_vishwakarma.loan
        return np.full(person.count, loan.first_tranche + loan.second_tranche, dtype=np.float64)


class pm_vishwakarma_digital_incentive_max(_Input):
    value_type = float
    label = "PM Vishwakarma: digital transaction incentive, rupees a month, at most"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        node = parameters(period.start).pm_vishwakarma.digital_incentive
        most = node.per_transaction * node.monthly_transactions_max
        return np.full(person.count, most, dtype=np.float64)


class handicrafts_training_stipend(_Input):
    value_type = float
    label = "Training in handicrafts: the stipend over the whole training, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        node = parameters(period.start).handicrafts_training
        total = node.stipend_per_month * node.training_months
        return np.full(person.count, total, dtype=np.float64)


class kerala_asha_priority(_Input):
    value_type = bool
    label = "Kerala ASHA: a young (by age), woman or SC/ST artisan"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        node = parameters(period.start).kerala_asha.priority
        age = person("age", period)
        young = (age >= node.young_from_age) & (age <= node.young_to_age)
        return young | person("woman", period) | person("sc_or_st", period)


class kerala_asha_rate(_Input):
    value_type = float
    label = "Kerala ASHA: the grant, a share of the fixed capital investment"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        node = parameters(period.start).kerala_asha
        priority = person("kerala_asha_priority", period)
        return np.where(priority, node.priority.rate, node.others.rate)


class kerala_asha_cap(_Input):
    value_type = float
    label = "Kerala ASHA: the grant, at most, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        node = parameters(period.start).kerala_asha
        priority = person("kerala_asha_priority", period)
        return np.where(priority, node.priority.cap, node.others.cap)


class kerala_asha_grant(_Input):
    value_type = float
    label = "Kerala ASHA: the grant, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        share = person("kerala_asha_rate", period) * person("fixed_capital_investment", period)
        return np.minimum(share, person("kerala_asha_cap", period))


class wb_handloom_weaver_assistance(_Input):
    value_type = float
    label = "West Bengal handloom weaver: the one-time assistance, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        node = parameters(period.start).wb_handloom_weaver
        total = node.workshed_and_loom + node.raw_material
        return np.full(person.count, total, dtype=np.float64)


class khadi_karigar_bima_group_ok(_Input):
    value_type = bool
    label = "Khadi Karigar Bima: the group is large enough"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        least = parameters(period.start).khadi_karigar_bima.minimum_group_members
        return person("group_members", period) >= least


class khadi_workshed_share(_Input):
    value_type = float
    label = "Khadi work-shed: assistance, a share of the work-shed's cost"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        share = parameters(period.start).khadi_workshed.individual.share
        return np.where(person("north_eastern_region", period), share.ner, share.elsewhere)


class khadi_workshed_grant(_Input):
    value_type = float
    label = "Khadi work-shed: assistance for an individual work-shed, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        cap = parameters(period.start).khadi_workshed.individual.cap
        share = person("khadi_workshed_share", period) * person("workshed_cost", period)
        return np.minimum(share, cap)


def crafts_inputs(profile: Profile) -> dict[str, Any]:
    """The profile's facts these formulas read, by variable (None: not stated)."""
    p = profile
    return {
        "family_income": p.family_income,
        "annual_income": p.annual_income,
        "native": p.native,
        "years_resident": p.years_resident,
        "years_in_craft": p.years_in_craft,
        "fixed_capital_investment": p.fixed_capital_investment,
        "workshed_cost": p.workshed_cost,
        "woman": None if p.gender is None else p.gender == "female",
        "sc_or_st": None if p.social_category is None else p.social_category in ("sc", "st"),
        "group_members": p.group_members,
    }


_FORMULAS: list[type[Variable]] = [
    family_income,
    annual_income,
    native,
    years_resident,
    years_in_craft,
    fixed_capital_investment,
    workshed_cost,
    woman,
    sc_or_st,
    group_members,
    *(_age_band(s) for s in AGE_BANDS),
    *(_residence_ok(s) for s in RESIDENCE),
    *(_income_ok(s, *INCOME[s]) for s in INCOME),
    old_crafts_pension_craft_years_ok,
    pm_vishwakarma_loans,
    pm_vishwakarma_digital_incentive_max,
    handicrafts_training_stipend,
    kerala_asha_priority,
    kerala_asha_rate,
    kerala_asha_cap,
    kerala_asha_grant,
    wb_handloom_weaver_assistance,
    khadi_karigar_bima_group_ok,
    khadi_workshed_share,
    khadi_workshed_grant,
]
CRAFTS_FORMULAS = tuple(_own(v) for v in _FORMULAS)
