"""Formulas of the cluster schemes (MSE-CDP, SFURTI) over `corpus/rules/parameters`: the GoI
share of a project's cost, up to the caps the scheme booklet prints."""

from __future__ import annotations

import numpy as np

from retrieval.answer.eligibility.system import _Input, _own


class mse_cdp_assistance_rate(_Input):
    value_type = float
    label = "MSE-CDP: GoI assistance, a share of the project cost"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        cdp = parameters(period.start).mse_cdp
        return np.where(
            person("infrastructure_project", period),
            cdp.infrastructure.assistance_rate,
            cdp.common_facility_centre.assistance_rate,
        )


class mse_cdp_max_project_cost(_Input):
    value_type = float
    label = "MSE-CDP: the largest project cost the assistance is reckoned on"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        cdp = parameters(period.start).mse_cdp
        return np.where(
            person("infrastructure_project", period),
            cdp.infrastructure.max_project_cost,
            cdp.common_facility_centre.max_project_cost,
        )


class mse_cdp_assistance(_Input):
    value_type = float
    label = "MSE-CDP: GoI assistance, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        base = np.minimum(
            person("project_cost", period), person("mse_cdp_max_project_cost", period)
        )
        return person("mse_cdp_assistance_rate", period) * base


class sfurti_hard_rate(_Input):
    value_type = float
    label = "SFURTI: GoI assistance, a share of the hard intervention cost"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        rate = parameters(period.start).sfurti.hard_intervention.assistance_rate
        return np.where(person("ner_or_hill", period), rate.ner_or_hill, rate.standard)


class sfurti_support_cap(_Input):
    value_type = float
    label = "SFURTI: GoI support of the cluster, at most, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        cap = parameters(period.start).sfurti.support_cap
        many = person("artisans", period) > cap.artisans_threshold
        return np.where(many, cap.above_threshold, cap.up_to_threshold)


class sfurti_hard_assistance(_Input):
    value_type = float
    label = "SFURTI: GoI assistance for the hard intervention, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return person("sfurti_hard_rate", period) * person("hard_intervention_cost", period)


class sfurti_soft_assistance(_Input):
    value_type = float
    label = "SFURTI: GoI assistance for the soft intervention (its entire cost, capped), rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        cap = parameters(period.start).sfurti.soft_intervention_cap
        return np.minimum(person("soft_intervention_cost", period), cap)


class sfurti_assistance(_Input):
    value_type = float
    label = "SFURTI: GoI support of the cluster, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        asked = person("sfurti_hard_assistance", period) + person("sfurti_soft_assistance", period)
        return np.minimum(asked, person("sfurti_support_cap", period))


class sfurti_agency_share(_Input):
    value_type = float
    label = "SFURTI: the implementing agency's contribution to the hard intervention, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        node = parameters(period.start).sfurti
        cost = person("hard_intervention_cost", period)
        if "implementing_agency_share" not in node or "standard" not in (
            node.implementing_agency_share
        ):
            return np.zeros_like(cost)
        share = node.implementing_agency_share
        rate = np.where(person("ner_or_hill", period), share.ner_or_hill, share.standard)
        return rate * cost


CLUSTER_FORMULAS = tuple(
    _own(v)
    for v in (
        mse_cdp_assistance_rate,
        mse_cdp_max_project_cost,
        mse_cdp_assistance,
        sfurti_hard_rate,
        sfurti_support_cap,
        sfurti_hard_assistance,
        sfurti_soft_assistance,
        sfurti_assistance,
        sfurti_agency_share,
    )
)
