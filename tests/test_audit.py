"""The dependency audit CI prints (`.ci/audit.py`): what pip-audit checked, what it found,
and what it could not check, never "no known vulnerabilities" when nothing was checked."""

from __future__ import annotations

import importlib.util

from retrieval.core.settings import PROJECT_ROOT

_spec = importlib.util.spec_from_file_location("ci_audit", PROJECT_ROOT / ".ci" / "audit.py")
assert _spec and _spec.loader
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)


def test_a_vulnerability_found_is_named_with_its_fix_and_fails_the_run():
    report = {
        "dependencies": [
            {"name": "jinja2", "version": "2.10", "vulns": [
                {"id": "GHSA-462w-v97r-4m45", "fix_versions": ["2.10.1"]}]},
            {"name": "numpy", "version": "2.3.0", "vulns": []},
            {"name": "mirror-only", "skip_reason": "Dependency not found on PyPI and could "
             "not be audited: mirror-only (1.0)"},
        ]
    }  # fmt: skip
    lines, found = audit.summarise(report)
    assert found == 1
    assert lines[0] == "pip-audit: 2 of 3 packages audited, 1 known vulnerabilities"
    assert "  jinja2 2.10: GHSA-462w-v97r-4m45 (fixed in 2.10.1)" in lines
    assert "  not audited, 1: Dependency not found on PyPI and could not be audited" in lines
    assert not any("no clean bill" in line for line in lines)


def test_the_real_tool_s_report_says_what_it_could_and_could_not_audit(tmp_path):
    """pip-audit itself, on one old pinned package: where its service answers, the package
    is audited (and this old version has known vulnerabilities); where it does not know the
    version or cannot be reached, the report says nothing was audited, never a clean bill."""
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("jinja2==2.10\n", "utf-8")
    lines, found = audit.audit(requirements)
    if lines[0].startswith("pip-audit could not run"):  # the service unreachable
        assert found == 0 and lines[0].endswith("nothing audited")
        return
    audited = int(lines[0].split()[1])
    assert lines[0].endswith(f"{found} known vulnerabilities")
    if audited:
        assert found >= 1
    else:
        assert found == 0 and "no clean bill" in lines[-1]
