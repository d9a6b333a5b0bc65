"""`python -m tests.killed_ingest STEP N`: an ingest of KARIGAR_CORPUS_DIR into
KARIGAR_DATA_DIR that SIGKILLs itself the N-th time it reaches STEP (see
`ingest.pipeline.StepObserver`), as a power cut would. Used by `tests/test_kill.py`.

`python -m tests.killed_ingest hold STEP`: the same ingest, that stops at the first STEP,
prints "holding" and goes on only once its standard input closes (an ingest caught mid-write,
for `tests/test_data_safety.py`).

`python -m tests.killed_ingest watch`: the same ingest, printing a line as it reaches each
step, so that another process can kill it at a random moment once it writes
(`tests/test_kill.py`, `bench/kill.py`)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from ingest.pipeline import Ingestor
from retrieval.core.settings import Settings


def main(step: str, arg: str) -> None:
    """`step` is "watch", "hold" (then `arg` is the step to hold at) or a step to be killed
    at (then `arg` is the how-many-th time)."""
    reached = 0

    def observe(name: str, _path: str) -> None:
        nonlocal reached
        if step == "watch":
            print(name, flush=True)
            return
        if step == "hold":
            if name == arg and not reached:
                reached = 1
                print("holding", flush=True)
                sys.stdin.read()
            return
        if name == step:
            reached += 1
            if reached == int(arg):
                os.kill(os.getpid(), signal.SIGKILL)

    if step in ("watch", "hold"):
        print("start", flush=True)
    Ingestor(Settings(progress=False), on_step=observe).run()
    if step in ("watch", "hold"):
        print("finished", flush=True)


def watched_run(
    corpus_dir: Path, data_dir: Path, kill_after: float | None
) -> tuple[str, list[tuple[float, str]]]:
    """Run `watch` over the folders; with `kill_after`, SIGKILL it (from outside, wherever it
    is) that many seconds after its first step, when it begins to write. (The last step it
    printed; every step with its seconds since the first.)"""
    env = os.environ | {"KARIGAR_CORPUS_DIR": str(corpus_dir), "KARIGAR_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.killed_ingest", "watch"],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    steps: list[tuple[float, str]] = []
    writing = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            steps.append((time.perf_counter(), line.strip()))
            if steps[-1][1] != "start":
                writing.set()
        writing.set()  # ended (or died) before any step

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    writing.wait(timeout=600)
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=600)
    reader.join(timeout=10)
    assert steps[:1] and steps[0][1] == "start", f"the ingest did not start: {steps}"
    began = steps[1][0] if len(steps) > 1 else steps[0][0]
    return steps[-1][1], [(t - began, name) for t, name in steps[1:]]


def kill_moment(rng: random.Random, timeline: list[tuple[float, str]]) -> float:
    """A moment to kill at, drawn from a whole run's `timeline`: half the time anywhere in the
    run, half the time inside a file's writing (from its "embedded" step to its "complete"),
    windows that are short beside parsing and embedding and would be rarely hit otherwise."""
    end = timeline[-1][0]
    windows, opened = [], None
    for t, name in timeline:
        if name == "embedded":
            opened = t
        elif name == "complete" and opened is not None:
            windows.append((opened, t + 0.05))
            opened = None
    if not windows or rng.random() < 0.5:
        return rng.uniform(0, end)
    start, stop = rng.choice(windows)
    return rng.uniform(start, stop)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "")
