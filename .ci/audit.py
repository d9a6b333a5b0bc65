"""The installed packages checked for known vulnerabilities (pip-audit), as CI reports them.

    .venv/bin/python .ci/audit.py          # `make audit`; `.ci/run` runs it after the tests

Every package of this environment but Karigar itself is looked up in the vulnerability
service pip-audit uses (PyPI's). The report says how many were audited, the known
vulnerabilities of those, and why the others could not be: a package the service does not
know (an internal mirror's build, say) is not audited, and a run where nothing could be
audited says so instead of "no known vulnerabilities". Exit 1 only when a vulnerability is
found; a service that cannot be reached is reported, not failed on (CI may run offline).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

TIMEOUT_S = 600


def summarise(report: dict) -> tuple[list[str], int]:
    """The lines to print for pip-audit's JSON report, and the vulnerabilities found."""
    deps = report.get("dependencies", [])
    audited = [d for d in deps if "skip_reason" not in d]
    found = [(d, v) for d in audited for v in d.get("vulns", [])]
    lines = [f"pip-audit: {len(audited)} of {len(deps)} packages audited, {len(found)} known "
             f"vulnerabilities"]  # fmt: skip
    for d, v in found:
        fixed = ", ".join(v.get("fix_versions", [])) or "no fixed version yet"
        lines.append(f"  {d['name']} {d.get('version', '')}: {v.get('id')} (fixed in {fixed})")
    skipped = Counter(d["skip_reason"].split(":")[0] for d in deps if "skip_reason" in d)
    for reason, n in skipped.most_common():
        lines.append(f"  not audited, {n}: {reason}")
    if deps and not audited:
        lines.append(
            "  nothing could be audited, so this is no clean bill: the service does not know "
            "these packages' versions (installed from a mirror?); run it where PyPI is reached"
        )
    return lines, len(found)


def audit(requirements: Path) -> tuple[list[str], int]:
    """pip-audit over a requirements file: the report's lines and the vulnerabilities found
    (0 with a line saying why when it could not run)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        try:
            run = subprocess.run(
                [sys.executable, "-m", "pip_audit", "-r", str(requirements), "--no-deps",
                 "--progress-spinner", "off", "-f", "json", "-o", str(out)],
                capture_output=True, text=True, timeout=TIMEOUT_S,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            return [f"pip-audit: no answer within {TIMEOUT_S} s; nothing audited"], 0
        if not out.exists():
            last = (run.stderr.strip().splitlines() or ["no output"])[-1]
            return [f"pip-audit could not run ({last}); nothing audited"], 0
        return summarise(json.loads(out.read_text("utf-8")))


def main() -> int:
    frozen = subprocess.run(
        [sys.executable, "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text(frozen, "utf-8")
        lines, found = audit(requirements)
    print("\n".join(lines))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
