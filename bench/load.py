"""Many people asking at once while an ingest writes: askers sharing one answer chain (as
the web app's sessions share one) for a while, with `karigar ingest` of other documents
running in another process beside them; over a copy of the store, embedded and through a
Chroma server (`chroma run`).

    .venv/bin/python -m bench.load [--seconds 120] [--askers 8] [--mode both|embedded|server]

Needs the reference corpus ingested into KARIGAR_DATA_DIR (`make run` or `karigar ingest`);
the store itself is not touched (a copy is used). The questions are the project's English
evaluation questions; each is first asked alone, one after another, and every answer given
under load must be the same (text, sources and pages) as the one asked alone, before the
ingest or after it. The documents the other process ingests are off the corpus's subject
(the descriptions of the installed Python packages, real prose); they change the words'
statistics, so an answer may move with them, but never to a third answer: one that differs
from both is reported with its question. Prints errors, answers compared, p50 and p95
seconds alone and under load, for each mode. Exit code 1 on any error or such answer.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from email.parser import Parser
from importlib import metadata
from pathlib import Path

from bench.answer_latency import percentile
from retrieval.answer.chain import Query
from retrieval.core.settings import PROJECT_ROOT, Settings
from retrieval.parts import open_parts

QUESTION_FILES = ("eval_set.jsonl", "retrieval_gold.jsonl")


def questions(n: int) -> list[str]:
    asked: list[str] = []
    for name in QUESTION_FILES:
        for line in (PROJECT_ROOT / "eval" / "questions" / name).read_text("utf-8").splitlines():
            if line.strip():
                asked.append(json.loads(line)["question"])
    return asked[:n]


def other_documents(folder: Path, n: int) -> int:
    """`n` Markdown files, each an installed package's own description: real text, not about
    MSMEs, so nothing a question here asks."""
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for dist in sorted(metadata.distributions(), key=lambda d: d.metadata["Name"] or ""):
        raw = dist.read_text("METADATA") or ""
        body = Parser().parsestr(raw).get_payload()
        if not isinstance(body, str) or len(body) < 4000:
            continue
        name = (dist.metadata["Name"] or "package").replace("/", "_")
        (folder / f"{name}.md").write_text(f"# {name}\n\n{body}", "utf-8")
        written += 1
        if written == n:
            break
    return written


def signature(answer) -> tuple:
    return (
        answer.abstained,
        answer.text,
        tuple((c.path, c.page) for c in answer.citations),
    )


def run_mode(mode: str, source: Settings, work: Path, asked: list[str], args) -> bool:
    data = work / f"data-{mode}"
    shutil.copytree(source.data_dir, data, ignore=shutil.ignore_patterns("ingest.lock"))
    server = None
    env_server: dict[str, str] = {}
    settings = source.model_copy(update={"data_dir": data, "progress": False})
    if mode == "server":
        from tests.test_server import _free_port, start_chroma

        port = _free_port()
        server = start_chroma(data / "chroma", port, work / f"chroma-{mode}.log")
        settings = settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": port})
        env_server = {"KARIGAR_CHROMA_HOST": "127.0.0.1", "KARIGAR_CHROMA_PORT": str(port)}
    try:
        parts = open_parts(settings)
        chain = parts.chain()
        parts.warm()
        alone: dict[str, tuple] = {}
        alone_times: list[float] = []
        for q in asked:
            started = time.perf_counter()
            alone[q] = signature(chain.answer(Query(q)))
            alone_times.append(time.perf_counter() - started)
        folder = work / f"other-{mode}"
        written = other_documents(folder, args.documents)
        ingest = subprocess.Popen(
            [sys.executable, "-m", "ingest", str(folder), "--no-progress"],
            env={
                **os.environ,
                "KARIGAR_DATA_DIR": str(data),
                "KARIGAR_CORPUS_DIR": str(settings.corpus_dir),
                **env_server,
            },
            cwd=PROJECT_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        lock = threading.Lock()
        times: list[float] = []
        errors: list[str] = []
        differing: list[tuple[str, tuple]] = []
        during_ingest = 0
        stop_at = time.monotonic() + args.seconds

        def asker(seed: int) -> None:
            nonlocal during_ingest
            rng = random.Random(seed)
            while time.monotonic() < stop_at:
                q = rng.choice(asked)
                writing = ingest.poll() is None
                started = time.perf_counter()
                try:
                    got = signature(chain.answer(Query(q)))
                except Exception as exc:  # what this bench is looking for
                    with lock:
                        errors.append(f"{q[:60]}: {type(exc).__name__}: {exc}"[:300])
                    continue
                took = time.perf_counter() - started
                with lock:
                    times.append(took)
                    during_ingest += writing and ingest.poll() is None
                    if got != alone[q]:
                        differing.append((q, got))

        threads = [threading.Thread(target=asker, args=(i,)) for i in range(args.askers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        _, stderr = ingest.communicate(timeout=1800)
        # asked alone again over the store as the ingest left it: the new documents change
        # the words' statistics, so an answer may move with them; that is not a fault
        after = {q: signature(chain.answer(Query(q))) for q in {q for q, _ in differing}}
        wrong = [(q, got) for q, got in differing if got != after[q]]
        print(
            f"{mode}: {args.askers} askers for {args.seconds} s, {len(asked)} questions; "
            f"ingest of {written} other documents beside them exited {ingest.returncode}"
            + (f" ({stderr.strip().splitlines()[-1]})" if ingest.returncode and stderr else "")
        )
        print(
            f"  {len(times)} answers ({during_ingest} while the ingest ran), "
            f"{len(errors)} errors, {len(differing)} differing from the answer asked alone "
            f"before, of which {len(wrong)} also from the one asked alone after"
        )
        print(
            f"  seconds per answer: alone p50 {percentile(alone_times, 0.5):.2f} / p95 "
            f"{percentile(alone_times, 0.95):.2f}; under load p50 {percentile(times, 0.5):.2f} / "
            f"p95 {percentile(times, 0.95):.2f}; throughput {len(times) / args.seconds:.1f} "
            "answers/s"
        )
        for e in errors[:5]:
            print(f"  error: {e}")
        for q, got in wrong[:3]:
            print(f"  differs from both: {q}\n    under load: {got}\n    alone: {alone[q]}")
        return not errors and not wrong and ingest.returncode == 0
    finally:
        if server is not None:
            from tests.test_server import stop_chroma

            stop_chroma(server)
        shutil.rmtree(data, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--askers", type=int, default=8)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--documents", type=int, default=30)
    parser.add_argument("--mode", choices=("both", "embedded", "server"), default="both")
    args = parser.parse_args()
    source = Settings()
    if not (source.data_dir / "chroma").exists():
        print(f"no store in {source.data_dir}: run `karigar ingest` first")
        return 2
    asked = questions(args.questions)
    work = Path(tempfile.mkdtemp(prefix="karigar-load-"))
    try:
        modes = ("embedded", "server") if args.mode == "both" else (args.mode,)
        ok = [run_mode(mode, source, work, asked, args) for mode in modes]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(ok) else 1


if __name__ == "__main__":
    raise SystemExit(main())
