"""`karigar eligible`: a profile in, for each scheme the verdict, the deciding criteria with the
clause behind each, the benefit, what is missing and what would change the verdict."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from retrieval.answer.eligibility import Check, Profile, check
from retrieval.answer.eligibility.profile import AMOUNTS, parse_amount
from retrieval.answer.eligibility.rules import MET, NOT_MET, UNKNOWN, Rule, document_of
from retrieval.core.errors import ConfigError, KarigarError, show_error
from retrieval.core.settings import load_settings

out = Console()
_MARKS = {MET: "[green]✓[/]", NOT_MET: "[red]✗[/]", UNKNOWN: "[yellow]?[/]"}


def _flag(help_text: str) -> Any:
    return typer.Option(help=help_text, show_default=False)


def eligible_command(
    age: Annotated[int | None, _flag("Age in completed years.")] = None,
    gender: Annotated[str | None, _flag("female, male or transgender.")] = None,
    category: Annotated[
        str | None, _flag("Social category: general, sc, st, obc, minority.")
    ] = None,
    ex_serviceman: Annotated[bool | None, _flag("An ex-serviceman.")] = None,
    differently_abled: Annotated[bool | None, _flag("Differently abled.")] = None,
    state: Annotated[str | None, _flag("State or union territory of the unit.")] = None,
    area: Annotated[str | None, _flag("rural or urban.")] = None,
    hill_area: Annotated[bool | None, _flag("A notified hill or border area.")] = None,
    aspirational_district: Annotated[bool | None, _flag("An aspirational district.")] = None,
    education: Annotated[int | None, _flag("Highest school class passed (8, 10, 12...).")] = None,
    sector: Annotated[str | None, _flag("manufacturing, service or trading.")] = None,
    activity: Annotated[str | None, _flag("What the unit does, e.g. 'handloom weaving'.")] = None,
    project_cost: Annotated[str | None, _flag("Rupees: 1200000, '12 lakh', '1.5 crore'.")] = None,
    investment: Annotated[str | None, _flag("Plant and machinery or equipment, rupees.")] = None,
    turnover: Annotated[str | None, _flag("Turnover in rupees, exports included.")] = None,
    exports: Annotated[str | None, _flag("Exports in rupees.")] = None,
    existing_unit: Annotated[bool | None, _flag("An existing PMEGP/REGP/MUDRA unit.")] = None,
    earlier_subsidy: Annotated[bool | None, _flag("Had a government subsidy before.")] = None,
    family_assisted: Annotated[bool | None, _flag("Spouse already assisted by PMEGP.")] = None,
    first_loan_repaid: Annotated[bool | None, _flag("Second loan: first loan repaid.")] = None,
    margin_money_adjusted: Annotated[bool | None, _flag("Second loan: lock-in done.")] = None,
    profit_making: Annotated[bool | None, _flag("Second loan: the unit makes a profit.")] = None,
    date: Annotated[str | None, _flag("Judge the case on this day (YYYY-MM-DD); today.")] = None,
    scheme: Annotated[
        list[str] | None,
        typer.Option(
            help="pmegp, pmegp_upgradation, msme_classification (repeat); default: "
            "every scheme the profile can be judged for."
        ),
    ] = None,
    fields: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Any other profile field as field=value (repeat): --set nic_code=47110 "
            "--set artisan=true --set loan_amount='40 lakh'. The --json output's 'profile' "
            "names them all.",
        ),
    ] = None,
    profile_file: Annotated[
        Path | None,
        typer.Option(
            "--profile",
            help="A JSON profile (the --json form's 'profile'); - reads "
            "standard input. Options given as well override it.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the check as JSON.")] = False,
) -> None:
    """Is this person or unit eligible, and for how much? Every criterion cited."""
    given = {
        "age": age,
        "gender": gender,
        "social_category": category,
        "ex_serviceman": ex_serviceman,
        "differently_abled": differently_abled,
        "state": state,
        "area": area,
        "hill_or_border_area": hill_area,
        "aspirational_district": aspirational_district,
        "education_class": education,
        "sector": sector,
        "activity": activity,
        "project_cost": project_cost,
        "investment": investment,
        "turnover": turnover,
        "exports": exports,
        "existing_unit": existing_unit,
        "earlier_subsidy": earlier_subsidy,
        "family_member_assisted": family_assisted,
        "first_loan_repaid": first_loan_repaid,
        "margin_money_adjusted": margin_money_adjusted,
        "profit_making": profit_making,
        "date": date,
    }
    try:
        data = _read_profile(profile_file) if profile_file else {}
        data.update(_pairs(fields or []))
        data.update({k: v for k, v in given.items() if v is not None})
        for key in AMOUNTS:
            if data.get(key) is not None:
                data[key] = parse_amount(data[key])
        for key in ("gender", "social_category", "area", "sector"):
            if isinstance(data.get(key), str):
                data[key] = data[key].strip().lower()
        settings = load_settings()
        result = check(Profile.from_dict(data), settings, tuple(scheme) if scheme else None)
    except KarigarError as exc:
        raise typer.Exit(show_error(exc)) from exc
    if as_json:
        out.print_json(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    print_check(result, settings.rules_dir)


def _pairs(pairs: list[str]) -> dict[str, Any]:
    """field=value pairs, each value read as the field's type says (yes/no, a number, text)."""
    types = {f.name: str(f.type) for f in dataclasses.fields(Profile)}
    found: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in types:
            raise ConfigError(
                f"--set {pair!r}: give field=value with a profile field "
                f"({', '.join(sorted(types))})."
            )
        kind, value = types[name], raw.strip()
        if "bool" in kind:
            if value.lower() not in ("true", "false", "yes", "no", "1", "0"):
                raise ConfigError(f"--set {pair!r}: {name} is yes or no (true/false).")
            found[name] = value.lower() in ("true", "yes", "1")
        elif "int" in kind:
            try:
                found[name] = int(value)
            except ValueError as exc:
                raise ConfigError(f"--set {pair!r}: {name} is a whole number.") from exc
        else:
            found[name] = value
    return found


