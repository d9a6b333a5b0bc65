"""The web app through Streamlit's AppTest: every page and interaction, over real stores.

The chat runs over the session's full store; the empty-store, upload and delete paths run
over their own small stores. Models load once per process (st.cache_resource), as in the app.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import re
import time
import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from ingest.pipeline import _ingest_lock
from ingest.uploads import check_upload, uploads_dir
from retrieval.answer.chain import REFUSAL
from retrieval.core.settings import PROJECT_ROOT
from ui import web

APP = str(PROJECT_ROOT / "ui" / "app.py")
QUESTION = "What is the margin money subsidy for a special category beneficiary in a rural area under PMEGP?"  # noqa: E501


def _app(monkeypatch, settings) -> AppTest:
    monkeypatch.setenv("KARIGAR_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("KARIGAR_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("KARIGAR_EVAL_RESULTS_DIR", str(settings.data_dir / "eval-results"))
    at = AppTest.from_file(APP, default_timeout=240)
    at.run()
    assert not at.exception, at.exception
    return at


def _ask(at: AppTest, question: str) -> AppTest:
    at.chat_input(key="question").set_value(question).run()
    assert not at.exception, at.exception
    return at


def _texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.fixture
def chat(monkeypatch, full_store):
    return _app(monkeypatch, full_store[0])


@pytest.mark.slow
def test_a_question_gets_a_cited_answer_with_highlighted_sources(chat):
    _ask(chat, QUESTION)
    text = _texts(chat)
    assert "35%" in text and r"\[1\]" in text  # the answer, with its markers shown as such
    labels = [e.label for e in chat.expander]
    assert any(
        label.startswith("[1] PMEGP operational guidelines") and "page 4 (printed page 2)" in label
        for label in labels
    )
    assert "<mark>" in text  # the quoted sentence highlighted inside its passage
    assert "[Official document](https://" in text
    chat.toggle(key="page_1_1").set_value(True).run()  # the whole page, and the PDF drawn
    assert len(chat.image) == 1
    assert "karigar-page" in _texts(chat)


@pytest.mark.slow
def test_an_unpaged_paper_shows_the_quoted_section_not_the_whole_text(chat, full_store):
    _ask(chat, "How was the sample size fixed in the Dimoria Handloom Cluster study?")
    labels = [e.label for e in chat.expander if e.label.startswith("[1]")]
    assert labels and "section “" in labels[0]  # located by its section, not a page
    chat.toggle(key="page_1_1").set_value(True).run()
    assert chat.toggle(key="page_1_1").label == "Show the whole section"
    page = next(m.value for m in chat.markdown if "class='karigar-page'" in m.value)
    assert "<mark>" in page
    store = full_store[2]
    whole = next(
        store.page_text(r.doc.doc_id, 0)
        for r in store.documents().values()
        if r.doc.path.startswith("seeds/sultana-hazarika")
    )
    assert len(page) < 8000 < len(whole)  # the section, not the 36,000-character paper


@pytest.mark.slow
def test_an_off_topic_question_is_refused_with_related_reading(chat):
    _ask(chat, "How do I bake a chocolate cake?")
    assert any(w.value == REFUSAL for w in chat.warning)
    assert "**Related reading**" in _texts(chat)


@pytest.mark.slow
def test_a_follow_up_says_how_it_was_read_and_can_be_asked_as_typed(chat):
    _ask(chat, "What is the maximum project cost for manufacturing units under PMEGP?")
    _ask(chat, "And for service units?")
    read = [i.value for i in chat.info if i.value.startswith("Read with the conversation")]
    assert read == [
        "Read with the conversation as: “What is the maximum project cost for service units "
        "under PMEGP?”"
    ]
    assert "20 lakh" in _texts(chat)
    chat.button(key="as_typed_3").click().run()  # undo the rewrite in one click
    assert not chat.exception, chat.exception
    assert [m["content"] for m in chat.session_state["messages"] if m["role"] == "user"][-1] == (
        "And for service units?"
    )
    last = chat.session_state["messages"][-1]["answer"]
    assert last.standalone_question == "And for service units?"  # asked alone, no history


@pytest.mark.slow
def test_a_new_question_with_its_own_subject_is_not_read_as_a_follow_up(chat):
    _ask(chat, "Which schemes support handloom weavers in Assam?")
    _ask(chat, "Which schemes give loans to women?")
    last = chat.session_state["messages"][-1]["answer"]
    assert last.standalone_question == "Which schemes give loans to women?"
    assert "Assam" not in last.text.split("\n")[0]  # nothing carried from the last question


@pytest.mark.slow
def test_a_programmes_question_lists_every_match_with_a_marker_each(chat):
    _ask(chat, "Which schemes support handloom weavers in Assam?")
    answer = chat.session_state["messages"][-1]["answer"]
    head = answer.text.split("\n")[0]
    assert head.startswith("5 of ") and "state: Assam" in head and "Handloom weavers" in head
    titles = [c.title for c in answer.citations]
    assert "Swanirbhar Naari" in titles and len(titles) == len(set(titles)) == 5
    assert [c.marker for c in answer.citations] == [1, 2, 3, 4, 5]
    labels = [e.label for e in chat.expander if e.label.startswith("[")]
    assert len(labels) == 5 and all("section “Benefits”" in label for label in labels)
    chat.toggle(key="page_1_1").set_value(True).run()  # the record, formatted, quote marked
    page = next(m.value for m in chat.markdown if "class='karigar-page'" in m.value)
    assert "<h4>Eligibility</h4>" in page and "<li>" in page and "<mark>" in page
    assert "## " not in page


@pytest.mark.slow
def test_filters_used_are_said_in_the_answer(chat):
    chat.multiselect(key="f_states").set_value(["Assam"]).run()
    _ask(chat, "What support is there for weavers?")
    notes = [i.value for i in chat.info]
    assert "Searched only: state Assam (all-India documents too)." in notes


@pytest.mark.slow
def test_the_state_filter_offers_each_place_once(chat):
    options = chat.multiselect(key="f_states").options
    assert options[0] == "All India" and len(options) == 37 == len(set(options))
    assert "Dadra and Nagar Haveli and Daman and Diu" in options
    for raw in ("India", "Central", "Agriculture", "Not specified", "All States"):
        assert raw not in options


@pytest.mark.slow
def test_the_schemes_page_finds_counts_and_opens_a_record(chat):
    chat.radio(key="page").set_value("Schemes").run()
    assert not chat.exception, chat.exception
    chat.selectbox(key="sf_state").set_value("Assam").run()
    chat.multiselect(key="sf_kinds").set_value(["Handloom weavers"]).run()
    counts = [m.value for m in chat.markdown if " schemes** · " in m.value]
    assert counts and counts[0].startswith("**5 of ")
    table = chat.dataframe[0].value
    assert list(table.columns) == ["scheme", "for", "benefit", "state", "type", "status", "source"]
    assert "Swanirbhar Naari" in set(table["scheme"]) and set(table["state"]) <= {
        "Assam",
        "All India",
    }
    chat.selectbox(key="sf_state").set_value("Any state").run()
    chat.multiselect(key="sf_kinds").set_value([]).run()
    chat.text_input(key="sf_text").set_value("coir").run()
    coir = [m.value for m in chat.markdown if " schemes** · " in m.value][0]
    assert int(coir.split()[0].strip("*")) >= 10 and "words: “coir”" in coir
    chat.text_input(key="sf_text").set_value("").run()  # all of them: paged by 25
    first = list(chat.dataframe[0].value["scheme"])
    assert len(first) == 25
    chat.number_input(key="sf_page").set_value(2).run()
    second = list(chat.dataframe[0].value["scheme"])
    assert len(second) == 25 and not set(first) & set(second)


@pytest.mark.slow
def test_sidebar_filters_apply_and_are_remembered(chat):
    chat.selectbox(key="f_status").set_value("superseded").run()
    chat.slider(key="k").set_value(4).run()
    _ask(chat, QUESTION)
    assert chat.selectbox(key="f_status").value == "superseded"  # kept across reruns
    assert chat.slider(key="k").value == 4
    labels = [e.label for e in chat.expander if e.label.startswith("[")]
    assert labels and all("superseded" in label for label in labels)
    assert any("superseded" in w.value for w in chat.warning)


@pytest.mark.slow
def test_feedback_is_stored_and_exported_as_questions(chat, full_store):
    settings = full_store[0]
    path = web.feedback_path(settings)
    path.unlink(missing_ok=True)
    _ask(chat, QUESTION)
    chat.feedback(key="fb_1").set_value(1).run()  # the click alone saves the rating
    records = [json.loads(x) for x in path.read_text("utf-8").splitlines()]
    assert len(records) == 1 and records[0]["rating"] == "up" and records[0]["comment"] == ""
    chat.text_input(key="fbc_1").set_value("Right figure, right page").run()
    chat.button(key="fbs_1").click().run()
    records = web.load_feedback(settings)  # one rating per answer: the latest, with comment
    assert len(records) == 1
    assert records[-1]["rating"] == "up" and records[-1]["comment"] == "Right figure, right page"
    assert records[-1]["question"] == QUESTION and records[-1]["citations"]
    exported = json.loads(web.feedback_as_questions(records).splitlines()[-1])
    assert exported["gold"] and exported["question"] == QUESTION
    chat.radio(key="page").set_value("Evaluation").run()
    assert any(b.label.startswith("Export feedback") for b in chat.get("download_button"))


@pytest.mark.slow
def test_the_evaluation_page_shows_the_latest_report(chat, full_store):
    folder = full_store[0].data_dir / "eval-results" / "2026-01-01"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.md").write_text(
        "# Evaluation\n\n| metric | karigar |\n|---|---|\n| page_hit@5 | 0.950 |\n", "utf-8"
    )
    from PIL import Image

    Image.new("RGB", (40, 20), "white").save(folder / "metrics.png")
    chat.radio(key="page").set_value("Evaluation").run()
    assert "page_hit@5" in _texts(chat) and len(chat.image) == 1


def test_an_empty_store_offers_to_ingest_the_reference_corpus(
    monkeypatch, make_settings, mini_corpus
):
    settings = make_settings(mini_corpus)
    at = _app(monkeypatch, settings)
    assert any("is empty" in i.value for i in at.info)
    at.button(key="ingest_reference").click().run()
    assert not at.exception, at.exception
    assert not any("is empty" in i.value for i in at.info)
    at.radio(key="page").set_value("Corpus").run()
    table = at.dataframe[0].value
    assert len(table) == 5 and set(table["ingest"]) == {"complete"}
    # deleting a corpus file's document: confirmed by name, the file stays, the page redraws
    chosen = sorted(table["file"])[0]
    at.selectbox(key="delete_doc").set_value(chosen).run()
    assert any("Its file stays in the corpus folder" in w.value for w in at.warning)
    assert not at.success  # nothing happens before the confirmation
    with _ingest_lock(settings):  # an ingest writing (from another process): refused, kept
        at.button(key="delete_confirm").click().run()
    assert any("another ingest is running" in e.value for e in at.error), at.error
    assert chosen in set(at.dataframe[0].value["file"])
    at.button(key="delete_confirm").click().run()
    assert any(s.value.endswith("its corpus file is kept.") for s in at.success)
    assert len(at.dataframe[0].value) == 4 and chosen not in set(at.dataframe[0].value["file"])
    assert chosen not in [o.split(" — ")[0] for o in at.selectbox(key="delete_doc").options]
    assert (mini_corpus / chosen).exists()
    assert any(c.value.startswith("4 documents, ") for c in at.caption)  # the counts too


def test_upload_checks_content_then_ingests_and_delete_removes(
    monkeypatch, make_settings, mini_corpus, corpus
):
    settings = make_settings(mini_corpus)
    at = _app(monkeypatch, settings)
    at.radio(key="page").set_value("Corpus").run()
    record = (corpus / "schemes" / "Bank_Guarantee_Charges_Reimbursement_Scheme.json").read_bytes()
    at.file_uploader(key="upload").set_value(
        [
            ("guarantee.json", record, "application/json"),
            ("fake.pdf", b"this is not a pdf", "application/pdf"),
        ]
    ).run()
    at.button(key="ingest_uploads").click().run()
    assert not at.exception, at.exception
    assert any("not a PDF" in e.value for e in at.error)
    assert any(s.value.startswith("guarantee.json: added") for s in at.success)
    assert (uploads_dir(settings) / "guarantee.json").exists()
    assert not (uploads_dir(settings) / "fake.pdf").exists()
    files = list(at.dataframe[0].value["file"])  # the table shows it without another run
    uploaded = next(f for f in files if f.endswith("guarantee.json"))
    picker = at.selectbox(key="delete_doc")
    assert picker.value is None  # nothing chosen, nothing deleted, until the user picks
    # exact files, each with its title: no loose match
    assert [o.split(" — ")[0] for o in picker.options] == sorted(files)
    picker.set_value(uploaded).run()
    assert any("Delete “" in w.value and uploaded in w.value for w in at.warning)
    assert any("its file is deleted too" in w.value for w in at.warning)
    at.button(key="delete_confirm").click().run()
    assert not at.exception, at.exception
    assert any(
        s.value.startswith("Deleted") and s.value.endswith("and its uploaded file.")
        for s in at.success
    )
    assert any("is empty" in i.value for i in at.info)  # it was the only document
    assert not (uploads_dir(settings) / "guarantee.json").exists()


def test_a_stopped_chroma_server_is_a_message_in_the_app_which_recovers_without_a_restart(
    monkeypatch, make_settings, mini_corpus, embedder, tmp_path
):
    from ingest.pipeline import Ingestor
    from tests.test_server import _free_port, start_chroma, stop_chroma

    port = _free_port()
    data, log = tmp_path / "server-data", tmp_path / "chroma.log"
    server = start_chroma(data, port, log)
    try:
        settings = make_settings(mini_corpus, chroma_host="127.0.0.1", chroma_port=port)
        Ingestor(settings, embedder).run()
        monkeypatch.setenv("KARIGAR_CHROMA_HOST", "127.0.0.1")
        monkeypatch.setenv("KARIGAR_CHROMA_PORT", str(port))
        at = _app(monkeypatch, settings)
        question = "What is the age limit for joining the Atal Pension Yojana?"
        _ask(at, question)
        assert not at.error and any(e.label.startswith("[1]") for e in at.expander)
        stop_chroma(server)
        _ask(at, question)  # no traceback: the message, with what to do
        assert any("cannot reach the Chroma server" in e.value for e in at.error), at.error
        server = start_chroma(data, port, log)
        at.radio(key="page").set_value("Corpus").run()  # the same app process, no restart
        assert not at.exception and not at.error, at.error
        assert any(c.value.startswith("5 documents, ") for c in at.caption)
        at.radio(key="page").set_value("Chat").run()
        _ask(at, question)
        assert not at.error, at.error
        assert len([m for m in at.chat_message if m.name == "assistant"]) >= 2
    finally:
        stop_chroma(server)


def test_upload_check_refuses_by_content_size_and_type():
    from retrieval.core.errors import ConfigError

    assert check_upload("a.pdf", b"%PDF-1.7\n...", 1).name == "a.pdf"
    assert check_upload("../../etc/x.md", b"# title", 1).name == "x.md"
    for name, data, message in [
        ("a.exe", b"MZ", "reads pdf"),
        ("a.pdf", b"<html>", "not a PDF"),
        ("a.json", b"{not json", "not valid JSON"),
        ("a.txt", b"\x00\x01\x02", "binary"),
        ("a.txt", b"x" * 2_000_000, "over the 1 MB limit"),
        ("a.html", b"just words", "no HTML markup"),
        ("a.md", b"", "empty"),
    ]:
        with pytest.raises(ConfigError, match=message):
            check_upload(name, data, 1)


def test_highlight_escapes_and_marks_the_quoted_span():
    page = "Intro. The subsidy is <35%> in rural areas. Outro."
    start = page.index("The")
    end = page.index(" Outro")
    html = web.highlight(page[7:], [(start, end)], offset=7)
    assert html.startswith("<mark>The subsidy is &lt;35%&gt;")
    assert html.endswith("</mark> Outro.")


# -- the Eligibility page -----------------------------------------------------------------
HANDLOOM = {  # a weaver in rural Assam: NER, so special category; Class VIII for Rs 12 lakh
    "el_age": 45,
    "el_state": "Assam",
    "el_area": "rural",
    "el_project_cost": "12 lakh",
    "el_activity": "handloom weaving",
    "el_education": 8,
}


PMEGP = "PMEGP: margin money for a new micro enterprise"


def _row(at: AppTest, scheme: str) -> dict:
    """The results table's row for a scheme (by its title)."""
    (row,) = [r for r in at.dataframe[0].value.to_dict("records") if r["scheme"] == scheme]
    return row


