"""The store against real Chroma in a temporary folder, with the real embedding model."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.chunking import chunk_document
from retrieval.core.errors import StoreError
from retrieval.core.filters import Filters, date_number
from retrieval.core.store import COMPLETE, PENDING, Store
from retrieval.core.types import Page, SourceDoc


def _doc(doc_id: str, path: str = "a.txt", **kw) -> SourceDoc:
    return SourceDoc(
        doc_id=doc_id, path=path, title=f"Doc {doc_id}", doc_type="article", sha256=doc_id * 4, **kw
    )


def _write(store: Store, embedder, doc: SourceDoc, text: str, complete: bool = True):
    pages = [Page(1, text)]
    chunks = chunk_document(doc.doc_id, pages, 300)
    store.begin_document(doc, pages, "2026-01-01T00:00:00+00:00")
    store.add_chunks(doc, chunks, embedder.embed([c.text for c in chunks]))
    if complete:
        store.complete_document(doc.doc_id, len(chunks))
    return chunks


def test_date_number():
    assert date_number("2022-03") == 20220300
    assert date_number("2018-09-14") == 20180914
    assert date_number("") == 0
    assert date_number("n.d.") == 0


def test_scores_are_similarities_higher_is_better(make_settings, embedder):
    store = Store(make_settings(), embedder.name, embedder.dimension)
    _write(store, embedder, _doc("d1"), "PMEGP gives margin money subsidy to micro enterprises.")
    _write(store, embedder, _doc("d2", "b.txt"), "Muga silk is woven in Sualkuchi, Assam.")
    hits = store.query(embedder.embed_query("margin money subsidy under PMEGP"), k=2)
    assert [h.doc.doc_id for h in hits] == ["d1", "d2"]
    assert hits[0].score > hits[1].score
    assert 0.5 < hits[0].score <= 1.0
    assert hits[0].doc.title == "Doc d1" and hits[0].chunk.page == 1


def test_filters_run_inside_chroma(make_settings, embedder):
    store = Store(make_settings(), embedder.name, embedder.dimension)
    _write(store, embedder, _doc("d1", status="superseded", date="2018-09-14"), "PMEGP 2018 rules.")
    _write(store, embedder, _doc("d2", "b.txt", date="2022"), "PMEGP 2022 rules.")
    query = embedder.embed_query("PMEGP rules")
    assert [h.doc.doc_id for h in store.query(query, 5, Filters())] == ["d2"]  # current
    assert [h.doc.doc_id for h in store.query(query, 5, Filters(status="any", date_to="2019"))] == [
        "d1"
    ]
    assert [
        h.doc.doc_id for h in store.query(query, 5, Filters(status="any", date_from="2022"))
    ] == ["d2"]
    assert {h.doc.doc_id for h in store.query(query, 5, Filters(status="any"))} == {"d1", "d2"}


def test_opening_with_another_model_is_a_clear_error(make_settings, embedder):
    settings = make_settings()
    Store(settings, embedder.name, embedder.dimension)
    with pytest.raises(StoreError) as caught:
        Store(settings, "multilingual-e5-small", 384)
    message = str(caught.value)
    assert "all-MiniLM-L6-v2" in message and "multilingual-e5-small" in message
    assert "karigar ingest --rebuild" in message


def test_recover_removes_half_written_documents(make_settings, embedder):
    store = Store(make_settings(), embedder.name, embedder.dimension)
    kept = _write(store, embedder, _doc("d1"), "Complete document about handloom clusters.")
    _write(store, embedder, _doc("d2", "b.txt"), "Half written document. " * 30, complete=False)
    assert store.records()["d2"].ingest_state == PENDING
    recovered = store.recover()
    assert [r.doc.doc_id for r in recovered] == ["d2"]
    assert set(store.records()) == {"d1"} and store.records()["d1"].ingest_state == COMPLETE
    assert store.all_chunk_ids() == {c.chunk_id for c in kept}
    assert store.page_text("d2", 1) is None
    assert store.page_text("d1", 1) == "Complete document about handloom clusters."


def test_document_metadata_round_trips_through_the_record(make_settings, embedder):
    store = Store(make_settings(), embedder.name, embedder.dimension)
    doc = _doc(
        "d1",
        state="Assam",
        beneficiary="Weavers",
        tags=("Handloom", "Credit"),
        source_urls=("https://example.org/a",),
        date="2023-03-16",
    )
    _write(store, embedder, doc, "Handloom weavers of Assam get credit support.")
    record = store.records()["d1"]
    assert record.doc == doc and record.ingest_state == COMPLETE
    hit = store.query(embedder.embed_query("Assam handloom credit"), k=1)[0]
    assert hit.doc == doc


def test_delete_document_removes_chunks_pages_and_record(make_settings, embedder):
    store = Store(make_settings(), embedder.name, embedder.dimension)
    _write(store, embedder, _doc("d1"), "One. " * 100)
    _write(store, embedder, _doc("d2", "b.txt"), "Two. " * 100)
    store.delete_document("d1")
    assert set(store.records()) == {"d2"}
    assert all(cid.startswith("d2:") for cid in store.all_chunk_ids())
    assert store.page_text("d1", 1) is None


def test_rebuild_drops_everything(make_settings, embedder):
    store = Store(make_settings(), embedder.name, embedder.dimension)
    _write(store, embedder, _doc("d1"), "Something.")
    store.drop_all()
    assert store.count() == 0 and store.records() == {}


def test_write_document_keeps_the_order_recovery_relies_on(make_settings, embedder):
    store = Store(make_settings(), embedder.name, embedder.dimension)
    doc = _doc("d1")
    pages = [Page(1, "A document about lacquerware toys of Channapatna. " * 40)]
    chunks = chunk_document(doc.doc_id, pages, 300)
    seen: list[tuple[str, str]] = []

    def observe(step: str) -> None:  # what a reader of the store sees at each step
        seen.append((step, store.records()[doc.doc_id].ingest_state))

    store.write_document(
        doc,
        pages,
        chunks,
        embedder.embed([c.text for c in chunks]),
        "2026-01-01T00:00:00+00:00",
        on_step=observe,
    )
    slices = -(-len(chunks) // 64)
    assert seen == [("pending", PENDING)] + [("chunks", PENDING)] * slices + [
        ("complete", COMPLETE)
    ]
    assert store.records()["d1"].chunks == len(chunks) == store.count()


def test_a_document_is_written_in_three_calls_and_each_changes_the_generation(
    make_settings, embedder
):
    """Its record, the generation and its pages in one call; its chunks; its completion with
    the generation (a Chroma call costs about 10 ms whatever it carries). Every step changes
    the generation another process reads, so its views are rebuilt."""
    store = Store(make_settings(), embedder.name, embedder.dimension)
    other = Store(store.settings, embedder.name, embedder.dimension)  # another process's view
    doc = _doc("d1")
    pages = [Page(n, f"Page {n} on the lacquerware toys of Channapatna. " * 10) for n in (1, 2)]
    chunks = chunk_document(doc.doc_id, pages, 300)
    assert len(chunks) <= 64
    calls: list[str] = []
    for collection, name in ((store._docs, "docs"), (store._chunks, "chunks")):
        for method in ("add", "upsert", "update", "delete"):
            real = getattr(collection, method)

            def logged(*a, _real=real, _name=f"{name}.{method}", **kw):
                calls.append(_name)
                return _real(*a, **kw)

            object.__setattr__(collection, method, logged)
    generations = [other.generation()]

    def observe(step: str) -> None:
        generations.append(other.generation())

    store.write_document(
        doc, pages, chunks, embedder.embed([c.text for c in chunks]), "2026-01-01", observe
    )
    assert calls == ["docs.upsert", "chunks.upsert", "docs.update"]
    pending, _, complete = generations[1:]
    assert len({generations[0], pending, complete}) == 3
    assert store.records()["d1"].ingest_state == COMPLETE
    assert [store.page_text("d1", n) for n in (1, 2)] == [p.text for p in pages]


def test_a_failed_write_leaves_nothing_of_the_document(make_settings, embedder):
    store = Store(make_settings(), embedder.name, embedder.dimension)
    kept = _write(store, embedder, _doc("d0", "kept.txt"), "Handloom weavers of Assam.")
    doc = _doc("d1")
    pages = [Page(1, "Some text about brassware of Moradabad.")]
    chunks = chunk_document(doc.doc_id, pages, 300)
    steps: list[str] = []
    with pytest.raises(StoreError, match="a.txt could not be stored"):  # 7 dimensions, not 384
        store.write_document(
            doc,
            pages,
            chunks,
            [[0.1] * 7] * len(chunks),
            "2026-01-01T00:00:00+00:00",
            on_step=steps.append,
        )
    assert steps == ["pending"]  # it failed while writing the chunks
    assert set(store.records()) == {"d0"} and store.page_text("d1", 1) is None
    assert store.all_chunk_ids() == {c.chunk_id for c in kept}


def test_a_state_filter_reads_spellings_and_keeps_all_india_documents(make_settings, embedder):
    store = Store(make_settings(), embedder.name, embedder.dimension)
    _write(
        store,
        embedder,
        _doc("d1", "a.txt", state="Dadra & Nagar Haveli and Daman & Diu"),
        "Weaver grant rules.",
    )
    _write(store, embedder, _doc("d2", "b.txt", state="Central Government"), "Weaver loan rules.")
    _write(store, embedder, _doc("d3", "c.txt", state="Goa"), "Weaver subsidy rules.")
    query = embedder.embed_query("weaver rules")
    dnh = Filters(states=("Dadra and Nagar Haveli and Daman and Diu",))
    assert {h.doc.doc_id for h in store.query(query, 5, dnh)} == {"d1", "d2"}
    assert {h.doc.doc_id for h in store.query(query, 5, Filters(states=("Goa",)))} == {"d2", "d3"}
    assert {h.doc.doc_id for h in store.query(query, 5, Filters(states=("All India",)))} == {"d2"}
    assert store.query(query, 5, Filters(states=("Assam",), doc_types=("paper",))) == []


def test_deleting_a_document_deletes_its_vectors_in_derived_indexes(make_settings, embedder):
    store = Store(make_settings(), embedder.name, embedder.dimension)
    kept = _write(store, embedder, _doc("d1"), "PMEGP gives margin money subsidy.")
    gone = _write(store, embedder, _doc("d2", "b.txt"), "Muga silk is woven in Sualkuchi.")
    derived = store.derived("e5test", "a-model", 2)
    ids = [c.chunk_id for c in kept + gone]
    derived.upsert(ids, [[1.0, 0.0]] * len(ids))
    store.delete_document("d2")
    assert derived.ids() == {c.chunk_id for c in kept}  # in step, no sync needed


def test_a_printed_page_label_round_trips(make_settings, embedder):
    store = Store(make_settings(), embedder.name, embedder.dimension)
    doc = _doc("d1", "a.pdf")
    pages = [Page(1, "Cover page text."), Page(2, "Scheme rules text.", label="1")]
    chunks = chunk_document(doc.doc_id, pages, 300)
    store.begin_document(doc, pages, "2026-01-01T00:00:00+00:00")
    store.add_chunks(doc, chunks, embedder.embed([c.text for c in chunks]))
    store.complete_document(doc.doc_id, len(chunks))
    assert store.page_label("d1", 2) == "1" and store.page_label("d1", 1) == ""
    assert store.page_label("nope", 1) == ""


def test_records_are_read_again_after_any_write_by_any_store_object(make_settings, embedder):
    """Records are kept between writes (the app asks on every run); a write through this
    Store or another one on the same folder is seen at the next call."""
    settings = make_settings()
    store = Store(settings, embedder.name, embedder.dimension)
    other = Store(settings, embedder.name, embedder.dimension)
    _write(store, embedder, _doc("d1"), "One. " * 100)
    first = store.records()
    assert set(first) == {"d1"}
    first.clear()  # a caller's change to what it got does not reach the kept records
    assert set(store.records()) == {"d1"}
    _write(other, embedder, _doc("d2", "b.txt"), "Two. " * 100, complete=False)
    assert store.records()["d2"].ingest_state == PENDING and set(store.documents()) == {"d1"}
    other.complete_document("d2", 1)
    assert set(store.documents()) == {"d1", "d2"}
    other.delete_document("d1")
    assert set(store.records()) == {"d2"}


def test_the_lexical_index_kept_in_step_equals_one_built_from_nothing(
    make_settings, mini_corpus, corpus, embedder
):
    """After each write (a new file, a moved file, a deleted document) the index re-reads
    only the documents that changed; what it holds and what it finds are those of an index
    built from the whole store."""
    import shutil

    from ingest.pipeline import Ingestor
    from retrieval.search.lexical import LexicalIndex

    settings = make_settings(corpus_dir=mini_corpus)
    ingestor = Ingestor(settings, embedder)
    ingestor.run()
    kept = LexicalIndex(ingestor.store)
    kept.warm()
    read: list[list[str]] = []
    real = ingestor.store.chunks_of_documents

    def counting(doc_ids):
        read.append(list(doc_ids))
        return real(doc_ids)

    ingestor.store.chunks_of_documents = counting  # type: ignore[method-assign]

    def same_as_new(question: str) -> None:
        fresh = LexicalIndex(ingestor.store)
        a, b = kept._fresh(), fresh._fresh()
        assert [c.chunk_id for c in a.chunks] == [c.chunk_id for c in b.chunks]
        assert a.docs == b.docs and a.df == b.df
        assert a.vectors is not None and np.array_equal(a.vectors, b.vectors)
        found = [(c.chunk_id, score) for c, _, score in kept.search(question, 8)]
        assert found and found == [(c.chunk_id, score) for c, _, score in fresh.search(question, 8)]
        vector = embedder.embed_query(question)
        near = [(h.chunk.chunk_id, h.score) for h in kept.nearest(vector, 8)]
        assert near and near == [(h.chunk.chunk_id, h.score) for h in fresh.nearest(vector, 8)]

    shutil.copy(
        corpus / "seeds/lokanathan-2025-growth-of-smes-and-handicrafts.txt", mini_corpus / "seeds"
    )
    ingestor.run()
    same_as_new("How many SSI units does Assam have?")
    assert len(read) == 1 and len(read[0]) == 1  # the new document alone was read
    (mini_corpus / "moved").mkdir()
    shutil.move(mini_corpus / "schemes/Atal_Pension_Yojana.json", mini_corpus / "moved")
    ingestor.run()  # same content, new path: the record changes, the chunks' metadata too
    same_as_new("age limit Atal Pension Yojana")
    assert any(c.path.startswith("moved/") for c in kept._fresh().docs)
    gone = next(r for r in ingestor.store.documents().values() if r.doc.path.startswith("seeds/jk"))
    ingestor.delete(gone.doc.doc_id)
    same_as_new("handicrafts in Jammu and Kashmir")


def test_the_dense_search_in_memory_finds_what_chroma_finds_under_every_filter(
    make_settings, mini_corpus, embedder
):
    """`LexicalIndex.nearest` (every chunk compared in memory) against the store's own
    query (Chroma's index, exact on a corpus this small): the same chunks in the same order
    with the same similarity, with no filter and with each kind of filter."""
    from ingest.pipeline import Ingestor
    from retrieval.core.filters import Filters
    from retrieval.search.lexical import LexicalIndex

    settings = make_settings(corpus_dir=mini_corpus)
    ingestor = Ingestor(settings, embedder)
    ingestor.run()
    store = ingestor.store
    index = LexicalIndex(store)
    some = next(iter(store.documents().values())).doc
    for question, filters in [
        ("pension for workers in the unorganised sector", Filters()),
        ("handicrafts in Jammu and Kashmir", Filters(states=("Jammu and Kashmir",))),
        ("bank guarantee charges", Filters(doc_types=("scheme_record",))),
        ("growth of small enterprises", Filters(status="any")),
        ("growth of small enterprises", Filters(doc_ids=(some.doc_id,))),
    ]:
        vector = embedder.embed_query(question)
        ours = index.nearest(vector, 12, filters.keep)
        theirs = store.query(vector, 12, filters)
        assert ours, (question, filters)
        assert [h.chunk.chunk_id for h in ours] == [h.chunk.chunk_id for h in theirs]
        assert all(
            abs(a.score - b.score) < 1e-4 and a.doc == b.doc
            for a, b in zip(ours, theirs, strict=True)
        )
        assert all(filters.keep(h.doc) for h in ours)


def test_unit_vectors_kept_at_ingest_serve_the_answers_and_change_nothing(
    make_settings, mini_corpus, embedder
):
    """With unit vectors kept at ingest, a new process answers without embedding a unit of
    the passages it reads, and the answers are those computed without them."""
    import sqlite3

    from ingest.pipeline import Ingestor
    from retrieval.answer.chain import Query
    from retrieval.parts import open_parts

    questions = (
        "What is the age limit for joining the Atal Pension Yojana?",
        "How much is the stipend in the Advanced Training in Handicrafts scheme?",
        "What is the maximum project cost for a second loan under PMEGP?",
    )
    plain = make_settings(corpus_dir=mini_corpus)
    Ingestor(plain, embedder).run()
    assert not (plain.data_dir / "unit-vectors.sqlite").exists()
    kept = plain.model_copy(
        update={"data_dir": plain.data_dir.parent / "kept", "unit_vectors_at_ingest": True}
    )
    Ingestor(kept, embedder).run()
    with sqlite3.connect(kept.data_dir / "unit-vectors.sqlite") as db:
        assert db.execute("SELECT count(*) FROM vectors").fetchone()[0] > 50
    parts = open_parts(kept, embedder)  # a new process's view: nothing in memory yet
    chain = parts.chain()
    answers = [chain.answer(Query(q)) for q in questions]
    assert parts.unit_vectors.misses == 0 and parts.unit_vectors.hits > 20
    computed = open_parts(plain, embedder).chain()
    for question, answer in zip(questions, answers, strict=True):
        again = computed.answer(Query(question))
        assert (answer.text, answer.citations) == (again.text, again.citations), question


def test_vectors_of_more_ids_than_sqlite_binds_at_once_are_read(tmp_path):
    """A store of 100,000 passages failed its first answer: the lexical index asked Chroma
    for every chunk's vector in one `get`, and SQLite binds at most 32,766 variables a
    statement ("too many SQL variables"). The ids are read in slices now."""
    import chromadb

    from retrieval.core.chroma import embeddings_in

    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"))
    collection = client.create_collection("many", embedding_function=None)
    ids = [f"c{i}" for i in range(33_000)]
    vectors = np.random.default_rng(0).random((len(ids), 2)).astype(np.float32)
    step = client.get_max_batch_size()
    for start in range(0, len(ids), step):
        collection.add(
            ids=ids[start : start + step], embeddings=vectors[start : start + step].tolist()
        )
    with pytest.raises(Exception, match="too many SQL variables"):
        collection.get(ids=ids, include=["embeddings"])  # what the store did
    found = embeddings_in(collection, [*ids, "not-stored"])
    assert len(found) == len(ids) and "not-stored" not in found
    assert np.allclose(found["c32999"], vectors[32_999])
