"""The main index's model on its two runtimes: the int8 ONNX weights (the default) and torch's
full precision. Real models, real corpus text."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from retrieval.core.embeddings import OnnxEmbedder, TorchEmbedder, embedder_for, get_embedder
from retrieval.core.errors import ConfigError
from retrieval.core.settings import PROJECT_ROOT, Settings
from retrieval.core.text import sentence_spans


@pytest.fixture(scope="module")
def texts(corpus) -> list[str]:
    """Paragraphs and sentences of the seed papers, short and long (over the 256-piece
    window too)."""
    text = (corpus / "seeds" / "sultana-hazarika-cluster-development-dimoria.txt").read_text(
        "utf-8"
    )
    paragraphs = [p.strip() for p in text.split("\n\n") if len(p.split()) > 20][:20]
    sentences = [text[a:b] for a, b in sentence_spans(text)][:30]
    return paragraphs + sentences + [" ".join(paragraphs)[:6000]]


@pytest.fixture(scope="module")
def torch_embedder() -> TorchEmbedder:
    embedder = get_embedder("all-MiniLM-L6-v2", 8, "torch")
    assert isinstance(embedder, TorchEmbedder)
    return embedder


def test_the_default_runs_the_int8_weights(embedder):
    assert isinstance(embedder, OnnxEmbedder)
    assert embedder_for(Settings()) is embedder
    assert embedder.dimension == 384


def test_the_default_never_imports_torch():
    """What makes it load in a third of a second instead of 6 to 8 s."""
    code = (
        "import sys\n"
        "from retrieval.core.embeddings import get_embedder\n"
        "get_embedder('all-MiniLM-L6-v2').embed(['margin money'])\n"
        "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True
    )
    assert out.stdout.split() == ["False", "False"], out.stderr[-2000:]


def test_the_two_runtimes_give_the_same_vectors(embedder, torch_embedder, texts):
    onnx = np.asarray(embedder.embed(texts))
    full = np.asarray(torch_embedder.embed(texts))
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    cosine = (onnx * full).sum(axis=1)
    assert cosine.min() > 0.997, cosine.min()  # 0.9987 at the least on the corpus
    # and so the same neighbours: each sentence's nearest paragraph
    assert (
        np.argmax(onnx @ onnx.T - 2 * np.eye(len(texts)), axis=1)
        == np.argmax(full @ full.T - 2 * np.eye(len(texts)), axis=1)
    ).mean() > 0.9


def test_a_text_embeds_the_same_alone_and_in_a_batch_of_others(embedder, texts):
    """Padding a batch to its longest text must not change a short one's vector (the
    default embeds one text at a time; KARIGAR_EMBED_BATCH_SIZE sets batches)."""
    batched = get_embedder("all-MiniLM-L6-v2", 8, "onnx")
    assert batched is not embedder and batched.batch_size == 8
    together = np.asarray(batched.embed(texts))
    for n in (0, 25, len(texts) - 1):
        alone = np.asarray(embedder.embed([texts[n]])[0])
        assert float(alone @ together[n]) > 0.99999


def test_each_runtime_embeds_at_its_fastest_batch_size_unless_set(embedder, torch_embedder):
    """One text at a time on the int8 runtime (a batch only pads: 82 s against 118 s at 8
    for the corpus's chunks), 8 on torch; a setting overrides both."""
    assert embedder.batch_size == 1
    assert embedder_for(Settings(embedding_backend="torch")) is torch_embedder
    assert torch_embedder.batch_size == 8
    assert embedder_for(Settings(embed_batch_size=4)).batch_size == 4


def test_a_wrong_runtime_is_a_clear_error():
    with pytest.raises(ConfigError, match="backend 'gpu'.*onnx"):
        get_embedder("all-MiniLM-L6-v2", 8, "gpu")
    with pytest.raises(Exception, match="embedding_backend"):
        Settings(embedding_backend="gpu")


def test_the_torch_runtime_is_there_when_asked(torch_embedder):
    settings = Settings(embedding_backend="torch", embed_batch_size=8)  # as set
    assert embedder_for(settings) is torch_embedder
