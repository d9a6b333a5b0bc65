"""All settings in one place. Each field reads the environment variable `KARIGAR_<NAME>`.

Tests build `Settings(...)` directly; the command line builds it from the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KARIGAR_", extra="ignore")

    corpus_dir: Path = Field(
        default=PROJECT_ROOT.parent / "shared" / "corpus",
        description="Folder of documents to ingest; its MANIFEST.tsv, if any, describes them.",
    )
    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="Where the embedded Chroma store, OCR cache and ingest reports live.",
    )
    rules_dir: Path = Field(
        default=PROJECT_ROOT / "corpus" / "rules",
        description="Scheme rules as dated parameters, each value with its document, page and "
        "clause (OpenFisca's parameter format, in parameters/), and places.yaml.",
    )
    chroma_host: str = Field(
        default="",
        description="Chroma server host; empty means the embedded store in data_dir/chroma.",
    )
    chroma_port: int = Field(default=8000, description="Chroma server port (with chroma_host).")
    collection: str = Field(default="karigar", description="Name prefix of the Chroma collections.")
    embedding_model: str = Field(
        default="all-MiniLM-L6-v2",
        description="Embedding model: a name the embeddings module knows, or a local folder.",
    )
    embedding_backend: Literal["onnx", "torch"] = Field(
        default="onnx",
        description="How the model runs: 'onnx' (int8 weights on onnxruntime: loads in a third "
        "of a second) or 'torch' (full precision through sentence-transformers: 6 to 8 s to "
        "load). Their vectors agree to a cosine of 0.9995, so either searches a store built "
        "by the other. A local model folder always runs on torch.",
    )
    embed_batch_size: int | None = Field(
        default=None,
        ge=1,
        description="Passages embedded per batch (sorted by length first); unset: the "
        "runtime's fastest on 2 cores, 1 for the int8 ONNX runtime (a batch only adds "
        "padding) and 8 for torch (`python -m bench.embedders`).",
    )
    chunk_chars: int = Field(
        default=900,
        ge=200,
        description="Largest chunk, in characters: about 200 word pieces, inside the 256-piece "
        "window of all-MiniLM-L6-v2 once the title line is added.",
    )
    ocr_languages: str = Field(
        default="eng", description="Tesseract languages for scanned pages, e.g. 'eng+hin'."
    )
    ocr_dpi: int = Field(default=300, ge=72, description="Resolution scanned pages are read at.")
    ocr_min_words: int = Field(
        default=15,
        ge=0,
        description="A page with an image and fewer words than this in its text layer "
        "(watermarks not counted) is read by OCR.",
    )
    generator: str = Field(
        default="extractive",
        description="Answer generator: extractive, llm (local llama.cpp), openai or ollama.",
    )
    llm_model: str = Field(
        default="qwen2.5-coder-1.5b",
        description="Local LLM for the llm generator: qwen2.5-coder-1.5b or smollm2.",
    )
    model_cache_dir: Path = Field(
        default=Path.home() / ".cache" / "karigar",
        description="Where model files assembled from packages (the joined Qwen GGUF) are kept.",
    )
    chat_model: str = Field(
        default="", description="Model name for the openai or ollama generators."
    )
    chat_base_url: str = Field(
        default="",
        description="OpenAI-compatible server URL (e.g. http://127.0.0.1:8080/v1) or the "
        "Ollama URL (default http://127.0.0.1:11434).",
    )
    chat_api_key: str = Field(default="", description="API key for the OpenAI-compatible server.")
    unit_vectors_at_ingest: bool = Field(
        default=True,
        description="Embed the reader's units (sentences, rows) of each ingested document at "
        "ingest and keep them in the data folder, so answers do not embed them (about 2 to 3 "
        "times faster answers; ingest embeds about twice as much text).",
    )
    multilingual_in_background: bool = Field(
        default=True,
        description="The web app builds or updates the multilingual (e5) index in the "
        "background once its models are loaded (10 to 14 minutes for the reference corpus on 2 "
        "cores), answering English questions meanwhile; false leaves it to `karigar "
        "index-multilingual`.",
    )
    chat_timeout_seconds: float = Field(
        default=120.0,
        gt=0,
        description="How long an answer from the openai or ollama server may take before the "
        "question fails with a message.",
    )
    multilingual: bool = Field(
        default=False,
        description="Build the multilingual (e5) index on ingest, for questions in Hindi, "
        "Assamese or Bengali. Once built, every ingest keeps it in step.",
    )
    eval_results_dir: Path = Field(
        default=PROJECT_ROOT / "eval" / "results",
        description="Where `karigar eval` writes its dated reports (the web app shows the latest).",
    )
    max_file_mb: float = Field(default=200.0, gt=0, description="Larger files are refused.")
    max_pages: int = Field(
        default=5000, gt=0, description="A PDF with more pages is refused, before it is read."
    )
    max_page_chars: int = Field(
        default=5_000_000,
        gt=0,
        description="Longest page a file may yield (a text, HTML or JSON file is one page).",
    )
    max_chunks: int = Field(default=20_000, gt=0, description="Most passages one file may yield.")
    max_json_depth: int = Field(
        default=64, gt=0, description="Deepest nesting a scheme JSON file may have."
    )
    max_file_seconds: float = Field(
        default=1800.0,
        gt=0,
        description="Reading, OCR and chunking of one file stop after this; the batch goes on.",
    )
    max_parse_mb: int = Field(
        default=4096,
        ge=256,
        description="Memory the worker process that reads a file may take (address space).",
    )
    parse_in_worker: bool = Field(
        default=True,
        description="Read each file in a worker process that can be stopped (the limits above "
        "hold there); false reads in the ingest's own process, for debugging.",
    )
    ingest_workers: int = Field(
        default=1,
        ge=1,
        description="Processes that read, OCR and embed files side by side: 1 does it all in "
        "the ingest's own process (no Ray needed); more fans the files out over Ray workers "
        "(the `ray` extra), while this process alone writes the store.",
    )
    ray_address: str = Field(
        default="",
        description="The Ray cluster the workers run on ('auto', or 'ray://host:10001' for "
        "several machines); empty starts a local one with `ingest_workers` workers for the run.",
    )
    max_question_chars: int = Field(
        default=2000, ge=100, description="Longer questions are refused with a message."
    )
    max_prefix_chars: int = Field(
        default=300,
        ge=40,
        description="Longest title, section or table header carried with each chunk (and "
        "embedded with it); longer ones are cut. The reference corpus's longest is 217.",
    )
    progress: bool = Field(default=True, description="Show progress bars on the terminal.")

    @field_validator(
        "corpus_dir", "data_dir", "rules_dir", "model_cache_dir", "eval_results_dir", mode="after"
    )
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def ocr_cache_dir(self) -> Path:
        return self.data_dir / "ocr-cache"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and `overrides`); a value that does not parse is a
    ConfigError naming its variable, not a validation traceback."""
    from pydantic import ValidationError

    from retrieval.core.errors import ConfigError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"KARIGAR_{'_'.join(str(p) for p in e['loc']).upper()}={e.get('input')!r}: {e['msg']}"
            for e in exc.errors()
        )
        raise ConfigError(f"a setting is wrong: {problems}") from exc
