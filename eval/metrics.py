"""The metrics, each with where its definition comes from.

Retrieval (Manning, Raghavan and Schütze, *Introduction to Information Retrieval*, ch. 8;
Järvelin and Kekäläinen 2002 for nDCG), at document level (the gold document anywhere) and
page level (the gold document's gold page):
* `hit_at_k`: 1 if a gold item is among the first k results.
* `reciprocal_rank`: 1 / rank of the first gold item (0 if none); its mean is MRR.
* `ndcg_at_k`: DCG of binary gains, log2 discount, over the ideal DCG; results are
  deduplicated first (a document's second chunk is not a second relevant document).

Correctness:
* `key_fact_recall`: the share of the gold answer's key facts found in the answer after
  normalising (case, spaces, thousands separators, "Rs."/"₹", "per cent" -> "%", "five"
  -> "5"); a sum in lakh or crore is also found written out ("4 lakh" is said by
  "4,00,000", "₹5,00,000" by "Rs. 5 lakhs"), as Indian documents write it both ways.
* `token_f1`: SQuAD's token-level F1 between answer and gold answer (Rajpurkar et al. 2016:
  lower-case, punctuation and articles removed).
* `judge_correct` (in `eval.run`): the judge's verdict that the answer supports the gold
  answer, read as a claim (an abstention is not correct).

Faithfulness (RAGAS, Es et al. 2023): the share of the answer's sentences that the retrieved
passages support, as the judge decides.

Citations (ALCE, Gao et al. 2023): citation recall is the share of answer sentences that
their cited passages, together, support; citation precision is the share of citations that
are needed: a citation is irrelevant when it alone does not support its sentence and the
sentence's other citations support it without it.

Abstention: precision = abstentions on unanswerable questions / all abstentions; recall =
abstentions on unanswerable questions / unanswerable questions. Over answerable questions,
as LitQA reports (Lála et al. 2023, PaperQA): accuracy = correct / all, precision = correct /
answered; here "correct" means every key fact is in the answer.

Latency: p50 and p95 per stage (nearest-rank percentiles).
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter
from collections.abc import Callable, Sequence

Judge = Callable[[str, str], bool]  # (sentence, passage) -> supported?


def _dedupe(items: Sequence[object]) -> list[object]:
    return list(dict.fromkeys(items))


def hit_at_k(ranked: Sequence[object], gold: set[object], k: int) -> float:
    return float(any(item in gold for item in _dedupe(ranked)[:k]))


def reciprocal_rank(ranked: Sequence[object], gold: set[object]) -> float:
    for rank, item in enumerate(_dedupe(ranked), 1):
        if item in gold:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[object], gold: set[object], k: int = 10) -> float:
    ranked = _dedupe(ranked)[:k]
    dcg = sum(1.0 / math.log2(i + 2) for i, item in enumerate(ranked) if item in gold)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(gold), k)))
    return dcg / ideal if ideal else 0.0


_RS = re.compile(r"(?:\brs\.?|\binr\b|₹)\s*", re.I)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d)")
_PERCENT = re.compile(r"\s*(?:per\s*cent|percent)\b", re.I)


_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        (
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        )
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "ninety": "90"}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", re.I)


def normalise(text: str) -> str:
    """Case, spaces, thousands separators, "Rs."/"₹", "per cent" -> "%", and a number
    written as a word up to twenty (and the tens to ninety) as its digits: "five years" says
    "5 years"."""
    text = _THOUSANDS.sub("", text)
    text = _RS.sub("", text)
    text = _PERCENT.sub("%", text)
    text = _NUMBER_WORD.sub(lambda m: _NUMBER_WORDS[m.group(1).lower()], text)
    return " ".join(text.lower().split())


_SCALES = {"lakh": 10**5, "lac": 10**5, "crore": 10**7, "cr": 10**7}
_SCALED = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(lakhs?|lacs?|crores?|cr)\b\.?")


def _written_out(match: re.Match[str]) -> str:
    unit = match.group(2).rstrip("s")
    value = round(float(match.group(1)) * _SCALES[unit], 2)
    return f"{value:.2f}".rstrip("0").rstrip(".")


def canonical(text: str) -> str:
    """`normalise`d, with every sum in lakh or crore written out in digits: "2.50 lakh"
    and "2,50,000" both read "250000"."""
    return _SCALED.sub(_written_out, normalise(text))


def states(said: str, fact: str) -> bool:
    """Whether the text `said` (already `normalise`d) states `fact`: the fact's normalised
    words in it, or its sum in lakh or crore written out (or written out, said in lakh or
    crore), a whole number on its own ("400000" is not in "1400000")."""
    if normalise(fact) in said:
        return True
    written = _SCALED.sub(_written_out, said)  # `canonical`, `said` being normalised already
    return re.search(rf"(?<![\d.]){re.escape(canonical(fact))}(?![\d]|\.\d)", written) is not None


def key_fact_recall(answer: str, facts: Sequence[str]) -> float:
    if not facts:
        return 0.0
    said = normalise(answer)
    return sum(states(said, f) for f in facts) / len(facts)


def _squad_tokens(text: str) -> list[str]:
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return text.split()


def token_f1(answer: str, gold: str) -> float:
    pred, ref = _squad_tokens(answer), _squad_tokens(gold)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def faithfulness(sentences: Sequence[str], passages: Sequence[str], judge: Judge) -> float:
    """Share of sentences supported by the retrieved passages (any one of them)."""
    if not sentences:
        return 0.0
    supported = sum(any(judge(s, p) for p in passages) for s in sentences)
    return supported / len(sentences)


def citation_scores(
    cited: Sequence[tuple[str, Sequence[str]]],
    judge: Judge,
) -> tuple[float, float]:
    """(recall, precision) over (sentence, its cited passages) pairs, as ALCE defines them."""
    if not cited:
        return 0.0, 0.0
    recalled = needed = total = 0
    for sentence, passages in cited:
        whole = bool(passages) and judge(sentence, "\n".join(passages))
        recalled += whole
        total += len(passages)
        if not whole:  # ALCE: a statement its citations do not support has none needed
            continue
        for i, passage in enumerate(passages):
            rest = [p for j, p in enumerate(passages) if j != i]
            alone = judge(sentence, passage)
            if alone or not (rest and judge(sentence, "\n".join(rest))):
                needed += 1
    return recalled / len(cited), (needed / total if total else 0.0)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def abstention_scores(abstained: Sequence[bool], answerable: Sequence[bool]) -> dict[str, float]:
    right = sum(a and not ok for a, ok in zip(abstained, answerable, strict=True))
    made = sum(abstained)
    unanswerable = sum(not ok for ok in answerable)
    return {
        "abstention_precision": right / made if made else 0.0,
        "abstention_recall": right / unanswerable if unanswerable else 0.0,
    }


def litqa_scores(correct: Sequence[bool], answered: Sequence[bool]) -> dict[str, float]:
    """Over answerable questions: accuracy = correct / all; precision = correct / answered."""
    n, made = len(correct), sum(answered)
    right = sum(c and a for c, a in zip(correct, answered, strict=True))
    return {"accuracy": right / n if n else 0.0, "precision": right / made if made else 0.0}
