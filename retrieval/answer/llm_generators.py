"""Generators that use a language model.

* `LocalLLMGenerator`: llama.cpp on the CPU. The model does not write: it picks, by number,
  which of the best-ranked passage sentences answer the question (grammar-constrained), and
  the answer is those sentences verbatim, each cited. So every sentence stays grounded.
* `ChatModelGenerator`: any LangChain chat model (OpenAI-compatible servers through
  `langchain-openai`, Ollama through `langchain-ollama`; optional extras). It writes freely
  from numbered passages; its `[n]` markers are parsed, a marker pointing at no passage is
  dropped, and a sentence its cited passages don't support is flagged.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from retrieval.answer.citations import is_supported, parse_cited_text, says_not_answered
from retrieval.answer.generators import Composed, ExtractiveGenerator
from retrieval.core.embeddings import TextEmbedder
from retrieval.core.errors import ConfigError, GeneratorError
from retrieval.core.settings import Settings
from retrieval.core.text import passage_text
from retrieval.core.types import Hit

CHAT_SYSTEM = (
    "You answer questions about Indian MSME and handicraft schemes using only the numbered "
    "passages given. Write short sentences. After every sentence put the number of the "
    "passage it comes from in square brackets, like [2]. Copy figures exactly. If the passages "
    "do not answer the question, reply exactly: The passages don't answer this question."
)


class LocalLLMGenerator:
    """The local model chooses sentences; the answer is made of them."""

    def __init__(
        self,
        embedder: TextEmbedder,
        settings: Settings,
        model: str | None = None,
        candidates: int = 12,
        max_pick: int = 3,
        verify: bool = True,
    ) -> None:
        from retrieval.answer.llm import load_llm

        self.name = f"llm:{model or settings.llm_model}"
        self.ranker = ExtractiveGenerator(embedder)
        self.llm = load_llm(model or settings.llm_model, settings.model_cache_dir)
        # hand-set: the extractive ranking's best 12 units are shown, up to 3 are picked; the
        # result is measured by `python -m bench.llm_generators` (10 of 20 facts with Qwen)
        self.candidates = candidates
        self.max_pick = max_pick
        self.verify = verify  # a second yes/no call: do the picked sentences answer it?
        # Qwen copies sentence starts more reliably than it points at numbers; SmolLM2 (135M)
        # manages only numbers (seen on the Atal Pension Yojana question: quote [], number [1]).
        self.mode = "number" if (model or settings.llm_model) == "smollm2" else "quote"

    def compose(self, question: str, hits: list[Hit]) -> Composed:
        from retrieval.answer.llm import select_sentences

        ranked = [unit for _, unit in self.ranker.rank_units(question, hits)[: self.candidates]]
        if not ranked:
            return Composed([], [])
        # show candidates in reading order: the model picks; we keep its order
        shown = sorted(ranked, key=lambda u: (u.hit_index, u.start))
        picked = select_sentences(
            self.llm,
            question,
            [u.rendered for u in shown],
            self.max_pick,
            verify=self.verify,
            mode=self.mode,
        )
        chosen = [shown[n - 1] for n in picked]
        return Composed([(u.rendered, (u.hit_index,)) for u in chosen], chosen)

    def rewrite(self, history: list[tuple[str, str]], question: str) -> str:
        from retrieval.answer.llm import rewrite_followup

        return rewrite_followup(self.llm, history, question)

    def translate(self, text: str) -> str:
        from retrieval.answer.llm import translate_to_english

        return translate_to_english(self.llm, text)


class ChatModelGenerator:
    """Free text from a chat model, with parsed markers and a support check."""

    def __init__(self, chat_model: Any, embedder: TextEmbedder | None, name: str) -> None:
        self.chat_model = chat_model
        self.embedder = embedder
        self.name = name

    def compose(self, question: str, hits: list[Hit]) -> Composed:
        passages = [h.chunk.text for h in hits]
        numbered = "\n\n".join(f"[{i}] {' '.join(p.split())}" for i, p in enumerate(passages, 1))
        try:
            reply = self.chat_model.invoke(
                [
                    ("system", CHAT_SYSTEM),
                    ("human", f"Passages:\n{numbered}\n\nQuestion: {question}"),
                ]
            )
        except Exception as exc:  # the client libraries raise their own kinds (httpx, openai)
            raise GeneratorError(
                f"the {self.name} generator failed: {type(exc).__name__}: {exc}. Check that "
                "the chat model server is running and KARIGAR_CHAT_BASE_URL / "
                "KARIGAR_CHAT_MODEL name it, or ask with the extractive generator"
            ) from exc
        text = str(getattr(reply, "content", reply))
        # the word-and-number check alone: the embedding lift let more half-invented sentences
        # through on the labelled pairs (0.71 vs 0.74 accuracy, `python -m bench.support_check`)
        return compose_from_text(text, hits, None)


def compose_from_text(text: str, hits: list[Hit], embedder: TextEmbedder | None) -> Composed:
    """A model's cited text as answer sentences; unsupported ones carry no passage index
    and are flagged by the chain."""
    if not text.strip() or says_not_answered(text):
        return Composed([], [])
    sentences: list[tuple[str, tuple[int, ...]]] = []
    unsupported: list[str] = []
    for parsed in parse_cited_text(text, len(hits)):
        indexes = tuple(n - 1 for n in parsed.markers)
        cited = [
            passage_text(
                hits[i].doc.title,
                hits[i].chunk.section,
                hits[i].chunk.table_header,
                hits[i].chunk.text,
            )
            for i in indexes
        ]
        if not cited or not is_supported(parsed.text, cited, embedder):
            unsupported.append(parsed.text)
        sentences.append((parsed.text, indexes))
    return Composed(sentences, [], unsupported=tuple(unsupported))


def chat_generator(kind: str, embedder: TextEmbedder, settings: Settings) -> ChatModelGenerator:
    if not settings.chat_model:
        raise ConfigError(f"the {kind} generator needs KARIGAR_CHAT_MODEL (the model's name)")
    if kind == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:
            raise ConfigError(
                "the openai generator needs langchain-openai: pip install -e '.[openai]'"
            ) from exc
        model = ChatOpenAI(
            model=settings.chat_model,
            base_url=settings.chat_base_url or None,
            api_key=SecretStr(settings.chat_api_key or "none"),
            temperature=0,
            timeout=settings.chat_timeout_seconds,
            max_retries=1,
        )
    elif kind == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError as exc:
            raise ConfigError(
                "the ollama generator needs langchain-ollama: pip install -e '.[ollama]'"
            ) from exc
        model = ChatOllama(
            model=settings.chat_model,
            temperature=0,
            base_url=settings.chat_base_url or "http://127.0.0.1:11434",
            client_kwargs={"timeout": settings.chat_timeout_seconds},
        )
    else:  # pragma: no cover - make_generator checks the name
        raise ConfigError(f"unknown chat generator {kind!r}")
    return ChatModelGenerator(model, embedder, f"{kind}:{settings.chat_model}")
