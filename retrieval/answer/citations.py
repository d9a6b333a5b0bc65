"""Citation markers in free model text, and an offline check that a sentence is supported.

`parse_cited_text` splits a model's answer into sentences with their `[n]` markers; a
marker that points at no passage is dropped, and sentences without markers are kept with
none (the support check then flags them). `is_supported` is our offline stand-in for NLI:
a sentence is supported by a passage when every number and name it states is in the
passage, it is not negated unless the passage is, and most of its content words are there
too (or its embedding is very close to one of the passage's sentences). Measured on
hand-labelled pairs with `python -m bench.support_check`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from retrieval.core.text import NOT_NAMES, sentence_spans
from retrieval.search.lexical import numbers_in, tokenize

_MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
_REFUSAL_HINTS = re.compile(
    r"(do(?:es)? not|don't|doesn't|cannot|can't) (?:answer|contain|mention|provide|say)|"
    r"not (?:mentioned|found|available|provided) in|no information",
    re.I,
)


@dataclass(frozen=True)
class ParsedSentence:
    text: str  # without its markers
    markers: tuple[int, ...]  # 1-based passage numbers that exist
    dropped: tuple[int, ...]  # markers that pointed at no passage


def parse_cited_text(text: str, passages: int) -> list[ParsedSentence]:
    """Sentences of `text` with their markers; markers outside 1..passages are dropped.
    A marker standing alone at the start of a sentence belongs to the sentence before."""
    out: list[ParsedSentence] = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        found: list[int] = []
        for match in _MARKER.finditer(sentence):
            found += [int(n) for n in re.split(r"\s*[,;]\s*", match.group(1))]
        clean = " ".join(_MARKER.sub(" ", sentence).split()).strip()
        clean = re.sub(r"\s+([.,;:!?])", r"\1", clean)
        valid = tuple(dict.fromkeys(n for n in found if 1 <= n <= passages))
        dropped = tuple(n for n in found if not 1 <= n <= passages)
        if not clean.strip(" .,;:"):
            if out and valid:  # "[2]." on its own
                prev = out[-1]
                out[-1] = ParsedSentence(
                    prev.text, tuple(dict.fromkeys(prev.markers + valid)), prev.dropped + dropped
                )
            continue
        out.append(ParsedSentence(clean, valid, dropped))
    return out


def says_not_answered(text: str) -> bool:
    """The model's own 'the passages don't say' (treated as an abstention)."""
    return bool(_REFUSAL_HINTS.search(text))


_NEGATION = re.compile(
    r"\b(not|no|never|cannot|nor|neither|without|except|excluding|ineligible)\b|n't\b|"
    r"\bother than\b",
    re.I,
)
# Names a sentence may not bring in: acronyms anywhere (SIDBI, MSE-CDP), and capitalised
# words that are not the sentence's first word (Visakhapatnam).
_NAME = re.compile(r"\b([A-Z][A-Za-z]*[A-Z][A-Za-z-]*)\b|(?<!^)(?<![.!?]\s)\b([A-Z][a-z]{3,})\b")


# Hand-set, then measured on the 69 hand-labelled pairs with `python -m bench.support_check`
# (lexical: accuracy 0.74, precision 0.67, recall 0.88).
SUPPORT_THRESHOLD = 0.6
EMBEDDING_LIFT_BELOW = 0.75  # word recall under which the embedding may lift the score


def name_stems(sentence: str) -> list[str]:
    """The names a sentence states (acronyms anywhere, capitalised words past its start;
    not the words of `NOT_NAMES`), lower-cased stems ('MSE-CDP' -> 'mse', 'Banks' ->
    'bank') for finding them in a passage."""
    return [
        name.split("-")[0].removesuffix("s").lower()
        for name in (a or b for a, b in _NAME.findall(sentence))
        if name not in NOT_NAMES
    ]


def support_score(sentence: str, passage: str, embedder: object | None = None) -> float:
    """0..1: how well `passage` backs `sentence`. It is 0 when the sentence states a number
    the passage lacks, names something (an acronym, a capitalised name) the passage never
    mentions, or is negated ("not", "no", "without") where the passage has no negation.
    Otherwise the share of its content words the passage holds, lifted by the closest
    passage sentence's cosine when an embedder is given."""
    numbers = numbers_in(sentence)
    if numbers and not numbers <= numbers_in(passage):
        return 0.0
    lowered = passage.lower()
    if any(stem not in lowered for stem in name_stems(sentence)):
        return 0.0
    words = set(tokenize(sentence))
    if not words:
        return 0.0
    if _NEGATION.search(sentence) and not _NEGATION.search(passage):
        return 0.0
    recall = len(words & set(tokenize(passage))) / len(words)
    if embedder is None or recall >= EMBEDDING_LIFT_BELOW:
        return recall
    spans = sentence_spans(passage)
    pieces = [passage[a:b] for a, b in spans] or [passage]
    vectors = np.asarray(embedder.embed([sentence, *pieces]))  # type: ignore[attr-defined]
    closest = float(np.max(vectors[1:] @ vectors[0]))
    return max(recall, closest)


def is_supported(sentence: str, passages: list[str], embedder: object | None = None) -> bool:
    return any(support_score(sentence, p, embedder) >= SUPPORT_THRESHOLD for p in passages)
