"""Run the evaluation: every system on the same questions; metrics, report, chart, regressions.

    karigar eval [--faq 200|all] [--systems karigar,plain-langchain,bm25] [--judge lexical|llm]
    make eval

writes `eval/results/<date>/` with `report.md`, `results.json` and `metrics.png`, and
compares our system with `eval/baseline.json` (same question selection), printing every
metric that fell by more than the tolerance recorded there.
"""

from __future__ import annotations

import json
import logging
import platform
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean
from typing import Any

from eval import metrics as m
from eval.questions import FAQ_PATH as FAQ_DEFAULT
from eval.questions import Question
from eval.systems import Run, System
from retrieval.answer.citations import is_supported
from retrieval.core.settings import PROJECT_ROOT

log = logging.getLogger(__name__)
BASELINE = PROJECT_ROOT / "eval" / "baseline.json"

# metric -> (group, higher is better)
METRICS: dict[str, tuple[str, bool]] = {
    "doc_hit@1": ("retrieval", True),
    "doc_hit@5": ("retrieval", True),
    "doc_mrr": ("retrieval", True),
    "doc_ndcg@10": ("retrieval", True),
    "page_hit@1": ("retrieval", True),
    "page_hit@5": ("retrieval", True),
    "page_mrr": ("retrieval", True),
    "page_ndcg@10": ("retrieval", True),
    "key_fact_recall": ("correctness", True),
    "fact_in_answer": ("correctness", True),
    "parts_answered": ("correctness", True),
    "token_f1": ("correctness", True),
    "judge_correct": ("correctness", True),
    "accuracy": ("correctness", True),
    "precision": ("correctness", True),
    "faithfulness": ("faithfulness", True),
    "citation_recall": ("citations", True),
    "citation_precision": ("citations", True),
    "gold_page_cited": ("citations", True),
    "answered": ("abstention", True),
    "abstention_precision": ("abstention", True),
    "abstention_recall": ("abstention", True),
}
# Validated on eval/questions/support_pairs.jsonl with `python -m bench.support_check`.
JUDGES = {
    "lexical": "words, numbers, names and negation (retrieval.citations.is_supported): "
    "0.74 accuracy, 0.67 precision, 0.88 recall on 69 hand-labelled pairs",
    "llm": "the word check and Qwen2.5-Coder-1.5B yes/no both (retrieval.llm.judge_support): "
    "0.80 accuracy, 0.74 precision, 0.88 recall on 69 hand-labelled pairs",
}


def make_judge(kind: str, llm: Any = None) -> m.Judge:
    if kind == "lexical":
        return lambda sentence, passage: is_supported(sentence, [passage])
    if kind == "llm":
        from retrieval.answer.llm import judge_support

        cache: dict[tuple[str, str], bool] = {}

        def judge(sentence: str, passage: str) -> bool:
            if not is_supported(sentence, [passage]):
                return False
            key = (sentence, passage)
            if key not in cache:
                cache[key] = judge_support(llm, sentence, passage)
            return cache[key]

        return judge
    raise ValueError(f"unknown judge {kind!r}: lexical or llm")


def score_run(q: Question, run: Run, judge: m.Judge) -> dict[str, Any]:
    """The per-question numbers; None where a metric does not apply to this question."""
    row: dict[str, Any] = {
        "id": q.id,
        "category": q.category,
        "shape": shape_of(q),
        "split": q.split,
        "answerable": q.answerable,
        "abstained": run.abstained,
        "timings": run.timings,
    }
    if q.answerable:
        pages, docs = set(q.gold), q.gold_docs
        ranked_docs = [p for p, _ in run.ranked]
        row.update(
            {
                "doc_hit@1": m.hit_at_k(ranked_docs, docs, 1),
                "doc_hit@5": m.hit_at_k(ranked_docs, docs, 5),
                "doc_mrr": m.reciprocal_rank(ranked_docs, docs),
                "doc_ndcg@10": m.ndcg_at_k(ranked_docs, docs, 10),
                "page_hit@1": m.hit_at_k(run.ranked, pages, 1),
                "page_hit@5": m.hit_at_k(run.ranked, pages, 5),
                "page_mrr": m.reciprocal_rank(run.ranked, pages),
                "page_ndcg@10": m.ndcg_at_k(run.ranked, pages, 10),
                "answered": float(not run.abstained),
                "token_f1": m.token_f1(run.text, q.answer) if not run.abstained else 0.0,
            }
        )
        if q.key_facts:
            recall = m.key_fact_recall(run.text, q.key_facts) if not run.abstained else 0.0
            row["key_fact_recall"] = recall
            row["correct"] = recall == 1.0
            # the "asked fact in the answer": every key fact, said (not refused)
            row["fact_in_answer"] = float(recall == 1.0)
        if q.parts and q.answerable:
            row["parts_answered"] = (
                mean(m.key_fact_recall(run.text, facts) == 1.0 for _, facts in q.parts)
                if not run.abstained
                else 0.0
            )
        if not run.abstained:
            row["gold_page_cited"] = float(bool(set(run.cited) & pages))
        if q.answer:  # the judge: does the answer carry the gold answer's claim?
            row["judge_correct"] = float(not run.abstained and judge(q.answer, run.text))
    if not run.abstained and run.sentences:
        texts = [s for s, _ in run.sentences]
        row["faithfulness"] = m.faithfulness(texts, run.passages, judge)
        recall, precision = m.citation_scores(run.sentences, judge)
        row["citation_recall"], row["citation_precision"] = recall, precision
    row["answer"] = run.text
    return row


