"""Fit the reader's model on the tuning half, and nothing else.

    python -m eval.fit            # writes retrieval/answer/reader_model.json
    python -m eval.fit --dry-run  # prints the fit and the thresholds, writes nothing
    python -m eval.fit --cv 5     # how a fit does on tuning questions it was not fit on

For every question of the tuning half (`eval.questions.split_of`; the FAQ pairs are never
read here) the chain's own retrieval runs, and the reader reads the top passages: every
sentence and table row gets its features for every part asked (`retrieval.answer.reader`).
A unit is a positive example when it states one of the question's key facts (normalised as
`eval.metrics` does; per part, when the written parts line up with the parts the analysis
finds); every unit of an unanswerable question is a negative. A logistic regression
(scikit-learn, balanced classes) fits the weights; then the thresholds (answer, quote,
relative) are chosen on the same tuning questions by replaying the reader's selection, to
maximise the share of answerable questions whose facts are all said plus the share of
unanswerable ones refused. The test half is never read.

`--cv K` weighs a change to the reader without looking at the test half: the tuning
questions are split into K folds (fixed, seeded); the weights and thresholds are fit on K-1
and replayed on the one left out, and the mean over the folds is printed (what a fit does on
questions it has not seen, unlike the figures at fit). Nothing is written.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import pickle
import random
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean
from typing import Any

from eval.metrics import normalise, states
from eval.questions import Question, load_questions
from retrieval.answer.analysis import analyse
from retrieval.answer.generators import ExtractiveGenerator, Reading
from retrieval.answer.reader import FEATURES, MODEL_PATH, ReaderModel
from retrieval.core.filters import Filters
from retrieval.core.types import Hit


@dataclass
class Case:
    question: Question
    hits: list[Hit]
    reading: Reading
    retrieval_refused: bool
    labels: list[list[int]]  # per part, per unit
    relevance: float = 0.0  # the search's relevance, what retrieval abstains on
    space: str = "english"  # english (MiniLM) or e5 (an untranslated Indic question)


def _label(text: str, facts: tuple[str, ...]) -> int:
    said = normalise(text)
    return int(any(states(said, f) for f in facts))


def collect(questions: list[Question], progress: bool = True) -> tuple[list[Case], Any]:
    """Each question's retrieval and reading, as the chain does them; and the embedder."""
    from retrieval.core.embeddings import get_e5
    from retrieval.core.settings import load_settings
    from retrieval.parts import open_parts

    parts = open_parts(load_settings())
    chain = parts.chain("extractive")
    blank = ReaderModel((0.0,) * len(FEATURES), 0.0, 0.5, 0.5, 0.5, {})
    e5 = get_e5 if parts.searcher.multilingual is not None else None
    reader = ExtractiveGenerator(
        parts.embedder, multilingual=e5, model=blank, idf=parts.searcher.lexical.idf
    )
    cases = []
    started = time.perf_counter()
    for n, q in enumerate(questions, 1):
        analysis = analyse(q.question)
        result = chain.gather(q.question, q.question, analysis, chain.k, Filters())
        hits = [h for h in result.hits if not h.doc.flagged]
        reading = reader.read(q.question, hits)
        labels = []
        same_parts = len(q.parts) == len(reading.parts) and len(q.parts) > 1
        for i, pr in enumerate(reading.parts):
            facts = q.parts[i][1] if same_parts else q.key_facts
            labels.append([_label(u.rendered, facts) if facts else 0 for u, _ in pr.rows])
        cases.append(
            Case(q, hits, reading, not result.answerable, labels, result.relevance, result.space)
        )
        if progress and n % 20 == 0:
            print(f"  {n}/{len(questions)} read ({time.perf_counter() - started:.0f} s)")
    return cases, parts.embedder


def replay(
    cases: list[Case], model: ReaderModel, embedder: Any, scored: list[Any] | None = None
) -> dict[str, float]:
    """The tuning figures under `model`: facts said (answerable), refused (unanswerable).
    `scored`: each case's units already scored under the model's weights."""
    reader = ExtractiveGenerator(embedder, model=model)
    facts, refused_ok, refused_bad = [], [], []
    for n, c in enumerate(cases):
        composed = (
            reader.compose_reading(c.reading, c.hits, scored[n] if scored else None)
            if not c.retrieval_refused
            else None
        )
        abstained = composed is None or not composed.sentences
        text = " ".join(t for t, _ in composed.sentences) if composed else ""
        if c.question.answerable and c.question.key_facts:
            said = normalise(text)
            facts.append(
                float(not abstained and all(states(said, f) for f in c.question.key_facts))
            )
            refused_bad.append(float(abstained))
        elif not c.question.answerable:
            refused_ok.append(float(abstained))
    return {
        "fact_in_answer": mean(facts) if facts else 0.0,
        "unanswerable_refused": mean(refused_ok) if refused_ok else 0.0,
        "answerable_refused": mean(refused_bad) if refused_bad else 0.0,
    }


