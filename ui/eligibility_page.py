"""The web app's Eligibility page: a profile form, each scheme's verdict and benefit, and every
criterion and benefit with the clause behind it, which opens on its page.

The checker is `retrieval.answer.eligibility` (the same as `karigar eligible`); this module only
reads the form into a `Profile` and draws the `Check`. Unknown stays unknown: every choice has
"not stated" and an empty amount is None, so the checker asks for what it needs. The credit
guarantee, cluster and artisan fields sit in folded expanders (`GROUPS`, `CHOICES`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import streamlit as st

from retrieval.answer.eligibility import Check, Profile, SchemeResult, check
from retrieval.answer.eligibility.answer import clause_span
from retrieval.answer.eligibility.profile import (
    CLUSTER_PROJECTS,
    CRAFTS,
    GENDERS,
    LENDERS,
    SECTORS,
    SOCIAL_CATEGORIES,
    parse_amount,
    places,
)
from retrieval.answer.eligibility.rules import ASSUMED, MET, NOT_MET, UNKNOWN, Rule, document_of
from retrieval.core.errors import KarigarError
from retrieval.core.settings import Settings
from retrieval.core.store import Store
from ui import web

NOT_STATED = "not stated"
YES_NO = {NOT_STATED: None, "yes": True, "no": False}
UNIT = {NOT_STATED: None, "a new unit": False, "an existing PMEGP, REGP or MUDRA unit": True}
AMOUNTS = {  # profile field: the form's label
    "project_cost": "Project cost",
    "investment": "Investment",
    "turnover": "Turnover",
    "exports": "Exports",
}
# The expanders' fields (each group stays folded, so the main form stays short): amounts as
# text, whole numbers, yes/no questions and choices, by profile field: (label, help).
GROUPS: dict[str, dict[str, dict[str, str]]] = {
    "Credit guarantees": {
        "amounts": {
            "loan_amount": "Loan amount",
            "earlier_loan_amount": "Earlier PM SVANidhi loan",
            "portfolio_amount": "Lender's portfolio of the year",
            "portfolio_default": "Amount in default (NPA)",
        },
        "yes_no": {
            "street_vendor": "Street vendor (CoV/ID, survey or LoR)",
            "earlier_loan_repaid": "Earlier loan repaid on time",
            "collateral_free": "Without collateral or third-party guarantee",
            "retail_trade": "In retail trade",
        },
    },
    "Clusters": {
        "amounts": {
            "land_cost": "Land with its development",
            "hard_intervention_cost": "SFURTI hard interventions",
            "soft_intervention_cost": "SFURTI soft interventions",
        },
        "counts": {"artisans": "Artisans in the cluster"},
        "yes_no": {
            "spv": "Applying as a special purpose vehicle (SPV)",
            "traditional_industry": "Artisans of a traditional industry",
        },
    },
    "Artisans and weavers": {
        "amounts": {
            "family_income": "Family income a year (all sources)",
            "annual_income": "Own income, last financial year",
            "fixed_capital_investment": "Fixed capital investment",
            "workshed_cost": "Work-shed cost (with toilet)",
        },
        "counts": {
            "years_resident": "Years resident in the state",
            "years_in_craft": "Years practising the craft",
            "days_worked": "Days worked a year",
            "group_members": "Members of the artisans' group",
        },
        "yes_no": {
            "artisan": "Artisan working with hands and tools",
            "vishwakarma_trade": "In one of PM Vishwakarma's 18 family trades",
            "unorganised_self_employed": "Self-employed, unorganised sector",
            "availed_credit_scheme_within_5_years": "PMEGP/PM SVANidhi/Mudra loan in 5 years",
            "family_member_beneficiary": "Another family member already registered",
            "government_servant_in_family": "Government servant in the family",
            "native": "Native of the state",
            "similar_assistance": "Receives similar assistance elsewhere",
            "award_recipient": "Shilp Guru, National or State Award",
            "craft_registration": "Registered with the state's handicrafts dept",
            "bpl": "BPL category",
            "msme_registered": "EM Part-II or Udyog Aadhaar filed",
        },
    },
}
CHOICES = {  # profile field: (label, options, group)
    "lender": ("Lender", LENDERS, "Credit guarantees"),
    "loan_number": ("PM SVANidhi loan", (1, 2, 3), "Credit guarantees"),
    "cluster_project": ("MSE-CDP project", CLUSTER_PROJECTS, "Clusters"),
    "craft": ("Craft", CRAFTS, "Artisans and weavers"),
}
_AMOUNT_LABELS = {
    **AMOUNTS,
    **{k: v for g in GROUPS.values() for k, v in g.get("amounts", {}).items()},
}
MARKS = {MET: "✓", NOT_MET: "✗", UNKNOWN: "?", ASSUMED: "~"}
_LABELS = {"sc": "SC", "st": "ST", "obc": "OBC"}

ShowPage = Callable[[str, int, str, list[tuple[int, int]]], None]


# -- what is not Streamlit: testable without a browser -------------------------------------
def profile_from_form(values: dict[str, Any]) -> tuple[Profile | None, list[str]]:
    """The form's values (the widgets' raw choices) as a Profile, or the errors, each naming
    its field and what to write."""
    errors: list[str] = []
    data: dict[str, Any] = {}
    for name, label in _AMOUNT_LABELS.items():
        text = str(values.get(name) or "").strip()
        if not text:
            continue
        try:
            data[name] = parse_amount(text)
        except KarigarError as exc:
            errors.append(f"{label}: {exc}")
    counts = [n for g in GROUPS.values() for n in g.get("counts", {})]
    for name in ("age", "education_class", *counts):
        if values.get(name) is not None:
            data[name] = int(values[name])
    for name in ("gender", "social_category", "area", "sector", *CHOICES):
        if values.get(name) not in (None, NOT_STATED):
            data[name] = values[name]
    for name in (
        "ex_serviceman",
        "differently_abled",
        "hill_or_border_area",
        "aspirational_district",
        "earlier_subsidy",
        "family_member_assisted",
        "first_loan_repaid",
        "margin_money_adjusted",
        "profit_making",
        *(n for g in GROUPS.values() for n in g.get("yes_no", {})),
    ):
        data[name] = YES_NO[values.get(name) or NOT_STATED]
    data["nic_code"] = str(values.get("nic_code") or "").strip() or None
    data["existing_unit"] = UNIT[values.get("existing_unit") or NOT_STATED]
    data["state"] = values.get("state") or None
    data["activity"] = str(values.get("activity") or "").strip() or None
    day = values.get("date")
    data["date"] = day.isoformat() if isinstance(day, dt.date) else str(day or "")
    if errors:
        return None, errors
    try:
        return Profile(**data), []
    except KarigarError as exc:
        return None, [str(exc)]


def benefit_summary(result: SchemeResult) -> str:
    """The amounts where the checker could work them out, else the rates: 'Margin money Rs 4.2
    lakh (35% of Rs 12 lakh); ...'."""
    names = {b.name.lower() for b in result.benefits}
    parts = []
    for benefit in result.benefits:
        name = benefit.name.lower()
        if name.endswith(" rate") and name.removesuffix(" rate") in names:
            continue  # the amount says it, with its rate
        amount, _, how = benefit.text.rstrip(".").partition(": ")
        parts.append(f"{benefit.name} {amount} ({how})" if how else f"{benefit.name}: {amount}")
    return "; ".join(parts)