def shape_of(q: Question) -> str:
    """The shape a question is reported under: its own (profile, multi_part, table,
    unanswerable_in_domain, short_article, indic, off_topic), else faq or single (one plain
    question)."""
    if q.shape:
        return q.shape
    return "faq" if q.category == "faq" else "single"


def summarise(rows: Sequence[dict[str, Any]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name in METRICS:
        values = [r[name] for r in rows if r.get(name) is not None]
        if values and name not in ("accuracy", "precision"):
            out[name] = mean(values)
    graded = [r for r in rows if "correct" in r]
    if graded:
        out.update(
            m.litqa_scores([r["correct"] for r in graded], [not r["abstained"] for r in graded])
        )
    if any(not r["answerable"] for r in rows):
        out.update(
            m.abstention_scores([r["abstained"] for r in rows], [r["answerable"] for r in rows])
        )
    out["questions"] = float(len(rows))
    return out


def latency(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    stages: dict[str, list[float]] = defaultdict(list)
    for r in rows:
        for stage, seconds in r["timings"].items():
            stages[stage].append(seconds)
    return {s: {"p50": m.percentile(v, 50), "p95": m.percentile(v, 95)} for s, v in stages.items()}


def evaluate(
    systems: Sequence[System],
    questions: Sequence[Question],
    judge: m.Judge,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, Any]:
    """Every system on every question: per-question rows, overall and per-category figures."""
    out: dict[str, Any] = {"systems": {}}
    for system in systems:
        rows = []
        started = time.perf_counter()
        for i, q in enumerate(questions):
            rows.append(score_run(q, system.run(q), judge))
            if progress is not None:
                progress(system.name, i + 1)
        by_category: dict[str, list[dict[str, Any]]] = defaultdict(list)
        by_shape: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for r in rows:
            by_category[r["category"]].append(r)
            by_shape[r["shape"]][r["split"]].append(r)
        out["systems"][system.name] = {
            "overall": summarise(rows),
            "halves": {
                half: summarise([r for r in rows if r["split"] == half])
                for half in ("tune", "test")
                if any(r["split"] == half for r in rows)
            },
            "by_category": {c: summarise(rs) for c, rs in sorted(by_category.items())},
            "by_shape": {
                shape: {half: summarise(rs) for half, rs in sorted(halves.items())}
                for shape, halves in sorted(by_shape.items())
            },
            "latency": latency(rows),
            "seconds": time.perf_counter() - started,
            "rows": rows,
        }
    return out


def regressions(
    results: dict[str, Any], baseline: dict[str, Any], selection: str, system: str = "karigar"
) -> list[str]:
    """Metrics of `system` on the test half that fell below the baseline (which holds the
    test half) by more than the tolerance."""
    recorded = baseline.get(selection, {}).get(system, {})
    tolerance = float(baseline.get("tolerance", 0.03))
    now = results["systems"].get(system, {}).get("halves", {}).get("test", {})
    found = []
    for name, before in sorted(recorded.items()):
        if name not in METRICS or name not in now:
            continue
        higher_better = METRICS[name][1]
        change = now[name] - before if higher_better else before - now[name]
        if change < -tolerance:
            found.append(f"{name}: {before:.3f} -> {now[name]:.3f} (tolerance {tolerance})")
    return found


def write_results(
    results: dict[str, Any], questions: Sequence[Question], out_dir: Path, config: dict[str, Any]
) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": config,
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "questions": [asdict(q) for q in questions],
        **results,
    }
    (out_dir / "results.json").write_text(
        json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    _chart(results, out_dir / "metrics.png")
    (out_dir / "report.md").write_text(report_markdown(results), encoding="utf-8")
    return out_dir


def _chart(results: dict[str, Any], target: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = list(results["systems"])
    names = [n for n in METRICS if any(n in results["systems"][s]["overall"] for s in systems)]
    groups = sorted(
        {METRICS[n][0] for n in names},
        key=list(dict.fromkeys(g for g, _ in METRICS.values())).index,
    )
    fig, axes = plt.subplots(len(groups) + 1, 1, figsize=(12, 3.2 * (len(groups) + 1)))
    width = 0.8 / max(1, len(systems))
    for ax, group in zip(axes, groups, strict=False):
        shown = [n for n in names if METRICS[n][0] == group]
        for i, s in enumerate(systems):
            values = [results["systems"][s]["overall"].get(n, 0.0) for n in shown]
            ax.bar([x + i * width for x in range(len(shown))], values, width, label=s)
        ax.set_xticks([x + width * (len(systems) - 1) / 2 for x in range(len(shown))], shown)
        ax.set_ylim(0, 1.05)
        ax.set_title(group)
        ax.legend(fontsize=8)
    ax = axes[-1]
    for i, s in enumerate(systems):
        lat = results["systems"][s]["latency"].get("total", {"p50": 0.0, "p95": 0.0})
        ax.bar([x + i * width for x in range(2)], [lat["p50"], lat["p95"]], width, label=s)
    ax.set_xticks([x + width * (len(systems) - 1) / 2 for x in range(2)], ["p50 s", "p95 s"])
    ax.set_title("latency per question (seconds)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(target, dpi=90)
    plt.close(fig)


def _cell(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def report_markdown(results: dict[str, Any]) -> str:
    """The report: every metric on the test half for each system, with our tuning-half
    figure and the gap beside it (tune - test: how much fitting on the tuning half
    flatters it), then the shapes and the categories."""
    systems = list(results["systems"])
    config = results["config"]
    first = systems[0]
    halves = {s: results["systems"][s].get("halves", {}) for s in systems}
    counts = {h: int(halves[first].get(h, {}).get("questions", 0)) for h in ("tune", "test")}
    lines = [
        f"# Evaluation, {results['date']}",
        "",
        f"Questions: {len(results['questions'])} ({config.get('selection')}): "
        f"{counts['test']} in the test half, {counts['tune']} in the tuning half "
        f"(`eval.questions.split_of`); judge: "
        f"{config.get('judge')} — {JUDGES.get(config.get('judge', ''), '')}.",
        "",
        "Every weight and threshold is fit on the tuning half; the test half is what the "
        "figures mean. Gap: tuning half minus test half.",
        "",
        f"| metric | {first} test | {first} tune | gap |"
        + "".join(f" {s} test |" for s in systems[1:]),
        "|---|---|---|---|" + "---|" * len(systems[1:]),
    ]
    for name in METRICS:
        test = [halves[s].get("test", {}).get(name) for s in systems]
        tune = halves[first].get("tune", {}).get(name)
        if all(c is None for c in test) and tune is None:
            continue
        gap = None if tune is None or test[0] is None else tune - test[0]
        row = [_cell(test[0]), _cell(tune), "—" if gap is None else f"{gap:+.3f}"]
        row += [_cell(c) for c in test[1:]]
        lines.append(f"| {name} | " + " | ".join(row) + " |")
    for stage in ("retrieve", "generate", "total"):
        cells = [results["systems"][s]["latency"].get(stage) for s in systems]
        shown = ["—" if c is None else f"{c['p50']:.2f} / {c['p95']:.2f}" for c in cells]
        lines.append(
            f"| latency {stage} p50 / p95 (s), both halves | {shown[0]} | | |"
            + "".join(f" {c} |" for c in shown[1:])
        )
    lines += [
        "",
        "![metrics](metrics.png)",
        "",
        "## By shape, test half (fact in the answer / right document cited / answered), "
        f"and {first} on the tuning half",
        "",
        "Unanswerable shapes: the share answered (lower is better).",
        "",
        "| shape | n test | " + " | ".join(systems) + f" | {first} tune (n) |",
        "|---|---|" + "---|" * len(systems) + "---|",
    ]

    def trio(c: dict[str, float]) -> str:
        keys = ("fact_in_answer", "gold_page_cited", "answered")
        if not c:
            return "—"
        if c.get("page_hit@5") is None:  # unanswerable: the share answered
            return f"answered {1 - c.get('abstention_recall', 0.0):.2f}"
        return " / ".join("—" if c.get(k) is None else f"{c[k]:.2f}" for k in keys)

    for shape, by_half in results["systems"][first].get("by_shape", {}).items():
        n = int(by_half.get("test", {}).get("questions", 0))
        cells = [
            trio(results["systems"][s]["by_shape"].get(shape, {}).get("test", {})) for s in systems
        ]
        tune = by_half.get("tune", {})
        lines.append(
            f"| {shape} | {n} | "
            + " | ".join(cells)
            + f" | {trio(tune)} ({int(tune.get('questions', 0))}) |"
        )
    lines += [
        "",
        "## By category, both halves (page hit@5 / key-fact recall / answered)",
        "",
        "| category | n | " + " | ".join(systems) + " |",
        "|---|---|" + "---|" * len(systems),
    ]
    categories = results["systems"][first]["by_category"]
    for category in categories:
        cells = []
        for s in systems:
            c = results["systems"][s]["by_category"].get(category, {})
            keys = ("page_hit@5", "key_fact_recall", "answered")
            cells.append(" / ".join("—" if c.get(k) is None else f"{c[k]:.2f}" for k in keys))
        lines.append(
            f"| {category} | {int(categories[category]['questions'])} | " + " | ".join(cells) + " |"
        )
    lines += ["", "Definitions and sources: `eval/metrics.py`. Systems: `eval/systems.py`.", ""]
    return "\n".join(lines)


def run_eval(
    settings: Any,
    selection: str = "full",
    systems: Sequence[str] = ("karigar",),
    judge: str = "lexical",
    faq: int | None = 200,
    generator: str = "extractive",
    out_dir: Path | None = None,
    progress: bool = True,
    half: str = "both",
) -> tuple[Path, dict[str, Any], list[str]]:
    """Load the questions, build the systems over `settings`' store, evaluate, write the
    results; returns (folder, results, regressions against eval/baseline.json)."""
    from tqdm import tqdm

    from eval.questions import ci_subset, load_questions
    from eval.systems import BM25System, KarigarSystem, PlainLangChainSystem
    from ingest.pipeline import discover
    from retrieval.parts import open_parts

    questions = load_questions(faq_path=None if selection == "ci" else FAQ_DEFAULT, faq_limit=faq)
    if selection == "ci":
        questions = ci_subset(questions)
    if half not in ("both", "tune", "test"):
        raise ValueError(f"unknown half {half!r}: both, tune or test")
    if half != "both":
        questions = [q for q in questions if q.split == half]
    parts = open_parts(settings)
    chain = parts.chain(generator)
    built: list[System] = []
    for name in systems:
        if name == "karigar":
            built.append(KarigarSystem(chain))
        elif name == "bm25":
            built.append(BM25System(parts.store, parts.embedder))
        elif name == "plain-langchain":
            files, _ = discover(settings.corpus_dir)
            built.append(
                PlainLangChainSystem(
                    files,
                    settings.corpus_dir,
                    parts.embedder,
                    settings.data_dir / "eval-plain-recipe",
                    progress=progress,
                )
            )
        else:
            raise ValueError(f"unknown system {name!r}: karigar, plain-langchain or bm25")
    llm = None
    if judge == "llm":
        from retrieval.answer.llm import load_llm

        llm = load_llm(settings.llm_model, settings.model_cache_dir)
    bars: dict[str, Any] = {}

    def tick(system: str, done: int) -> None:
        if system not in bars:
            bars[system] = tqdm(total=len(questions), desc=system, unit="q", disable=not progress)
        bars[system].update(1)

    results = evaluate(built, questions, make_judge(judge, llm), tick)
    for bar in bars.values():
        bar.close()
    label = selection if selection == "ci" else f"full-faq{faq if faq is not None else 'all'}"
    config = {
        "selection": label,
        "half": half,
        "judge": judge,
        "generator": generator,
        "systems": list(systems),
        "store": str(settings.data_dir),
    }
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    folder = write_results(results, questions, out_dir or settings.eval_results_dir / stamp, config)
    baseline = json.loads(BASELINE.read_text("utf-8")) if BASELINE.exists() else {}
    results["config"] = config
    results["baseline_recorded"] = label in baseline and half != "tune"
    found = regressions(results, baseline, label) if half != "tune" else []
    return folder, results, found
