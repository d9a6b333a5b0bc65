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

from retrieval.core import facets
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
CRAFTS = ("handicraft", "handloom", "khadi", "village_industry", "other")
_NIC_CODE = re.compile(r"\d{2,5}")
AMOUNTS = (
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
    "family_income",
    "annual_income",
    "fixed_capital_investment",
    "workshed_cost",
)
_COUNTS = {  # whole numbers of the crafts schemes: (field, most)
    "years_resident": 130,
    "years_in_craft": 130,
    "days_worked": 366,
    "group_members": 1_000_000,
}


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
    # Artisans and weavers (PM Vishwakarma, crafts pensions, grants and insurance, KVIC, Udyam)
    artisan: bool | None = None  # an artisan or craftsperson working with hands and tools
    craft: str | None = None  # one of CRAFTS: handicraft, handloom, khadi, village_industry, other
    vishwakarma_trade: bool | None = None  # in one of PM Vishwakarma's 18 family-based trades
    unorganised_self_employed: bool | None = None  # unorganised sector, self-employed
    availed_credit_scheme_within_5_years: bool | None = None  # PMEGP, PM SVANidhi, Mudra loan
    family_member_beneficiary: bool | None = None  # another family member registered/assisted
    government_servant_in_family: bool | None = None  # the applicant or a family member
    family_income: float | None = None  # the family's income from all sources, rupees a year
    annual_income: float | None = None  # the applicant's own, preceding financial year, rupees
    native: bool | None = None  # a native of the state or UT given
    years_resident: int | None = None  # continuous residence in the state or UT given, years
    years_in_craft: int | None = None  # years practising the craft in the state or UT given
    similar_assistance: bool | None = None  # receives similar financial assistance elsewhere
    award_recipient: bool | None = None  # Shilp Guru, National or State Award, Merit Certificate
    craft_registration: bool | None = None  # registered with the state's handicrafts/handloom dept
    group_members: int | None = None  # members of the artisans' group (Khadi Karigar Bima)
    bpl: bool | None = None  # below the poverty line (BPL category)
    days_worked: int | None = None  # days the artisan works in a year
    msme_registered: bool | None = None  # EM Part-II filed with the DIC, or Udyog Aadhaar
    fixed_capital_investment: float | None = None  # work shed, tools, machinery ..., rupees
    workshed_cost: float | None = None  # a khadi artisan's work-shed with its toilet, rupees
    nic_code: str | None = None  # the activity's NIC 2008 code: 2 (division) to 5 digits
    date: str = ""  # the day the case is judged on, ISO; "" is today

    def __post_init__(self) -> None:
        for name, allowed in (
            ("gender", GENDERS),
            ("social_category", SOCIAL_CATEGORIES),
            ("area", AREAS),
            ("sector", SECTORS),
            ("lender", LENDERS),
            ("cluster_project", CLUSTER_PROJECTS),
            ("craft", CRAFTS),
        ):
            value = getattr(self, name)
            if value is not None and value not in allowed:
                raise ConfigError(f"{name}={value!r} is not one of {', '.join(allowed)}.")
        for name in ("age", "education_class"):
            value = getattr(self, name)
            if value is not None and not 0 <= value <= 130:
                raise ConfigError(f"{name}={value} is out of range: give a number from 0 to 130.")
        for name in AMOUNTS:
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ConfigError(f"{name}={value} is negative: give an amount in rupees.")
        if self.loan_number is not None and self.loan_number not in (1, 2, 3):
            raise ConfigError(f"loan_number={self.loan_number} is not 1, 2 or 3.")
        if self.artisans is not None and self.artisans < 0:
            raise ConfigError(f"artisans={self.artisans} is negative: give a number of artisans.")
        for name, most in _COUNTS.items():
            value = getattr(self, name)
            if value is not None and not 0 <= value <= most:
                raise ConfigError(
                    f"{name}={value} is out of range: give a number from 0 to {most}."
                )
        if self.nic_code is not None and not (
            isinstance(self.nic_code, str) and _NIC_CODE.fullmatch(self.nic_code)
        ):
            raise ConfigError(
                f"nic_code={self.nic_code!r} is not an NIC code: give its 2 to 5 digits, "
                "e.g. '13' (a division) or '13121'."
            )
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


def canonical_state(name: str) -> str | None:
    """'assam' -> 'Assam'; 'J&K' -> 'Jammu and Kashmir'; None when it is not one (the
    spellings are `corpus/facets.yaml`'s, the one vocabulary of places)."""
    return facets.canonical_state(name)


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