# -- the page -----------------------------------------------------------------------------
def eligibility_page(store: Store, settings: Settings, show_page: ShowPage) -> None:
    st.header("Eligibility")
    st.caption(
        "Who may apply, and for how much: the rules as the guidelines state them, each "
        "criterion with its clause. Leave what you do not know as it is: the check says what "
        "it still needs."
    )
    submitted, values = profile_form()
    if submitted:
        profile, errors = profile_from_form(values)
        st.session_state.el_errors = errors
        st.session_state.el_check = None
        if profile is not None:
            try:
                st.session_state.el_check = check(profile, settings)
            except KarigarError as exc:
                st.session_state.el_errors = [str(exc)]
    for error in st.session_state.get("el_errors", []):
        st.error(error)
    result = st.session_state.get("el_check")
    if result is not None:
        show_check(result, store, settings, show_page)


def _choice(column: Any, label: str, options: Any, key: str, **kwargs: Any) -> Any:
    return column.selectbox(label, [NOT_STATED, *options], key=key, **kwargs)


def profile_form() -> tuple[bool, dict[str, Any]]:
    """The form; its values as the widgets give them (amounts as text)."""
    v: dict[str, Any] = {}
    states = ["", *places()["states_and_union_territories"]]
    with st.form("eligibility_form"):
        st.markdown("**Applicant**")
        c1, c2, c3 = st.columns(3)
        v["age"] = c1.number_input(
            "Age (years)", 0, 130, value=None, step=1, key="el_age", placeholder=NOT_STATED
        )
        v["gender"] = _choice(c2, "Gender", GENDERS, "el_gender")
        v["social_category"] = _choice(
            c3,
            "Social category",
            SOCIAL_CATEGORIES,
            "el_category",
            format_func=lambda x: _LABELS.get(x, x),
        )
        v["ex_serviceman"] = _choice(c1, "Ex-serviceman", ("yes", "no"), "el_ex_serviceman")
        v["differently_abled"] = _choice(
            c2, "Differently abled", ("yes", "no"), "el_differently_abled"
        )
        v["education_class"] = c3.number_input(
            "Highest class passed",
            0,
            20,
            value=None,
            step=1,
            key="el_education",
            placeholder=NOT_STATED,
        )
        st.markdown("**Place**")
        c1, c2, c3, c4 = st.columns(4)
        v["state"] = c1.selectbox(
            "State or UT", states, key="el_state", format_func=lambda x: x or NOT_STATED
        )
        v["area"] = _choice(c2, "Rural or urban", ("rural", "urban"), "el_area")
        v["hill_or_border_area"] = _choice(c3, "Hill or border area", ("yes", "no"), "el_hill")
        v["aspirational_district"] = _choice(
            c4, "Aspirational district", ("yes", "no"), "el_aspirational"
        )
        st.markdown("**Unit**")
        c1, c2, c3 = st.columns(3)
        v["sector"] = _choice(c1, "Sector", SECTORS, "el_sector")
        v["activity"] = c2.text_input(
            "Activity", key="el_activity", placeholder="e.g. handloom weaving"
        )
        v["existing_unit"] = c3.selectbox("New or existing", list(UNIT), key="el_unit")
        c1, c2, c3, c4 = st.columns(4)
        hint = "Rupees: 1200000, '12 lakh' or '1.5 crore'; empty if not known."
        for column, (name, label) in zip((c1, c2, c3, c4), AMOUNTS.items(), strict=True):
            v[name] = column.text_input(label, key=f"el_{name}", help=hint)
        st.markdown("**Earlier assistance and second loan**")
        c1, c2, c3 = st.columns(3)
        v["earlier_subsidy"] = _choice(
            c1, "Earlier government subsidy", ("yes", "no"), "el_earlier_subsidy"
        )
        v["family_member_assisted"] = _choice(
            c2, "Spouse already assisted (PMEGP)", ("yes", "no"), "el_family"
        )
        v["first_loan_repaid"] = _choice(c3, "First loan repaid", ("yes", "no"), "el_repaid")
        v["margin_money_adjusted"] = _choice(
            c1, "Margin money adjusted after lock-in", ("yes", "no"), "el_adjusted"
        )
        v["profit_making"] = _choice(c2, "Unit making a profit", ("yes", "no"), "el_profit")
        v["date"] = c3.date_input(
            "Judge on",
            value="today",
            min_value=dt.date(2000, 1, 1),
            max_value=dt.date(2100, 12, 31),
            key="el_date",
            help="The rules in force on this day are applied.",
        )
        for title in GROUPS:
            with st.expander(title):
                v.update(_group(title))
        submitted = st.form_submit_button("Check eligibility", key="el_submit", type="primary")
    return submitted, v


