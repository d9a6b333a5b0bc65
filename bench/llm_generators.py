"""Local-LLM answers on the real corpus: constrained sentence selection against a naive prompt.

    .venv/bin/python -m bench.llm_generators [--data-dir data]
        [--model qwen2.5-coder-1.5b] [--set answerable,unanswerable] [--out results.json]
        [--rescore results.json]

For each question of bench/llm_questions.json the store's 5 nearest chunks are the passages.

* naive: `naive_answer` (free text, asked to cite [n] and to refuse when the passages don't
  answer);
* quote / number (constrained): the passages are split into sentences, `select_sentences`
  picks some (mode "quote": by quoting their exact starts; "number": by [i] number), a
  yes/no check confirms them, and the answer is those sentences verbatim, each cited to its
  passage; no pick = refusal.

Scored per approach: fact correct (a gold spelling of the key fact is in the answer), refused
when answerable, correctly refused when unanswerable, cited (naive: at least one valid [n];
constrained: by construction), whether a cited passage holds the fact, how many answers state
a number found in neither the passages nor the question (made up), seconds per question.
`gold in passages` is the ceiling that retrieval leaves. `--rescore saved.json` scores the
answers of an earlier `--out` again without the model. The questions marked `dev` were used
to tune the prompts and are not scored unless asked for with `--set dev`.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from retrieval.answer.llm import (
    LOAD_SECONDS,
    NAIVE_REFUSAL,
    load_llm,
    naive_answer,
    select_sentences,
)
from retrieval.core.settings import PROJECT_ROOT, Settings
from retrieval.core.text import sentence_spans

QUESTIONS = Path(__file__).with_name("llm_questions.json")
MODES = ("quote", "number")  # select_sentences modes; each is one "constrained" approach
APPROACHES = ("naive", *MODES)
REFUSAL = re.compile(
    r"(passages|context|documents?|text)\s+(do\s+not|don't|does\s+not|doesn't)\s+"
    r"(answer|contain|mention|provide|say|include|specify)|not\s+(mentioned|provided|stated)"
    r"|no\s+information",
    re.IGNORECASE,
)


def norm(text: str) -> str:
    text = re.sub(r"(?<=\d),(?=\d)", "", text.lower().replace("’", "'"))
    return " " + " ".join(text.split()) + " "


def has_fact(text: str, gold: list[str]) -> bool:
    """A gold spelling padded with spaces must stand as a word; others may be part of one."""
    body = norm(text)
    return any((norm(g) if g != g.strip() else norm(g).strip()) in body for g in gold)


def naive_refused(text: str) -> bool:
    return (
        not text.strip() or norm(NAIVE_REFUSAL).strip() in norm(text) or bool(REFUSAL.search(text))
    )


def naive_cited(text: str, k: int) -> bool:
    return bool(cited(text, k))


def cited(text: str, k: int) -> set[int]:
    """Passage numbers cited as [n] in an answer (valid ones only)."""
    return {int(n) for n in re.findall(r"\[(\d+)\]", text) if 1 <= int(n) <= k}


def numbers(text: str) -> set[str]:
    """The numbers an answer states, commas dropped, citation markers ignored."""
    text = re.sub(r"\[\d+\]", " ", text)
    return {n.replace(",", "").rstrip(".") for n in re.findall(r"\d+(?:[.,]\d+)*", text)}


def unsupported(answer: str, question: str, passages: list[str]) -> bool:
    """The answer states a number found neither in the passages nor in the question."""
    known = numbers(question) | set().union(*(numbers(p) for p in passages))
    return bool(numbers(answer) - known)


def wait_for(folder: Path, minutes: int) -> None:
    for i in range(minutes + 1):
        if folder.exists():
            return
        if i < minutes:
            print(f"waiting for {folder} ({i} min)", file=sys.stderr, flush=True)
            time.sleep(60)
    raise SystemExit(f"{folder} did not appear within {minutes} minutes")


def passages_for(questions: list[dict], data_dir: Path, k: int) -> None:
    """Adds `passages` (text, title, page) to each question, from the store's k nearest."""
    from retrieval.parts import open_parts

    parts = open_parts(Settings(data_dir=data_dir))
    for item in questions:
        hits = parts.store.query(parts.embedder.embed_query(item["q"]), k)
        item["passages"] = [
            {"text": h.chunk.text, "title": h.doc.title, "page": h.chunk.page} for h in hits
        ]


def run_constrained(llm, item: dict, max_pick: int, mode: str) -> dict:
    sentences: list[tuple[int, str]] = []  # (passage number, sentence)
    for n, passage in enumerate(item["passages"], 1):
        text = passage["text"]
        sentences += [(n, text[a:b]) for a, b in sentence_spans(text)]
    start = time.perf_counter()
    texts = [s for _, s in sentences]
    picks = select_sentences(llm, item["q"], texts, max_pick=max_pick, mode=mode)
    seconds = time.perf_counter() - start
    answer = " ".join(f"{sentences[p - 1][1]} [{sentences[p - 1][0]}]" for p in picks)
    return {
        "answer": answer,
        "picks": picks,
        "n_sentences": len(sentences),
        "refused": not picks,
        "cited": bool(picks),
        "seconds": seconds,
    }


