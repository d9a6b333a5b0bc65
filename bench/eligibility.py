"""Speed of an eligibility check, against the 200 ms the rules issue allows.

    .venv/bin/python -m bench.eligibility [--repeat 20]

Loads the rules once (OpenFisca parses corpus/rules/parameters), then checks the hand-worked
profiles of tests/test_eligibility.py, each `--repeat` times, and prints the load time and
p50/p95 of one check, as a share of 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time

from retrieval.answer.eligibility import check
from retrieval.answer.eligibility.system import rules_system
from retrieval.core.settings import Settings
from tests.test_eligibility import PMEGP_CASES

TARGET_S = 0.2


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    settings = Settings()
    started = time.perf_counter()
    rules_system(settings.rules_dir)
    print(f"rules load: {(time.perf_counter() - started) * 1000:.0f} ms (once per process)")
    times = []
    for _ in range(args.repeat):
        for case in PMEGP_CASES:
            mark = time.perf_counter()
            check(case[1], settings)
            times.append(time.perf_counter() - mark)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"{len(times)} checks: p50 {p50 * 1000:.1f} ms ({p50 / TARGET_S:.3f} of 200 ms), "
        f"p95 {p95 * 1000:.1f} ms ({p95 / TARGET_S:.3f} of 200 ms)"
    )


if __name__ == "__main__":
    main()
