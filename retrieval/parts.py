"""The one place that opens Karigar's parts from `Settings`: the embedder, the store, the
searcher, the multilingual index and the answer chains. The command line, the web app, the
evaluation and the benches all start here, so they are wired the same way.

    parts = open_parts(Settings())
    answer = parts.chain().answer(Query("Who is eligible for PMEGP?"))

Each part opens on first use and is kept: `parts.store` alone (for `karigar status`) loads no
model when the embedding model's dimension is known.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from retrieval.core.embeddings import (
    E5Embedder,
    Embedder,
    embedder_for,
    get_e5,
    known_dimension,
)
from retrieval.core.errors import ConfigError
from retrieval.core.settings import Settings
from retrieval.core.store import Store
from retrieval.core.unit_vectors import FILE_NAME as UNIT_VECTORS_FILE
from retrieval.core.unit_vectors import UnitVectors
from retrieval.search.finder import SchemeFinder
from retrieval.search.hybrid import Searcher
from retrieval.search.multilingual import MultilingualIndex

if TYPE_CHECKING:  # pragma: no cover
    from retrieval.answer.chain import AnswerChain

log = logging.getLogger(__name__)


class Parts:
    """Karigar's parts over one store, opened lazily and once."""

    def __init__(
        self, settings: Settings, embedder: Embedder | None = None, store: Store | None = None
    ) -> None:
        self.settings = settings
        self._embedder = embedder
        self._store = store
        self._chains: dict[tuple[str, int], AnswerChain] = {}
        self.build: IndexBuild | None = None  # the multilingual index's, in the background
        self._build_lock = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = embedder_for(self.settings)
        return self._embedder

    @property
    def store(self) -> Store:
        """The store, named with the embedding model; the model itself loads only when its
        dimension is not known without it (a local model folder)."""
        if self._store is None:
            name = self.settings.embedding_model
            dimension = known_dimension(name)
            if self._embedder is not None or dimension is None:
                name, dimension = self.embedder.name, self.embedder.dimension
            self._store = Store(self.settings, name, dimension)
        return self._store

    def build_multilingual_in_background(self) -> IndexBuild | None:
        """Bring the multilingual index up to date in a thread, if it lacks chunks (none
        built yet, or documents added since): the web app calls this once its models are
        loaded, so English questions are answered while e5 embeds (6 to 8 passages a second
        here) and Indic ones use the index once it is whole, without a restart. Until then
        the searcher does not use it (a part-built index would miss pages) and the answer's
        note says how far the build is. Returns the build under way, or None when the index
        is whole already; a second call during a build returns the same build."""
        with self._build_lock:
            if self.build is not None and not self.build.finished:
                return self.build
            index = self.multilingual_index()
            plan = index.missing()
            if not plan[0] and not plan[1]:
                return None
            build = IndexBuild(total=len(plan[0]))
            self.build = build
            self.searcher.multilingual = None  # not until it is whole
            self.searcher.building = build

        def run() -> None:
            try:
                index.sync(progress=build.advance, plan=plan)
                with self._build_lock:
                    self.__dict__["multilingual"] = index  # the cached property's value
                    self.searcher.multilingual = index
                    for chain in self._chains.values():  # the reader compares with e5 too
                        if hasattr(chain.generator, "multilingual"):
                            chain.generator.multilingual = get_e5
                log.info("multilingual index built: %d chunks in %.0f s", build.total, build.age)
            except Exception as exc:  # an Indic question's note says so; English goes on
                build.error = str(exc)
                log.warning("the multilingual index could not be built: %s", exc)
            finally:
                build.finished = True
                self.searcher.building = None

        threading.Thread(target=run, name="karigar-multilingual", daemon=True).start()
        return build

    @cached_property
    def multilingual(self) -> MultilingualIndex | None:
        """The multilingual (e5) index, if one was built for this store."""
        return MultilingualIndex.existing(self.store)

    def multilingual_index(self) -> MultilingualIndex:
        """The multilingual index, created empty if absent (to build or sync it)."""
        return self.multilingual or MultilingualIndex(self.store)

    @cached_property
    def unit_vectors(self) -> UnitVectors:
        """The reader's unit vectors, kept in memory and in the data folder's file."""
        return UnitVectors(self.settings.data_dir / UNIT_VECTORS_FILE)

    @cached_property
    def finder(self) -> SchemeFinder:
        """The scheme finder over this store: the chat's and the Schemes page's."""
        return SchemeFinder(self.store)

    @cached_property
    def searcher(self) -> Searcher:
        return Searcher(self.store, self.embedder, multilingual=self.multilingual)

    def chain(self, generator: str | None = None, k: int = 5) -> AnswerChain:
        """An answer chain with `generator` (default: the setting) over the shared searcher;
        one per (generator, k), so a local model loads once."""
        from retrieval.answer.chain import AnswerChain  # ingest needs none of the answering
        from retrieval.answer.generators import make_generator

        name = generator or self.settings.generator
        key = (name, k)
        if key not in self._chains:
            e5: Callable[[], E5Embedder] | None = (
                get_e5 if self.searcher.multilingual is not None else None
            )
            made = make_generator(
                name,
                self.embedder,
                self.settings,
                multilingual=e5,
                idf=self.searcher.lexical.idf,
                unit_vectors=self.unit_vectors,
            )
            self._chains[key] = AnswerChain(
                self.searcher,
                made,
                k,
                local_translator(self.settings),
                self.settings,
                finder=self.finder,
            )
        return self._chains[key]

    WARM_STEPS = (
        "the search index",
        "the scheme finder",
        "the embedding model",
        "the answering modules",
    )

    def warm(self, on_step: Callable[[int, str], None] | None = None) -> None:
        """Load the model and build the lexical index, the scheme finder's rows and the
        extractive chain now, not on the first question. `on_step(i, name)` is told as each
        of `WARM_STEPS` begins (the app's progress bar)."""
        say = on_step or (lambda _i, _name: None)
        say(0, self.WARM_STEPS[0])
        self.searcher.lexical.warm()
        say(1, self.WARM_STEPS[1])
        self.finder.count()
        say(2, self.WARM_STEPS[2])
        self.embedder.embed_query("warm up")
        say(3, self.WARM_STEPS[3])
        self.chain("extractive")  # the answering modules (rules engine among them): 0.6 s


