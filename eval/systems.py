"""The systems the evaluation compares, each answering the same questions from the same files.

* `karigar`: our chain (hybrid retrieval, re-scoring, abstention, the chosen generator).
* `plain-langchain`: the plain LangChain recipe: each file's page text (pypdf) or raw text,
  `RecursiveCharacterTextSplitter(1000, 200)`, the same embedding model, Chroma similarity
  top-4, the same generator. No abstention, no OCR, no metadata beyond the file.
* `bm25`: BM25 alone (bm25s over our chunks, our tokenizer) top-4, the same generator.

Every system returns a `Run`: its ranked (path, page) list (top 10, for the retrieval
metrics), the answer's sentences with the passages each cites, the passages it retrieved,
whether it abstained, and its timings.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from eval.questions import Question
from retrieval.answer.chain import AnswerChain, Query
from retrieval.answer.generators import ExtractiveGenerator, Generator
from retrieval.core.embeddings import TextEmbedder, as_langchain
from retrieval.core.filters import Filters
from retrieval.core.store import Store
from retrieval.core.text import passage_text as compose_passage
from retrieval.core.types import Chunk, Hit, SourceDoc
from retrieval.search.lexical import LexicalIndex

log = logging.getLogger(__name__)
RANKED = 10  # results kept for the retrieval metrics
PASSAGES = 4  # what the baselines hand the generator (the recipe's top-4)


@dataclass
class Run:
    ranked: list[tuple[str, int]]
    text: str
    sentences: list[tuple[str, list[str]]]  # sentence, the passages it cites
    passages: list[str]  # every passage retrieved for the answer
    abstained: bool
    timings: dict[str, float] = field(default_factory=dict)
    cited: list[tuple[str, int]] = field(default_factory=list)  # (path, page) cited


class System(Protocol):
    name: str

    def run(self, question: Question) -> Run: ...


def passage_text(hit: Hit) -> str:
    """What a judge reads for a passage: the chunk with its title, section and table header."""
    return compose_passage(hit.doc.title, hit.chunk.section, hit.chunk.table_header, hit.chunk.text)


class KarigarSystem:
    def __init__(self, chain: AnswerChain, name: str = "karigar") -> None:
        self.chain = chain
        self.name = name

    def run(self, question: Question) -> Run:
        answer = self.chain.answer(Query(question.question, k=RANKED))
        hits = list(answer.passages)
        by_chunk = {c.marker: c for c in answer.citations}
        index = {h.chunk.chunk_id: h for h in hits}
        sentences = []
        for s in answer.sentences:
            cited = [
                index[by_chunk[m].chunk_id]
                for m in s.markers
                if m in by_chunk and by_chunk[m].chunk_id in index  # a rule's page not stored
            ]
            sentences.append((s.text, [passage_text(h) for h in cited]))
        # the context the reader was given: the first passages, and those each part's own
        # search added (they sit further down the ranking, and are cited where they answer)
        cited_hits = [index[c.chunk_id] for c in answer.citations if c.chunk_id in index]
        context = list({h.chunk.chunk_id: h for h in hits[:PASSAGES] + cited_hits}.values())
        return Run(
            ranked=[(h.doc.path, h.chunk.page) for h in hits],
            text=answer.text,
            sentences=sentences,
            passages=[passage_text(h) for h in context],
            abstained=answer.abstained,
            timings=dict(answer.timings),
            cited=[(c.path, c.page) for c in answer.citations],
        )


def _answer(generator: Generator, question: str, ranked: list[Hit], retrieve: float) -> Run:
    """A baseline's run: the generator over its top `PASSAGES` of `ranked`, no abstention
    beyond the generator finding nothing to say."""
    hits = ranked[:PASSAGES]
    started = time.perf_counter()
    composed = generator.compose(question, hits)
    generate = time.perf_counter() - started
    sentences = [(text, [passage_text(hits[i]) for i in idx]) for text, idx in composed.sentences]
    cited = list(
        dict.fromkeys(
            (hits[i].doc.path, hits[i].chunk.page) for _, idx in composed.sentences for i in idx
        )
    )
    return Run(
        ranked=[(h.doc.path, h.chunk.page) for h in ranked],
        text=" ".join(s for s, _ in composed.sentences),
        sentences=sentences,
        passages=[passage_text(h) for h in hits],
        abstained=not composed.sentences,
        timings={"retrieve": retrieve, "generate": generate, "total": retrieve + generate},
        cited=cited,
    )


class BM25System:
    name = "bm25"

    def __init__(self, store: Store, embedder: TextEmbedder) -> None:
        self.index = LexicalIndex(store)
        self.generator = ExtractiveGenerator(embedder)
        self.keep = Filters(status="any").keep

    def run(self, question: Question) -> Run:
        started = time.perf_counter()
        found = self.index.search(question.question, RANKED, keep=self.keep)
        hits = [Hit(chunk=c, doc=d, score=s) for c, d, s in found]
        return _answer(self.generator, question.question, hits, time.perf_counter() - started)


class PlainLangChainSystem:
    """The recipe's index lives in `folder` and is rebuilt when the files change."""

    name = "plain-langchain"

    def __init__(
        self,
        files: Sequence[Path],
        root: Path,
        embedder: TextEmbedder,
        folder: Path,
        progress: bool = False,
    ) -> None:
        from langchain_chroma import Chroma

        self.generator = ExtractiveGenerator(embedder)
        stamp = hashlib.sha256(
            json.dumps(
                sorted(
                    (str(p.relative_to(root)), p.stat().st_size, p.stat().st_mtime_ns)
                    for p in files
                )
            ).encode()
        ).hexdigest()[:16]
        folder.mkdir(parents=True, exist_ok=True)
        marker = folder / "built.json"
        built = marker.exists() and json.loads(marker.read_text())["stamp"] == stamp
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        client = chromadb.PersistentClient(
            path=str(folder / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
        )
        if not built:
            try:
                client.delete_collection("recipe")
            except Exception:  # absent
                log.debug("no recipe collection to delete")
        self.store = Chroma(
            "recipe",
            embedding_function=as_langchain(embedder),
            client=client,
            collection_metadata={"hnsw:space": "cosine"},
        )
        self.build_seconds = 0.0
        if not built:
            started = time.perf_counter()
            self._build(files, root, progress)
            self.build_seconds = time.perf_counter() - started
            marker.write_text(json.dumps({"stamp": stamp, "seconds": self.build_seconds}))

    def _build(self, files: Sequence[Path], root: Path, progress: bool) -> None:
        from langchain_text_splitters import RecursiveCharacterTextSplitter
        from pypdf import PdfReader
        from tqdm import tqdm

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=1000, chunk_overlap=200, add_start_index=True
        )
        for path in tqdm(files, desc="plain recipe", unit="file", disable=not progress):
            rel = path.relative_to(root).as_posix()
            try:
                if path.suffix.lower() == ".pdf":
                    pages = [
                        (n, p.extract_text() or "") for n, p in enumerate(PdfReader(path).pages, 1)
                    ]
                else:
                    pages = [(0, path.read_text(encoding="utf-8", errors="replace"))]
            except Exception as exc:  # the recipe has no error handling; we skip the file
                log.warning("plain recipe skips %s: %s", rel, exc)
                continue
            docs = splitter.create_documents(
                [text for _, text in pages], metadatas=[{"path": rel, "page": n} for n, _ in pages]
            )
            if docs:
                self.store.add_documents(docs)

    def run(self, question: Question) -> Run:
        started = time.perf_counter()
        found = self.store.similarity_search_with_score(question.question, k=RANKED)
        hits = []
        for i, (doc, distance) in enumerate(found):
            meta: dict[str, Any] = doc.metadata
            path, page = str(meta["path"]), int(meta["page"])
            start = int(meta.get("start_index", 0))
            source = SourceDoc(
                doc_id=path, path=path, title=Path(path).name, doc_type="other", sha256=""
            )
            chunk = Chunk(
                chunk_id=f"{path}:p{page}:{start}",
                doc_id=path,
                text=doc.page_content,
                page=page,
                section="",
                char_start=start,
                char_end=start + len(doc.page_content),
                index=i,
            )
            hits.append(Hit(chunk=chunk, doc=source, score=1.0 - float(distance)))
        return _answer(self.generator, question.question, hits, time.perf_counter() - started)
