"""The stage timer on its own (marks add up per name, only inside a collection), and the
embedder's recent queries that spare the stages embedding a text twice."""

from __future__ import annotations

import time

from retrieval.core.timing import collect, stage


def test_a_stage_outside_a_collection_is_not_kept_and_inside_adds_up():
    with stage("dense"):
        pass
    with collect() as stages:
        for _ in range(2):
            with stage("dense"):
                time.sleep(0.01)
        with stage("lexical"):
            pass
    assert set(stages) == {"dense", "lexical"}
    assert 0.02 <= stages["dense"] < 1.0
    with collect() as again:
        pass
    assert again == {}  # a new collection starts empty


def test_a_stage_that_raises_is_still_timed():
    with collect() as stages:
        try:
            with stage("reading"):
                raise ValueError("a reader fault")
        except ValueError:
            pass
    assert "reading" in stages


def test_a_stage_inside_another_is_its_own_and_the_outer_keeps_the_rest():
    with collect() as stages, stage("reading"):
        time.sleep(0.02)
        with stage("unit vectors"):
            time.sleep(0.05)
        with stage("unit vectors"):
            time.sleep(0.05)
    assert stages["unit vectors"] >= 0.1
    assert 0.02 <= stages["reading"] < 0.09  # its own 0.02 s, not the 0.1 s inside it


def test_a_query_asked_again_is_not_embedded_again(embedder):
    """The recent queries' vectors are kept: the search, the parts and the reader embed
    the same text of one question once, and get the same vector."""
    calls = []
    real = embedder._encode  # the runtime's forward pass (int8 ONNX or torch)

    def counting(texts):
        calls.append(list(texts))
        return real(texts)

    embedder._encode = counting
    try:
        first = embedder.embed_query("What is the PMEGP margin money rate in hill areas?")
        again = embedder.embed_query("What is the PMEGP margin money rate in hill areas?")
        other = embedder.embed_query("What is the PMEGP margin money rate in plains?")
    finally:
        del embedder._encode  # the class's own again
    assert first == again and first != other
    assert len(calls) == 2
    again[0] = 99.0  # a caller's change to its copy does not reach the kept vector
    assert embedder.embed_query("What is the PMEGP margin money rate in hill areas?") == first


def test_numpy_s_blas_keeps_one_thread_beside_the_embedding_model(embedder):
    """Loading the model leaves OpenBLAS one thread: its spinning threads slowed the
    model's own on two cores."""
    from threadpoolctl import threadpool_info

    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