@dataclass
class IndexBuild:
    """The multilingual index being built in the background: how far, and how it ended."""

    total: int  # chunks to embed
    done: int = 0
    finished: bool = False
    error: str = ""
    started: float = field(default_factory=time.perf_counter)

    def advance(self, n: int) -> None:
        self.done += n

    @property
    def age(self) -> float:
        return time.perf_counter() - self.started

    def minutes_left(self) -> float | None:
        """At the rate so far; None before the first slice is written."""
        if not self.done:
            return None
        return (self.total - self.done) * self.age / self.done / 60

    def describe(self) -> str:
        left = self.minutes_left()
        eta = f", about {max(1, round(left))} min left" if left is not None else ""
        return f"{self.done:,} of {self.total:,} passages{eta}"


def open_parts(
    settings: Settings | None = None, embedder: Embedder | None = None, store: Store | None = None
) -> Parts:
    """Karigar's parts for `settings` (default: from the environment)."""
    return Parts(settings or Settings(), embedder, store)


def local_translator(settings: Settings) -> Callable[[str], str]:
    """Translate a Devanagari question with the local LLM, loaded on the first such question.
    Without llama.cpp or the model packages the question goes on untranslated, with a note."""

    def translate(text: str) -> str:
        from retrieval.answer.llm import load_llm, translate_to_english

        try:
            llm = load_llm(settings.llm_model, settings.model_cache_dir)
        except (ConfigError, ImportError) as exc:
            log.warning("Hindi question not translated: %s", exc)
            return text
        return translate_to_english(llm, text)

    return translate
