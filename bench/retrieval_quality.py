"""Retrieval quality and the abstention threshold, measured on question files.

    .venv/bin/python -m bench.retrieval_quality [--data-dir data] [--faq 60]

Prints hit@1/hit@5 (document and page) for dense only, BM25 only and the hybrid search on
`eval/questions/retrieval_gold.jsonl`; then the relevance of the best passage for
answerable questions (the gold set and a sample of the real FAQ questions, scheme named)
against off-topic ones (`eval/questions/unanswerable.jsonl`), and the threshold that
separates them best (on every question: `RELEVANCE_THRESHOLD` is now fit on the tuning half
by `python -m eval.fit`).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
from pathlib import Path

from retrieval.core.filters import Filters
from retrieval.core.settings import PROJECT_ROOT, Settings
from retrieval.parts import open_parts
from retrieval.search.hybrid import Searcher
from retrieval.search.ranking import relevance

QUESTIONS = PROJECT_ROOT / "eval" / "questions"


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def hit_at(hits: list[tuple[str, int]], gold: list[dict], k: int, page: bool) -> bool:
    wanted = {(g["path"], g["page"]) if page else g["path"] for g in gold}
    got = [(p, n) if page else p for p, n in hits[:k]]
    return any(g in wanted for g in got)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--faq", type=int, default=60, help="FAQ questions sampled")
    args = parser.parse_args()
    settings = Settings(**({"data_dir": args.data_dir} if args.data_dir else {}))
    parts = open_parts(settings)
    embedder, store = parts.embedder, parts.store
    searcher = Searcher(store, embedder)  # English only, as the thresholds were measured
    gold = load_jsonl(QUESTIONS / "retrieval_gold.jsonl")
    any_status = Filters(status="any")
    rows = {"dense": [], "bm25": [], "hybrid": []}
    for q in gold:
        vec = embedder.embed_query(q["question"])
        dense = [(h.doc.path, h.chunk.page) for h in store.query(vec, k=5)]
        bm25 = [(d.path, c.page) for c, d, _ in searcher.lexical.search(q["question"], 5)]
        hybrid = [(h.doc.path, h.chunk.page) for h in searcher.search(q["question"], 5, any_status)]
        for name, hits in (("dense", dense), ("bm25", bm25), ("hybrid", hybrid)):
            rows[name].append(
                [hit_at(hits, q["gold"], k, page) for k in (1, 5) for page in (False, True)]
            )
    print(f"{len(gold)} gold questions: hit@1 doc, hit@1 page, hit@5 doc, hit@5 page")
    for name, marks in rows.items():
        rates = [sum(m[i] for m in marks) / len(marks) for i in range(4)]
        print(f"  {name:<7}" + "".join(f"{r:>8.2f}" for r in rates))
    misses = [q["id"] for q, m in zip(gold, rows["hybrid"], strict=True) if not m[3]]
    print(f"  hybrid page misses at 5: {misses}")

    faq_path = PROJECT_ROOT.parent / "shared" / "eval-data" / "myscheme_faq_dev.jsonl"
    faq = load_jsonl(faq_path) if faq_path.exists() else []
    sample = random.Random(11).sample(faq, min(args.faq, len(faq)))
    answerable = [q["question"] for q in gold] + [
        f"{q['question']} ({q['scheme']})" for q in sample
    ]
    off_topic = [q["question"] for q in load_jsonl(QUESTIONS / "unanswerable.jsonl")]

    def best(question: str) -> float:
        return relevance(searcher.search(question, 5, Filters(status="any")))

    pos = [best(q) for q in answerable]
    neg = [best(q) for q in off_topic]
    print(
        f"relevance, answerable (n={len(pos)}): min {min(pos):.3f} p10 "
        f"{sorted(pos)[len(pos) // 10]:.3f} median {statistics.median(pos):.3f}"
    )
    print(
        f"relevance, off-topic  (n={len(neg)}): max {max(neg):.3f} median "
        f"{statistics.median(neg):.3f}  values {[round(v, 3) for v in sorted(neg)]}"
    )
    candidates = sorted(set(pos + neg))
    scored = []
    for t in candidates:
        recall_refuse = sum(v < t for v in neg) / len(neg)
        keep_answer = sum(v >= t for v in pos) / len(pos)
        scored.append((recall_refuse + keep_answer, keep_answer, t))
    total, keep, threshold = max(scored)
    print(
        f"best threshold {threshold:.3f}: refuses {total - keep:.2f} of off-topic, "
        f"answers {keep:.2f} of answerable"
    )


if __name__ == "__main__":
    main()