def run_naive(llm, item: dict) -> dict:
    start = time.perf_counter()
    answer = naive_answer(llm, item["q"], [p["text"] for p in item["passages"]])
    seconds = time.perf_counter() - start
    k = len(item["passages"])
    return {
        "answer": answer,
        "refused": naive_refused(answer),
        "cited": naive_cited(answer, k),
        "seconds": seconds,
    }


def summarise(rows: list[dict], approach: str) -> dict:
    ans = [r for r in rows if r["kind"] != "unanswerable"]
    una = [r for r in rows if r["kind"] == "unanswerable"]
    res = [r[approach] for r in rows]
    right = [r for r in ans if has_fact(r[approach]["answer"], r["gold"])]
    k = len(rows[0]["passages"]) if rows else 0
    sourced = sum(
        any(has_fact(r["passages"][n - 1], r["gold"]) for n in cited(r[approach]["answer"], k))
        for r in right
    )
    answered = [r for r in rows if not r[approach]["refused"]]
    made_up = sum(unsupported(r[approach]["answer"], r["q"], r["passages"]) for r in answered)
    return {
        "fact correct": f"{len(right)}/{len(ans)}",
        "refused when answerable": f"{sum(r[approach]['refused'] for r in ans)}/{len(ans)}",
        "correctly refused (unanswerable)": f"{sum(r[approach]['refused'] for r in una)}"
        f"/{len(una)}",
        "cited (non-refusals)": f"{sum(x['cited'] for x in res if not x['refused'])}"
        f"/{len(answered)}",
        "cited passage holds the fact": f"{sourced}/{len(right)}",
        "states a number not in the passages": f"{made_up}/{len(answered)}",
        "s / question": f"{sum(x['seconds'] for x in res) / max(len(res), 1):.1f}",
    }


def report(rows: list[dict], k: int) -> dict:
    ans = [r for r in rows if r["kind"] != "unanswerable"]
    ceiling = sum(r["gold_in_passages"] for r in ans)
    summary = {a: summarise(rows, a) for a in APPROACHES if rows and a in rows[0]}
    print(f"\ngold fact in the {k} retrieved passages: {ceiling}/{len(ans)}")
    metrics = list(summary["naive"])
    print("| approach | " + " | ".join(metrics) + " |")
    print("|---" * (len(metrics) + 1) + "|")
    for approach, values in summary.items():
        print(f"| {approach} | " + " | ".join(values[m] for m in metrics) + " |")
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Settings().data_dir)
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--cache-dir", type=Path, default=PROJECT_ROOT / ".bench-cache" / "llm")
    parser.add_argument("--set", default="answerable,unanswerable", help="comma-separated sets")
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--max-pick", type=int, default=4)
    parser.add_argument("--wait-minutes", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write every answer and score as JSON here")
    parser.add_argument("--rescore", type=Path, help="score the answers saved by --out again")
    args = parser.parse_args(argv)

    data = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    questions = [
        dict(item, kind=kind, gold=item.get("gold", []))
        for kind in args.set.split(",")
        for item in data[kind]
    ]
    if args.rescore:  # score a saved run again (passages retrieved again where missing)
        saved = json.loads(args.rescore.read_text(encoding="utf-8"))
        rows = saved["rows"]
        if any("passages" not in r for r in rows):
            passages_for(rows, args.data_dir, args.k)
            for r in rows:
                r["passages"] = [p["text"] for p in r["passages"]]
        report(rows, args.k)
        return 0
    wait_for(args.data_dir, args.wait_minutes)
    passages_for(questions, args.data_dir, args.k)
    llm = load_llm(args.model, args.cache_dir)
    print(f"model {args.model}: loaded in {LOAD_SECONDS.get(args.model, 0):.1f} s", flush=True)

    rows = []
    for item in questions:
        row = {key: item[key] for key in ("id", "kind", "q", "gold")}
        row["passages"] = [p["text"] for p in item["passages"]]
        row["gold_in_passages"] = bool(item["gold"]) and has_fact(
            " ".join(row["passages"]), row["gold"]
        )
        row["sources"] = [f"{p['title']} p{p['page']}" for p in item["passages"]]
        row["naive"] = run_naive(llm, item)
        for mode in MODES:
            row[mode] = run_constrained(llm, item, args.max_pick, mode)
        rows.append(row)
        for approach in APPROACHES:
            r = row[approach]
            mark = (
                "REFUSED"
                if r["refused"]
                else ("OK" if has_fact(r["answer"], row["gold"]) else "wrong")
            )
            print(
                f"{row['id']} {approach:6s} {mark:7s} {r['seconds']:5.1f}s {r['answer'][:150]!r}",
                flush=True,
            )

    summary = report(rows, args.k)
    if args.out:
        args.out.write_text(
            json.dumps(
                {
                    "model": args.model,
                    "load_seconds": LOAD_SECONDS.get(args.model),
                    "summary": summary,
                    "rows": rows,
                },
                indent=1,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