def _eligibility(at: AppTest, **fields) -> AppTest:
    """Fill the profile form (by widget key) and submit it."""
    if at.radio(key="page").value != "Eligibility":
        at.radio(key="page").set_value("Eligibility").run()
    for key, value in fields.items():
        widget = next(w for w in at.main if getattr(w, "key", None) == key)
        widget.set_value(value)
    at.button(key="el_submit").click().run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def empty_app(monkeypatch, make_settings, mini_corpus):
    return _app(monkeypatch, make_settings(mini_corpus))


def test_the_eligibility_page_shows_a_profile_form_where_unknown_is_the_default(empty_app):
    at = empty_app
    at.radio(key="page").set_value("Eligibility").run()
    assert not at.exception, at.exception
    assert [h.value for h in at.header] == ["Eligibility"]
    assert at.number_input(key="el_age").value is None
    assert at.number_input(key="el_education").value is None
    for key in ("el_gender", "el_category", "el_area", "el_sector", "el_unit", "el_repaid"):
        assert at.selectbox(key=key).value == "not stated"
    states = at.selectbox(key="el_state")
    assert states.value == "" and "Assam" in states.options and len(states.options) == 37
    assert at.text_input(key="el_project_cost").value == ""
    assert at.date_input(key="el_date").value == dt.date.today()
    assert not at.dataframe  # nothing is judged before the form is submitted