def _group(title: str) -> dict[str, Any]:
    """One expander's widgets, three to a row: its choices, amounts, counts and yes/no
    questions, each keyed `el_<field>`; unknown is the default of each."""
    v: dict[str, Any] = {}
    group = GROUPS[title]
    cells = itertools.cycle(st.columns(3))
    hint = "Rupees: 1200000, '12 lakh' or '1.5 crore'; empty if not known."
    for name, (label, options, where) in CHOICES.items():
        if where == title:
            v[name] = _choice(next(cells), label, options, f"el_{name}", format_func=_option_label)
    if title == "Artisans and weavers":
        v["nic_code"] = next(cells).text_input(
            "NIC code (2 to 5 digits)", key="el_nic_code", placeholder="e.g. 13121"
        )
    for name, label in group.get("amounts", {}).items():
        v[name] = next(cells).text_input(label, key=f"el_{name}", help=hint)
    for name, label in group.get("counts", {}).items():
        v[name] = next(cells).number_input(
            label, 0, 1_000_000, value=None, step=1, key=f"el_{name}", placeholder=NOT_STATED
        )
    for name, label in group.get("yes_no", {}).items():
        v[name] = _choice(next(cells), label, ("yes", "no"), f"el_{name}")
    return v


def _option_label(option: Any) -> str:
    return option if option == NOT_STATED else str(option).replace("_", " ")


