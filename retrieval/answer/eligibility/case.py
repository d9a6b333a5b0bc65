"""A case: one profile on one day, its OpenFisca simulation, and the rules each value read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openfisca_core.simulations import SimulationBuilder

from retrieval.answer.eligibility.crafts_formulas import crafts_inputs
from retrieval.answer.eligibility.profile import Profile, canonical_state, in_region
from retrieval.answer.eligibility.rules import (
    ELIGIBLE,
    NEEDS_INFORMATION,
    NOT_ELIGIBLE,
    NOT_MET,
    UNKNOWN,
    Criterion,
    Rule,
    activities,
    editions_of_one,
    first_day,
    rule_at,
)
from retrieval.answer.eligibility.system import rules_system
from retrieval.core.settings import Settings


class Case:
    """One profile on one day: the simulation, and the rules read for each variable."""

    def __init__(self, profile: Profile, settings: Settings) -> None:
        self.profile = profile
        self.day = profile.day
        self.system = rules_system(settings.rules_dir)
        self.rules_dir = settings.rules_dir
        self.notes: list[str] = []
        self.special, self.special_notes = _special_category(profile)
        self.sector = _sector(profile, activities(settings.rules_dir)["sectors"])
        state = canonical_state(profile.state) if profile.state else None
        self.ner = in_region(state, "north_eastern_region")
        self.hill_state = in_region(state, "hill_states")
        self.retail = profile.retail_trade
        if self.retail is None and self.sector in ("manufacturing", "service"):
            self.retail = False  # a manufacturing or service unit is not in retail trade
        inputs = {
            "age": profile.age,
            "education_class": profile.education_class,
            "special_category": self.special,
            "rural": None if profile.area is None else profile.area == "rural",
            "ner_or_hill": bool(self.ner or self.hill_state),
            "manufacturing": None if self.sector is None else self.sector == "manufacturing",
            "project_cost": profile.project_cost,
            "investment": profile.investment,
            "turnover": profile.turnover,
            "exports": profile.exports or 0.0,
            "loan_amount": profile.loan_amount,
            "loan_number": profile.loan_number,
            "earlier_loan_amount": profile.earlier_loan_amount,
            "portfolio_amount": profile.portfolio_amount,
            "portfolio_default": profile.portfolio_default,
            "woman_owned": None if profile.gender is None else profile.gender == "female",
            "north_eastern_region": bool(self.ner),
            "retail_trade": self.retail,
            "infrastructure_project": (
                None
                if profile.cluster_project is None
                else profile.cluster_project == "infrastructure"
            ),
            "land_cost": profile.land_cost,
            "artisans": profile.artisans,
            "hard_intervention_cost": profile.hard_intervention_cost,
            "soft_intervention_cost": profile.soft_intervention_cost,
            **crafts_inputs(profile),
        }
        given = {k: {self.day: v} for k, v in inputs.items() if v is not None}
        self.simulation = SimulationBuilder().build_from_entities(
            self.system, {"applicants": {"applicant": given}}
        )
        self.simulation.trace = True
        self.branches = {
            "manufacturing" if self.sector == "manufacturing" else "service",
            "special" if self.special else "general",
            "rural" if profile.area == "rural" else "urban",
            "ner_or_hill" if (self.ner or self.hill_state) else "standard",
        }

    def value(self, variable: str) -> Any:
        result = self.simulation.calculate(variable, self.day)
        if hasattr(result, "decode_to_str"):
            return result.decode_to_str()[0]
        return result[0].item()

    def read(self, variable: str) -> tuple[Any, tuple[Rule, ...]]:
        """The variable's value, and the rules its computation read on this branch."""
        value = self.value(variable)
        names: list[str] = []
        for tree in self.simulation.tracer.trees:
            if tree.name == variable:
                _collect(tree, names)
        kept = [n for n in dict.fromkeys(names) if self._on_branch(n)]
        return value, tuple(rule_at(self.system.parameters, n, self.day) for n in kept)

    def rule(self, name: str) -> Rule:
        return rule_at(self.system.parameters, name, self.day)

    def rule_on(self, name: str, day: str) -> Rule:
        return rule_at(self.system.parameters, name, day)

    def _on_branch(self, name: str) -> bool:
        exclusive = (
            {"manufacturing", "service"},
            {"general", "special"},
            {"rural", "urban"},
            {"standard", "ner_or_hill"},
        )
        segments = name.split(".")
        parts = set(segments) | {s.split("_")[0] for s in segments}
        return all(not (parts & pair) or bool(parts & pair & self.branches) for pair in exclusive)

    def in_force(self, name: str) -> bool:
        return first_day(self.system.parameters, name) <= self.day


