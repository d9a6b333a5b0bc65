"""What a user narrows a search to, as plain values. The store translates them for Chroma
(`retrieval.core.store`); the lexical index applies `Filters.keep` to each document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from retrieval.core.errors import ConfigError
from retrieval.core.facets import ALL_INDIA, canonical_state, facets_of
from retrieval.core.types import DOC_TYPES, SourceDoc

STATUS_CHOICES = ("current", "superseded", "any")

# The command line's `key=value` names -> the field they fill. Repeating a key adds a value.
MULTI_KEYS = {
    "doc_type": "doc_types",
    "state": "states",
    "publisher": "publishers",
    "doc": "doc_ids",
    "doc_id": "doc_ids",
    "path": "doc_ids",
}
SINGLE_KEYS = ("date_from", "date_to", "status")


def date_number(date: str) -> int:
    """'2022-03' -> 20220300, so date ranges compare as numbers; '' -> 0."""
    parts = (date.split("-") + ["0", "0"])[:3]
    try:
        y, m, d = (int(p or 0) for p in parts)
    except ValueError:
        return 0
    return y * 10000 + m * 100 + d


def date_end(value: str) -> int:
    """The last day a partial date covers: '2022' -> 20221231, '2022-03' -> 20220331."""
    number = date_number(value)
    if number % 10000 == 0:
        return number + 1231
    if number % 100 == 0:
        return number + 31
    return number


@dataclass(frozen=True)
class Filters:
    """Empty means no restriction; `status` is 'current' by default (superseded documents
    only when asked for, or when nothing current answers)."""

    doc_types: tuple[str, ...] = ()
    states: tuple[str, ...] = ()  # states as `facets` names them; all-India documents pass
    publishers: tuple[str, ...] = ()
    doc_ids: tuple[str, ...] = ()  # chosen documents (doc ids or corpus paths)
    date_from: str = ""  # YYYY, YYYY-MM or YYYY-MM-DD, inclusive
    date_to: str = ""
    status: str = "current"

    def __post_init__(self) -> None:
        bad = [t for t in self.doc_types if t not in DOC_TYPES]
        if bad:
            raise ConfigError(f"doc_type {bad[0]!r} is not one of {', '.join(DOC_TYPES)}")
        if self.status not in STATUS_CHOICES:
            raise ConfigError(f"status {self.status!r} is not one of {', '.join(STATUS_CHOICES)}")
        unknown = [s for s in self.states if s != ALL_INDIA and not canonical_state(s)]
        if unknown:
            raise ConfigError(
                f"state {unknown[0]!r} is not a state or union territory of India: spell it as "
                f"in 'Assam' or 'Jammu and Kashmir', or use '{ALL_INDIA}'"
            )
        states = tuple(dict.fromkeys(canonical_state(s) or ALL_INDIA for s in self.states))
        object.__setattr__(self, "states", states)
        for value in (self.date_from, self.date_to):
            if value and not date_number(value):
                raise ConfigError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")

    @classmethod
    def from_pairs(cls, pairs: list[str]) -> Filters:
        """From the command line's `key=value` (repeat a key for several values)."""
        values: dict[str, Any] = {}
        for pair in pairs:
            key, sep, value = pair.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or not key:
                raise ConfigError(f"filter {pair!r} is not key=value (e.g. doc_type=circular)")
            if key in MULTI_KEYS:
                values.setdefault(MULTI_KEYS[key], []).append(value)
            elif key in SINGLE_KEYS:
                values[key] = value
            else:
                known = ", ".join(sorted([*MULTI_KEYS, *SINGLE_KEYS]))
                raise ConfigError(f"unknown filter {key!r}: use {known}")
        args = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
        return cls(**args)  # type: ignore[arg-type]

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Filters:
        """From a mapping with the command line's names (doc_type, state, doc...) or the
        field names (doc_types, states, doc_ids...); a value may be one string or a list."""
        pairs: list[str] = []
        fields = {f: key for key, f in MULTI_KEYS.items()}
        for key, value in values.items():
            name = fields.get(key, key)
            items = value if isinstance(value, list | tuple) else [value]
            pairs += [f"{name}={item}" for item in items if item not in (None, "")]
        return cls.from_pairs(pairs)

    def describe(self) -> str:
        """What narrows, in words ('state Assam (all-India documents too); type circular');
        '' when nothing does (the default status, current documents first, narrows nothing)."""
        said = []
        if self.doc_types:
            said.append(f"type {', '.join(self.doc_types)}")
        if self.states:
            said.append(f"state {', '.join(self.states)} (all-India documents too)")
        if self.publishers:
            said.append(f"publisher {', '.join(self.publishers)}")
        if self.doc_ids:
            said.append(f"{len(self.doc_ids)} chosen document(s)")
        if self.date_from or self.date_to:
            said.append(f"dated {self.date_from or '…'} to {self.date_to or '…'}")
        if self.status != "current":
            said.append("any status" if self.status == "any" else "superseded documents only")
        return "; ".join(said)

    def with_status(self, status: str) -> Filters:
        return replace(self, status=status)

    def keep(self, doc: SourceDoc) -> bool:
        if self.doc_types and doc.doc_type not in self.doc_types:
            return False
        if self.states and not facets_of(doc).in_states(self.states):
            return False
        if self.publishers and doc.publisher not in self.publishers:
            return False
        if self.doc_ids and doc.doc_id not in self.doc_ids and doc.path not in self.doc_ids:
            return False
        if self.status != "any" and doc.status != self.status:
            return False
        number = date_number(doc.date)
        if self.date_from and (not number or number < date_number(self.date_from)):
            return False
        return not (self.date_to and (not number or number > date_end(self.date_to)))
