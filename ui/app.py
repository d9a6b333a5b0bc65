"""The Karigar web app: chat with checkable sources, the corpus, the latest evaluation.

    .venv/bin/streamlit run ui/app.py        # make run does this, on http://localhost:8501

Models and the store load once per process (`st.cache_resource`); settings come from the
`KARIGAR_*` environment variables like the command line's.
"""

from __future__ import annotations

import sys
import threading
import time
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
from retrieval.core.facets import state_choices  # noqa: E402
from retrieval.core.filters import STATUS_CHOICES, Filters  # noqa: E402
from retrieval.core.settings import Settings  # noqa: E402
from retrieval.core.store import COMPLETE, DocRecord, Store  # noqa: E402
from retrieval.core.types import DOC_TYPES, Answer, Citation, Hit  # noqa: E402
from retrieval.parts import IndexBuild, Parts, open_parts  # noqa: E402
from ui import web  # noqa: E402
from ui.eligibility_page import eligibility_page  # noqa: E402
from ui.schemes_page import schemes_page  # noqa: E402

PAGES = ("Chat", "Schemes", "Eligibility", "Corpus", "Evaluation")


# -- resources: once per process ----------------------------------------------------------
@st.cache_resource(show_spinner="Opening the store…")
def _parts(settings_json: str) -> Parts:
    return open_parts(Settings.model_validate_json(settings_json))  # the model loads apart


@st.cache_resource(show_spinner=False)
def _warming(settings_json: str) -> dict[str, Any]:
    """The embedding model and the lexical index, loaded in the background once per
    process, so the app is usable at once (Schemes, Eligibility, Corpus need neither; a
    question asked before they are ready waits for them)."""
    shared = _parts(settings_json)
    ready = threading.Event()
    state: dict[str, Any] = {
        "done": False,
        "error": "",
        "ready": ready,
        "step": 0,
        "stage": Parts.WARM_STEPS[0],
        "started": time.perf_counter(),
    }

    def on_step(i: int, name: str) -> None:
        state["step"], state["stage"] = i, name

    def warm() -> None:
        try:
            web.warm_and_settle(shared, on_step)
        except Exception as exc:  # shown on the page; the question path raises it again
            state["error"] = str(exc)
        finally:
            state["done"] = True
            ready.set()
        if not state["error"]:
            web.index_multilingual_in_background(shared)

    threading.Thread(target=warm, name="karigar-warm", daemon=True).start()
    return state


def resettle() -> None:
    """After the store changed (an upload, a delete): the lexical index and the finder are
    rebuilt, and set aside again, and the multilingual index takes the new chunks, in the
    background."""
    shared = parts()

    def settle() -> None:
        web.warm_and_settle(shared)
        web.index_multilingual_in_background(shared)

    threading.Thread(target=settle, name="karigar-resettle", daemon=True).start()


@st.fragment(run_every=1.0)
def loading_notice(state: dict[str, Any]) -> None:
    """A progress bar while the models load, redrawn each second (a fragment: the rest of
    the page is not run again); once they are loaded the page is drawn again without it. A
    question asked meanwhile waits for them, and its answer says how long it waited."""
    if state["error"]:
        st.error(f"The search could not load: {state['error']}")
        return
    if state["done"]:
        st.rerun()  # the whole page, now without this notice
    steps = len(Parts.WARM_STEPS)
    st.progress(
        state["step"] / steps,
        text=f"Loading {state['stage']} ({state['step'] + 1} of {steps}, "
        f"{time.perf_counter() - state['started']:.0f} s; about 5 s on a first start). The "
        "Schemes, Eligibility and Corpus pages work already; a question asked now is answered "
        "as soon as this is done.",
    )


