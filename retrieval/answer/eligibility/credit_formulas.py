"""Formulas of the credit guarantees (PM SVANidhi, CGTMSE) over `corpus/rules/parameters`.

PM SVANidhi's cover is graded on a lender's portfolio of the year: each tier pays its `cover`
share of the loss (a share of the portfolio) between the tier before it and its `upto`. CGTMSE's
cover is one share of the sanctioned credit, chosen by the kind of borrower and the amount.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from openfisca_core.indexed_enums import Enum

from retrieval.answer.eligibility.system import MsmeCategory, _Input, _own

LOANS = ("first_loan", "second_loan", "third_loan")
TIERS = ("first_loss", "second_loss", "third_loss")


def tiers_in_force(loan: Any) -> list[tuple[float, float]]:
    """(upto, cover) of each tier of one loan's node at an instant, lowest first."""
    return [(loan[t].upto, loan[t].cover) for t in TIERS if t in loan and "upto" in loan[t]]


def graded(loss: Any, tiers: list[tuple[float, float]]) -> Any:
    """The share of the portfolio paid for a loss (a share of the portfolio)."""
    paid = np.zeros_like(loss, dtype=np.float64)
    lower = 0.0
    for upto, cover in tiers:
        paid = paid + cover * np.clip(loss - lower, 0.0, upto - lower)
        lower = upto
    return paid


def _by_loan(person: Any, period: Any, parameters: Any, per_loan: Any) -> Any:
    node = parameters(period.start).pm_svanidhi_guarantee
    number = person("loan_number", period)
    return np.select(
        [number == i + 1 for i in range(len(LOANS))],
        [per_loan(tiers_in_force(node[name])) for name in LOANS],
        default=0.0,
    )


class svanidhi_max_cover(_Input):
    value_type = float
    label = "PM SVANidhi: the loss covered, up to this share of the year's portfolio"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return _by_loan(person, period, parameters, lambda tiers: tiers[-1][0] if tiers else 0.0)


class svanidhi_effective_cover(_Input):
    value_type = float
    label = "PM SVANidhi: the most paid, a share of the year's portfolio"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        whole = np.ones_like(person("loan_number", period), dtype=np.float64)
        return _by_loan(person, period, parameters, lambda tiers: graded(whole, tiers))


class svanidhi_loss_share(_Input):
    value_type = float
    label = "PM SVANidhi: the amount in default, a share of the year's portfolio"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        portfolio = person("portfolio_amount", period)
        default = person("portfolio_default", period)
        return np.where(portfolio > 0, default / np.where(portfolio > 0, portfolio, 1.0), 0.0)


class svanidhi_claim(_Input):
    value_type = float
    label = "PM SVANidhi: the claim the trust pays on the year's portfolio, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        loss = person("svanidhi_loss_share", period)
        share = _by_loan(person, period, parameters, lambda tiers: graded(loss, tiers))
        return share * person("portfolio_amount", period)


class svanidhi_loan_limit(_Input):
    value_type = float
    label = "PM SVANidhi: the largest loan of this number (0: the corpus states none)"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        limit = parameters(period.start).pm_svanidhi_guarantee.loan_limit
        number = person("loan_number", period)
        earlier = person("earlier_loan_amount", period)
        nxt = np.where(
            earlier > 0,
            np.minimum(limit.next_loan_share_of_earlier * earlier, limit.next_loan_ceiling),
            limit.next_loan_ceiling,
        )
        return np.select([number == 1, number == 2], [limit.first_loan, nxt], default=0.0)


class CoverBasis(Enum):
    retail = "retail trade, credit within the band"
    micro = "micro enterprise, credit up to the limit"
    women = "owned or operated by a woman"
    ner = "North East Region, credit up to the limit"
    others = "others"
    unstated = "retail trade outside the band: no rate stated"


class cgtmse_cover_basis(_Input):
    value_type = Enum
    possible_values = CoverBasis
    default_value = CoverBasis.others
    label = "CGTMSE: which of the booklet's cover rates applies"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        cover = parameters(period.start).cgtmse.cover
        loan = person("loan_amount", period)
        retail = person("retail_trade", period)
        micro = person("msme_category", period) == MsmeCategory.micro
        band = (loan >= cover.retail.credit_from) & (loan <= cover.retail.credit_upto)
        return np.select(
            [
                retail & band,
                micro & (loan <= cover.micro.credit_upto),
                person("woman_owned", period),
                person("north_eastern_region", period) & (loan <= cover.ner.credit_upto),
                retail,
            ],
            [
                CoverBasis.retail,
                CoverBasis.micro,
                CoverBasis.women,
                CoverBasis.ner,
                CoverBasis.unstated,
            ],
            default=CoverBasis.others,
        )


class cgtmse_cover_rate(_Input):
    value_type = float
    label = "CGTMSE: guarantee cover, a share of the sanctioned credit (0: not stated)"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        cover = parameters(period.start).cgtmse.cover
        basis = person("cgtmse_cover_basis", period)
        return np.select(
            [
                basis == CoverBasis.retail,
                basis == CoverBasis.micro,
                basis == CoverBasis.women,
                basis == CoverBasis.ner,
                basis == CoverBasis.others,
            ],
            [
                cover.retail.rate,
                cover.micro.rate,
                cover.women.rate,
                cover.ner.rate,
                cover.others.rate,
            ],
            default=0.0,
        )


class cgtmse_cover(_Input):
    value_type = float
    label = "CGTMSE: guarantee cover, rupees"

    def formula(person, period, parameters):  # type: ignore[no-untyped-def]
        return person("cgtmse_cover_rate", period) * person("loan_amount", period)


CREDIT_FORMULAS = tuple(
    _own(v)
    for v in (
        svanidhi_max_cover,
        svanidhi_effective_cover,
        svanidhi_loss_share,
        svanidhi_claim,
        svanidhi_loan_limit,
        cgtmse_cover_basis,
        cgtmse_cover_rate,
        cgtmse_cover,
    )
)
