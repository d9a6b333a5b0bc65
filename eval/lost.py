"""Where a fact is lost, per shape: in retrieval or in the answer.

    python -m eval.lost              # the test half
    python -m eval.lost --half tune

For every answerable question of the half with key facts (the FAQ pairs have none), the
chain's own retrieval runs (`AnswerChain.gather`, as `ask` does) and the question's key
facts are looked for, all of them together, normalised as `eval.metrics` does:
* in the text of the first 4, 8 and 14 passages found (retrieval's share);
* in the units the reader reads from those 14 passages (sentences and rows, as quoted);
* in the answer (what `fact_in_answer` counts).
A fact in the passages but not in the answer is lost by the answer step; one not even in
the passages, by retrieval. Printed per shape; nothing is written.
"""

from __future__ import annotations

import argparse
from collections import defaultdict
from collections.abc import Sequence

from eval.metrics import key_fact_recall

DEPTHS = (4, 8, 14)
COLUMNS = (*(f"passages@{n}" for n in DEPTHS), "units", "answer", "refused")


def holds(text: str, facts: Sequence[str]) -> bool:
    """Every key fact in `text`, normalised as the metrics do (what `fact_in_answer`
    counts)."""
    return key_fact_recall(text, facts) == 1.0


def where(
    facts: Sequence[str], passages: Sequence[str], units: Sequence[str], answer: str | None
) -> dict[str, bool]:
    """One question's row: the facts in the first n passages, in the units read, in the
    answer (`answer` None: refused)."""
    row = {f"passages@{n}": holds(" ".join(passages[:n]), facts) for n in DEPTHS}
    row["units"] = holds(" ".join(units), facts)
    row["answer"] = answer is not None and holds(answer, facts)
    row["refused"] = answer is None
    return row


def table(rows: Sequence[tuple[str, dict[str, bool]]]) -> str:
    """The shares per shape (and for all), as a Markdown table."""
    by: dict[str, list[dict[str, bool]]] = defaultdict(list)
    for shape, row in rows:
        by[shape].append(row)
        by["all"].append(row)
    lines = [
        "| shape | n | " + " | ".join(COLUMNS) + " |",
        "|---|---|" + "---|" * len(COLUMNS),
    ]
    for shape in sorted(by, key=lambda s: (s == "all", s)):
        found = by[shape]
        shares = " | ".join(f"{sum(r[c] for r in found) / len(found):.2f}" for c in COLUMNS)
        lines.append(f"| {shape} | {len(found)} | {shares} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=("test", "tune"), default="test")
    args = parser.parse_args()

    from eval.questions import load_questions
    from retrieval.answer.analysis import analyse
    from retrieval.answer.chain import Query
    from retrieval.answer.units import passage_units
    from retrieval.core.filters import Filters
    from retrieval.core.settings import load_settings
    from retrieval.core.text import passage_text
    from retrieval.parts import open_parts

    chain = open_parts(load_settings()).chain("extractive")
    questions = [
        q
        for q in load_questions(faq_path=None)
        if q.split == args.half and q.answerable and q.key_facts
    ]
    rows = []
    for q in questions:
        hits = chain.gather(q.question, q.question, analyse(q.question), 10, Filters()).hits
        top = hits[: max(DEPTHS)]
        passages = [
            passage_text(h.doc.title, h.chunk.section, h.chunk.table_header, h.chunk.text)
            for h in top
        ]
        units = [u.rendered for i, h in enumerate(top) for u in passage_units(i, h)]
        answer = chain.answer(Query(q.question, k=10))
        rows.append(
            (
                q.shape or "single",
                where(q.key_facts, passages, units, None if answer.abstained else answer.text),
            )
        )
    print(f"{len(rows)} answerable questions of the {args.half} half with key facts\n")
    print(table(rows))


if __name__ == "__main__":
    main()
