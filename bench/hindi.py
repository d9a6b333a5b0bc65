"""Hindi questions over English documents: which way finds the right page.

    .venv/bin/python -m bench.hindi [--data-dir data] [--model-cache ~/.cache/karigar]

For each question in eval/questions/hindi.jsonl (a Hindi version of a gold question), hit@5
at page level for: the Hindi question as it is (all-MiniLM-L6-v2 is English-only), and the
question translated by the local LLM first (what the chain does). Prints the translations.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from retrieval.embeddings import get_embedder
from retrieval.search import Filters, Searcher
from retrieval.settings import PROJECT_ROOT, Settings
from retrieval.store import Store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--model-cache", type=Path, default=None)
    args = parser.parse_args()
    overrides = {"data_dir": args.data_dir, "model_cache_dir": args.model_cache}
    settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    from retrieval.llm import load_llm, translate_to_english

    embedder = get_embedder(settings.embedding_model)
    searcher = Searcher(Store(settings, embedder.name, embedder.dimension), embedder)
    started = time.perf_counter()
    llm = load_llm(settings.llm_model, settings.model_cache_dir)
    print(f"{settings.llm_model} load: {time.perf_counter() - started:.1f} s")
    folder = PROJECT_ROOT / "eval" / "questions"
    gold = {
        q["id"]: q
        for q in map(json.loads, (folder / "retrieval_gold.jsonl").read_text("utf-8").splitlines())
    }
    raw_hits = translated_hits = 0
    seconds = []
    questions = [json.loads(x) for x in (folder / "hindi.jsonl").read_text("utf-8").splitlines()]
    for q in questions:
        wanted = {(g["path"], g["page"]) for g in gold[q["of"]]["gold"]}
        raw = searcher.search(q["question"], 5, Filters(status="any"))
        raw_ok = bool(wanted & {(h.doc.path, h.chunk.page) for h in raw})
        started = time.perf_counter()
        english = translate_to_english(llm, q["question"])
        seconds.append(time.perf_counter() - started)
        done = searcher.search(english, 5, Filters(status="any"))
        done_ok = bool(wanted & {(h.doc.path, h.chunk.page) for h in done})
        raw_hits += raw_ok
        translated_hits += done_ok
        marks = {True: "hit", False: "miss"}
        print(f"{q['id']} raw={marks[raw_ok]} translated={marks[done_ok]} :: {english}")
    n = len(questions)
    print(f"hit@5 (page): Hindi as is {raw_hits}/{n}; translated by {settings.llm_model} "
          f"{translated_hits}/{n}; translation {sum(seconds) / n:.1f} s a question")  # fmt: skip


if __name__ == "__main__":
    main()
