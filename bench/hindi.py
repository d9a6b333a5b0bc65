"""Hindi questions over English documents: which way finds the right page, and where to refuse.

    .venv/bin/python -m bench.hindi [--data-dir data] [--model-cache ~/.cache/karigar]
                                    [--no-translate]

Needs the multilingual index (`karigar index-multilingual`). For each question in
eval/questions/hindi.jsonl (a Hindi version of a gold question), hit@5 at page level for:

- `as is`: the Hindi question through the English hybrid search (all-MiniLM-L6-v2 is
  English-only, so this is the floor);
- `e5`: the untranslated question in the multilingual index (multilingual-e5-small), fused
  with BM25 over the question's Latin words (what the chain does without a local LLM);
- `translated`: the question translated by the local LLM, then the English hybrid search;
- `translated+e5`: the translation's hybrid search with e5's list for the original fused in
  (what the chain does with a local LLM).

Then, for the `e5` route, the relevance of the best passage for the answerable questions and
for eval/questions/hindi_unanswerable.jsonl, and how each threshold would split them: the
figures `retrieval.search.ranking.E5_RELEVANCE_THRESHOLD` was first set from; it is now fit on the
tuning half by `python -m eval.fit`, which this bench does not split.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from retrieval.core.filters import Filters
from retrieval.core.settings import PROJECT_ROOT, Settings
from retrieval.parts import open_parts
from retrieval.search.hybrid import Searcher

FOLDER = PROJECT_ROOT / "eval" / "questions"


def _load(name: str) -> list[dict]:
    return [json.loads(x) for x in (FOLDER / name).read_text("utf-8").splitlines() if x.strip()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--model-cache", type=Path, default=None)
    parser.add_argument("--no-translate", action="store_true", help="skip the LLM routes")
    args = parser.parse_args()
    overrides = {"data_dir": args.data_dir, "model_cache_dir": args.model_cache}
    settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    parts = open_parts(settings)
    index = parts.multilingual
    if index is None or not index.count():
        raise SystemExit("no multilingual index: run `karigar index-multilingual` first")
    english = Searcher(parts.store, parts.embedder)  # the same store without the e5 index
    both = parts.searcher
    translate = None
    if not args.no_translate:
        from retrieval.answer.llm import load_llm, translate_to_english

        started = time.perf_counter()
        llm = load_llm(settings.llm_model, settings.model_cache_dir)
        print(f"{settings.llm_model} load: {time.perf_counter() - started:.1f} s")

        def translate(text: str) -> str:
            return translate_to_english(llm, text)

    gold = {q["id"]: q for q in _load("retrieval_gold.jsonl")}
    questions = _load("hindi.jsonl")
    routes = ["as is", "e5"] + ([] if translate is None else ["translated", "translated+e5"])
    hits = dict.fromkeys(routes, 0)
    seconds: dict[str, list[float]] = {r: [] for r in routes}
    answerable_relevance = []
    anyf = Filters(status="any")
    for q in questions:
        wanted = {(g["path"], g["page"]) for g in gold[q["of"]]["gold"]}
        found = {}
        mark = time.perf_counter()
        found["as is"] = english.search(q["question"], 5, anyf)
        seconds["as is"].append(time.perf_counter() - mark)
        mark = time.perf_counter()
        result = both.retrieve(q["question"], 5, anyf)
        seconds["e5"].append(time.perf_counter() - mark)
        found["e5"] = result.hits
        answerable_relevance.append(result.relevance)
        line = ""
        if translate is not None:
            mark = time.perf_counter()
            text = translate(q["question"])
            spent = time.perf_counter() - mark
            mark = time.perf_counter()
            found["translated"] = english.search(text, 5, anyf)
            seconds["translated"].append(spent + time.perf_counter() - mark)
            mark = time.perf_counter()
            found["translated+e5"] = both.search(text, 5, anyf, original=q["question"])
            seconds["translated+e5"].append(spent + time.perf_counter() - mark)
            line = f" :: {text}"
        marks = []
        for route in routes:
            ok = bool(wanted & {(h.doc.path, h.chunk.page) for h in found[route]})
            hits[route] += ok
            marks.append(f"{route}={'hit' if ok else 'miss'}")
        print(f"{q['id']} {' '.join(marks)} relevance(e5)={result.relevance:.3f}{line}")
    n = len(questions)
    print(f"\nhit@5 (page), {n} Hindi questions:")
    for route in routes:
        mean = sum(seconds[route]) / n
        print(f"  {route:<14} {hits[route]:>2}/{n}   {mean:.2f} s a question")
    refused = [
        both.retrieve(q["question"], 5, anyf).relevance for q in _load("hindi_unanswerable.jsonl")
    ]
    print(
        f"\ne5 relevance: answerable min {min(answerable_relevance):.3f} "
        f"median {sorted(answerable_relevance)[n // 2]:.3f}; unanswerable max "
        f"{max(refused):.3f} median {sorted(refused)[len(refused) // 2]:.3f}"
    )
    for threshold in (0.80, 0.82, 0.83, 0.84, 0.85, 0.86):
        answered = sum(r >= threshold for r in answerable_relevance)
        refusing = sum(r < threshold for r in refused)
        print(
            f"  threshold {threshold:.2f}: answers {answered}/{n} answerable, "
            f"refuses {refusing}/{len(refused)} unanswerable"
        )


if __name__ == "__main__":
    main()