def fit(cases: list[Case], embedder: Any) -> tuple[ReaderModel, dict[str, float]]:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    xs, ys = [], []
    for c in cases:
        if c.question.answerable and not c.question.key_facts:
            continue  # no facts to label units by
        for pr, labels in zip(c.reading.parts, c.labels, strict=True):
            for (_, x), y in zip(pr.rows, labels, strict=True):
                xs.append(x)
                ys.append(y)
    lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000)
    lr.fit(np.asarray(xs), np.asarray(ys))
    base = ReaderModel(
        tuple(float(w) for w in lr.coef_[0]), float(lr.intercept_[0]), 0.5, 0.5, 0.8, {}
    )
    reader = ExtractiveGenerator(embedder, model=base)
    scored = [reader.scored(c.reading) for c in cases]
    # the thresholds: the most facts said, with no more than REFUSE_AT_MOST of the answerable
    # questions refused, then the most unanswerable ones refused
    trials = []
    grid = itertools.product(
        [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8],  # answer
        [0.1, 0.2, 0.3, 0.4],  # quote
        [0.4, 0.5, 0.6, 0.7, 0.8],  # relative
        [3, 4, 5, 6],  # max units
        [2, 3],  # per part
    )
    for answer, quote, relative, units, per_part in grid:
        if quote > answer:
            continue
        model = replace(
            base,
            answer_threshold=answer,
            quote_threshold=quote,
            relative=relative,
            max_units=units,
            per_part=per_part,
        )
        trials.append((model, replay(cases, model, embedder, scored)))
    allowed = [t for t in trials if t[1]["answerable_refused"] <= REFUSE_AT_MOST] or trials
    model, figures = max(
        allowed,
        key=lambda t: (
            round(t[1]["fact_in_answer"], 2),
            t[1]["unanswerable_refused"],
            -t[0].max_units,  # the shorter answer, when it says as much
            -t[0].per_part,
        ),
    )
    for answer in sorted({t[0].answer_threshold for t in trials}):
        at = [t for t in trials if t[0].answer_threshold == answer]
        top = max(at, key=lambda t: t[1]["fact_in_answer"])
        print(f"  answer >= {answer}: best {top[1]}")
    return model, figures | {"units": float(len(ys)), "positives": float(sum(ys))}


REFUSE_AT_MOST = 0.05  # the target for answerable questions refused


def folds(n: int, k: int, seed: int = 0) -> list[list[int]]:
    """`range(n)` shuffled (seeded) and dealt into `k` folds."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[i::k]) for i in range(k)]


def cross_validate(cases: list[Case], embedder: Any, k: int) -> dict[str, float]:
    """The mean, over `k` folds of the cases, of `replay` on a fold under the model fit on
    the others."""
    figures = []
    for held in folds(len(cases), k):
        out = set(held)
        with contextlib.redirect_stdout(io.StringIO()):  # the fit's own report
            model, _ = fit([c for i, c in enumerate(cases) if i not in out], embedder)
        figures.append(replay([cases[i] for i in held], model, embedder))
    return {key: mean(f[key] for f in figures) for key in figures[0]}


def fit_relevance(cases: list[Case], space: str) -> tuple[float, dict[str, float]]:
    """The retrieval abstention threshold of one space on the tuning half: the highest that
    refuses no more than REFUSE_AT_MOST of its answerable questions (so a right first
    document is not refused for a hair's margin), and what it refuses of the others."""
    mine = [c for c in cases if c.space == space]
    answerable = sorted(c.relevance for c in mine if c.question.answerable)
    others = [c.relevance for c in mine if not c.question.answerable]
    if not answerable:
        return 0.0, {}
    allowed = int(REFUSE_AT_MOST * len(answerable))  # questions it may refuse
    value = round(answerable[allowed] - 0.005, 3)  # just under the next one kept
    return value, {
        "answerable": float(len(answerable)),
        "answerable_refused": sum(r < value for r in answerable) / len(answerable),
        "unanswerable": float(len(others)),
        "unanswerable_refused": (sum(r < value for r in others) / len(others)) if others else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="print, write nothing")
    parser.add_argument("--cache", help="keep the readings in this file (to refit quickly)")
    parser.add_argument(
        "--cv", type=int, metavar="K", help="K-fold cross-validation on the tuning half only"
    )
    args = parser.parse_args()
    questions = [q for q in load_questions(faq_path=None) if q.split == "tune"]
    print(f"{len(questions)} tuning questions")
    if args.cache and Path(args.cache).exists():
        from retrieval.core.embeddings import embedder_for
        from retrieval.core.settings import load_settings

        cases = pickle.loads(Path(args.cache).read_bytes())
        embedder = embedder_for(load_settings())
    else:
        cases, embedder = collect(questions)
        if args.cache:
            Path(args.cache).write_bytes(pickle.dumps(cases))
    if args.cv:
        figures = cross_validate(cases, embedder, args.cv)
        print(f"{args.cv}-fold cross-validation on the tuning half:")
        print(json.dumps({key: round(v, 4) for key, v in figures.items()}, indent=1))
        return
    model, figures = fit(cases, embedder)
    model = replace(
        model,
        fitted={
            "by": "python -m eval.fit",
            "date": datetime.now(UTC).strftime("%Y-%m-%d"),
            "tuning_questions": len(questions),
            # the batches of questions it read: a later batch splits on its own, so the
            # tuning questions of these batches stay the ones it read (`tests/test_analysis`)
            "batches": sorted({q.batch for q in questions}),
            "on_the_tuning_half": {k: round(v, 4) for k, v in figures.items()},
        },
    )
    print(json.dumps(json.loads(model.to_json()), indent=1))
    for space in ("english", "e5"):
        value, at = fit_relevance(cases, space)
        print(f"relevance threshold, {space} space, on the tuning half: {value} {at}")
    if not args.dry_run:
        MODEL_PATH.write_text(model.to_json() + "\n", encoding="utf-8")
        print(f"wrote {MODEL_PATH}")


if __name__ == "__main__":
    main()
