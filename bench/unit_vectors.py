"""What the kept unit vectors buy: the same questions answered over the store in
KARIGAR_DATA_DIR twice in one process, first embedding every unit read (the reference, as
before they were kept), then with the vectors kept at ingest (or on use) in
`data/unit-vectors.sqlite`.

    .venv/bin/python -m bench.unit_vectors [--questions 120]

Prints p50 / p95 seconds of each, their ratio, the cache's hits and misses, and how many
answers are the same (text, sources and pages) both ways.
"""

from __future__ import annotations

import argparse
import json
import time

from bench.answer_latency import percentile
from bench.load import signature
from retrieval.answer.chain import Query
from retrieval.core.settings import PROJECT_ROOT
from retrieval.parts import open_parts

FILES = ("eval_set.jsonl", "shapes.jsonl")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=120)
    args = parser.parse_args()
    asked = [
        json.loads(line)["question"]
        for name in FILES
        for line in (PROJECT_ROOT / "eval" / "questions" / name).read_text("utf-8").splitlines()
        if line.strip()
    ][::3][: args.questions]  # every third: all shapes, no two of one family in a row
    parts = open_parts()
    chain = parts.chain()
    parts.warm()
    kept = parts.unit_vectors

    def run() -> tuple[list[float], list[tuple]]:
        times, answers = [], []
        for q in asked:
            started = time.perf_counter()
            a = chain.answer(Query(q))
            times.append(time.perf_counter() - started)
            answers.append(signature(a))
        return sorted(times), answers

    def both(times: list[float]) -> tuple[float, float]:
        return percentile(times, 0.5), percentile(times, 0.95)

    chain.generator.unit_vectors = None  # type: ignore[attr-defined]
    chain.__dict__.pop("reader", None)  # the chain's own reader takes the generator's
    plain_times, plain = run()
    chain.generator.unit_vectors = kept  # type: ignore[attr-defined]
    chain.__dict__.pop("reader", None)
    kept_times, answers = run()
    (p50a, p95a), (p50b, p95b) = both(plain_times), both(kept_times)
    print(f"{len(asked)} questions over {parts.settings.data_dir}")
    print(f"  every unit embedded on each question: p50 {p50a:.3f} s, p95 {p95a:.3f} s")
    print(
        f"  unit vectors kept:                    p50 {p50b:.3f} s, p95 {p95b:.3f} s "
        f"({kept.hits} read, {kept.misses} embedded and kept now)"
    )
    print(f"  ratio kept / embedded: p50 {p50b / p50a:.2f}, p95 {p95b / p95a:.2f}")
    same = sum(x == y for x, y in zip(plain, answers, strict=True))
    print(f"  the same answer both ways: {same} of {len(asked)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