def test_a_bad_amount_names_its_field_and_what_to_write(empty_app):
    at = _eligibility(empty_app, **{**HANDLOOM, "el_project_cost": "twelve", "el_turnover": "5 cr"})
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Project cost: 'twelve' is not an amount")
    assert "'12 lakh'" in errors[0]
    assert not at.dataframe  # no verdict on a profile that could not be read
    _eligibility(at, el_project_cost="12 lakh")  # corrected: the error goes, the verdict comes
    assert not at.error and _row(at, PMEGP)["verdict"] == "eligible"


OLD_CRAFTSPERSON = {  # Puducherry's monthly grant: 60 years, 5 in the craft, Rs 40,000 a year
    "el_age": 60,
    "el_state": "Puducherry",
    "el_craft": "handicraft",
    "el_native": "yes",
    "el_years_in_craft": 5,
    "el_family_income": "40,000",
    "el_similar_assistance": "no",
}
PENSION = "Monthly grant to old crafts persons (pension), Puducherry"


def test_the_crafts_fields_fold_into_expanders_and_give_their_schemes_verdict(empty_app):
    at = empty_app
    at.radio(key="page").set_value("Eligibility").run()
    folded = ["Credit guarantees", "Clusters", "Artisans and weavers"]
    assert [e.label for e in at.expander] == folded
    for key in ("el_craft", "el_lender", "el_cluster_project", "el_street_vendor", "el_bpl"):
        assert at.selectbox(key=key).value == "not stated"
    assert at.number_input(key="el_years_in_craft").value is None
    assert at.text_input(key="el_family_income").value == ""
    at = _eligibility(at, **OLD_CRAFTSPERSON)
    row = _row(at, PENSION)
    assert row["verdict"] == "eligible" and row["still needed"] == ""
    assert "Monthly grant: Rs 2,000 a month, for life" in row["benefit"]
    assert "✓ **Income** (met): Rs 40,000 a year; at most Rs 40,000 asked" in _texts(at)
    _eligibility(at, el_family_income="40,001")  # a rupee over: the verdict turns
    assert _row(at, PENSION)["verdict"] == "not eligible"


