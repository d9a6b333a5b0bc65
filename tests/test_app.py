"""The web app through Streamlit's AppTest: every page and interaction, over real stores.

The chat runs over the session's full store; the empty-store, upload and delete paths run
over their own small stores. Models load once per process (st.cache_resource), as in the app.
"""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

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
        label.startswith("[1] PMEGP operational guidelines") and "page 4" in label
        for label in labels
    )
    assert "<mark>" in text  # the quoted sentence highlighted inside its passage
    assert "[Official document](https://" in text
    chat.toggle(key="page_1_1").set_value(True).run()  # the whole page, and the PDF drawn
    assert len(chat.image) == 1
    assert "karigar-page" in _texts(chat)


@pytest.mark.slow
def test_an_off_topic_question_is_refused_with_related_reading(chat):
    _ask(chat, "How do I bake a chocolate cake?")
    assert any(w.value == REFUSAL for w in chat.warning)
    assert "**Related reading**" in _texts(chat)


@pytest.mark.slow
def test_a_follow_up_uses_the_conversation(chat):
    _ask(chat, "What is the maximum project cost for manufacturing units under PMEGP?")
    _ask(chat, "And for service units?")
    understood = [c.value for c in chat.caption if c.value.startswith("Understood as")]
    assert understood == [
        "Understood as: What is the maximum project cost for service units under PMEGP?"
    ]
    assert "20 lakh" in _texts(chat)


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
    chat.feedback(key="fb_1").set_value(1).run()
    chat.text_input(key="fbc_1").set_value("Right figure, right page").run()
    chat.button(key="fbs_1").click().run()
    records = [json.loads(x) for x in path.read_text("utf-8").splitlines()]
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
    at = _app(monkeypatch, make_settings(mini_corpus))
    assert any("is empty" in i.value for i in at.info)
    at.button(key="ingest_reference").click().run()
    assert not at.exception, at.exception
    assert not any("is empty" in i.value for i in at.info)
    at.radio(key="page").set_value("Corpus").run()
    table = at.dataframe[0].value
    assert len(table) == 5 and set(table["ingest"]) == {"complete"}


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
    at.run()
    files = list(at.dataframe[0].value["file"])
    uploaded = next(f for f in files if f.endswith("guarantee.json"))
    option = next(o for o in at.selectbox(key="delete_doc").options if uploaded in o)
    at.selectbox(key="delete_doc").set_value(option).run()
    at.button(key="delete_button").click().run()
    assert any(s.value.startswith("Deleted") for s in at.success)
    at.run()
    assert any("is empty" in i.value for i in at.info)  # it was the only document
    assert not (uploads_dir(settings) / "guarantee.json").exists()


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