def _read_profile(path: Path) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(
            f"Cannot read the profile {path}: {exc}. Give a JSON object of "
            'fields, e.g. {"age": 45, "state": "Assam"}.'
        ) from exc
    data = data.get("profile", data) if isinstance(data, dict) else data
    if not isinstance(data, dict):
        raise ConfigError(f"The profile {path} is not a JSON object of fields.")
    return dict(data)


def cite(rule: Rule, rules_dir: Path) -> str:
    doc = document_of(rule, rules_dir)
    status = f", {doc['status']}" if doc["status"] else ""
    return f"{doc['title']}{status}, page {rule.page}: “{rule.clause}” (in force from {rule.since})"


def print_check(result: Check, rules_dir: Path) -> None:
    out.print(f"[dim]Judged on {result.day}; rules in force that day.[/]", highlight=False)
    for scheme in result.results:
        out.print(f"\n[bold]{scheme.title}: {scheme.verdict.upper()}[/]", highlight=False)
        for item in scheme.criteria:
            mark = _MARKS.get(item.status, "[dim]~[/]")
            out.print(f"  {mark} {item.name}: {item.text}", highlight=False)
            for rule in item.rules:
                out.print(f"      [dim]{cite(rule, rules_dir)}[/]", highlight=False)
        for benefit in scheme.benefits:
            out.print(f"  [cyan]•[/] {benefit.name}: {benefit.text}", highlight=False)
            for rule in benefit.rules:
                out.print(f"      [dim]{cite(rule, rules_dir)}[/]", highlight=False)
        for question in scheme.missing:
            out.print(f"  [yellow]Needed:[/] {question}", highlight=False)
        for change in scheme.changes:
            out.print(f"  [magenta]Would change it:[/] {change}", highlight=False)
        for note in scheme.notes:
            out.print(f"  [dim]Note: {note}[/]", highlight=False)
