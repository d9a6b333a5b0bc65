"""Seconds per stage of answering a question, collected only when asked for.

    with collect() as stages:
        chain.answer(query)
    stages  # {"query embedding": 0.011, "dense": 0.004, "lexical": 0.009, ...}

The stages are marked where they happen (`with stage("dense"):`); outside `collect` a mark
costs one context-variable lookup. A stage entered several times in one question (a
multi-part question searches once per part) adds up. A stage inside another counts as its
own, not as the outer one's: the outer stage keeps only its own time (the reader's "reading"
without the "unit vectors" it waits for), so the stages add up to no more than the whole.
`bench/query.py` and `bench/ingest.py` print them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_SINK: ContextVar[tuple[dict[str, float], list[float]] | None] = ContextVar(
    "karigar_stages", default=None
)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block as `name` into the collection open in this context, if any, less
    the time of the stages marked inside it."""
    sink = _SINK.get()
    if sink is None:
        yield
        return
    stages, inner = sink  # `inner`: per open stage, the seconds of the stages inside it
    inner.append(0.0)
    started = time.perf_counter()
    try:
        yield
    finally:
        took = time.perf_counter() - started
        own = took - inner.pop()
        stages[name] = stages.get(name, 0.0) + own
        if inner:
            inner[-1] += took


@contextmanager
def collect() -> Iterator[dict[str, float]]:
    """The seconds of every stage run inside the block, by name (a collection inside
    another gets the stages run inside it)."""
    stages: dict[str, float] = {}
    token = _SINK.set((stages, []))
    try:
        yield stages
    finally:
        _SINK.reset(token)
