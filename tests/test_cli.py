"""The `karigar` command line: exit codes, the report table, search output, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from ui.cli import app

runner = CliRunner()


@pytest.fixture
def env(make_settings, mini_corpus, embedder):
    settings = make_settings(corpus_dir=mini_corpus)
    return {
        "KARIGAR_CORPUS_DIR": str(mini_corpus),
        "KARIGAR_DATA_DIR": str(settings.data_dir),
        "COLUMNS": "200",
    }


def test_ingest_reports_failures_and_exits_1(env, mini_corpus):
    (mini_corpus / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage")
    result = runner.invoke(app, ["ingest", "--no-progress"], env=env)
    assert result.exit_code == 1, result.output
    assert "broken.pdf" in result.output and "failed" in result.output
    assert "5 added" in result.output and "1 failed" in result.output

    again = runner.invoke(app, ["ingest", "--no-progress", "--json"], env=env)
    report = json.loads(again.output)
    assert again.exit_code == 1
    assert report["counts"]["unchanged"] == 5 and report["counts"]["failed"] == 1
    assert report["chunks_embedded"] == 0


def test_search_prints_passages_with_their_source(env):
    assert runner.invoke(app, ["ingest", "--no-progress"], env=env).exit_code == 0
    result = runner.invoke(
        app, ["search", "pension for workers of the unorganised sector"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "[1] Atal Pension Yojana" in result.output
    as_json = runner.invoke(
        app,
        [
            "search",
            "second loan to PMEGP units",
            "--json",
            "--k",
            "2",
            "--filter",
            "doc_type=scheme_guideline",
        ],
        env=env,
    )
    rows = json.loads(as_json.output)
    assert len(rows) == 2
    assert all(
        r["doc"]["path"].endswith("PMEGP_Second_Loan_Guidelines_MoMSME_2018.pdf") for r in rows
    )
    assert all(r["page"] >= 1 and r["text"] for r in rows)
    status = runner.invoke(app, ["status"], env=env)
    assert "5 documents" in status.output and "all-MiniLM-L6-v2" in status.output
    assert "int8 on onnxruntime" in " ".join(status.output.split())
    torch = runner.invoke(app, ["status"], env={**env, "KARIGAR_EMBEDDING_BACKEND": "torch"})
    assert "run by torch" in " ".join(torch.output.split())


def test_errors_are_one_clear_line_with_exit_2(env, tmp_path):
    missing = runner.invoke(app, ["ingest", str(tmp_path / "nowhere")], env=env)
    assert missing.exit_code == 2
    assert "does not exist" in missing.output and "Traceback" not in missing.output
    bad_filter = runner.invoke(app, ["search", "x", "--filter", "oops"], env=env)
    assert bad_filter.exit_code == 2 and "key=value" in bad_filter.output
    empty = runner.invoke(app, ["search", "anything"], env=env)
    assert empty.exit_code == 2 and "karigar ingest" in empty.output
    for command in (["status"], ["ingest"], ["eval", "--selection", "ci"]):
        bad_port = runner.invoke(app, command, env=env | {"KARIGAR_CHROMA_PORT": "abc"})
        assert bad_port.exit_code == 2, (command, bad_port.output)
        assert "KARIGAR_CHROMA_PORT='abc'" in bad_port.output and "Traceback" not in bad_port.output


def test_python_dash_m_entry_points_work(env):
    for module in ("ingest", "ui"):
        done = subprocess.run(
            [sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert "Usage" in done.stdout