@st.fragment(run_every=10.0)
def multilingual_notice(build: IndexBuild) -> None:
    """One line while the multilingual index is built in the background, its count redrawn
    every 10 s; gone with the next page drawn after it is done."""
    if build.finished:
        if build.error:
            st.caption(f"The index for Hindi, Assamese and Bengali questions failed: {build.error}")
        return
    st.caption(
        f"Building the index for Hindi, Assamese and Bengali questions: {build.describe()}. "
        "English questions are answered meanwhile."
    )


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
    chosen_states = st.sidebar.multiselect(
        "State",
        state_choices(),
        key="f_states",
        help="A state keeps the all-India documents, which serve every state.",
    )
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
    typed = st.chat_input("Ask about schemes, eligibility, clusters, figures…", key="question")
    as_typed = st.session_state.pop("ask_as_typed", None)
    question = typed or as_typed
    if question:
        history = (
            []
            if as_typed and not typed  # "Ask as typed": the question alone, no follow-up
            else [
                (m["answer"].standalone_question, m["answer"].text)
                for m in st.session_state.messages
                if m["role"] == "assistant"
            ]
        )
        st.session_state.messages.append({"role": "user", "content": question})
        with st.chat_message("user"):
            st.markdown(web.escape_markdown(question))
        with st.chat_message("assistant"):
            waited = st.session_state.pop("models_waited", 0.0) + wait_for_models()
            answer = ask(Query(question, tuple(history), filters, st.session_state.get("k", 5)))
            if answer is None:
                return
            answer.timings["waited_for_models"] = waited
            st.session_state.messages.append({"role": "assistant", "answer": answer})
            show_answer(answer, len(st.session_state.messages) - 1)


def wait_for_models() -> float:
    """Seconds a question asked during the first start waited for the models, with a
    spinner that says so; 0 once they are loaded."""
    warming = _warming(st.session_state.settings_json)
    if warming["done"]:
        return 0.0
    started = time.perf_counter()
    with st.spinner("Loading the search models first (once per start, about 5 s)…"):
        warming["ready"].wait()
    return time.perf_counter() - started


def ask(query: Query) -> Answer | None:
    with st.spinner("Searching the documents…"):
        generator = st.session_state.get("generator", "extractive")
        chain = _chain(st.session_state.settings_json, generator)
        try:
            return chain.answer(query)
        except KarigarError as exc:
            st.error(str(exc))
            return None


def show_answer(answer: Answer, index: int) -> None:
    rewritten = answer.standalone_question != answer.question
    if rewritten and index > 1:  # a question after others: maybe read with the last one
        col1, col2 = st.columns([5, 1])
        col1.info(f"Read with the conversation as: “{answer.standalone_question}”")
        if col2.button("Ask as typed", key=f"as_typed_{index}", help="Ask it again alone"):
            st.session_state.ask_as_typed = answer.question
            st.rerun()
    elif rewritten:
        st.caption(f"Understood as: {answer.standalone_question}")
    if answer.abstained:
        st.warning(REFUSAL)
    else:
        st.markdown(web.escape_markdown(answer.text).replace("\n", "  \n"))
    for note in answer.notes:
        warn = any(w in note for w in ("superseded", "disagree", "Not quoted"))
        (st.warning if warn else st.info)(note)
    hits = {h.chunk.chunk_id: h for h in answer.passages}
    if answer.citations:
        st.markdown("**Sources**")
    for c in answer.citations:
        hit = hits.get(c.chunk_id)
        source(c, hit, index)
    if answer.abstained and answer.passages:
        st.markdown("**Related reading**")
        for hit in answer.passages[:3]:
            related(hit)
    took = answer.timings.get("total")
    if took is not None:
        waited = answer.timings.get("waited_for_models", 0.0)
        st.caption(
            f"{answer.generator} · answered in {took:.2f} s"
            + (f" (after {waited:.1f} s loading the models)" if waited >= 0.05 else ""),
            help="the pipeline's own time",
        )
    feedback(answer, index)


def _location(doc_id: str, page: int, location: str) -> str:
    """'page 6 (printed page 4)' where the page prints another number than the PDF's."""
    label = parts().store.page_label(doc_id, page) if page else ""
    return f"{location} (printed page {label})" if label else location


@st.fragment
def source(c: Citation, hit: Hit | None, index: int) -> None:
    """One cited source; a fragment, so its toggle redraws it alone, not the whole chat."""
    flag = " · ⚠ superseded" if c.status == "superseded" else ""
    with st.expander(f"[{c.marker}] {c.title} — {_location(c.doc_id, c.page, c.location)}{flag}"):
        st.caption(
            f"{c.doc_type} · {c.date or 'undated'} · {c.status} · {c.path}"
            f"{' · OCR' if c.ocr else ''}"
        )
        if c.status == "superseded":
            st.warning("This document is superseded: check the current guideline.")
        if hit is not None:
            passage(hit.chunk.text, list(c.spans), hit.chunk.char_start)
        if c.official_url:
            st.markdown(f"[Official document]({c.official_url})")
        for url in c.source_urls[:3]:
            st.markdown(f"Source: [{urlparse(url).netloc or url}]({url})")
        label = (
            "Show the whole record"
            if c.doc_type == "scheme_record"
            else ("Show the whole page" if c.page else "Show the whole section")
        )
        if st.toggle(label, key=f"page_{index}_{c.marker}"):
            show_page(c.doc_id, c.page, c.path, list(c.spans))


