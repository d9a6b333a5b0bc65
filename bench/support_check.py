"""How well the offline support checks tell supported sentences from unsupported ones.

    .venv/bin/python -m bench.support_check [--llm qwen2.5-coder-1.5b] [--model-cache DIR]

On the hand-labelled (sentence, passage, supported?) pairs of
eval/questions/support_pairs.jsonl (verbatim, paraphrase and summary sentences that the
passage supports; changed numbers, swapped entities, negations, unrelated and half-invented
sentences that it does not), it prints accuracy, precision and recall of "supported" for:

- `lexical`: `retrieval.citations.is_supported` without a model (every number present, and
  the share of content words present >= the threshold);
- `lexical+embedding`: the same with all-MiniLM-L6-v2 (the closest passage sentence's cosine
  can lift the score), which is what the chain's chat-model generators use;
- `llm`: with --llm, the local model as a Yes/No judge (`retrieval.llm.judge_support`), and
  `lexical and llm`: supported only when both say so;

and, per kind of pair, how many each got right: where each check is weak.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

from retrieval.answer.citations import is_supported
from retrieval.core.embeddings import embedder_for
from retrieval.core.settings import PROJECT_ROOT, Settings, load_settings

PAIRS = PROJECT_ROOT / "eval" / "questions" / "support_pairs.jsonl"


def load_pairs(path: Path = PAIRS) -> list[dict]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x.strip()]


def scores(pairs: list[dict], verdicts: list[bool]) -> dict[str, float]:
    tp = sum(v and p["supported"] for p, v in zip(pairs, verdicts, strict=True))
    fp = sum(v and not p["supported"] for p, v in zip(pairs, verdicts, strict=True))
    fn = sum(not v and p["supported"] for p, v in zip(pairs, verdicts, strict=True))
    right = sum(v == p["supported"] for p, v in zip(pairs, verdicts, strict=True))
    return {
        "accuracy": right / len(pairs),
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--llm", default="", help="also judge with this local model")
    parser.add_argument("--model-cache", type=Path, default=None)
    args = parser.parse_args()
    pairs = load_pairs()
    embedder = embedder_for(load_settings())
    checks = {
        "lexical": lambda p: is_supported(p["sentence"], [p["passage"]]),
        "lexical+embedding": lambda p: is_supported(p["sentence"], [p["passage"]], embedder),
    }
    if args.llm:
        from retrieval.answer.llm import judge_support, load_llm

        settings = Settings(**({"model_cache_dir": args.model_cache} if args.model_cache else {}))
        llm = load_llm(args.llm, settings.model_cache_dir)
        checks[f"llm:{args.llm}"] = lambda p: judge_support(llm, p["sentence"], p["passage"])
        checks["lexical and llm"] = lambda p: (
            is_supported(p["sentence"], [p["passage"]])
            and judge_support(llm, p["sentence"], p["passage"])
        )
    kinds = sorted({p["kind"] for p in pairs})
    print(
        f"{len(pairs)} pairs: {sum(p['supported'] for p in pairs)} supported, "
        f"{sum(not p['supported'] for p in pairs)} not"
    )
    header = (
        f"{'check':<28}{'accuracy':>9}{'precision':>10}{'recall':>8}{'s/pair':>8}  "
        + " ".join(f"{k[:10]:>10}" for k in kinds)
    )
    print(header)
    for name, check in checks.items():
        started = time.perf_counter()
        verdicts = [bool(check(p)) for p in pairs]
        seconds = (time.perf_counter() - started) / len(pairs)
        m = scores(pairs, verdicts)
        per_kind = defaultdict(lambda: [0, 0])
        for p, v in zip(pairs, verdicts, strict=True):
            per_kind[p["kind"]][0] += v == p["supported"]
            per_kind[p["kind"]][1] += 1
        cells = " ".join(f"{f'{a}/{b}':>10}" for a, b in (per_kind[k] for k in kinds))
        print(
            f"{name:<28}{m['accuracy']:>9.2f}{m['precision']:>10.2f}{m['recall']:>8.2f}"
            f"{seconds:>8.2f}  {cells}"
        )


if __name__ == "__main__":
    main()