def test_a_cited_document_missing_from_the_store_is_said_not_failed(empty_app):
    at = _eligibility(empty_app, **HANDLOOM)
    assert any(
        i.value.startswith("pdf/PMEGP_Guidelines_KVIC_certified_2022-23.pdf is not in the store")
        for i in at.info
    )
    assert not at.toggle  # no page to open


@pytest.mark.slow
def test_an_eligible_profile_gets_its_verdict_benefit_and_clauses_on_their_page(chat):
    at = _eligibility(chat, **HANDLOOM)
    assert any(
        c.value == f"Judged on {dt.date.today()}; the rules in force that day." for c in at.caption
    )
    row = _row(at, PMEGP)
    assert row["verdict"] == "eligible" and row["still needed"] == ""
    assert "Margin money Rs 4.2 lakh (35% of Rs 12 lakh)" in row["benefit"]
    assert "Own contribution Rs 60,000 (5% of Rs 12 lakh)" in row["benefit"]
    assert f"{PMEGP}: eligible" in [e.label for e in at.expander]
    text = _texts(at)
    assert "✓ **Age** (met)" in text and "✓ **Education** (met)" in text
    assert "• **Margin money**: Rs 4.2 lakh: 35% of Rs 12 lakh." in text
    cited = [c.value for c in at.caption if " · page " in c.value]
    assert (
        "PMEGP operational guidelines, certified copy 2022-23 · page 4 · current · "
        "in force from 2022-04-01" in cited
    )
    assert "> Special Category \\(including SC,ST,OBC" in text  # the clause, quoted
    # The margin money's first citation (the rate table's row) opens page 4, the row marked.
    toggle = at.toggle(key="el_b_pmegp_0_0")
    assert toggle.label == "Open page 4"
    toggle.set_value(True).run()
    assert not at.exception, at.exception
    (page,) = [m.value for m in at.markdown if "karigar-page" in m.value and "<div" in m.value]
    marked = page.split("<mark>")[1].split("</mark>")[0]
    assert marked.startswith("Special Category (including SC,ST,OBC,<br>Minorities")
    assert marked.endswith("05% 25% 35%")
    assert len(at.image) == 1  # the PDF page drawn beside it


