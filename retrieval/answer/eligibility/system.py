"""The rules as OpenFisca variables: inputs of a profile, and formulas that read the dated
parameters of `corpus/rules/parameters` (each value carries its document, page and clause).

One person is simulated per check, on the day the case is dated, so a superseded value is
never applied to a current case: `parameters(period)` gives the value in force that day.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from openfisca_core.entities import build_entity
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DAY
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

Applicant = build_entity(
    key="applicant",
    plural="applicants",
    label="The person or enterprise whose case is checked",
    is_person=True,
)


class _Input(Variable):
    """A variable of the applicant, defined per day. OpenFisca reads a variable's attributes
    from its own class only, so `_Variables` copies these two onto each subclass."""

    entity = Applicant
    definition_period = DAY


class age(_Input):
    value_type = int
    label = "Age in completed years"


class education_class(_Input):
    value_type = int
    label = "Highest school class passed (0: none; 10: matriculation; 12: higher secondary)"


class special_category(_Input):
    value_type = bool
    label = "PMEGP special category (SC, ST, OBC, minority, woman, ex-serviceman, ...)"


class rural(_Input):
    value_type = bool
    label = "The unit is in a rural area"


class ner_or_hill(_Input):
    value_type = bool
    label = "The unit is in the North Eastern Region or a hill state"


class manufacturing(_Input):
    value_type = bool
    label = "Manufacturing sector (otherwise business, service or trading)"


class project_cost(_Input):
    value_type = float
    label = "Project cost in rupees (land excluded)"


class investment(_Input):
    value_type = float
    label = "Investment in plant and machinery or equipment, rupees"


class turnover(_Input):
    value_type = float
    label = "Turnover in rupees, exports included"


class exports(_Input):
    value_type = float
    label = "Exports of goods or services in rupees"


class loan_amount(_Input):
    value_type = float
    label = "Credit facility sanctioned or asked for, rupees"


class loan_number(_Input):
    value_type = int
    label = "Which PM SVANidhi loan: 1, 2 or 3"


class earlier_loan_amount(_Input):
    value_type = float
    label = "The previous PM SVANidhi loan, rupees"


class portfolio_amount(_Input):
    value_type = float
    label = "A lender's guaranteed portfolio of the financial year, rupees"


class portfolio_default(_Input):
    value_type = float
    label = "Amount in default (NPA) in that portfolio, rupees"


class woman_owned(_Input):
    value_type = bool
    label = "The enterprise is owned or operated by a woman (the applicant's gender)"


class north_eastern_region(_Input):
    value_type = bool
    label = "The unit is in the North Eastern Region"


class retail_trade(_Input):
    value_type = bool
    label = "The enterprise is in retail trade"


class infrastructure_project(_Input):
    value_type = bool
    label = "MSE-CDP: an infrastructure development project (otherwise a Common Facility Centre)"


class land_cost(_Input):
    value_type = float
    label = "Cost of the land with its development, inside the project cost, rupees"


class artisans(_Input):
    value_type = int
    label = "SFURTI: number of artisans in the cluster"


class hard_intervention_cost(_Input):
    value_type = float
    label = "SFURTI: hard intervention cost (CFCs, raw material banks, machinery), rupees"


class soft_intervention_cost(_Input):
    value_type = float
    label = "SFURTI: soft intervention cost (skills, exposure visits, marketing ...), rupees"


def _pmegp(parameters: Any, period: Any) -> Any:
    return parameters(period.start).pmegp


class pmegp_age_ok(_Input):
    value_type = bool
    label = "PMEGP new unit: old enough"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return person("age", period) >= _pmegp(parameters, period).new_unit.minimum_age


class pmegp_education_needed(_Input):
    value_type = bool
    label = "PMEGP new unit: the project cost needs a class passed"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        rule = _pmegp(parameters, period).new_unit.education
        above = np.where(
            person("manufacturing", period),
            rule.manufacturing_cost_above,
            rule.service_cost_above,
        )
        return person("project_cost", period) > above


class pmegp_education_ok(_Input):
    value_type = bool
    label = "PMEGP new unit: the education asked for the project cost"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        needed = person("pmegp_education_needed", period)
        rule = _pmegp(parameters, period).new_unit.education
        return ~needed | (person("education_class", period) >= rule.minimum_class)


class pmegp_max_project_cost(_Input):
    value_type = float
    label = "PMEGP new unit: largest project cost admissible for margin money"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        cap = _pmegp(parameters, period).new_unit.max_project_cost
        return np.where(person("manufacturing", period), cap.manufacturing, cap.service)


class pmegp_margin_money_rate(_Input):
    value_type = float
    label = "PMEGP new unit: margin money as a share of the project cost"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        rate = _pmegp(parameters, period).new_unit.margin_money_rate
        is_rural = person("rural", period)
        general = np.where(is_rural, rate.general.rural, rate.general.urban)
        special = np.where(is_rural, rate.special.rural, rate.special.urban)
        return np.where(person("special_category", period), special, general)


class pmegp_margin_money(_Input):
    value_type = float
    label = "PMEGP new unit: margin money (subsidy), rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        admissible = np.minimum(
            person("project_cost", period), person("pmegp_max_project_cost", period)
        )
        return person("pmegp_margin_money_rate", period) * admissible


class pmegp_own_contribution_rate(_Input):
    value_type = float
    label = "PMEGP new unit: the beneficiary's contribution as a share of the project cost"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        share = _pmegp(parameters, period).new_unit.own_contribution
        return np.where(person("special_category", period), share.special, share.general)


class pmegp_own_contribution(_Input):
    value_type = float
    label = "PMEGP new unit: the beneficiary's contribution, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return person("pmegp_own_contribution_rate", period) * person("project_cost", period)


class pmegp_upgrade_rate(_Input):
    value_type = float
    label = "PMEGP second loan: subsidy as a share of the upgradation cost"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        rate = _pmegp(parameters, period).upgradation.subsidy_rate
        return np.where(person("ner_or_hill", period), rate.ner_or_hill, rate.standard)


class pmegp_upgrade_max_cost(_Input):
    value_type = float
    label = "PMEGP second loan: largest upgradation cost admissible for the subsidy"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        cap = _pmegp(parameters, period).upgradation.max_project_cost
        return np.where(person("manufacturing", period), cap.manufacturing, cap.service)


class pmegp_upgrade_subsidy(_Input):
    value_type = float
    label = "PMEGP second loan: subsidy, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        admissible = np.minimum(
            person("project_cost", period), person("pmegp_upgrade_max_cost", period)
        )
        return person("pmegp_upgrade_rate", period) * admissible


class pmegp_upgrade_own_contribution(_Input):
    value_type = float
    label = "PMEGP second loan: the beneficiary's contribution, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        share = _pmegp(parameters, period).upgradation.own_contribution
        return share * person("project_cost", period)


class MsmeCategory(Enum):
    micro = "Micro"
    small = "Small"
    medium = "Medium"
    none = "Not an MSME"


class msme_turnover(_Input):
    value_type = float
    label = "Turnover that classifies: exports left out"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        excluded = parameters(period.start).msme_classification.exports_excluded_from_turnover
        return person("turnover", period) - excluded * person("exports", period)


class msme_category(_Input):
    value_type = Enum
    possible_values = MsmeCategory
    default_value = MsmeCategory.none
    label = "MSME category by the composite criterion of investment and turnover"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        limits = parameters(period.start).msme_classification
        invested = person("investment", period)
        sales = person("msme_turnover", period)

        def within(node: Any) -> Any:
            return (invested <= node.investment_limit) & (sales <= node.turnover_limit)

        return np.select(
            [within(limits.micro), within(limits.small), within(limits.medium)],
            [MsmeCategory.micro, MsmeCategory.small, MsmeCategory.medium],
            default=MsmeCategory.none,
        )


def _own(variable: type[Variable]) -> type[Variable]:
    variable.entity = Applicant
    variable.definition_period = DAY
    return variable


VARIABLES = tuple(
    _own(v)
    for v in (
        age,
        education_class,
        special_category,
        rural,
        ner_or_hill,
        manufacturing,
        project_cost,
        investment,
        turnover,
        exports,
        pmegp_age_ok,
        pmegp_education_needed,
        pmegp_education_ok,
        pmegp_max_project_cost,
        pmegp_margin_money_rate,
        pmegp_margin_money,
        pmegp_own_contribution_rate,
        pmegp_own_contribution,
        pmegp_upgrade_rate,
        pmegp_upgrade_max_cost,
        pmegp_upgrade_subsidy,
        pmegp_upgrade_own_contribution,
        msme_turnover,
        msme_category,
        loan_amount,
        loan_number,
        earlier_loan_amount,
        portfolio_amount,
        portfolio_default,
        woman_owned,
        north_eastern_region,
        retail_trade,
        infrastructure_project,
        land_cost,
        artisans,
        hard_intervention_cost,
        soft_intervention_cost,
    )
)


class KarigarRules(TaxBenefitSystem):
    """The schemes' rules: our variables over the parameters in `<rules_dir>/parameters`."""

    def __init__(self, rules_dir: Path) -> None:
        # The guarantee, cluster and crafts formulas subclass `_Input`, so they are imported here.
        from retrieval.answer.eligibility.cluster_formulas import CLUSTER_FORMULAS
        from retrieval.answer.eligibility.crafts_formulas import CRAFTS_FORMULAS
        from retrieval.answer.eligibility.credit_formulas import CREDIT_FORMULAS

        super().__init__([Applicant])
        for variable in VARIABLES + CREDIT_FORMULAS + CLUSTER_FORMULAS + CRAFTS_FORMULAS:
            loaded = self.add_variable(variable)
            if loaded.value_type is float:
                # OpenFisca stores floats as float32, whose 24-bit mantissa reads Rs 2,50,00,001
                # as Rs 2.5 crore and 35% as 0.3499999940: money and rates need float64.
                loaded.dtype = np.float64
        self.load_parameters(str(rules_dir / "parameters"))


@lru_cache(maxsize=4)
def rules_system(rules_dir: Path) -> KarigarRules:
    """Loaded once per folder (about 0.1 s): parameters are parsed and checked by OpenFisca."""
    return KarigarRules(rules_dir)
