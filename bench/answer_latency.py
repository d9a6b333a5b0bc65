"""Latency of answering, per generator, and the load time of each model.

    .venv/bin/python -m bench.answer_latency [--data-dir data] [--generators extractive,llm:smollm2]

Runs the gold and unanswerable questions of eval/questions/ through the chain (one warm-up
question first) and prints p50/p95 of the total time, the share that answered, and how many
gold answers cite a gold page.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from retrieval.answer.chain import Query
from retrieval.core.settings import PROJECT_ROOT, Settings
from retrieval.parts import open_parts


def _load(name: str) -> list[dict]:
    path = PROJECT_ROOT / "eval" / "questions" / name
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--generators", default="extractive")
    args = parser.parse_args()
    settings = Settings(**({"data_dir": args.data_dir} if args.data_dir else {}))
    started = time.perf_counter()
    parts = open_parts(settings)
    parts.embedder.embed(["warm"])
    print(f"embedding model load: {time.perf_counter() - started:.1f} s")
    gold, off = _load("retrieval_gold.jsonl"), _load("unanswerable.jsonl")
    for name in args.generators.split(","):
        started = time.perf_counter()
        chain = parts.chain(name)
        print(f"[{name}] generator load: {time.perf_counter() - started:.1f} s")
        chain.answer(Query("Who is eligible for PMEGP?"))  # warm-up (BM25 index too)
        times, cited, answered = [], 0, 0
        for q in gold + off:
            answer = chain.answer(Query(q["question"]))
            times.append(answer.timings["total"])
            answered += not answer.abstained
            wanted = {(g["path"], g["page"]) for g in q.get("gold", [])}
            cited += bool(wanted & {(c.path, c.page) for c in answer.citations})
        print(
            f"[{name}] {len(times)} questions: p50 {percentile(times, 0.5):.2f} s, "
            f"p95 {percentile(times, 0.95):.2f} s, mean {statistics.mean(times):.2f} s; "
            f"answered {answered} (gold {len(gold)}, unanswerable {len(off)}); "
            f"gold page cited in {cited}/{len(gold)}"
        )


if __name__ == "__main__":
    main()
