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
from collections.abc import Callable
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