def passage(text: str, spans: list[tuple[int, int]], offset: int) -> None:
    """A passage with its quotes marked; a scheme record's sections and bullets formatted."""
    body = (
        web.record_html(text, spans, offset)
        if web.is_record_text(text) or text.lstrip().startswith(("- ", "## "))
        else web.highlight(text, spans, offset)
    )
    st.markdown(f"<div class='karigar-passage'>{body}</div>", unsafe_allow_html=True)


def related(hit: Hit) -> None:
    flag = " · ⚠ superseded" if hit.doc.status == "superseded" else ""
    where = _location(hit.doc.doc_id, hit.chunk.page, hit.chunk.location)
    with st.expander(f"{hit.doc.title} — {where}{flag}"):
        if hit.doc.status == "superseded":
            st.warning("This document is superseded: check the current guideline.")
        passage(hit.chunk.text, [], hit.chunk.char_start)


def show_page(doc_id: str, page: int, path: str, spans: list[tuple[int, int]]) -> None:
    """The page with the quotes marked, its PDF image beside it; an unpaged document's
    section (a scheme record whole, formatted)."""
    text = parts().store.page_text(doc_id, page)
    if text is None:
        st.info("The page text is not in the store.")
        return
    if page == 0:
        if web.is_record_text(text):
            body = web.record_html(text, spans)
        else:  # a paper or article: the section holding the quote, not the whole text
            start, end = _section_of(doc_id, spans[0][0] if spans else 0, len(text))
            body = web.highlight(text[start:end], spans, start)
        st.markdown(f"<div class='karigar-page'>{body}</div>", unsafe_allow_html=True)
        return
    image = web.render_pdf_page(absolute_path(path, settings()), page)
    left, right = st.columns(2) if image is not None else (st.container(), None)
    left.markdown(
        f"<div class='karigar-page'>{web.highlight(text, spans)}</div>", unsafe_allow_html=True
    )
    if right is not None and image is not None:
        label = parts().store.page_label(doc_id, page)
        right.image(
            image,
            caption=f"{Path(path).name}, page {page}" + (f" (printed {label})" if label else ""),
        )


SECTION_MAX_CHARS = 6000  # a longer section shows the quoted passage and two either side


def _section_of(doc_id: str, offset: int, length: int) -> tuple[int, int]:
    """The span of an unpaged document's section holding `offset`: its chunks, or, where
    the section is long (a paper's 'Discussion'), the quoted chunk and two either side."""
    chunks = [c for c in parts().store.chunks_of(doc_id) if c.page == 0]
    holding = [c for c in chunks if c.char_start <= offset < c.char_end]
    if not holding:
        return 0, min(length, SECTION_MAX_CHARS)
    same = [c for c in chunks if c.section == holding[0].section]
    start, end = min(c.char_start for c in same), max(c.char_end for c in same)
    if end - start > SECTION_MAX_CHARS:
        near = [c for c in same if abs(c.index - holding[0].index) <= 2]
        start, end = min(c.char_start for c in near), max(c.char_end for c in near)
    return start, end


def feedback(answer: Answer, index: int) -> None:
    """The thumbs click saves the rating; a comment, optional, is saved with it after."""
    rating = st.feedback("thumbs", key=f"fb_{index}")
    saved = st.session_state.get(f"fb_saved_{index}")
    if rating is not None and saved != rating:
        web.save_feedback(settings(), answer.to_dict(), "up" if rating == 1 else "down", "")
        st.session_state[f"fb_saved_{index}"] = rating
        saved = rating
    if saved is None:
        return
    st.caption("Thank you: your rating is saved.")
    if st.session_state.get(f"fbc_saved_{index}"):
        st.caption("Your comment is saved too.")
        return
    col1, col2 = st.columns([5, 1])
    comment = col1.text_input(
        "Comment",
        key=f"fbc_{index}",
        label_visibility="collapsed",
        placeholder="What was right or wrong? (optional)",
    )
    if col2.button("Add comment", key=f"fbs_{index}", disabled=not comment.strip()):
        web.save_feedback(settings(), answer.to_dict(), "up" if saved == 1 else "down", comment)
        st.session_state[f"fbc_saved_{index}"] = True
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
    resettle()


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
    for ok, message in st.session_state.pop("upload_messages", []):
        (st.success if ok else st.error)(message)
    if uploads and st.button("Ingest these files", key="ingest_uploads"):
        ingest_uploads([(u.name, u.getvalue()) for u in uploads])

    st.subheader("Delete a document")
    delete_section(store, records)


