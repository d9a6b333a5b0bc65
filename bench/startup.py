"""How long the store and models take to load, as the app loads them (`ui.web.warm_and_settle`:
the lexical index, the scheme finder, the embedding model, the extractive chain), in a fresh
interpreter for each embedding runtime, against torch (the reference) in the same run.

    .venv/bin/python -m bench.startup [--runs 3]

The store is the one in `KARIGAR_DATA_DIR` (run `karigar ingest` first). Each run is a new
process, so imports are counted; the median of `--runs` is printed per step and in all.
The target (issue 15): store and models loaded in under 5 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

TARGET_S = 5.0

_ONE = """
import json, sys, time
started = time.perf_counter()
marks = []
from retrieval.core.settings import Settings
from retrieval.parts import open_parts
from ui.web import warm_and_settle
marks.append(("imports", time.perf_counter()))
parts = open_parts(Settings(embedding_backend=sys.argv[1]))
names = parts.WARM_STEPS
def step(i, name):
    marks.append((names[i - 1] if i else "store opened", time.perf_counter()))
warm_and_settle(parts, step)
marks.append((names[-1], time.perf_counter()))
out, last = {}, started
for name, at in marks:
    out[name] = at - last
    last = at
out["all"] = last - started
out["torch imported"] = "torch" in sys.modules
print(json.dumps(out))
"""


def one(backend: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _ONE, backend], capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"the {backend} run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = {b: [one(b) for _ in range(args.runs)] for b in ("torch", "onnx")}
    steps = [k for k in results["torch"][0] if k not in ("all", "torch imported")]
    print(f"seconds, median of {args.runs} fresh processes each\n")
    print(f"{'step':<40}{'torch':>8}{'onnx':>8}")
    for name in [*steps, "all"]:
        t, o = (statistics.median(r[name] for r in results[b]) for b in ("torch", "onnx"))
        print(f"{name:<40}{t:>8.2f}{o:>8.2f}")
    t_all = statistics.median(r["all"] for r in results["torch"])
    o_all = statistics.median(r["all"] for r in results["onnx"])
    print(
        f"\nonnx / torch: {o_all / t_all:.2f}x the time; onnx {o_all:.1f} s against the "
        f"target {TARGET_S:.0f} s; torch imported by the onnx runs: "
        f"{any(r['torch imported'] for r in results['onnx'])}"
    )


if __name__ == "__main__":
    main()
