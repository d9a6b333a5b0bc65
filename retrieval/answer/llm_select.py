"""Pure helpers for constrained sentence selection: candidates, GBNF grammars and parsers.

No model here: `retrieval.llm.select_sentences` builds its prompt and grammar from these and
parses the model's reply with them. Every parser takes any string and never raises.

Two ways to pick, both closed choices (the model cannot write a word of its own):

* by number: the sentences are shown as "[i] ..." and the reply is a JSON list of numbers;
* by quote: the sentences are shown as "- ..." and the reply is a JSON list quoting the
  first words of each chosen sentence, exactly (the grammar offers nothing else); the quotes
  are mapped back to sentence numbers. Small models copy text more reliably than they point
  at numbers, so this is the default.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import Any

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def clean(sentence: str) -> str:
    """One line, as the model sees it: whitespace collapsed, `"` as `'`, `\\` as `/`."""
    text = _CONTROL.sub(" ", sentence).replace('"', "'").replace("\\", "/")
    return " ".join(text.split())


def candidates(sentences: list[str], min_words: int = 4) -> list[int]:
    """Numbers (1-based) of the sentences worth showing: headings and fragments
    ("## Eligibility", "5. Implementing Agencies:") cannot answer a question on their own."""
    return [
        i
        for i, sentence in enumerate(sentences, 1)
        if sum(any(c.isalnum() for c in word) for word in sentence.split()) >= min_words
    ]


def sentence_starts(sentences: list[str], numbers: list[int], min_words: int = 6) -> dict[int, str]:
    """For each of `numbers`, the shortest start (at least `min_words` words) that no other
    shown sentence shares; a sentence identical to an earlier one is left out."""
    words: dict[int, list[str]] = {}
    seen: set[str] = set()
    for i in numbers:
        text = clean(sentences[i - 1])
        if text and text not in seen:
            seen.add(text)
            words[i] = text.split(" ")
    starts: dict[int, str] = {}
    for i, mine in words.items():
        k = min(min_words, len(mine))
        while k < len(mine) and any(w[:k] == mine[:k] for j, w in words.items() if j != i):
            k += 1
        starts[i] = " ".join(mine[:k])
    return starts


def _list_grammar(items: list[str], max_pick: int) -> str:
    more = f' ( ", " item ){{0,{max_pick - 1}}}' if max_pick > 1 else ""
    return f'root ::= "[" ( item{more} )? "]"\nitem ::= ' + " | ".join(items)


def selection_grammar(numbers: list[int], max_pick: int) -> str:
    """GBNF for a JSON list of 0..max_pick numbers, each one of `numbers`."""
    return _list_grammar([f'"{i}"' for i in sorted(set(numbers), reverse=True)], max_pick)


def quote_grammar(starts: list[str], max_pick: int) -> str:
    """GBNF for a JSON list of 0..max_pick strings, each exactly one of `starts` (cleaned
    text: no `"` or `\\` left to escape)."""
    return _list_grammar([f'"\\"{s}\\""' for s in dict.fromkeys(starts)], max_pick)


def _json_list(text: str, item: str, body: str) -> list[Any]:
    """The list in `text` (or a JSON object's first list value); failing JSON, the `item`s in
    the first `[` + `body`, so a list cut short by the token limit still counts."""
    try:
        data = json.loads(text.strip())
    except (ValueError, RecursionError):
        match = re.search(r"\[" + body, text, re.DOTALL)
        return re.findall(item, match.group(1)) if match else []
    if isinstance(data, dict):
        data = next((v for v in data.values() if isinstance(v, list)), [])
    return data if isinstance(data, list) else []


def _unique(values: list[int], max_pick: int) -> list[int]:
    return list(dict.fromkeys(values))[: max(max_pick, 0)]


def parse_selection(
    text: str, n: int, max_pick: int = 4, allowed: Collection[int] | None = None
) -> list[int]:
    """Sentence numbers from a reply: in 1..n (and in `allowed`, when given), unique, at most
    `max_pick`, in the reply's order. Anything else is dropped; never raises."""
    if not isinstance(text, str):
        return []
    picked = []
    for value in _json_list(text, r"\d+", r"([^\]]*)"):
        if isinstance(value, bool):
            continue
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and 1 <= value <= n and (allowed is None or value in allowed):
            picked.append(value)
    return _unique(picked, max_pick)


def parse_quotes(text: str, starts: dict[int, str], max_pick: int = 4) -> list[int]:
    """Sentence numbers for the quoted starts in a reply (exact matches only), unique, at
    most `max_pick`, in the reply's order; never raises."""
    if not isinstance(text, str):
        return []
    number = {start: i for i, start in reversed(list(starts.items()))}
    quotes = [q.strip() for q in _json_list(text, r'"([^"]*)"', "(.*)") if isinstance(q, str)]
    return _unique([number[q] for q in quotes if q in number], max_pick)
