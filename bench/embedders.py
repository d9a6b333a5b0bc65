"""The main index's model on its two runtimes and at three batch sizes, against a reference run
in the same process: torch (sentence-transformers, full precision) at batch 32, what Karigar
used before the int8 ONNX runtime became the default.

    .venv/bin/python -m bench.embedders [--chunks 300] [--queries 100]

Texts: a fixed sample of the chunks in the store of `KARIGAR_DATA_DIR` (run `karigar ingest`
first), as ingest embeds them (with their title), and the sentences of those chunks (what the
reader's unit vectors embed). For each runtime and batch size it prints the passages and
sentences embedded a second, a single question's embedding (p50, p95), and the load time
(a fresh interpreter importing the runtime and loading the model, timed by itself); the
vectors of each runtime are compared with the reference's (cosine), and the questions' top 10
chunks among the sample with the reference's (overlap).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time

import numpy as np

from retrieval.core.embeddings import get_embedder
from retrieval.core.settings import load_settings
from retrieval.core.text import embedding_text, sentence_spans
from retrieval.parts import open_parts

_LOAD = """
import json, sys, time
started = time.perf_counter()
from retrieval.core.embeddings import get_embedder
get_embedder("all-MiniLM-L6-v2", 8, sys.argv[1]).embed(["warm up"])
print(json.dumps({"seconds": time.perf_counter() - started,
                  "torch": "torch" in sys.modules}))
"""


def load_seconds(backend: str) -> tuple[float, bool]:
    """A fresh interpreter's import and load of the model (and whether torch was imported)."""
    out = subprocess.run(
        [sys.executable, "-c", _LOAD, backend], capture_output=True, text=True, check=True
    )
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return float(data["seconds"]), bool(data["torch"])


def texts_of_store(n: int, seed: int = 7) -> tuple[list[str], list[str], list[str]]:
    """A sample of the store's chunks as embedded, their sentences, and questions."""
    from eval.questions import load_questions

    store = open_parts(load_settings()).store
    chunks = []
    for rec in store.records().values():
        for chunk in store.chunks_of(rec.doc.doc_id):
            chunks.append(embedding_text(chunk, rec.doc.title))
    if not chunks:
        raise SystemExit("the store is empty: run `karigar ingest` first")
    sample = random.Random(seed).sample(chunks, min(n, len(chunks)))
    sentences = [
        s[a:b].strip() for s in sample for a, b in sentence_spans(s) if len(s[a:b].split()) >= 4
    ]
    questions = [q.question for q in load_questions(faq_path=None) if q.language == "en"]
    return sample, sentences, questions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=300)
    parser.add_argument("--queries", type=int, default=100)
    args = parser.parse_args()
    chunks, sentences, questions = texts_of_store(args.chunks)
    questions = random.Random(7).sample(questions, min(args.queries, len(questions)))
    print(f"{len(chunks)} chunks, {len(sentences)} sentences, {len(questions)} questions\n")

    runs = [("torch", 32), ("torch", 8), ("torch", 1), ("onnx", 32), ("onnx", 8), ("onnx", 1)]
    results = {}
    vectors = {}
    for backend, batch in runs:
        embedder = get_embedder("all-MiniLM-L6-v2", batch, backend)
        embedder.embed(chunks[:8])  # warm
        started = time.perf_counter()
        v = np.asarray(embedder.embed(chunks))
        chunk_rate = len(chunks) / (time.perf_counter() - started)
        started = time.perf_counter()
        embedder.embed(sentences)
        sentence_rate = len(sentences) / (time.perf_counter() - started)
        times, q = [], []
        for text in questions:
            started = time.perf_counter()
            q.append(embedder.embed([text])[0])  # not embed_query: no cache
            times.append(time.perf_counter() - started)
        ms = np.asarray(times) * 1000
        vectors[(backend, batch)] = (v, np.asarray(q))
        results[(backend, batch)] = (chunk_rate, sentence_rate, *np.percentile(ms, [50, 95]))
    loads = {backend: load_seconds(backend) for backend in ("torch", "onnx")}

    ref = results[runs[0]]
    header = f"{'runtime, batch':<16}{'chunks/s':>10}{'x':>6}{'sentences/s':>13}{'x':>6}"
    print(header + f"{'query p50 ms':>14}{'p95':>7}{'load s':>8}{'x':>6}")
    for key in runs:
        chunk_rate, sentence_rate, p50, p95 = results[key]
        load, _ = loads[key[0]]
        print(
            f"{key[0] + ', ' + str(key[1]):<16}{chunk_rate:>10.1f}{chunk_rate / ref[0]:>6.2f}"
            f"{sentence_rate:>13.1f}{sentence_rate / ref[1]:>6.2f}{p50:>14.1f}{p95:>7.1f}"
            f"{load:>8.2f}{load / loads['torch'][0]:>6.2f}"
        )
    print(f"(torch imported by the onnx runtime's load: {loads['onnx'][1]})")

    ref_v, ref_q = vectors[runs[0]]
    for key in runs[1:]:
        v, q = vectors[key]
        cos = (v * ref_v).sum(axis=1)
        top = [
            len(set(np.argsort(-(ref_v @ a))[:10]) & set(np.argsort(-(v @ b))[:10])) / 10
            for a, b in zip(ref_q, q, strict=True)
        ]
        print(
            f"{key[0]}, {key[1]} against torch, 32: chunk vectors' cosine mean "
            f"{cos.mean():.4f}, min {cos.min():.4f}; questions' top 10 overlap {np.mean(top):.3f}"
        )


if __name__ == "__main__":
    main()
