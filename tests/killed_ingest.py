"""`python -m tests.killed_ingest STEP N`: an ingest of KARIGAR_CORPUS_DIR into
KARIGAR_DATA_DIR that SIGKILLs itself the N-th time it reaches STEP (see
`ingest.pipeline.StepObserver`), as a power cut would. Used by `tests/test_kill.py`."""

from __future__ import annotations

import os
import signal
import sys

from ingest.pipeline import Ingestor
from retrieval.core.settings import Settings


def main(step: str, n: int) -> None:
    reached = 0

    def observe(name: str, _path: str) -> None:
        nonlocal reached
        if name == step:
            reached += 1
            if reached == n:
                os.kill(os.getpid(), signal.SIGKILL)

    Ingestor(Settings(progress=False), on_step=observe).run()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