def test_the_form_reads_unknown_as_none_and_amounts_in_lakh_and_crore():
    from ui.eligibility_page import NOT_STATED, profile_from_form

    profile, errors = profile_from_form(
        {
            "age": None,
            "gender": NOT_STATED,
            "ex_serviceman": NOT_STATED,
            "differently_abled": "no",
            "state": "",
            "existing_unit": "an existing PMEGP, REGP or MUDRA unit",
            "project_cost": " 1.5 crore ",
            "investment": "",
            "activity": "  ",
            "date": dt.date(2024, 5, 1),
        }
    )
    assert errors == [] and profile is not None
    assert profile.age is None and profile.gender is None and profile.ex_serviceman is None
    assert profile.differently_abled is False and profile.existing_unit is True
    assert profile.state is None and profile.activity is None and profile.investment is None
    assert profile.project_cost == 15_000_000 and profile.date == "2024-05-01"
    profile, errors = profile_from_form({"investment": "lots", "exports": "-5"})
    assert profile is None and [e.split(":")[0] for e in errors] == ["Investment", "Exports"]


def test_the_form_reads_the_guarantee_cluster_and_crafts_fields():
    from ui.eligibility_page import NOT_STATED, profile_from_form

    profile, errors = profile_from_form(
        {
            "loan_amount": "2 lakh",
            "lender": "regional_rural_bank",
            "loan_number": 2,
            "street_vendor": "yes",
            "cluster_project": NOT_STATED,
            "artisans": 120,
            "craft": "khadi",
            "bpl": "yes",
            "days_worked": 150,
            "workshed_cost": "1.5 lakh",
            "nic_code": " 13121 ",
            "native": NOT_STATED,
        }
    )
    assert errors == [] and profile is not None
    assert profile.loan_amount == 200_000 and profile.lender == "regional_rural_bank"
    assert profile.loan_number == 2 and profile.street_vendor is True
    assert profile.cluster_project is None and profile.artisans == 120
    assert profile.craft == "khadi" and profile.bpl is True and profile.days_worked == 150
    assert profile.workshed_cost == 150_000 and profile.nic_code == "13121"
    assert profile.native is None and profile.family_income is None and profile.spv is None
    profile, errors = profile_from_form({"family_income": "some", "nic_code": "1"})
    assert profile is None and errors[0].startswith("Family income a year (all sources): ")
    profile, errors = profile_from_form({"nic_code": "1"})
    assert profile is None and "nic_code='1' is not an NIC code" in errors[0]


