"""The reader's judgement of one quotable unit: does this sentence or table row answer the
asked part? A logistic model over the unit's features, fit on the tuning half of the
questions (`python -m eval.fit`, which writes `reader_model.json` beside this file), shipped
small (a few dozen numbers) and read offline.

The features read a unit with its context, as the issue of answers that answer asks:
* its similarity to the part asked (the ask without the profile) and its share of the
  ask's content words, read alone and with its title, section and table header;
* whether it carries what is asked: a percentage for a rate, a sum for an amount, a
  number for a count, a period for a duration, a date for a date;
* its neighbours: the share of the ask's words in the sentence before it and in the
  lead-in of the list it belongs to (the fact often sits next to the sentence that
  echoes the question);
* where it stands: the passage's rank and score, a table row or a fragment, the section
  the question points at, a guideline or circular rather than a secondary source.

`carries` and `features` are pure; `ReaderModel.load()` reads the fitted numbers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from retrieval.answer.analysis import FIGURE_KINDS
from retrieval.answer.authority import PERCENT
from retrieval.search.lexical import STOPWORDS, tokenize
from retrieval.search.ranking import longest_run, overlap

MODEL_PATH = Path(__file__).with_name("reader_model.json")

_RUPEES = re.compile(
    r"(?:rs\.?|₹|inr)\s*\d|\d[\d,.]*\s*(?:/-|lakhs?\b|crores?\b|thousand\b|million\b)", re.I
)
_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty|forty|fifty|hundred|thousand)\b",
    re.I,
)
_PERIOD = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|thirty|"
    r"sixty|ninety)\s*(?:\(\w+\)\s*)?(?:years?|months?|days?|weeks?|hours?)\b",
    re.I,
)
_DATE = re.compile(
    r"\b(?:19|20)\d{2}\b|\b(?:january|february|march|april|may|june|july|august|september|"
    r"october|november|december)\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b",
    re.I,
)
_CARRIES = {
    "rate": PERCENT,
    # "how much subsidy?" is answered by a sum or by a share of the cost
    "amount": re.compile(f"{_RUPEES.pattern}|{PERCENT.pattern}", re.I),
    "count": _NUMBER,
    "duration": _PERIOD,
    "date": _DATE,
    "figure": _NUMBER,  # a figure of a kind the question leaves open (an Indic question)
}
assert set(_CARRIES) == FIGURE_KINDS
# "which documents?" is answered by the names of papers
_PAPERS = re.compile(
    r"\b(?:certificates?|card|proofs?|passbook|photo(?:graph)?s?|copy|copies|affidavit|"
    r"undertaking|declaration|statement|aadhaar|pan|passport|licen[cs]e|bills?|receipts?|"
    r"documents?|project report|registration|quotation|deed|account details)\b",
    re.I,
)
# words of a question that say what kind of thing it asks, not what it is about
ASK_WORDS = frozenset(
    [
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "much",
        "many",
        "whether",
        "rate",
        "amount",
        "number",
        "percentage",
        "share",
        "maximum",
        "minimum",
        "total",
        "please",
        "tell",
        "give",
        "list",
        "name",
        "according",
    ]
)


_MONEY_BEFORE = re.compile(r"(?:rs\.?|₹|inr)\s*$", re.I)
_SHARE_AFTER = re.compile(r"\s*(?:%|per\s?cent\b|percent\b|/-)", re.I)
_NOT_A_COUNT = re.compile(r"(?:19|20)\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d+\.\d+\.[\d.]+")


def counts(text: str) -> bool:
    """Whether `text` states a count: a number that is not a sum of money ("Rs 5,000"), a
    share ("16.23%"), a year or a date. "How many units?" is not answered by the units'
    share of the total or by the scheme's outlay."""
    for m in _NUMBER.finditer(text):
        if _MONEY_BEFORE.search(text[max(0, m.start() - 6) : m.start()]):
            continue
        if _SHARE_AFTER.match(text, m.end()) or _NOT_A_COUNT.fullmatch(m.group()):
            continue
        return True
    return False


def carries(kind: str, text: str) -> bool:
    """Whether `text` states a figure of the asked kind, or names papers when documents
    are asked (always False for other kinds: a name or a list is judged by the other
    features)."""
    if kind == "count":
        return counts(text)
    pattern = _CARRIES.get(kind) or (_PAPERS if kind == "documents" else None)
    return bool(pattern and pattern.search(text))


def content_tokens(text: str) -> list[str]:
    """The ask's words that say what it is about: stemmed tokens without stop words and
    without the words that only say what kind of answer is wanted."""
    return [t for t in tokenize(text) if t not in STOPWORDS and t not in _ASK_STEMS]


_ASK_STEMS = frozenset(t for w in ASK_WORDS for t in tokenize(w))

FEATURES = (
    "similarity",
    "coverage_context",
    "coverage_unit",
    "numbers",
    "phrase",
    "asks_figure",
    "carries_kind",
    "figure_missing",
    "previous_coverage",
    "lead_coverage",
    "is_row",
    "fragment",
    "prior",
    "passage_score",
    "wanted_section",
    "unwanted_section",
    "primary",
    "indic",
    "similarity_indic",
    "length",
    "rare_coverage",
    "rare_missing",
    # the same unit against the best unit read for this part (`relative`): the reader
    # picks among the units of one question, so how far a unit is behind the best one
    # says more than its value alone (cross-validated on the tuning half: 0.56 -> 0.61
    # of facts said)
    "similarity_gap",
    "coverage_gap",
    "rare_gap",
    "similarity_rank",
)
_RELATIVE_TO = ("similarity", "coverage_unit", "rare_coverage")