def show_check(result: Check, store: Store, settings: Settings, show_page: ShowPage) -> None:
    st.caption(f"Judged on {result.day}; the rules in force that day.")
    st.dataframe(
        [
            {
                "scheme": r.title,
                "verdict": r.verdict,
                "benefit": benefit_summary(r),
                "still needed": "; ".join(r.missing),
            }
            for r in result.results
        ],
        hide_index=True,
        key="el_results",
        column_config={
            "scheme": st.column_config.TextColumn(width="medium"),
            "verdict": st.column_config.TextColumn(width="small"),
            "benefit": st.column_config.TextColumn(width="large"),
            "still needed": st.column_config.TextColumn(width="large"),
        },
    )
    doc_ids = {r.doc.path: r.doc.doc_id for r in store.documents().values()}
    for scheme in result.results:
        with st.expander(f"{scheme.title}: {scheme.verdict}", expanded=len(result.results) == 1):
            for i, item in enumerate(scheme.criteria):
                mark = MARKS.get(item.status, "~")
                st.markdown(
                    f"{mark} **{item.name}** ({item.status}): {web.escape_markdown(item.text)}"
                )
                for j, rule in enumerate(item.rules):
                    citation(
                        rule, f"el_c_{scheme.scheme}_{i}_{j}", store, doc_ids, settings, show_page
                    )
            for i, benefit in enumerate(scheme.benefits):
                st.markdown(f"• **{benefit.name}**: {web.escape_markdown(benefit.text)}")
                for j, rule in enumerate(benefit.rules):
                    citation(
                        rule, f"el_b_{scheme.scheme}_{i}_{j}", store, doc_ids, settings, show_page
                    )
            for heading, lines in (
                ("Still needed", scheme.missing),
                ("Would change the verdict", scheme.changes),
                ("Notes", scheme.notes),
            ):
                if lines:
                    st.markdown(f"**{heading}**")
                    st.markdown("\n".join(f"- {web.escape_markdown(x)}" for x in lines))


def citation(
    rule: Rule,
    key: str,
    store: Store,
    doc_ids: dict[str, str],
    settings: Settings,
    show_page: ShowPage,
) -> None:
    """The rule's document, page, status, date in force and clause; a switch opens the page
    with the clause highlighted."""
    doc = document_of(rule, settings.rules_dir)
    status = doc["status"] or "status unknown"
    st.caption(
        f"{doc['title']} · page {rule.page} · {status} · in force from {rule.since}"
        + (f" (replaced the rule of {rule.earlier.partition(' from ')[2]})" if rule.earlier else "")
    )
    if doc["status"] == "superseded":
        st.warning("This document is superseded: check the current guideline.")
    st.markdown(f"> {web.escape_markdown(rule.clause)}")
    doc_id = doc_ids.get(rule.document)
    if doc_id is None:
        st.info(f"{rule.document} is not in the store: ingest it to open its page here.")
        return
    if st.toggle(f"Open page {rule.page}", key=key):
        text = store.page_text(doc_id, rule.page)
        span = clause_span(text, rule.clause) if text else None
        if text and span is None:
            st.caption("The clause was not found in the page text: the page is shown unmarked.")
        show_page(doc_id, rule.page, rule.document, [span] if span else [])
