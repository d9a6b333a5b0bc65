"""One vocabulary for what a document is about: its states (or all-India), scheme types and
kinds of beneficiary, read from the raw metadata through `corpus/facets.yaml`.

The scheme records spell a place or a type many ways; filters, the scheme finder and the
catalogue offer each once. Read at query time from a document's stored fields, so a store
ingested before a change to the vocabulary needs no re-ingest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from retrieval.core.errors import ConfigError
from retrieval.core.settings import PROJECT_ROOT
from retrieval.core.types import SourceDoc

FACETS_FILE = PROJECT_ROOT / "corpus" / "facets.yaml"
PLACES_FILE = PROJECT_ROOT / "corpus" / "rules" / "places.yaml"
ALL_INDIA = "All India"
OTHER_TYPE = "Other"


def _load(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Cannot read {path}: {exc}. Restore it from the repository.") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path} is not a mapping: restore it from the repository.")
    return data


def key(text: str) -> str:
    """How names compare: lower case, '&' read as 'and', spaces collapsed."""
    return " ".join(text.lower().replace("&", " and ").split())


def _pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Whole words, case-insensitive; a trailing '*' matches a word's start."""
    alternatives = []
    for word in words:
        stem = word.rstrip("*")
        body = r"\s+".join(re.escape(part) for part in stem.split())
        tail = r"[\w-]*" if word.endswith("*") else r"(?![\w])"
        alternatives.append(rf"(?<![\w]){body}{tail}")
    return re.compile("|".join(alternatives) or r"(?!x)x", re.IGNORECASE)


@dataclass(frozen=True)
class Vocabulary:
    states: tuple[str, ...]
    state_keys: dict[str, str]  # key(spelling) -> canonical name
    places: re.Pattern[str]  # any spelling, in key() form, longest first
    all_india: frozenset[str]
    central: re.Pattern[str]
    types: tuple[tuple[str, re.Pattern[str]], ...]
    kinds: tuple[tuple[str, re.Pattern[str]], ...]
    types_asked: tuple[tuple[str, re.Pattern[str]], ...]
    generic_kinds: frozenset[str]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    data, places = _load(FACETS_FILE), _load(PLACES_FILE)
    states = tuple(str(s) for s in places["states_and_union_territories"])
    keys = {key(s): s for s in states}
    for state, aliases in (data.get("state_aliases") or {}).items():
        if state not in states:
            raise ConfigError(f"{FACETS_FILE}: {state!r} is not in {PLACES_FILE}'s states.")
        keys.update({key(a): state for a in aliases})
    return Vocabulary(
        states=states,
        state_keys=keys,
        places=re.compile(
            "|".join(rf"(?<!\w){re.escape(k)}(?!\w)" for k in sorted(keys, key=len, reverse=True))
        ),
        all_india=frozenset(key(w) for w in data["all_india_words"]),
        central=_pattern(data["central_publishers"]),
        types=tuple((name, _pattern(ws)) for name, ws in data["scheme_types"].items()),
        kinds=tuple((name, _pattern(ws)) for name, ws in data["beneficiary_kinds"].items()),
        types_asked=tuple((name, _pattern(ws)) for name, ws in data["scheme_types_asked"].items()),
        generic_kinds=frozenset(data["generic_kinds"]),
    )


def canonical_state(name: str) -> str | None:
    """'assam' -> 'Assam'; 'J&K' -> 'Jammu and Kashmir'; None when it is not one."""
    return vocabulary().state_keys.get(key(name))


def states_in(field: str) -> tuple[str, ...]:
    """The states a state field names: one, or several separated by commas or semicolons."""
    whole = canonical_state(field)
    if whole:
        return (whole,)
    found = (canonical_state(part) for part in re.split(r"[,;/]", field))
    return tuple(dict.fromkeys(s for s in found if s))


def states_named(text: str) -> tuple[str, ...]:
    """The states and union territories a text names anywhere, in any listed spelling."""
    v = vocabulary()
    return tuple(dict.fromkeys(v.state_keys[m.group(0)] for m in v.places.finditer(key(text))))


def tag_key(tag: str) -> str:
    """Tags compared without case or a plural 's': 'Handicrafts' and 'handicraft' are one."""
    k = key(tag)
    return k[:-1] if len(k) > 4 and k.endswith("s") and not k.endswith("ss") else k


@dataclass(frozen=True)
class Facets:
    states: tuple[str, ...]  # canonical names; empty when all-India or not stated
    all_india: bool
    scheme_types: tuple[str, ...]
    beneficiaries: tuple[str, ...]
    tags: tuple[str, ...]  # tag keys

    @property
    def place(self) -> str:
        """'All India', 'Assam', 'Gujarat, Punjab' or '' (not stated)."""
        return ALL_INDIA if self.all_india else ", ".join(self.states)

    def in_states(self, chosen: Iterable[str]) -> bool:
        """Whether a document serves one of the chosen states; an all-India one serves all."""
        return self.all_india or bool(set(chosen) & set(self.states))


def facets_of(doc: SourceDoc) -> Facets:
    return _facets(
        doc.state,
        doc.department,
        doc.publisher,
        doc.scheme_type,
        doc.beneficiary,
        doc.title,
        doc.tags,
        doc.doc_type,
    )


@lru_cache(maxsize=4096)
def _facets(
    state: str,
    department: str,
    publisher: str,
    scheme_type: str,
    beneficiary: str,
    title: str,
    tags: tuple[str, ...],
    doc_type: str,
) -> Facets:
    v = vocabulary()
    states = states_in(state) if state.strip() else ()
    all_india = key(state) in v.all_india
    if not states and not all_india:  # "Not specified", "Agriculture", or nothing
        named = states_in(publisher) or states_named(publisher)
        states = named
        all_india = not named and bool(
            doc_type != "paper" and v.central.search(f"{department} {publisher}")
        )
    typed = [name for name, pattern in v.types if pattern.search(scheme_type)]
    if not typed and doc_type == "scheme_record":
        typed = [name for name, pattern in v.types if pattern.search(title)][:1] or [OTHER_TYPE]
    about = " ".join([beneficiary, title, *tags])
    kinds = tuple(name for name, pattern in v.kinds if pattern.search(about))
    return Facets(
        states=states,
        all_india=all_india,
        scheme_types=tuple(typed),
        beneficiaries=kinds,
        tags=tuple(dict.fromkeys(tag_key(t) for t in tags if t.strip())),
    )


def asked_in(question: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The states, kinds of beneficiary and scheme types a question names."""
    v = vocabulary()
    kinds = tuple(name for name, pattern in v.kinds if pattern.search(question))
    types = tuple(name for name, pattern in v.types_asked if pattern.search(question))
    return states_named(question), kinds, types


def narrowest(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The kinds that narrow: a broad kind ("entrepreneurs") only when no narrower one
    ("women") is named beside it, where it qualifies the narrower one."""
    generic = vocabulary().generic_kinds
    return tuple(k for k in kinds if k not in generic) or kinds


def state_choices() -> tuple[str, ...]:
    """What a state filter offers: 'All India' and every state and union territory."""
    return (ALL_INDIA, *vocabulary().states)


def type_choices() -> tuple[str, ...]:
    return (*(name for name, _ in vocabulary().types), OTHER_TYPE)


def beneficiary_choices() -> tuple[str, ...]:
    return tuple(name for name, _ in vocabulary().kinds)