def _collect(node: Any, names: list[str]) -> None:
    names.extend(p.name for p in node.parameters)
    for child in node.children:
        _collect(child, names)


def _special_category(profile: Profile) -> tuple[bool | None, list[str]]:
    """PMEGP's special category: any of its groups; None when the deciding facts are unknown."""
    reasons = []
    if profile.social_category in ("sc", "st", "obc", "minority"):
        reasons.append(
            profile.social_category.upper()
            if profile.social_category != "minority"
            else "a minority community"
        )
    if profile.gender in ("female", "transgender"):
        reasons.append("a woman" if profile.gender == "female" else "transgender")
    if profile.ex_serviceman:
        reasons.append("an ex-serviceman")
    if profile.differently_abled:
        reasons.append("differently abled")
    if profile.state and in_region(profile.state, "north_eastern_region"):
        reasons.append(
            f"the unit is in the North Eastern Region ({canonical_state(profile.state)})"
        )
    if profile.hill_or_border_area or (profile.state and in_region(profile.state, "hill_states")):
        reasons.append("a hill or border area")
    if profile.aspirational_district:
        reasons.append("an aspirational district")
    if reasons:
        return True, reasons
    if profile.social_category == "general" and profile.gender is None:
        return False, []  # "a general-category applicant": PMEGP's General Category row
    if profile.social_category is None or profile.gender is None:
        return None, []
    return False, []


def _sector(profile: Profile, words: dict[str, list[str]]) -> str | None:
    if profile.sector:
        return profile.sector
    if not profile.activity:
        return None
    text = f" {profile.activity.lower()} "
    for sector in ("trading", "service", "manufacturing"):
        if any(f" {w} " in text or f" {w}s " in text for w in words[sector]):
            return sector
    return None


def verdict_of(criteria: list[Criterion]) -> str:
    if any(c.status == NOT_MET for c in criteria):
        return NOT_ELIGIBLE
    if any(c.status == UNKNOWN for c in criteria):
        return NEEDS_INFORMATION
    return ELIGIBLE


def sources_differ(case: Case, rules: Iterable[Rule]) -> list[str]:
    """A note for each rule applied whose value differs from the one an earlier edition of the
    same publication gave (the scheme booklets): both values, their documents and dates."""
    notes = []
    for rule in dict.fromkeys(rules):
        if not rule.earlier:
            continue
        before = case.rule_on(rule.parameter, rule.earlier.split(" from ")[1])
        if not editions_of_one(before.document, rule.document, case.rules_dir):
            continue
        notes.append(
            f"The sources differ on {rule.parameter}: {before.value} in {before.document} "
            f"(p{before.page}, from {before.since}), {rule.value} in {rule.document} "
            f"(p{rule.page}, from {rule.since}); the value in force on {case.day} is applied."
        )
    return notes


def places_read(case: Case) -> list[str]:
    state = canonical_state(case.profile.state) if case.profile.state else None
    if case.ner:
        return [
            f"{state} is read as part of the North Eastern Region (places.yaml, not the corpus)."
        ]
    if case.hill_state:
        return [f"{state} is read as a hill state (places.yaml, not the corpus)."]
    return []