def test_a_clause_is_found_on_its_page_whatever_the_line_breaks():
    from ui.eligibility_page import clause_span

    page = "3.1 Funds\nSpecial Category (including SC,ST,\nOBC)  etc.\n05% 25%  35%\nNext"
    start, end = clause_span(page, "Special Category (including SC,ST,OBC) etc. 05% 25% 35%")
    assert page[start:end] == "Special Category (including SC,ST,\nOBC)  etc.\n05% 25%  35%"
    assert clause_span(page, "General Category 15% 25%") is None
    assert clause_span(page, "  ") is None


def test_the_app_server_does_not_watch_its_sources():
    """Streamlit's watcher walks every imported module's path after each run, on the loop
    that sends the answer to the browser: about 0.6 s per answer with torch imported."""
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["address"] == "localhost"


@pytest.mark.slow
def test_warming_sets_what_it_loaded_aside_from_the_garbage_collector(full_store, embedder):
    from retrieval.parts import open_parts

    shared = open_parts(full_store[0], embedder=embedder, store=full_store[2])
    gc.collect()
    steps: list[tuple[int, str]] = []
    try:
        web.warm_and_settle(shared, lambda i, name: steps.append((i, name)))
        assert steps == list(enumerate(shared.WARM_STEPS))  # what the progress bar shows
        assert shared.searcher.lexical._index is not None  # built by the warm-up
        assert ("extractive", 5) in shared._chains  # so is the chain a first question uses
        assert gc.get_freeze_count() > 100_000  # the models and indexes among them
        assert len(gc.get_objects(generation=2)) < 1_000  # a full pass has little to walk
    finally:
        gc.unfreeze()


