"""Where an answer's time goes: p50 and p95 of every stage and of the whole answer, per
generator and per question shape, with the plain LangChain recipe answered in the same run.

    .venv/bin/python -m bench.query [--generators extractive,llm:smollm2] [--llm-questions 40]

Questions: every question of eval/questions/ (both halves: single, long profile, multi-part,
table, short-article, Hindi, in-domain unanswerable and off-topic) and 200 portal FAQ pairs
from ../shared/eval-data (the sample `karigar eval` scores); over 600 in all. The store is
KARIGAR_DATA_DIR's, its models loaded and warmed before the clock starts. The stages are
those the code marks (`retrieval.core.timing.stage`): question analysis, query embedding,
dense, lexical, fusion, candidate vectors, re-scoring, multilingual, store refresh,
answerability, unit vectors, reading, guideline check; "other" is the rest of the answer
(the rewrite, the refusal, the citations, the eligibility and scheme-list answers). A stage a
question never entered counts as 0 s for it. A local LLM generator answers only the first
`--llm-questions` of them (one in every n, all shapes).
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from bench.answer_latency import percentile
from retrieval.answer.chain import Query
from retrieval.core.settings import Settings
from retrieval.core.timing import collect
from retrieval.parts import open_parts

TARGET_P50, TARGET_P95 = 0.100, 0.250  # issue 15: extractive `ask` once the models are loaded


def line(name: str, values: list[float], width: int = 22) -> str:
    return (
        f"{name:<{width}}{len(values):>5}{percentile(values, 0.5) * 1000:>9.0f}"
        f"{percentile(values, 0.95) * 1000:>9.0f}{max(values) * 1000:>9.0f}"
    )


def header(first: str, width: int = 22) -> str:
    return f"{first:<{width}}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"


TARGET_MEMORY_MB = 1536  # issue 15: resident memory under 1.5 GB for the reference corpus


def memory() -> str:
    """This process's resident memory now and at its peak (the store, the models and the
    indexes loaded, and what the answers left)."""
    import resource

    import psutil

    now = psutil.Process().memory_info().rss / 2**20
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return f"{now:.0f} MB now, {peak:.0f} MB at the peak (target {TARGET_MEMORY_MB} MB)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--generators", default="extractive")
    parser.add_argument("--llm-questions", type=int, default=40)
    parser.add_argument("--faq", type=int, default=200, help="portal FAQ pairs (0: none)")
    parser.add_argument("--no-recipe", action="store_true", help="leave the plain recipe out")
    args = parser.parse_args()

    from eval.questions import FAQ_PATH, load_questions
    from eval.systems import PlainLangChainSystem
    from ingest.pipeline import discover

    settings = Settings(progress=False)
    questions = load_questions(faq_path=FAQ_PATH if args.faq else None, faq_limit=args.faq or None)
    started = time.perf_counter()
    parts = open_parts(settings)
    parts.warm()
    print(f"store and models loaded and warmed in {time.perf_counter() - started:.1f} s")
    print(f"{len(questions)} questions, store {settings.data_dir}\n")

    for generator in args.generators.split(","):
        chain = parts.chain(generator)
        asked = questions
        if generator != "extractive":
            step = max(1, len(questions) // args.llm_questions)
            asked = questions[::step][: args.llm_questions]
        chain.answer(Query(asked[0].question))  # the generator's own first-use costs
        stages: dict[str, list[float]] = defaultdict(list)
        totals: list[float] = []
        by_shape: dict[str, list[float]] = defaultdict(list)
        for q in asked:
            with collect() as seen:
                began = time.perf_counter()
                chain.answer(Query(q.question))
                took = time.perf_counter() - began
            totals.append(took)
            by_shape[q.shape or ("faq" if q.category == "faq" else "single")].append(took)
            for name, secs in seen.items():
                stages[name].append(secs)
            stages["other"].append(took - sum(seen.values()))
        for name in stages:  # a stage a question skipped took it no time
            stages[name] += [0.0] * (len(asked) - len(stages[name]))
        print(f"## {generator}: {len(asked)} questions\n")
        print(header("stage"))
        for name in sorted(stages, key=lambda n: -percentile(stages[n], 0.95)):
            print(line(name, stages[name]))
        print(line("the whole answer", totals))
        print()
        print(header("shape"))
        for shape in sorted(by_shape):
            print(line(shape, by_shape[shape]))
        if generator == "extractive":
            p50, p95 = percentile(totals, 0.5), percentile(totals, 0.95)
            print(
                f"\ntarget p50 < {TARGET_P50 * 1000:.0f} ms: {p50 * 1000:.0f} ms "
                f"({p50 / TARGET_P50:.2f}x the target); p95 < {TARGET_P95 * 1000:.0f} ms: "
                f"{p95 * 1000:.0f} ms ({p95 / TARGET_P95:.2f}x)"
            )
        print(f"\nresident memory after these answers: {memory()}")
        print()

    if not args.no_recipe:
        files, _ = discover(settings.corpus_dir)
        recipe = PlainLangChainSystem(
            files, settings.corpus_dir, parts.embedder, settings.data_dir / "eval-plain-recipe"
        )
        if recipe.build_seconds:
            print(f"(the recipe's index was built first: {recipe.build_seconds:.0f} s)")
        recipe.run(questions[0])
        times = []
        for q in questions:
            began = time.perf_counter()
            recipe.run(q)
            times.append(time.perf_counter() - began)
        print(
            "## the plain LangChain recipe: its top 4 passages read by the same extractive "
            "reader, as `karigar eval` runs it\n"
        )
        print(header("system"))
        print(line("plain recipe", times))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
