"""English answers while the web app builds the multilingual index in the background, against
the same answers with nothing else running, in one process.

    .venv/bin/python -m bench.multilingual_background [--questions 100] [--seconds 120]

Works on a copy of the store in `KARIGAR_DATA_DIR` without its multilingual index (the copy
is made in a temporary folder and deleted after). The English questions of `eval/questions/`
are answered once alone (the reference), then again while `Parts.build_multilingual_in_
background` embeds with e5 for up to `--seconds`; prints p50 / p95 of both, their ratio, and
the build's rate while it shared the cores.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench.answer_latency import percentile
from retrieval.answer.chain import Query
from retrieval.core.settings import Settings
from retrieval.parts import open_parts
from retrieval.search.multilingual import SUFFIX


def answer_times(chain, questions: list[str], until: float | None = None) -> list[float]:
    times = []
    for q in questions:
        if until is not None and time.perf_counter() > until:
            break
        began = time.perf_counter()
        chain.answer(Query(q))
        times.append(time.perf_counter() - began)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=120.0)
    args = parser.parse_args()
    from eval.questions import load_questions

    source = Settings(progress=False)
    english = [q.question for q in load_questions(faq_path=None) if q.language == "en"]
    english = english[: args.questions]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(source.data_dir, data, ignore=shutil.ignore_patterns("eval-plain-recipe"))
        settings = source.model_copy(update={"data_dir": data})
        parts = open_parts(settings)
        parts.store.drop_derived(SUFFIX)
        parts.warm()
        chain = parts.chain("extractive")
        answer_times(chain, english[:5])  # first-use costs
        alone = answer_times(chain, english)
        build = parts.build_multilingual_in_background()
        assert build is not None
        started = time.perf_counter()
        beside: list[float] = []
        while time.perf_counter() - started < args.seconds and not build.finished:
            beside += answer_times(chain, english, until=started + args.seconds)
        rate = build.done / (time.perf_counter() - started)
    print(f"{len(english)} English questions, store {source.data_dir} (a copy)\n")
    print(f"{'answers':<34}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}")
    for name, times in (("alone", alone), ("beside the multilingual build", beside)):
        p50, p95 = (percentile(times, p) * 1000 for p in (0.5, 0.95))
        print(f"{name:<34}{len(times):>5}{p50:>9.0f}{p95:>9.0f}")
    ratio50 = percentile(beside, 0.5) / percentile(alone, 0.5)
    ratio95 = percentile(beside, 0.95) / percentile(alone, 0.95)
    print(f"\nbeside / alone: p50 {ratio50:.2f}x, p95 {ratio95:.2f}x")
    print(
        f"the build meanwhile: {build.done:,} of {build.total:,} chunks, {rate:.1f} a second "
        f"(about {build.total / rate / 60:.0f} min for the whole store at that rate)"
    )


if __name__ == "__main__":
    main()
