"""A case to check: who applies, where, for what. Every field may be unknown (None): the checker
asks for what a verdict needs and states what it assumed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from retrieval.core.errors import ConfigError
from retrieval.core.settings import Settings

SOCIAL_CATEGORIES = ("general", "sc", "st", "obc", "minority")
GENDERS = ("female", "male", "transgender")
AREAS = ("rural", "urban")
SECTORS = ("manufacturing", "service", "trading")
LENDERS = (
    "scheduled_commercial_bank",
    "regional_rural_bank",
    "small_finance_bank",
    "cooperative_bank",
    "nbfc",
    "mfi",
    "shg_bank",
    "other",
)
CLUSTER_PROJECTS = ("common_facility_centre", "infrastructure")
_AMOUNTS = (
    "project_cost",
    "investment",
    "turnover",
    "exports",
    "loan_amount",
    "earlier_loan_amount",
    "portfolio_amount",
    "portfolio_default",
    "land_cost",
    "hard_intervention_cost",
    "soft_intervention_cost",
)


@dataclass(frozen=True)
class Profile:
    age: int | None = None
    gender: str | None = None
    social_category: str | None = None
    ex_serviceman: bool | None = None
    differently_abled: bool | None = None
    state: str | None = None
    area: str | None = None  # rural or urban
    hill_or_border_area: bool | None = None
    aspirational_district: bool | None = None
    education_class: int | None = None  # highest class passed
    sector: str | None = None  # manufacturing, service or trading
    activity: str | None = None
    project_cost: float | None = None  # rupees
    investment: float | None = None  # plant and machinery or equipment, rupees
    turnover: float | None = None  # rupees, exports included
    exports: float | None = None
    existing_unit: bool | None = None  # True: an existing PMEGP, REGP or MUDRA unit
    earlier_subsidy: bool | None = None  # a government subsidy under another scheme
    family_member_assisted: bool | None = None  # a spouse already assisted under PMEGP
    first_loan_repaid: bool | None = None
    margin_money_adjusted: bool | None = None  # after the lock-in period
    profit_making: bool | None = None
    # Credit guarantees (PM SVANidhi, CGTMSE)
    loan_amount: float | None = None  # the credit facility sanctioned or asked for, rupees
    lender: str | None = None  # one of LENDERS
    collateral_free: bool | None = None  # without collateral or third-party guarantee
    retail_trade: bool | None = None  # the enterprise is in retail trade
    street_vendor: bool | None = (
        None  # a street vendor with a CoV/ID, survey entry or LoR of the ULB
    )
    loan_number: int | None = None  # which PM SVANidhi loan: 1, 2 or 3
    earlier_loan_amount: float | None = None  # the previous PM SVANidhi loan, rupees
    earlier_loan_repaid: bool | None = None  # the previous loan repaid on time or early
    portfolio_amount: float | None = None  # a lender's portfolio of the financial year, rupees
    portfolio_default: float | None = None  # the amount in default (NPA) in that portfolio
    # Clusters (MSE-CDP, SFURTI)
    cluster_project: str | None = None  # MSE-CDP: common_facility_centre or infrastructure
    land_cost: float | None = None  # land with its development, inside project_cost, rupees
    spv: bool | None = None  # applying as a special purpose vehicle
    artisans: int | None = None  # SFURTI: artisans in the cluster
    traditional_industry: bool | None = None  # artisans of a traditional industry (khadi, coir ...)
    hard_intervention_cost: float | None = None  # SFURTI: CFCs, raw material bank, machinery
    soft_intervention_cost: float | None = None  # SFURTI: skills, exposure visits, marketing ...
    date: str = ""  # the day the case is judged on, ISO; "" is today

    def __post_init__(self) -> None:
        for name, allowed in (
            ("gender", GENDERS),
            ("social_category", SOCIAL_CATEGORIES),
            ("area", AREAS),
            ("sector", SECTORS),
            ("lender", LENDERS),
            ("cluster_project", CLUSTER_PROJECTS),
        ):
            value = getattr(self, name)
            if value is not None and value not in allowed:
                raise ConfigError(f"{name}={value!r} is not one of {', '.join(allowed)}.")
        for name in ("age", "education_class"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 130:
                raise ConfigError(f"{name}={value} is out of range: give a number from 0 to 130.")
        for name in _AMOUNTS:
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ConfigError(f"{name}={value} is negative: give an amount in rupees.")
        if self.loan_number is not None and self.loan_number not in (1, 2, 3):
            raise ConfigError(f"loan_number={self.loan_number} is not 1, 2 or 3.")
        if self.artisans is not None and self.artisans < 0:
            raise ConfigError(f"artisans={self.artisans} is negative: give a number of artisans.")
        default, portfolio = self.portfolio_default, self.portfolio_amount
        if (
            default is not None
            and portfolio is not None
            and not (portfolio > 0 and 0 <= default <= portfolio)
        ):
            raise ConfigError(
                f"portfolio_default={default} must be at most the portfolio "
                f"(portfolio_amount={portfolio}, more than 0)."
            )
        if self.date:
            try:
                dt.date.fromisoformat(self.date)
            except ValueError as exc:
                raise ConfigError(f"date={self.date!r} is not a date: use YYYY-MM-DD.") from exc
        if self.state is not None and canonical_state(self.state) is None:
            raise ConfigError(
                f"state={self.state!r} is not a state or union territory of India: "
                "spell it as in 'Assam' or 'Jammu and Kashmir'."
            )

    @property
    def day(self) -> str:
        return self.date or dt.date.today().isoformat()

    def given(self) -> dict[str, Any]:
        """The facts stated, for display and JSON."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v not in (None, "")}

    def replace(self, **changes: Any) -> Profile:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise ConfigError(
                f"Unknown profile field(s): {', '.join(unknown)}. "
                f"Known: {', '.join(sorted(names))}."
            )
        return cls(**data)