def test_while_the_models_load_a_progress_bar_shows_and_a_question_waits_for_them(
    monkeypatch, make_settings, mini_corpus, embedder
):
    import threading

    from ingest.pipeline import Ingestor

    settings = make_settings(mini_corpus)
    Ingestor(settings, embedder).run()
    release = threading.Event()
    real = web.warm_and_settle

    def slow(shared, on_step=None):  # the real warm-up, held at its second step
        def step(i, name):
            on_step(i, name)
            if i == 1:
                release.wait(60)

        real(shared, step)

    monkeypatch.setattr(web, "warm_and_settle", slow)
    at = _app(monkeypatch, settings)
    bars = at.get("progress")
    assert bars and bars[0].proto.text.startswith("Loading the "), bars
    for _ in range(60):  # drawn again, it says where the loading is
        if "Loading the scheme finder (2 of 4" in at.get("progress")[0].proto.text:
            break
        time.sleep(0.5)
        at.run()
    else:
        pytest.fail(at.get("progress")[0].proto.text)
    threading.Timer(2.0, release.set).start()
    _ask(at, "What is the age limit for joining the Atal Pension Yojana?")
    said = " ".join(c.value for c in at.caption)
    waited = re.search(r"answered in [\d.]+ s \(after ([\d.]+) s loading the models\)", said)
    assert waited and float(waited.group(1)) >= 1.0, said
    assert not at.get("progress")  # the answering run draws no loading bar
