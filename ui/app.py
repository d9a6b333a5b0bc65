"""The Karigar web app: chat with checkable sources, the corpus, the latest evaluation.

    .venv/bin/streamlit run ui/app.py        # make run does this, on http://localhost:8501

Models and the store load once per process (`st.cache_resource`); settings come from the
`KARIGAR_*` environment variables like the command line's.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `streamlit run` from anywhere

from ingest.pipeline import Ingestor, absolute_path  # noqa: E402
from ingest.report import FAILED, IngestReport  # noqa: E402
from ingest.uploads import UPLOAD_TYPES, save_upload, uploads_dir  # noqa: E402
from retrieval.answer.chain import REFUSAL, AnswerChain, Query  # noqa: E402
from retrieval.answer.generators import available_generators  # noqa: E402
from retrieval.core.errors import KarigarError  # noqa: E402
from retrieval.core.filters import STATUS_CHOICES, Filters  # noqa: E402
from retrieval.core.settings import Settings  # noqa: E402
from retrieval.core.store import COMPLETE, Store  # noqa: E402
from retrieval.core.types import DOC_TYPES, Answer, Hit  # noqa: E402
from retrieval.parts import Parts, open_parts  # noqa: E402
from ui import web  # noqa: E402
from ui.eligibility_page import eligibility_page  # noqa: E402

PAGES = ("Chat", "Eligibility", "Corpus", "Evaluation")


# -- resources: once per process ----------------------------------------------------------
@st.cache_resource(show_spinner="Loading the embedding model and the store…")
def _parts(settings_json: str) -> Parts:
    parts = open_parts(Settings.model_validate_json(settings_json))
    parts.warm()  # BM25 over every chunk and the model: here, not on the first question
    return parts


@st.cache_resource(show_spinner="Loading the generator…")
def _chain(settings_json: str, generator: str) -> AnswerChain:
    return _parts(settings_json).chain(generator)


def settings() -> Settings:
    if "settings_json" not in st.session_state:
        st.session_state.settings_json = Settings(progress=False).model_dump_json()
    return Settings.model_validate_json(st.session_state.settings_json)


def parts() -> Parts:
    return _parts(st.session_state.settings_json)


# -- sidebar ------------------------------------------------------------------------------
def sidebar(store: Store) -> Filters:
    st.sidebar.title("Karigar")
    page = st.sidebar.radio("Page", PAGES, key="page")
    records = list(store.documents().values())
    if page != "Chat":
        return Filters()
    st.sidebar.subheader("Filters")
    types = st.sidebar.multiselect("Document type", DOC_TYPES, key="f_types")
    states = sorted({r.doc.state for r in records if r.doc.state})
    chosen_states = st.sidebar.multiselect("State", states, key="f_states")
    status = st.sidebar.selectbox(
        "Status",
        STATUS_CHOICES,
        key="f_status",
        help="current: superseded documents only when nothing "
        "current answers; any; or only superseded ones",
    )
    col1, col2 = st.sidebar.columns(2)
    date_from = col1.text_input("From (YYYY[-MM])", key="f_date_from")
    date_to = col2.text_input("To (YYYY[-MM])", key="f_date_to")
    titles = {f"{r.doc.title} ({r.doc.path})": r.doc.doc_id for r in records}
    docs = st.sidebar.multiselect("Documents", sorted(titles), key="f_docs")
    st.sidebar.subheader("Answers")
    st.sidebar.selectbox("Generator", available_generators(settings().generator), key="generator")
    st.sidebar.slider("Passages", 3, 10, 5, key="k")
    try:
        return Filters(
            doc_types=tuple(types),
            states=tuple(chosen_states),
            status=status,
            date_from=date_from.strip(),
            date_to=date_to.strip(),
            doc_ids=tuple(titles[d] for d in docs),
        )
    except KarigarError as exc:
        st.sidebar.error(str(exc))
        return Filters(status=status)


# -- chat ---------------------------------------------------------------------------------
def chat_page(store: Store, filters: Filters) -> None:
    st.header("Ask the documents")
    if store.count() == 0:
        empty_store()
        return
    st.session_state.setdefault("messages", [])
    for i, message in enumerate(st.session_state.messages):
        with st.chat_message(message["role"]):
            if message["role"] == "user":
                st.markdown(web.escape_markdown(message["content"]))
            else:
                show_answer(message["answer"], i)
    question = st.chat_input("Ask about schemes, eligibility, clusters, figures…", key="question")
    if question:
        history = [
            (m["answer"].standalone_question, m["answer"].text)
            for m in st.session_state.messages
            if m["role"] == "assistant"
        ]
        st.session_state.messages.append({"role": "user", "content": question})
        with st.chat_message("user"):
            st.markdown(web.escape_markdown(question))
        with st.chat_message("assistant"), st.spinner("Searching the documents…"):
            generator = st.session_state.get("generator", "extractive")
            chain = _chain(st.session_state.settings_json, generator)
            query = Query(question, tuple(history), filters, st.session_state.get("k", 5))
            try:
                answer = chain.answer(query)
            except KarigarError as exc:
                st.error(str(exc))
                return
            st.session_state.messages.append({"role": "assistant", "answer": answer})
            show_answer(answer, len(st.session_state.messages) - 1)


def show_answer(answer: Answer, index: int) -> None:
    if answer.abstained:
        st.warning(REFUSAL)
    else:
        st.markdown(web.escape_markdown(answer.text))
    if answer.standalone_question != answer.question:
        st.caption(f"Understood as: {answer.standalone_question}")
    for note in answer.notes:
        warn = any(w in note for w in ("superseded", "disagree", "Not quoted"))
        (st.warning if warn else st.info)(note)
    hits = {h.chunk.chunk_id: h for h in answer.passages}
    if answer.citations:
        st.markdown("**Sources**")
    for c in answer.citations:
        flag = " · ⚠ superseded" if c.status == "superseded" else ""
        with st.expander(f"[{c.marker}] {c.title} — {c.location}{flag}"):
            st.caption(
                f"{c.doc_type} · {c.date or 'undated'} · {c.status} · {c.path}"
                f"{' · OCR' if c.ocr else ''}"
            )
            if c.status == "superseded":
                st.warning("This document is superseded: check the current guideline.")
            hit = hits.get(c.chunk_id)
            if hit is not None:
                st.markdown(
                    f"<div class='karigar-passage'>{web.highlight(hit.chunk.text, list(c.spans), hit.chunk.char_start)}</div>",  # noqa: E501
                    unsafe_allow_html=True,
                )
            if c.official_url:
                st.markdown(f"[Official document]({c.official_url})")
            for url in c.source_urls[:3]:
                st.markdown(f"Source: [{urlparse(url).netloc or url}]({url})")
            if st.toggle("Show the whole page", key=f"page_{index}_{c.marker}"):
                show_page(c.doc_id, c.page, c.path, list(c.spans))
    if answer.abstained and answer.passages:
        st.markdown("**Related reading**")
        for hit in answer.passages[:3]:
            related(hit)
    feedback(answer, index)


def related(hit: Hit) -> None:
    with st.expander(f"{hit.doc.title} — {hit.chunk.location}"):
        st.write(hit.chunk.text)


def show_page(doc_id: str, page: int, path: str, spans: list[tuple[int, int]]) -> None:
    text = parts().store.page_text(doc_id, page)
    if text is None:
        st.info("The page text is not in the store.")
        return
    st.markdown(
        f"<div class='karigar-page'>{web.highlight(text, spans)}</div>", unsafe_allow_html=True
    )
    image = web.render_pdf_page(absolute_path(path, settings()), page)
    if image is not None:
        st.image(image, caption=f"{Path(path).name}, page {page}")


def feedback(answer: Answer, index: int) -> None:
    if st.session_state.get(f"fb_saved_{index}"):
        st.caption("Thank you: your feedback is saved.")
        return
    col1, col2, col3 = st.columns([1, 4, 1])
    with col1:
        rating = st.feedback("thumbs", key=f"fb_{index}")
    comment = col2.text_input(
        "Comment",
        key=f"fbc_{index}",
        label_visibility="collapsed",
        placeholder="What was right or wrong? (optional)",
    )
    if col3.button("Save", key=f"fbs_{index}", disabled=rating is None):
        web.save_feedback(settings(), answer.to_dict(), "up" if rating == 1 else "down", comment)
        st.session_state[f"fb_saved_{index}"] = True
        st.rerun()


def empty_store() -> None:
    s = settings()
    st.info(f"The store in {s.data_dir} is empty: no document has been ingested yet.")
    if st.button(f"Ingest the reference corpus ({s.corpus_dir})", key="ingest_reference"):
        run_ingest(None)
        st.rerun()


def run_ingest(source: Path | None) -> None:
    s = settings()
    bar = st.progress(0.0, text="Starting…")

    def step(done: int, total: int, result: Any) -> None:
        bar.progress(done / max(total, 1), text=f"{done}/{total} · {result.path}: {result.status}")

    shared = parts()
    report = Ingestor(s, shared.embedder, shared.store).run(source, on_file=step)
    bar.empty()
    st.session_state.last_ingest = report.to_dict()


# -- corpus -------------------------------------------------------------------------------
def corpus_page(store: Store) -> None:
    st.header("Corpus")
    s = settings()
    records = sorted(store.documents().values(), key=lambda r: r.doc.path)
    st.caption(
        f"{sum(r.ingest_state == COMPLETE for r in records)} documents, "
        f"{store.count()} chunks in {store.location}"
    )
    if not records:
        empty_store()
    else:
        st.dataframe(
            [
                {
                    "title": r.doc.title,
                    "file": r.doc.path,
                    "type": r.doc.doc_type,
                    "date": r.doc.date,
                    "status": r.doc.status,
                    "pages": r.pages,
                    "chunks": r.chunks,
                    "ingest": r.ingest_state,
                    "OCR pages": ",".join(map(str, r.ocr_pages)),
                }
                for r in records
            ],
            hide_index=True,
            key="documents",
        )
    last = st.session_state.get("last_ingest") or IngestReport.load_last(s.reports_dir)
    if last:
        failed = [f for f in last["files"] if f["status"] == FAILED]
        st.caption(f"Last ingest: {last['summary']}")
        if failed:
            st.error(f"{len(failed)} file(s) failed to ingest:")
            st.dataframe(
                [{"file": f["path"], "reason": f["reason"]} for f in failed],
                hide_index=True,
                key="failed",
            )

    st.subheader("Add documents")
    st.caption(
        f"PDF, text, Markdown, HTML or scheme JSON; up to {s.max_file_mb:g} MB each. "
        "The type is checked by content."
    )
    uploads = st.file_uploader(
        "Files", type=list(UPLOAD_TYPES), accept_multiple_files=True, key="upload"
    )
    if uploads and st.button("Ingest these files", key="ingest_uploads"):
        ingest_uploads([(u.name, u.getvalue()) for u in uploads])

    st.subheader("Delete a document")
    choices = {f"{r.doc.title} ({r.doc.path})": r for r in records}
    chosen = st.selectbox("Document", ["—"] + list(choices), key="delete_doc")
    if chosen != "—" and st.button("Delete from the store", key="delete_button"):
        record = choices[chosen]
        store.delete_document(record.doc.doc_id)
        path = absolute_path(record.doc.path, s)
        if path.is_relative_to(uploads_dir(s)):
            path.unlink(missing_ok=True)  # an upload goes; a corpus file stays on disk
        st.success(
            f"Deleted {record.doc.title}. A corpus file is ingested again by the next "
            "`karigar ingest` of its folder."
        )


def ingest_uploads(files: list[tuple[str, bytes]]) -> None:
    """Each file checked by content, saved under a name no other upload has, and ingested;
    a new version of an upload replaces the old only once it has ingested."""
    shared = parts()
    ingestor = Ingestor(settings(), shared.embedder, shared.store)
    bar = st.progress(0.0, text="Starting…")
    for done, (name, data) in enumerate(files, 1):
        try:
            result = save_upload(ingestor, name, data)
        except KarigarError as exc:
            st.error(str(exc))
        else:
            st.success(f"{name}: {result.status}, {result.chunks} chunks")
        bar.progress(done / len(files), text=f"{done}/{len(files)} · {name}")
    bar.empty()


# -- evaluation ---------------------------------------------------------------------------
def evaluation_page() -> None:
    st.header("Evaluation")
    folder = web.latest_report(settings().eval_results_dir)
    if folder is None:
        st.info("No evaluation has been run here yet: `make eval` writes one.")
    else:
        st.caption(f"Latest report: {folder}")
        text = (folder / "report.md").read_text("utf-8")
        st.markdown(text.replace("![metrics](metrics.png)", ""))
        if (folder / "metrics.png").exists():
            st.image(str(folder / "metrics.png"))
    records = web.load_feedback(settings())
    st.subheader("Feedback")
    st.caption(f"{len(records)} rated answers in {web.feedback_path(settings())}")
    if records:
        st.download_button(
            "Export feedback as evaluation questions (JSONL)",
            web.feedback_as_questions(records),
            "feedback_questions.jsonl",
            key="export_feedback",
        )


def main() -> None:
    st.set_page_config(page_title="Karigar", page_icon="🧵", layout="wide")
    st.markdown(
        "<style>.karigar-passage, .karigar-page {font-size: 0.9rem; line-height: 1.5;"
        "} mark {background: #ffe58f; padding: 0 2px;}</style>",
        unsafe_allow_html=True,
    )
    try:  # a store that cannot be opened or read (a stopped server): its message, no traceback
        settings()
        store = parts().store
        filters = sidebar(store)
        page = st.session_state.get("page", "Chat")
        if page == "Corpus":
            corpus_page(store)
        elif page == "Evaluation":
            evaluation_page()
        elif page == "Eligibility":
            eligibility_page(store, settings(), show_page)
        else:
            chat_page(store, filters)
    except KarigarError as exc:
        st.error(str(exc))


main()
