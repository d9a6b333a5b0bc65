"""The layers of the design, enforced: every module's imports (at the top, inside functions and
under TYPE_CHECKING alike) read from its source and checked against the table below."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from retrieval.core.settings import PROJECT_ROOT

# package -> the packages it may import (itself included)
PACKAGES = {
    "retrieval": {"retrieval"},
    "ingest": {"retrieval", "ingest"},
    "eval": {"retrieval", "ingest", "eval"},
    "ui": {"retrieval", "ingest", "eval", "ui"},
}
# inside retrieval: the shared core, search, answering, and the module that wires them
RETRIEVAL_LAYERS = {
    "core": {"core"},
    "search": {"core", "search"},
    "answer": {"core", "search", "answer"},
    "parts": {"core", "search", "answer", "parts"},
    "__init__": {"core", "search", "answer", "parts"},
}


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `source`; relative imports are
    reported as '.' + their module so the check refuses them (the project uses none)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            if node.module is None and node.level == 0:
                continue
            names = [
                f"{base}.{a.name}" if node.module in ("retrieval",) else base for a in node.names
            ]
            found += [(node.lineno, name) for name in names]
    return found


def violations(package: str, layer: str | None, source: str) -> list[str]:
    """The imports in a module of `package` (and, in retrieval, of `layer`) that the tables
    forbid."""
    bad = []
    for line, name in imported_modules(source):
        if name.startswith("."):
            bad.append(f"line {line}: relative import {name}")
            continue
        top = name.split(".")[0]
        if top in PACKAGES and top not in PACKAGES[package]:
            bad.append(f"line {line}: {package} imports {name}")
        if package == "retrieval" and top == "retrieval" and layer is not None:
            parts = name.split(".")
            target = parts[1] if len(parts) > 1 else "__init__"
            if target in RETRIEVAL_LAYERS and target not in RETRIEVAL_LAYERS[layer]:
                bad.append(f"line {line}: retrieval.{layer} imports {name}")
    return bad


def _modules() -> list[tuple[str, str | None, Path]]:
    out = []
    for package in PACKAGES:
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            rel = path.relative_to(PROJECT_ROOT / package).parts
            layer = None
            if package == "retrieval":
                layer = rel[0] if len(rel) > 1 else Path(rel[0]).stem
            out.append((package, layer, path))
    return out


MODULES = _modules()


def test_every_package_and_layer_has_modules():
    assert {p for p, _, _ in MODULES} == set(PACKAGES)
    assert {layer for p, layer, _ in MODULES if p == "retrieval"} == set(RETRIEVAL_LAYERS)
    assert len(MODULES) > 40


@pytest.mark.parametrize(
    ("package", "layer", "path"),
    MODULES,
    ids=[str(p.relative_to(PROJECT_ROOT)) for _, _, p in MODULES],
)
def test_imports_follow_the_layers(package, layer, path):
    assert violations(package, layer, path.read_text("utf-8")) == []


def test_the_check_catches_each_kind_of_break():
    """The check itself: each forbidden shape, in a function body or at the top, is found."""
    assert violations("retrieval", "search", "from ingest.chunking import embedding_text")
    assert violations("retrieval", "core", "def f():\n    from retrieval.search import lexical")
    assert violations("retrieval", "core", "import retrieval.answer.chain")
    assert violations("retrieval", "search", "from retrieval import parts")
    assert violations("ingest", None, "from ui.cli import main")
    assert violations("eval", None, "import ui.cli")
    assert violations("ingest", None, "from . import chunking")
    assert not violations("ui", None, "from eval.cli import eval_command")
    assert not violations("retrieval", "answer", "from retrieval.search.ranking import order")
    assert not violations("ingest", None, "from retrieval.parts import open_parts")
