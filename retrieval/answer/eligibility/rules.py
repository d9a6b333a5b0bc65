"""What a check reports, and how a rule applied is found with its reference."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from retrieval.core.errors import ConfigError

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not eligible"
NEEDS_INFORMATION = "needs information"
NO_RULE = "no rule for this date"

MET, NOT_MET, UNKNOWN, ASSUMED = "met", "not met", "unknown", "assumed"


@dataclass(frozen=True)
class Rule:
    """One dated value applied to the case, and the clause that states it."""

    parameter: str
    value: Any
    since: str  # the date this value is in force from
    document: str  # path in the corpus, e.g. pdf/PMEGP_Guidelines_KVIC_certified_2022-23.pdf
    page: int
    clause: str
    figure: str = ""
    earlier: str = ""  # the value it replaced and from when, if any: "2500000 from 2018-09-14"


@dataclass(frozen=True)
class Criterion:
    name: str
    status: str  # met, not met, unknown, assumed
    text: str
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class Benefit:
    name: str
    value: float
    text: str
    rules: tuple[Rule, ...] = ()


@dataclass(frozen=True)
class SchemeResult:
    scheme: str
    title: str
    verdict: str
    criteria: tuple[Criterion, ...] = ()
    benefits: tuple[Benefit, ...] = ()
    missing: tuple[str, ...] = ()  # facts a verdict or a benefit needs, as questions
    changes: tuple[str, ...] = ()  # what would change the verdict
    notes: tuple[str, ...] = ()  # assumptions made, rules that changed, places read

    def rules(self) -> list[Rule]:
        seen: dict[tuple[str, str], Rule] = {}
        groups: list[tuple[Rule, ...]] = [c.rules for c in self.criteria]
        groups += [b.rules for b in self.benefits]
        for rules in groups:
            for rule in rules:
                seen.setdefault((rule.parameter, rule.since), rule)
        return list(seen.values())

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Check:
    day: str
    profile: dict[str, Any]
    results: tuple[SchemeResult, ...]
    timings: dict[str, float] = field(default_factory=dict)

    def result(self, scheme: str) -> SchemeResult:
        for result in self.results:
            if result.scheme == scheme:
                return result
        raise KeyError(scheme)

    def to_dict(self) -> dict[str, Any]:
        return {
            "day": self.day,
            "profile": self.profile,
            "results": [r.to_dict() for r in self.results],
            "timings": self.timings,
        }


def node_at(parameters: Any, name: str) -> Any | None:
    """The parameter (or node) `name` ('pmegp.new_unit.minimum_age'), or None if absent."""
    node = parameters
    for part in name.split("."):
        children = getattr(node, "children", {})
        if part not in children:
            return None
        node = children[part]
    return node


def _parameter(parameters: Any, name: str) -> Any:
    node = node_at(parameters, name)
    if node is None or hasattr(node, "children"):
        raise ConfigError(f"No rule parameter {name!r} in corpus/rules/parameters.")
    return node


def rule_at(parameters: Any, name: str, day: str) -> Rule:
    """The value of parameter `name` in force on `day`, with its reference."""
    node = _parameter(parameters, name)
    values = sorted(node.values_list, key=lambda v: v.instant_str, reverse=True)
    for position, at in enumerate(values):
        if at.instant_str <= day and at.value is not None:
            ref = (at.metadata or {}).get("reference") or {}
            earlier = ""
            if position + 1 < len(values) and values[position + 1].value != at.value:
                before = values[position + 1]
                earlier = f"{before.value} from {before.instant_str}"
            return Rule(
                parameter=name,
                value=at.value,
                since=at.instant_str,
                document=str(ref.get("document", "")),
                page=int(ref.get("page", 0)),
                clause=" ".join(str(ref.get("clause", "")).split()),
                figure=str(ref.get("figure", "")),
                earlier=earlier,
            )
    raise LookupError(f"{name} has no value on {day}")


def first_day(parameters: Any, name: str) -> str:
    node = _parameter(parameters, name)
    return min(v.instant_str for v in node.values_list)


def references(parameters: Any) -> list[tuple[str, str, Any, dict[str, Any]]]:
    """Every dated value of every parameter: (name, since, value, reference)."""
    found: list[tuple[str, str, Any, dict[str, Any]]] = []

    def walk(node: Any, prefix: str) -> None:
        if hasattr(node, "children"):
            for key, child in node.children.items():
                walk(child, f"{prefix}.{key}" if prefix else key)
            return
        for at in node.values_list:
            reference = (at.metadata or {}).get("reference") or {}
            found.append((prefix, at.instant_str, at.value, dict(reference)))

    walk(parameters, "")
    return found


@lru_cache(maxsize=4)
def activities(rules_dir: Path) -> dict[str, Any]:
    path = rules_dir / "activities.yaml"
    try:
        return dict(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Cannot read {path}: {exc}. Restore it from the repository.") from exc


def rupees(amount: float) -> str:
    """Indian style: Rs 4.2 lakh, Rs 1.25 crore, Rs 60,000."""
    if amount >= 1e7:
        return f"Rs {amount / 1e7:.2f}".rstrip("0").rstrip(".") + " crore"
    if amount >= 1e5:
        return f"Rs {amount / 1e5:.2f}".rstrip("0").rstrip(".") + " lakh"
    return f"Rs {amount:,.0f}"


def percent(share: float) -> str:
    return f"{share * 100:g}%"


@lru_cache(maxsize=4)
def _catalogue(path: Path) -> dict[str, dict[str, str]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    header = lines[0].split("\t") if lines else []
    rows = (dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:])
    return {row["path"]: row for row in rows if row.get("path")}


def document_of(rule: Rule, rules_dir: Path) -> dict[str, str]:
    """Title, date and status of the document a rule cites, from `corpus/catalogue.tsv`."""
    row = _catalogue(rules_dir.parent / "catalogue.tsv").get(rule.document, {})
    return {
        "title": row.get("title") or Path(rule.document).stem.replace("_", " "),
        "date": row.get("date", ""),
        "status": row.get("status", ""),
    }


def editions_of_one(first: str, second: str, rules_dir: Path) -> bool:
    """Whether two documents are editions of one publication: `corpus/catalogue.tsv` gives
    them the same official address (the two scheme booklets of the Ministry of MSME)."""
    rows = _catalogue(rules_dir.parent / "catalogue.tsv")
    url = rows.get(first, {}).get("official_url", "")
    return first != second and bool(url) and url == rows.get(second, {}).get("official_url")
