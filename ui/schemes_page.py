"""The web app's Schemes page: every scheme record and guideline matching a state (all-India
schemes match every state), kinds of beneficiary, types, tags and words; a sortable, paged
table with one line each and the count; a chosen row opens its record with its sources.

The matching is `retrieval.search.finder` (the same as the chat's answer to "which
schemes..."); this module reads the form and draws the rows."""

from __future__ import annotations

import math
from collections.abc import Callable

import streamlit as st

from retrieval.core.facets import beneficiary_choices, state_choices, type_choices
from retrieval.core.store import Store
from retrieval.search.finder import SchemeFinder, SchemeQuery, SchemeRow
from ui import web

PAGE_SIZE = 25
ANY_STATE = "Any state"
TYPE_LABELS = {"scheme_record": "scheme record", "scheme_guideline": "guideline"}


def schemes_page(
    store: Store, finder: SchemeFinder, show_page: Callable[[str, int, str, list], None]
) -> None:
    st.header("Find schemes")
    st.caption(
        "Scheme records (secondary: scraped from the national portal) and guidelines. A "
        "state keeps the all-India schemes, which serve every state."
    )
    col1, col2, col3 = st.columns([1, 1, 1])
    state = col1.selectbox("State", (ANY_STATE, *state_choices()), key="sf_state")
    kinds = col2.multiselect("For (any of)", beneficiary_choices(), key="sf_kinds")
    types = col3.multiselect("Type (any of)", type_choices(), key="sf_types")
    col4, col5, col6 = st.columns([2, 1, 1])
    text = col4.text_input(
        "Words", key="sf_text", placeholder="e.g. handloom, exhibition, interest subsidy"
    )
    tags = col5.multiselect("Tags (any of)", finder.tag_choices(), key="sf_tags")
    superseded = col6.checkbox("Superseded too", key="sf_superseded")
    query = SchemeQuery(
        states=() if state == ANY_STATE else (state,),
        beneficiaries=tuple(kinds),
        scheme_types=tuple(types),
        tags=tuple(tags),
        text=text,
        include_superseded=superseded,
    )
    rows = finder.find(query)
    pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
    st.markdown(f"**{len(rows)} of {finder.count()} schemes** · {query.describe()}")
    if not rows:
        st.info("No scheme matches: remove a filter or a word.")
        return
    page = 1
    if pages > 1:
        page = int(st.number_input(f"Page (of {pages})", 1, pages, 1, key="sf_page"))
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    picked = st.dataframe(
        [_row(r) for r in shown],
        hide_index=True,
        key="sf_table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "scheme": st.column_config.TextColumn("scheme", width="medium"),
            "for": st.column_config.TextColumn("for", width="small"),
            "benefit": st.column_config.TextColumn("benefit", width="large"),
            "source": st.column_config.LinkColumn("source", width="small"),
        },
    )
    chosen = picked.selection.rows if picked is not None else []
    if chosen:
        show_record(store, shown[chosen[0]], show_page)
    else:
        st.caption("Choose a row to open its record.")


def _row(r: SchemeRow) -> dict[str, str]:
    return {
        "scheme": r.doc.title,
        "for": r.who,
        "benefit": r.benefit,
        "state": r.facets.place or "not stated",
        "type": ", ".join(r.facets.scheme_types) or TYPE_LABELS.get(r.doc.doc_type, ""),
        "status": r.doc.status,
        "source": r.doc.official_url or (r.doc.source_urls[0] if r.doc.source_urls else ""),
    }


def show_record(
    store: Store, row: SchemeRow, show_page: Callable[[str, int, str, list], None]
) -> None:
    doc = row.doc
    st.subheader(doc.title)
    flag = " · ⚠ superseded" if doc.status == "superseded" else ""
    st.caption(
        f"{TYPE_LABELS.get(doc.doc_type, doc.doc_type)} · {row.facets.place or 'state not stated'}"
        f" · {doc.publisher or doc.department} · {doc.date or 'undated'}{flag} · {doc.path}"
    )
    if doc.status == "superseded":
        st.warning("This document is superseded: check the current guideline.")
    links = [doc.official_url, *doc.source_urls]
    for url in dict.fromkeys(u for u in links if u):
        st.markdown(f"Source: [{url}]({url})")
    if doc.doc_type == "scheme_record":
        text = store.page_text(doc.doc_id, 0) or ""
        spans = [row.benefit_span] if row.benefit_span else []
        body = text.find("\n## ")  # the title line is the heading above
        start = body + 1 if body >= 0 else 0
        st.markdown(
            f"<div class='karigar-page'>{web.record_html(text[start:], spans, start)}</div>",
            unsafe_allow_html=True,
        )
    else:
        show_page(doc.doc_id, 1, doc.path, [])
