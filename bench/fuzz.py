"""A longer fuzz run of the properties in `tests/test_fuzz.py`, with fresh random seeds.

    .venv/bin/python -m bench.fuzz [EXAMPLES]     # default 2000 examples per property

`make test` runs the same properties with 60 examples and a fixed seed. A failure prints
the smallest input Hypothesis found; add it to the test as an `@example` once mended.
"""

from __future__ import annotations

import os
import subprocess
import sys

from retrieval.core.settings import PROJECT_ROOT


def main() -> int:
    examples = sys.argv[1] if len(sys.argv) > 1 else "2000"
    env = dict(os.environ, KARIGAR_FUZZ_EXAMPLES=examples, KARIGAR_FUZZ_RANDOM="1")
    command = [sys.executable, "-m", "pytest", "tests/test_fuzz.py", "-q", "-p", "no:cacheprovider"]
    return subprocess.call(command, cwd=PROJECT_ROOT, env=env)


if __name__ == "__main__":
    raise SystemExit(main())
