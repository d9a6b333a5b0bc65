"""One formatting rule, checked: `ruff format` lays the code out and `ruff check` lints it
(line length 100, pyproject.toml). A change that is not formatted fails here."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

from retrieval.core.settings import PROJECT_ROOT
from tests.conftest import require

FOLDERS = ["retrieval", "ingest", "ui", "eval", "tests", "bench"]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    require(importlib.util.find_spec("ruff") is not None, "ruff (pip install -e '.[dev]')")
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *FOLDERS],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_is_formatted_by_ruff_format():
    done = _ruff("format", "--check")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_code_passes_ruff_check():
    done = _ruff("check")
    assert done.returncode == 0, done.stdout + done.stderr