@dataclass(frozen=True)
class UnitView:
    """What the features read of one unit: its own text and its context's, tokenised once
    (a question with several parts reads every unit once per part)."""

    rendered: str  # the unit as the answer says it
    tokens: tuple[str, ...]  # the tokens of `rendered`
    context: tuple[str, ...]  # the tokens of its title, section, acronym, header and text
    previous: tuple[str, ...]  # those of the unit before it in its passage (() for the first)
    lead: tuple[str, ...]  # those of the lead-in of the list it sits in (() if none)
    numbers: frozenset[str]  # the numbers of its context
    rank: int  # its passage's rank, from 0
    passage_score: float
    section: str  # its passage's section, lower case
    is_row: bool
    fragment: bool
    primary: bool
    passage: frozenset[str] = frozenset()  # the tokens of its whole passage, with title


def features(
    view: UnitView,
    similarity: float,
    ask: Sequence[str],
    ask_numbers: frozenset[str],
    kind: str,
    intent: tuple[str, str],
    indic: bool,
    idf: Mapping[str, float] | None = None,
) -> list[float]:
    """The feature vector of one unit for one asked part, in the order of FEATURES (but
    the relative ones, which `relative` appends over all of a part's units).
    `ask` is the part's content tokens (`content_tokens`), `kind` what it asks, `idf` how
    rare each of its tokens is in the store (`LexicalIndex.idf`; all alike without)."""
    unit_tokens = view.tokens
    context_tokens = set(view.context)
    weight = {t: (idf or {}).get(t, 1.0) for t in ask}
    total = sum(weight.values()) or 1.0
    rarest = max(weight.values(), default=1.0) or 1.0
    # the rarest word of the ask that the whole passage lacks: "fee" in "what guarantee
    # fee does CGTMSE charge?" over a passage on guarantee cover
    lacking = [weight[t] for t in ask if t not in view.passage and t not in context_tokens]
    asks_figure = kind in FIGURE_KINDS
    has_kind = carries(kind, view.rendered)
    wanted, unwanted = intent
    words = len(view.rendered.split())
    return [
        similarity,
        overlap(ask, context_tokens),
        overlap(ask, unit_tokens),
        overlap(ask_numbers, view.numbers),
        longest_run(ask, unit_tokens) / len(ask) if ask else 0.0,
        float(asks_figure),
        float(has_kind),  # a figure of the asked kind, or papers asked for
        float(asks_figure and not has_kind),
        overlap(ask, view.previous),
        overlap(ask, view.lead),
        float(view.is_row),
        float(view.fragment),
        1.0 / (1 + view.rank),
        view.passage_score,
        float(bool(wanted) and wanted in view.section),
        float(bool(unwanted) and unwanted in view.section),
        float(view.primary),
        float(indic),
        similarity * indic,
        min(words, 60) / 60,
        sum(w for t, w in weight.items() if t in context_tokens) / total,
        max(lacking, default=0.0) / rarest,
    ]


def relative(rows: Sequence[Sequence[float]]) -> list[list[float]]:
    """Each unit's feature vector (from `features`) with the relative features appended:
    its similarity, word coverage and rare-word coverage minus the best of the part's
    units, and 1 / (1 + its similarity's rank among them)."""
    if not rows:
        return []
    x = np.asarray(rows, dtype=float)
    columns = [FEATURES.index(name) for name in _RELATIVE_TO]
    gaps = x[:, columns] - x[:, columns].max(axis=0)
    similarity = x[:, FEATURES.index("similarity")]
    rank = (-similarity).argsort(kind="stable").argsort(kind="stable")
    return np.hstack([x, gaps, (1.0 / (1 + rank))[:, None]]).tolist()


@dataclass(frozen=True)
class ReaderModel:
    """The fitted logistic model and the thresholds fit with it (see `eval.fit`)."""

    weights: tuple[float, ...]
    bias: float
    answer_threshold: float  # no unit this likely to answer: the documents don't answer
    quote_threshold: float  # no unit below this is quoted
    relative: float  # nor one below this share of the best unit's probability
    fitted: dict  # where the numbers come from: date, questions, figures at fit
    max_units: int = 3  # units quoted for a one-part question
    per_part: int = 2  # and for each part of a multi-part one

    def probability(self, x: Sequence[float]) -> float:
        return float(self.probabilities([x])[0])

    def probabilities(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        """The probability of each feature row at once (one matrix product)."""
        if not len(rows):
            return np.zeros(0)
        z = np.asarray(rows, dtype=float) @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> ReaderModel:
        return _load(str(path))

    def to_json(self) -> str:
        return json.dumps(
            {
                "features": list(FEATURES),
                "weights": [round(w, 6) for w in self.weights],
                "bias": round(self.bias, 6),
                "answer_threshold": self.answer_threshold,
                "quote_threshold": self.quote_threshold,
                "relative": self.relative,
                "max_units": self.max_units,
                "per_part": self.per_part,
                "fitted": self.fitted,
            },
            indent=1,
        )


@lru_cache(maxsize=4)
def _load(path: str) -> ReaderModel:
    data = json.loads(Path(path).read_text("utf-8"))
    if list(data["features"]) != list(FEATURES):
        raise ValueError(
            f"{path} was fit on other features ({data['features']}); refit it with "
            "`python -m eval.fit`"
        )
    return ReaderModel(
        tuple(float(w) for w in data["weights"]),
        float(data["bias"]),
        float(data["answer_threshold"]),
        float(data["quote_threshold"]),
        float(data["relative"]),
        dict(data.get("fitted", {})),
        int(data.get("max_units", 3)),
        int(data.get("per_part", 2)),
    )