def delete_section(store: Store, records: list[DocRecord]) -> None:
    """An exact choice by file, then a confirmation that names the document; the page
    redraws after, so counts, table and this list no longer show it."""
    s = settings()
    done = st.session_state.pop("deleted_message", None)
    if done:
        st.success(done)
    by_path = {r.doc.path: r for r in records}
    chosen = st.selectbox(
        "Document (by its file)",
        sorted(by_path),
        index=None,
        placeholder="Choose the file to delete…",
        format_func=lambda p: f"{p} — {by_path[p].doc.title}",
        key="delete_doc",
    )
    if chosen is None:
        return
    record = by_path[chosen]
    path = absolute_path(record.doc.path, s)
    upload = path.is_relative_to(uploads_dir(s))
    st.warning(
        f"Delete “{record.doc.title}” ({record.doc.path}, {record.chunks} passages) from the "
        "store? "
        + (
            "It is an upload: its file is deleted too."
            if upload
            else "Its file stays in the corpus folder, so the next `karigar ingest` of that "
            "folder adds it again."
        )
    )
    if st.button(f"Yes, delete {record.doc.path}", key="delete_confirm", type="primary"):
        try:  # under the ingest lock: refused, with a message, while an ingest writes
            Ingestor(s, parts().embedder, store).delete(record.doc.doc_id)
        except KarigarError as exc:
            st.error(str(exc))
            return
        if upload:
            path.unlink(missing_ok=True)
        st.session_state.deleted_message = f"Deleted “{record.doc.title}” ({record.doc.path})" + (
            " and its uploaded file." if upload else "; its corpus file is kept."
        )
        del st.session_state["delete_doc"]
        resettle()
        st.rerun()


def ingest_uploads(files: list[tuple[str, bytes]]) -> None:
    """Each file checked by content, saved under a name no other upload has, and ingested;
    a new version of an upload replaces the old only once it has ingested."""
    shared = parts()
    # an upload is a few files: read here, with the app's model, not on a Ray cluster
    ingestor = Ingestor(
        settings().model_copy(update={"ingest_workers": 1}), shared.embedder, shared.store
    )
    bar = st.progress(0.0, text="Starting…")
    said: list[tuple[bool, str]] = []
    for done, (name, data) in enumerate(files, 1):
        try:
            result = save_upload(ingestor, name, data)
        except KarigarError as exc:
            said.append((False, str(exc)))
        else:
            said.append((True, f"{name}: {result.status}, {result.chunks} chunks"))
        bar.progress(done / len(files), text=f"{done}/{len(files)} · {name}")
    bar.empty()
    st.session_state.upload_messages = said
    resettle()
    st.rerun()  # the counts, the table and the delete list show the new documents


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
        if st.session_state.get("page", "Chat") == "Chat" and (
            st.session_state.get("question") or st.session_state.get("ask_as_typed")
        ):  # a question asked while the models load waits first, before anything is drawn:
            # drawn beside the loading thread, the page would take longer (the two share the GIL)
            st.session_state.models_waited = wait_for_models()
        store = parts().store
        filters = sidebar(store)
        page = st.session_state.get("page", "Chat")
        if page == "Corpus":
            corpus_page(store)
        elif page == "Evaluation":
            evaluation_page()
        elif page == "Schemes":
            schemes_page(store, parts().finder, show_page)
        elif page == "Eligibility":
            eligibility_page(store, settings(), show_page)
        else:
            chat_page(store, filters)
        # after the page is drawn: the models' import would slow its first drawing
        warming = _warming(st.session_state.settings_json)
        if page == "Chat" and not warming["done"] and not st.session_state.get("question"):
            loading_notice(warming)  # not in the run that answers: that one waits for them
        if page == "Chat" and warming["done"]:
            build = parts().build
            if build is not None and not build.finished:
                multilingual_notice(build)
        st.session_state.pop("models_waited", None)  # a wait no answer of this run used
    except KarigarError as exc:
        st.error(str(exc))


main()
