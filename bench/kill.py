"""SIGKILL an ingest at random moments of its writing, rerun it, and compare the store with a
clean run's, trial after trial.

    .venv/bin/python -m bench.kill [TRIALS] [SEED]     # default 20 trials, a fresh seed

The corpus is the test suite's small real one (two seeds, a PDF, two scheme records, from
../shared/corpus). Each trial kills `python -m tests.killed_ingest watch` from outside, at a
moment drawn from a whole run (half the time inside a file's writing, from its embedding to its
completion: windows too short to be hit often otherwise), then ingests again in this process and
compares every record, chunk and page with the clean run. `make test` runs 5 such trials
with a fixed seed (`tests/test_kill.py`). Prints each trial and the count that survived.
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from ingest.pipeline import Ingestor
from retrieval.core.embeddings import embedder_for
from retrieval.core.settings import PROJECT_ROOT, Settings, load_settings
from tests.killed_ingest import kill_moment, watched_run
from tests.test_kill import _snapshot

FILES = (
    "seeds/indian-sme-clusters-overview.txt",
    "seeds/jk-handicrafts-msme-ramp-review.txt",
    "pdf/PMEGP_Second_Loan_Guidelines_MoMSME_2018.pdf",
    "schemes/Atal_Pension_Yojana.json",
    "schemes/Advanced_Training_in_Handicrafts.json",
)


def main() -> int:
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else int(time.time())
    source = Path(os.environ.get("KARIGAR_CORPUS_DIR", PROJECT_ROOT.parent / "shared" / "corpus"))
    work = Path(tempfile.mkdtemp(prefix="karigar-kill-"))
    corpus = work / "corpus"
    for rel in FILES:
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / rel, corpus / rel)
    embedder = embedder_for(load_settings())
    clean = Settings(corpus_dir=corpus, data_dir=work / "clean", progress=False)
    Ingestor(clean, embedder).run()
    expected = _snapshot(clean, embedder)
    last, timeline = watched_run(corpus, work / "whole", None)
    assert last == "finished", last
    print(
        f"seed {seed}; a whole run goes on for {timeline[-1][0]:.1f} s after its first step; "
        "half the kills anywhere in it, half inside a file's writing"
    )
    rng = random.Random(seed)
    survived, where = 0, Counter()
    for trial in range(1, trials + 1):
        data = work / f"trial{trial}"
        at = kill_moment(rng, timeline)
        step, _ = watched_run(corpus, data, at)
        where[step] += 1
        settings = Settings(corpus_dir=corpus, data_dir=data, progress=False)
        report = Ingestor(settings, embedder).run()
        same = report.exit_code == 0 and _snapshot(settings, embedder) == expected
        survived += same
        outcome = "identical to a clean run" if same else "DIFFERS"
        print(
            f"trial {trial:2}: killed {at:5.2f} s in, after step {step!r}; "
            f"recovered {len(report.recovered)}; {outcome}"
        )
        shutil.rmtree(data, ignore_errors=True)
    print(f"{survived} of {trials} trials left a store identical to a clean run")
    print("last step before the kill: " + ", ".join(f"{k} {v}" for k, v in where.most_common()))
    shutil.rmtree(work, ignore_errors=True)
    return 0 if survived == trials else 1


if __name__ == "__main__":
    raise SystemExit(main())