@lru_cache(maxsize=4)
def _places(rules_dir: Path) -> dict[str, Any]:
    path = rules_dir / "places.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Cannot read {path}: {exc}. Restore it from the repository.") from exc
    return dict(data)


def places() -> dict[str, Any]:
    """`<rules_dir>/places.yaml`: states and the regions the rules name (not from the corpus)."""
    return _places(Settings().rules_dir)


def _key(name: str) -> str:
    return " ".join(name.lower().replace("&", "and").split())


def canonical_state(name: str) -> str | None:
    """'assam' -> 'Assam'; 'J&K' -> 'Jammu and Kashmir'; None when it is not one."""
    key = _key(name)
    aliases = {
        "j and k": "Jammu and Kashmir",
        "orissa": "Odisha",
        "nct of delhi": "Delhi",
        "uttaranchal": "Uttarakhand",
        "pondicherry": "Puducherry",
    }
    if key in aliases:
        return aliases[key]
    for state in places()["states_and_union_territories"]:
        if _key(state) == key:
            return str(state)
    return None


def in_region(state: str | None, region: str) -> bool | None:
    """Whether a state is in a region of places.yaml; None when the state is not known."""
    if state is None:
        return None
    found = canonical_state(state)
    return found in places()[region]["states"]


_AMOUNT = re.compile(
    r"^(?:rs\.?|inr|₹)?\s*(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>lakhs?|lacs?|lakh|crores?|cr\.?|"
    r"thousand|k)?$",
    re.IGNORECASE,
)
_UNITS = {"lakh": 1e5, "lac": 1e5, "crore": 1e7, "cr": 1e7, "thousand": 1e3, "k": 1e3}


def parse_amount(text: str | float | int) -> float:
    """'12 lakh' -> 1200000.0; 'Rs 1.5 crore' -> 15000000.0; '12,00,000' -> 1200000.0."""
    if isinstance(text, int | float):
        return float(text)
    found = _AMOUNT.match(text.strip())
    if not found:
        raise ConfigError(
            f"{text!r} is not an amount: write rupees as '1200000', '12 lakh' or '1.5 crore'."
        )
    value = float(found["number"].replace(",", ""))
    unit = (found["unit"] or "").lower().rstrip(".")
    unit = unit[:-1] if unit.endswith("s") else unit
    return value * _UNITS.get(unit, 1.0)
